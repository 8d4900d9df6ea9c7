import { SipHeaders } from '../message/sip-headers';
import { createResponse, type SipRequest } from '../message/sip-message';
import { Dialog } from './dialog';

const invite: SipRequest = {
  kind: 'request',
  method: 'INVITE',
  uri: 'sip:bob@192.0.2.20',
  headers: SipHeaders.from({
    via: 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa',
    from: '<sip:alice@192.0.2.10>;tag=a1',
    to: '<sip:bob@192.0.2.20>',
    'call-id': 'c1',
    cseq: '10 INVITE',
    contact: '<sip:alice@192.0.2.10:5070>',
    'record-route': ['<sip:p1.example;lr>', '<sip:p2.example;lr>'],
  }),
  body: Buffer.alloc(0),
};
const ok = createResponse(invite, 200, {
  toTag: 'b1',
  headers: { contact: '<sip:bob@192.0.2.20:5080>', 'record-route': invite.headers.getAll('record-route') },
});

describe(Dialog.name, () => {
  it('as UAS keeps the route set in order, targets the caller’s Contact and checks remote CSeq', () => {
    const sut = Dialog.asUas(invite, ok);
    const bye = sut.createRequest('BYE');

    expect(sut.id).toEqual({ callId: 'c1', localTag: 'b1', remoteTag: 'a1' });
    expect(bye.uri).toBe('sip:alice@192.0.2.10:5070');
    expect(bye.headers.getAll('route')).toEqual(['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    expect(bye.headers.get('from')).toContain('tag=b1');
    expect(bye.headers.get('to')).toContain('tag=a1');
    expect(sut.nextHop().host).toBe('p1.example');
    expect(sut.acceptRemoteSeq({ ...invite, method: 'BYE', headers: invite.headers.clone().set('cseq', '9 BYE') })).toBe(false);
    expect(sut.acceptRemoteSeq({ ...invite, method: 'BYE', headers: invite.headers.clone().set('cseq', '11 BYE') })).toBe(true);
  });

  it('as UAC reverses the route set and numbers requests after the INVITE', () => {
    const sut = Dialog.asUac(invite, ok);
    const bye = sut.createRequest('BYE');
    const ack = sut.createRequest('ACK', { seq: 10 });

    expect(sut.id).toEqual({ callId: 'c1', localTag: 'a1', remoteTag: 'b1' });
    expect(bye.headers.get('cseq')).toBe('11 BYE');
    expect(ack.headers.get('cseq')).toBe('10 ACK');
    expect(bye.uri).toBe('sip:bob@192.0.2.20:5080');
    expect(bye.headers.getAll('route')).toEqual(['<sip:p2.example;lr>', '<sip:p1.example;lr>']);
  });
});
