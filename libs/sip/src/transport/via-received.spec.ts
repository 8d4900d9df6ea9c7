import { SipHeaders } from '../message/sip-headers';
import type { SipRequest } from '../message/sip-message';
import { responseDestination, stampReceived } from './via-received';

const request = (via: string): SipRequest => ({
  kind: 'request',
  method: 'OPTIONS',
  uri: 'sip:gw@198.51.100.1',
  headers: SipHeaders.from({ via: [via, 'SIP/2.0/UDP proxy.example;branch=z9hG4bKp'] }),
  body: Buffer.alloc(0),
});

describe(stampReceived.name, () => {
  it('adds received when the Via host is not the source address and fills an empty rport (RFC 3581)', () => {
    const sut = request('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport');
    stampReceived(sut, { protocol: 'udp', address: '203.0.113.9', port: 40123 });

    expect(sut.headers.getAll('via')).toEqual([
      'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport=40123;received=203.0.113.9',
      'SIP/2.0/UDP proxy.example;branch=z9hG4bKp',
    ]);
    expect(responseDestination(sut.headers.get('via') as string, { protocol: 'udp', address: '203.0.113.9', port: 40123 })).toEqual({
      protocol: 'udp',
      address: '203.0.113.9',
      port: 40123,
    });
  });

  it('leaves a truthful Via alone and answers to its sent-by port (5060 when absent)', () => {
    const sut = request('SIP/2.0/UDP 203.0.113.9;branch=z9hG4bKa');
    stampReceived(sut, { protocol: 'udp', address: '203.0.113.9', port: 5060 });

    expect(sut.headers.get('via')).toBe('SIP/2.0/UDP 203.0.113.9;branch=z9hG4bKa');
    expect(responseDestination(sut.headers.get('via') as string, { protocol: 'udp', address: '203.0.113.9', port: 33333 }).port).toBe(5060);
  });

  it('answers over the connection a TCP request came on', () => {
    const source = { protocol: 'tcp' as const, address: '203.0.113.9', port: 50000 };
    expect(responseDestination('SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bKa', source)).toBe(source);
  });
});
