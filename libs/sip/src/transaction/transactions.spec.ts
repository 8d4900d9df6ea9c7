import fc from 'fast-check';
import { SipHeaders } from '../message/sip-headers';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from '../message/sip-message';
import type { SipEndpoint } from '../transport/sip-endpoint';
import { InviteClientTransaction, NonInviteClientTransaction } from './client-transactions';
import { InviteServerTransaction, NonInviteServerTransaction } from './server-transactions';
import { DEFAULT_TIMERS, ManualScheduler } from './timer-scheduler';
import { TransactionLayer } from './transaction-layer';

const udp: SipEndpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };
const tcp: SipEndpoint = { protocol: 'tcp', address: '192.0.2.10', port: 5060 };

function request(method: string, branch = 'z9hG4bKabc', transport = 'UDP'): SipRequest {
  return {
    kind: 'request',
    method,
    uri: 'sip:bob@192.0.2.20',
    headers: SipHeaders.from({
      via: `SIP/2.0/${transport} 192.0.2.10:5060;branch=${branch}`,
      from: '<sip:alice@192.0.2.10>;tag=a1',
      to: '<sip:bob@192.0.2.20>',
      'call-id': 'c1@192.0.2.10',
      cseq: `1 ${method}`,
      'max-forwards': '70',
    }),
    body: Buffer.alloc(0),
  };
}

function harness() {
  const scheduler = new ManualScheduler();
  const sent: { msg: SipMessage; at: number }[] = [];
  const ctx = { scheduler, timers: DEFAULT_TIMERS, send: (msg: SipMessage) => void sent.push({ msg, at: scheduler.now() }) };
  const tu = { responses: [] as SipResponse[], timeouts: 0, terminated: 0 };
  const user = { onResponse: (r: SipResponse) => void tu.responses.push(r), onTimeout: () => void tu.timeouts++ };
  return { scheduler, sent, ctx, tu, user, onTerminated: () => void tu.terminated++ };
}

const sendTimes = (sent: { msg: SipMessage; at: number }[], what: string): number[] =>
  sent.filter(({ msg }) => (msg.kind === 'request' ? msg.method : String(msg.status)) === what).map(({ at }) => at);

