import fc from 'fast-check';
import { SipHeaders } from '../message/sip-headers';
import { type SipMessage, type SipRequest } from '../message/sip-message';
import { InviteServerTransaction } from '../transaction/server-transactions';
import { DEFAULT_TIMERS, ManualScheduler } from '../transaction/timer-scheduler';
import type { SipEndpoint } from '../transport/sip-endpoint';
import { ServerCall } from './server-call';
import type { SipCall } from './sip-call';
import type { UaCore } from './ua-core';

const caller: SipEndpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };

const invite: SipRequest = {
  kind: 'request',
  method: 'INVITE',
  uri: 'sip:100@198.51.100.1',
  headers: SipHeaders.from({
    via: 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa',
    from: '<sip:alice@192.0.2.10>;tag=a1',
    to: '<sip:100@198.51.100.1>',
    'call-id': 'c1',
    cseq: '1 INVITE',
    contact: '<sip:alice@192.0.2.10:5060>',
  }),
  body: Buffer.alloc(0),
};

/** A UaCore that records what the call sends, on virtual time. */
function fakeUa() {
  const scheduler = new ManualScheduler();
  const sent: { msg: SipMessage; at: number }[] = [];
  const record = (msg: SipMessage): void => void sent.push({ msg, at: scheduler.now() });
  const ua: UaCore = {
    scheduler,
    timers: DEFAULT_TIMERS,
    userAgentName: 'test',
    sendRaw: record,
    sendRequest: (request) => record(request),
    via: (protocol, branch) => `SIP/2.0/${protocol.toUpperCase()} 198.51.100.1:5060;branch=${branch}`,
    contact: () => '<sip:gw@198.51.100.1:5060>',
    localUri: (user) => `sip:${user}@198.51.100.1`,
    resolve: async (uri) => ({ protocol: 'udp', address: uri.host, port: uri.port ?? 5060 }),
    bindDialog: (_call: SipCall) => undefined,
    unbindDialog: (_call: SipCall) => undefined,
  };
  const tx = new InviteServerTransaction({ scheduler, timers: DEFAULT_TIMERS, send: record }, invite, caller, { onTerminated: () => undefined });
  return { ua, scheduler, sent, sut: new ServerCall(ua, tx, 'b1') };
}

const okTimes = (sent: { msg: SipMessage; at: number }[]): number[] =>
  sent.filter(({ msg }) => msg.kind === 'response' && msg.status === 200).map(({ at }) => at);

const ack = (): SipRequest => ({
  ...invite,
  method: 'ACK',
  headers: invite.headers.clone().set('cseq', '1 ACK').set('to', '<sip:100@198.51.100.1>;tag=b1').set('via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKack'),
});

describe(ServerCall.name, () => {
  it('retransmits its 200 at T1, 2T1, 4T1 … capped at T2, and hangs up with BYE after 64*T1 without an ACK', async () => {
    const { sut, scheduler, sent } = fakeUa();
    const ended: string[] = [];
    sut.on('ended', (e) => void ended.push(e.reason));
    sut.answer('v=0');
    scheduler.advance(64 * DEFAULT_TIMERS.t1);
    await new Promise((resolve) => setImmediate(resolve));

    expect(okTimes(sent)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(ended).toEqual(['ack-timeout']);
    const bye = sent.find(({ msg }) => msg.kind === 'request' && msg.method === 'BYE')?.msg as SipRequest;
    expect(bye.uri).toBe('sip:alice@192.0.2.10:5060');
    expect(bye.headers.get('from')).toContain('tag=b1');
  });

  it('stops retransmitting at the ACK, whenever it arrives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * DEFAULT_TIMERS.t1 - 1 }), (ackAt) => {
        const { sut, scheduler, sent } = fakeUa();
        const events: string[] = [];
        sut.on('ack', () => void events.push('ack'));
        sut.on('ended', (e) => void events.push(e.reason));
        sut.answer('v=0');
        scheduler.advance(ackAt);
        sut.handleAck(ack());
        const before = okTimes(sent).length;
        scheduler.advance(64 * DEFAULT_TIMERS.t1);

        expect(okTimes(sent)).toHaveLength(before);
        expect(okTimes(sent).every((at) => at <= ackAt)).toBe(true);
        expect(events).toEqual(['ack']);
        expect(sut.state).toBe('confirmed');
      }),
      { numRuns: 200 },
    );
  });

  it('answers a CANCEL before the answer with 487 and ignores answer() afterwards', () => {
    const { sut, sent } = fakeUa();
    sut.ringing();
    sut.handleCancel({ ...invite, method: 'CANCEL', headers: invite.headers.clone().set('cseq', '1 CANCEL') });
    sut.answer('v=0');

    expect(sent.map(({ msg }) => (msg.kind === 'response' ? msg.status : msg.method))).toEqual([180, 487]);
    expect(sut.state).toBe('ended');
  });
});