describe(InviteClientTransaction.name, () => {
  it('retransmits on timer A (doubling) and times out on timer B after 64*T1', () => {
    const h = harness();
    const sut = new InviteClientTransaction(h.ctx, request('INVITE'), udp, h.user, h.onTerminated);
    sut.start();
    h.scheduler.advance(40_000);

    expect(sendTimes(h.sent, 'INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(h.tu.timeouts).toBe(1);
    expect(sut.state).toBe('terminated');
  });

  it('does not retransmit over TCP', () => {
    const h = harness();
    new InviteClientTransaction(h.ctx, request('INVITE', 'z9hG4bKt', 'TCP'), tcp, h.user, h.onTerminated).start();
    h.scheduler.advance(10_000);

    expect(sendTimes(h.sent, 'INVITE')).toEqual([0]);
  });

  it('stops retransmitting on 1xx, ACKs a non-2xx itself, resends the ACK for its retransmission, ends after timer D', () => {
    const h = harness();
    const invite = request('INVITE');
    const sut = new InviteClientTransaction(h.ctx, invite, udp, h.user, h.onTerminated);
    sut.start();
    sut.receive(createResponse(invite, 180, { toTag: 'b1' }));
    h.scheduler.advance(5000);
    const busy = createResponse(invite, 486, { toTag: 'b1' });
    sut.receive(busy);
    sut.receive(busy);
    h.scheduler.advance(31_999);
    expect(sut.state).toBe('completed');
    h.scheduler.advance(1);

    expect(sendTimes(h.sent, 'INVITE')).toEqual([0]);
    const acks = h.sent.filter(({ msg }) => msg.kind === 'request' && msg.method === 'ACK').map(({ msg }) => msg as SipRequest);
    expect(acks).toHaveLength(2);
    expect(acks[0].headers.get('to')).toContain('tag=b1');
    expect(acks[0].headers.get('cseq')).toBe('1 ACK');
    expect(acks[0].headers.get('via')).toBe(invite.headers.get('via'));
    expect(h.tu.responses.map((r) => r.status)).toEqual([180, 486]);
    expect(sut.state).toBe('terminated');
  });

  it('hands a 2xx to the TU and terminates, leaving the ACK to the dialog', () => {
    const h = harness();
    const invite = request('INVITE');
    const sut = new InviteClientTransaction(h.ctx, invite, udp, h.user, h.onTerminated);
    sut.start();
    sut.receive(createResponse(invite, 200, { toTag: 'b1' }));

    expect(sut.state).toBe('terminated');
    expect(h.sent.filter(({ msg }) => msg.kind === 'request' && msg.method === 'ACK')).toHaveLength(0);
  });
});

describe(NonInviteClientTransaction.name, () => {
  it('retransmits on timer E capped at T2 and times out on timer F', () => {
    const h = harness();
    const sut = new NonInviteClientTransaction(h.ctx, request('OPTIONS'), udp, h.user, h.onTerminated);
    sut.start();
    h.scheduler.advance(33_000);

    expect(sendTimes(h.sent, 'OPTIONS')).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(h.tu.timeouts).toBe(1);
  });

  it('retransmits every T2 once proceeding, absorbs final retransmissions and ends after timer K', () => {
    const h = harness();
    const options = request('OPTIONS');
    const sut = new NonInviteClientTransaction(h.ctx, options, udp, h.user, h.onTerminated);
    sut.start();
    sut.receive(createResponse(options, 100));
    h.scheduler.advance(9000);
    expect(sendTimes(h.sent, 'OPTIONS')).toEqual([0, 500, 4500, 8500]);
    sut.receive(createResponse(options, 200, { toTag: 'x' }));
    sut.receive(createResponse(options, 200, { toTag: 'x' }));
    h.scheduler.advance(DEFAULT_TIMERS.t4);

    expect(h.tu.responses.map((r) => r.status)).toEqual([100, 200]);
    expect(sut.state).toBe('terminated');
  });
});

describe(InviteServerTransaction.name, () => {
  it('resends the last provisional for a retransmitted INVITE', () => {
    const h = harness();
    const invite = request('INVITE');
    const sut = new InviteServerTransaction(h.ctx, invite, udp, { onTerminated: h.onTerminated });
    sut.respond(createResponse(invite, 100));
    sut.receive(invite);

    expect(sendTimes(h.sent, '100')).toEqual([0, 0]);
  });

  it('retransmits a non-2xx on timer G until the ACK, then absorbs ACKs until timer I', () => {
    const h = harness();
    const invite = request('INVITE');
    const sut = new InviteServerTransaction(h.ctx, invite, udp, { onTerminated: h.onTerminated });
    sut.respond(createResponse(invite, 486, { toTag: 'b' }));
    h.scheduler.advance(4000);
    sut.receive(request('ACK'));
    h.scheduler.advance(1000);

    expect(sendTimes(h.sent, '486')).toEqual([0, 500, 1500, 3500]);
    expect(sut.state).toBe('confirmed');
    h.scheduler.advance(DEFAULT_TIMERS.t4);
    expect(sut.state).toBe('terminated');
  });

  it('gives up on timer H without an ACK and tells the TU', () => {
    const h = harness();
    const invite = request('INVITE');
    let ackTimeouts = 0;
    const sut = new InviteServerTransaction(h.ctx, invite, udp, { onTerminated: h.onTerminated, onAckTimeout: () => void ackTimeouts++ });
    sut.respond(createResponse(invite, 503));
    h.scheduler.advance(64 * 500);

    expect(ackTimeouts).toBe(1);
    expect(sut.state).toBe('terminated');
    expect(sendTimes(h.sent, '503').at(-1)).toBeLessThan(32_000);
  });

  it('absorbs INVITE retransmissions after a 2xx until timer L', () => {
    const h = harness();
    const invite = request('INVITE');
    const sut = new InviteServerTransaction(h.ctx, invite, udp, { onTerminated: h.onTerminated });
    sut.respond(createResponse(invite, 200, { toTag: 'b' }));
    sut.receive(invite);

    expect(sendTimes(h.sent, '200')).toEqual([0]);
    expect(sut.state).toBe('accepted');
    h.scheduler.advance(32_000);
    expect(sut.state).toBe('terminated');
  });
});

describe(NonInviteServerTransaction.name, () => {
  it('resends the final response for retransmissions and ends after timer J (at once over TCP)', () => {
    const h = harness();
    const bye = request('BYE');
    const sut = new NonInviteServerTransaction(h.ctx, bye, udp, { onTerminated: h.onTerminated });
    sut.respond(createResponse(bye, 200));
    sut.receive(bye);
    h.scheduler.advance(31_999);
    expect(sut.state).toBe('completed');
    h.scheduler.advance(1);
    expect(sut.state).toBe('terminated');
    expect(sendTimes(h.sent, '200')).toEqual([0, 0]);

    const overTcp = new NonInviteServerTransaction(h.ctx, request('BYE', 'z9hG4bKt', 'TCP'), tcp, { onTerminated: h.onTerminated });
    overTcp.respond(createResponse(bye, 200));
    h.scheduler.advance(0);
    expect(overTcp.state).toBe('terminated');
  });
});

describe(TransactionLayer.name, () => {
  function layerHarness() {
    const h = harness();
    const seen = { requests: [] as SipRequest[], acks: [] as SipRequest[], stray: [] as SipResponse[] };
    const sut = new TransactionLayer(h.ctx, {
      onRequest: (tx) => void seen.requests.push(tx.request),
      onAck: (r) => void seen.acks.push(r),
      onStrayResponse: (r) => void seen.stray.push(r),
    });
    return { ...h, seen, sut };
  }

  it('passes a request up once and absorbs its retransmissions', () => {
    const h = layerHarness();
    h.sut.receive(request('INVITE'), udp);
    h.sut.receive(request('INVITE'), udp);
    h.sut.receive(request('OPTIONS', 'z9hG4bKother'), udp);

    expect(h.seen.requests.map((r) => r.method)).toEqual(['INVITE', 'OPTIONS']);
  });

  it('matches a CANCEL to its INVITE and leaves ACKs for 2xx to the TU', () => {
    const h = layerHarness();
    h.sut.receive(request('INVITE'), udp);
    h.sut.receive(request('CANCEL'), udp);
    h.sut.receive(request('ACK', 'z9hG4bKnew'), udp);

    expect(h.sut.findInviteFor(request('CANCEL'))?.request.method).toBe('INVITE');
    expect(h.sut.findInviteFor(request('CANCEL', 'z9hG4bKunknown'))).toBeUndefined();
    expect(h.seen.acks).toHaveLength(1);
  });

  it('routes responses to their client transaction by branch and method; others are stray', () => {
    const h = layerHarness();
    const got: number[] = [];
    const options = request('OPTIONS', 'z9hG4bKc1');
    h.sut.sendRequest(options, udp, { onResponse: (r) => void got.push(r.status), onTimeout: () => undefined });
    h.sut.receive(createResponse(options, 200, { toTag: 't' }), udp);
    h.sut.receive(createResponse(request('OPTIONS', 'z9hG4bKc2'), 200, { toTag: 't' }), udp);

    expect(got).toEqual([200]);
    expect(h.seen.stray).toHaveLength(1);
  });

  it('for any interleaving of retransmissions, responses and time, sends only first final responses and cleans up', () => {
    const event = fc.oneof(
      fc.constant({ kind: 'retransmit' as const }),
      fc.constant({ kind: 'ack' as const }),
      fc.integer({ min: 100, max: 699 }).map((status) => ({ kind: 'respond' as const, status })),
      fc.integer({ min: 0, max: 10_000 }).map((ms) => ({ kind: 'wait' as const, ms })),
    );
    fc.assert(
      fc.property(fc.constantFrom('INVITE', 'OPTIONS'), fc.boolean(), fc.array(event, { maxLength: 30 }), (method, reliable, events) => {
        const h = harness();
        const source = reliable ? tcp : udp;
        const transport = reliable ? 'TCP' : 'UDP';
        const sentFinals: number[] = [];
        const txs: { tx: { respond(r: SipResponse): void }; firstFinal?: number }[] = [];
        const sut = new TransactionLayer(
          { ...h.ctx, send: (msg) => void (msg.kind === 'response' && msg.status >= 200 && sentFinals.push(msg.status)) },
          { onRequest: (tx) => void txs.push({ tx }), onAck: () => undefined, onStrayResponse: () => undefined },
        );
        sut.receive(request(method, 'z9hG4bKprop', transport), source);
        for (const e of events) {
          // After a transaction ended, a late retransmission is a new request to the TU (§17.2.3).
          if (e.kind === 'retransmit') sut.receive(request(method, 'z9hG4bKprop', transport), source);
          if (e.kind === 'ack' && method === 'INVITE') sut.receive(request('ACK', 'z9hG4bKprop', transport), source);
          if (e.kind === 'respond' && txs.length) {
            const current = txs[txs.length - 1];
            if (current.firstFinal === undefined && e.status >= 200) current.firstFinal = e.status;
            current.tx.respond(createResponse(request(method), e.status, { toTag: 'x' }));
          }
          if (e.kind === 'wait') h.scheduler.advance(e.ms);
        }
        const firstFinals = new Set(txs.map((t) => t.firstFinal).filter((s) => s !== undefined));
        expect(sentFinals.every((status) => firstFinals.has(status))).toBe(true);
        h.scheduler.advance(64 * DEFAULT_TIMERS.t1 + DEFAULT_TIMERS.t4);
        expect(sut.serverCount).toBe(txs.filter((t) => t.firstFinal === undefined).length);
        expect(h.scheduler.activeTimers).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
