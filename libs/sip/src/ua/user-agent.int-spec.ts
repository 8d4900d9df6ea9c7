import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, freeUdpPortBlock } from '@contactcenter/testing';
import { Registrar } from '../auth/registrar';
import { createResponse, type SipMessage, type SipRequest } from '../message/sip-message';
import { parseMessage } from '../message/sip-parser';
import { serializeMessage } from '../message/sip-serializer';
import { answerOffer, createOffer, readAnswer } from '../sdp/sdp-negotiation';
import { runSipp, SIPP_SCENARIOS, type SippOptions, type SippResult } from '../testing/sipp';
import { SipCallFailedError } from './client-call';
import type { ServerCall } from './server-call';
import { UserAgent } from './user-agent';

const scenario = (name: string): string => join(SIPP_SCENARIOS, `${name}.xml`);

describe(`${UserAgent.name} against sipp`, () => {
  let sut: UserAgent;
  let registrar: Registrar;
  const target = (): string => `127.0.0.1:${sut.port}`;

  async function sipp(options: Omit<SippOptions, 'controlPort' | 'mediaPort'>): Promise<SippResult> {
    return runSipp({ timeoutSec: 20, ...options, controlPort: await freePort(), mediaPort: await freeUdpPortBlock() }).done;
  }

  function expectPassed(result: SippResult, calls = 1): void {
    if (result.exitCode !== 0) throw new Error(`sipp exit ${result.exitCode}\n${result.errors}\n${result.output.slice(-3000)}`);
    expect(result).toMatchObject({ exitCode: 0, successful: calls, failed: 0 });
  }

  /** Answers every call after ringing and records each call's events in order. */
  function answeringCalls(): string[][] {
    const log: string[][] = [];
    sut.onInvite((call: ServerCall) => {
      const events: string[] = ['invite'];
      log.push(events);
      for (const name of ['ack', 'bye', 'cancel'] as const) call.on(name, () => void events.push(name));
      call.on('ended', (e) => void events.push(`ended:${e.reason}`));
      call.ringing();
      const { answer } = answerOffer(call.remoteSdp ?? '', { address: '127.0.0.1', port: 40_000 });
      setTimeout(() => call.answer(answer), 20);
    });
    return log;
  }

  beforeAll(async () => {
    registrar = new Registrar();
    sut = await UserAgent.start({
      host: '127.0.0.1',
      port: await freePort(),
      registrar: { realm: 'cc.test', registrar, lookupPassword: (user) => (user === '1001' ? 'secret' : undefined) },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  afterEach(() => sut.setOverloadGuard(() => false));

  it.each(['udp', 'tcp'] as const)('answers sipp’s UAC over %s: INVITE, 180, 200, ACK, BYE', async (transport) => {
    const log = answeringCalls();

    expectPassed(await sipp({ scenario: 'uac', remote: target(), transport }));
    expect(log).toEqual([['invite', 'ack', 'bye', 'ended:remote-bye']]);
    expect(sut.activeCalls).toBe(0);
  });

  it.each(['udp', 'tcp'] as const)('answers twenty concurrent sipp calls over %s', async (transport) => {
    const log = answeringCalls();

    expectPassed(await sipp({ scenario: 'uac', remote: target(), calls: 20, rate: 20, transport }), 20);
    expect(log.filter((events) => events.join() === 'invite,ack,bye,ended:remote-bye')).toHaveLength(20);
  });

  it.each(['udp', 'tcp'] as const)('calls sipp’s UAS over %s and hangs up', async (transport) => {
    const port = await freePort();
    const uas = runSipp({ scenario: 'uas', transport, localPort: port, controlPort: await freePort(), mediaPort: await freeUdpPortBlock(), timeoutSec: 20 });
    await uas.listening();

    const call = sut.invite(`sip:agent@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`, createOffer({ address: '127.0.0.1', port: 40_002 }));
    const progress: number[] = [];
    call.on('progress', (r) => void progress.push(r.status));
    const answered = await call.whenAnswered();
    const byeStatus = await call.bye();

    expect(answered.status).toBe(200);
    expect(progress).toContain(180);
    expect(call.remoteSdp).toContain('m=audio');
    expect(byeStatus).toBe(200);
    expectPassed(await uas.done);
  });

  it('takes DTMF by INFO and a hold re-INVITE from sipp inside the dialog', async () => {
    const events: string[] = [];
    sut.onInvite((call) => {
      call.on('ack', () => void events.push('ack'));
      call.on('info', (request) => void events.push(`info:${request.body.toString().split(/\r?\n/)[0]}`));
      call.on('reinvite', (reinvite) => {
        const { answer, session } = answerOffer(reinvite.sdp, { address: '127.0.0.1', port: 40_000, sessionVersion: 2 });
        events.push(`reinvite:${session.direction}`);
        reinvite.accept(answer);
      });
      call.on('ended', (e) => void events.push(`ended:${e.reason}`));
      call.answer(answerOffer(call.remoteSdp ?? '', { address: '127.0.0.1', port: 40_000 }).answer);
    });

    expectPassed(await sipp({ scenario: scenario('uac-info-reinvite'), remote: target() }));
    expect(events).toEqual(['ack', 'info:Signal=5', 'reinvite:recvonly', 'ack', 'ended:remote-bye']);
  });

  it.each(['udp', 'tcp'] as const)('puts sipp on hold and hangs up from our side over %s', async (transport) => {
    const local = { address: '127.0.0.1', port: 40_000 };
    const done = new Promise<unknown[]>((resolve, reject) => {
      sut.onInvite((call) => {
        call.once('ack', () => {
          void (async () => {
            const held = await call.reinvite(createOffer({ ...local, direction: 'sendonly', sessionVersion: 2 }));
            const direction = readAnswer(held.body.toString(), local).direction;
            resolve([held.status, direction, await call.bye(), call.state]);
          })().catch(reject);
        });
        call.answer(answerOffer(call.remoteSdp ?? '', local).answer);
      });
    });

    expectPassed(await sipp({ scenario: scenario('uac-held-and-hung-up'), remote: target(), transport }));
    expect(await done).toEqual([200, 'sendonly', 200, 'ended']);
  });

  it('retransmits its 200 until the late ACK arrives, then stops', async () => {
    const log = answeringCalls();

    const result = await sipp({ scenario: scenario('uac-late-ack'), remote: target() });

    expectPassed(result);
    // sipp's scenario screen: "200 <----------  <messages>  <retransmissions> ..." (T1 = 500 ms, ACK after 1.7 s).
    const row = /^\s*200 <-+\s+(\d+)\s+(\d+)/m.exec(result.output);
    expect(row && Number(row[2])).toBeGreaterThanOrEqual(2);
    expect(log).toEqual([['invite', 'ack', 'bye', 'ended:remote-bye']]);
  });

  it('hangs up with BYE when the ACK never comes (64*T1)', async () => {
    const fast = await UserAgent.start({ host: '127.0.0.1', port: await freePort(), timers: { t1: 50, t2: 400 } });
    const ended = new Promise<string>((resolve) => {
      fast.onInvite((call) => {
        call.on('ended', (e) => resolve(e.reason));
        call.answer(answerOffer(call.remoteSdp ?? '', { address: '127.0.0.1', port: 40_000 }).answer);
      });
    });
    try {
      expectPassed(await sipp({ scenario: scenario('uac-no-ack'), remote: `127.0.0.1:${fast.port}` }));
      expect(await ended).toBe('ack-timeout');
    } finally {
      await fast.close();
    }
  });

  it('sends its ACK again when the callee repeats its 200 (scripted UDP peer: sipp would take a repeated ACK for a retransmission)', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const received: SipMessage[] = [];
    const next = (): Promise<SipRequest> =>
      new Promise((resolve) => peer.once('message', (data) => resolve(parseMessage(data) as SipRequest)));
    const reply = (msg: SipMessage): void => void peer.send(serializeMessage(msg), sut.port, '127.0.0.1');

    const call = sut.invite(`sip:agent@127.0.0.1:${peer.address().port}`, createOffer({ address: '127.0.0.1', port: 40_006 }));
    const invite = await next();
    const ok = createResponse(invite, 200, {
      toTag: 'peer',
      body: answerOffer(invite.body.toString(), { address: '127.0.0.1', port: 40_008, codecs: ['PCMA'] }).answer,
      headers: { contact: `<sip:agent@127.0.0.1:${peer.address().port}>`, 'content-type': 'application/sdp' },
    });
    reply(ok);
    received.push(await next());
    reply(ok);
    received.push(await next());
    peer.close();

    expect((await call.whenAnswered()).status).toBe(200);
    expect(readAnswer(call.remoteSdp ?? '', { address: '127.0.0.1', port: 40_006 }).codec).toBe('PCMA');
    expect(received.map((m) => (m.kind === 'request' ? `${m.method} ${m.headers.get('cseq')}` : ''))).toEqual(['ACK 1 ACK', 'ACK 1 ACK']);
  });

  it('fails a call at once with 503 when the TCP connection is refused', async () => {
    const closedPort = await freePort();
    const call = sut.invite(`sip:agent@127.0.0.1:${closedPort};transport=tcp`, createOffer({ address: '127.0.0.1', port: 40_010 }));

    await expect(call.whenAnswered()).rejects.toEqual(new SipCallFailedError(503, 'Service Unavailable'));
  });

  it('answers 500 when the INVITE handler throws, and reports it', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown): void => void errors.push(error);
    sut.on('internalError', onError);
    sut.onInvite(() => {
      throw new Error('handler bug');
    });

    const call = sut.invite(`sip:100@127.0.0.1:${sut.port}`, createOffer({ address: '127.0.0.1', port: 40_012 }));

    await expect(call.whenAnswered()).rejects.toMatchObject({ status: 500 });
    expect(errors).toEqual([new Error('handler bug')]);
    sut.off('internalError', onError);
  });

  it('sends 487 when sipp cancels a ringing call', async () => {
    const events: string[] = [];
    sut.onInvite((call) => {
      call.on('cancel', () => void events.push('cancel'));
      call.on('ended', (e) => void events.push(`ended:${e.reason}:${e.status}`));
      call.ringing();
    });

    expectPassed(await sipp({ scenario: scenario('uac-cancel'), remote: target() }));
    expect(events).toEqual(['cancel', 'ended:cancelled:487']);
  });

  it('cancels its own call once sipp rings', async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: scenario('uas-ring-cancel'), localPort: port, controlPort: await freePort(), mediaPort: await freeUdpPortBlock(), timeoutSec: 20 });
    await uas.listening();

    const call = sut.invite(`sip:agent@127.0.0.1:${port}`, createOffer({ address: '127.0.0.1', port: 40_004 }));
    call.once('progress', () => void call.cancel());

    await expect(call.whenAnswered()).rejects.toEqual(new SipCallFailedError(487, 'Request Terminated'));
    expectPassed(await uas.done);
  });

  it('challenges REGISTER with 401 and binds the contact once the digest is right', async () => {
    const registered: string[] = [];
    sut.on('registered', (e) => void registered.push(`${e.username}:${e.aor}`));

    expectPassed(await sipp({ scenario: scenario('register-auth'), remote: target(), service: '1001', auth: { username: '1001', password: 'secret' } }));
    expect(registered).toEqual(['1001:sip:1001@127.0.0.1']);
    expect(registrar.lookup('sip:1001@127.0.0.1', Date.now())).toHaveLength(1);
  });

  it('answers REGISTER with a wrong password with 403', async () => {
    expectPassed(await sipp({ scenario: scenario('register-wrong-password'), remote: target(), service: '1001', auth: { username: '1001', password: 'guess' } }));
  });

  it('answers OPTIONS with 200 and the methods it allows', async () => {
    expectPassed(await sipp({ scenario: scenario('options'), remote: target() }));
  });

  it('refuses new INVITEs with 503 while the overload guard says so', async () => {
    sut.setOverloadGuard(() => true);

    expectPassed(await sipp({ scenario: scenario('invite-overloaded'), remote: target() }));
  });

  it('survives random datagrams and TCP garbage, then answers sipp as before', async () => {
    const noise = createSocket('udp4');
    const valid = Buffer.from(
      `OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKfz\r\nFrom: <sip:f@x>;tag=1\r\nTo: <sip:gw@x>\r\nCall-ID: fz\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    );
    for (let n = 0; n < 300; n++) {
      const data = n % 2 ? randomBytes(1 + (n % 200)) : Buffer.from(valid);
      if (n % 2 === 0) for (let k = 0; k < 3; k++) data[(n * 7 + k * 31) % data.length] = (n * 13 + k) % 256;
      noise.send(data, sut.port, '127.0.0.1');
    }
    const garbage = connect({ host: '127.0.0.1', port: sut.port });
    await new Promise<void>((resolve) => garbage.on('connect', () => resolve()));
    garbage.write(Buffer.concat([randomBytes(2000), Buffer.from('\r\n\r\nINVITE x SIP/2.0\r\nContent-Length: nope\r\n\r\n')]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    garbage.destroy();
    noise.close();
    answeringCalls();

    expectPassed(await sipp({ scenario: scenario('options'), remote: target() }));
    expectPassed(await sipp({ scenario: 'uac', remote: target(), transport: 'tcp' }));
  });

  it.each([
    ['broken-header', 'a header line without a colon → 400'],
    ['missing-via', 'no Via → 400'],
    ['bad-from', 'a From with an unterminated <uri> → 400'],
    ['invite-bad-sdp', 'unparseable SDP → 400'],
    ['invite-unknown-codec', 'only G.729 offered → 488'],
    ['invite-unsupported-body', 'a non-SDP body → 415'],
  ])('answers malformed input (%s: %s) and still takes the next call', async (name) => {
    answeringCalls();
    const invalid: number[] = [];
    const onInvalid = (error: { status: number }): void => void invalid.push(error.status);
    sut.on('invalid', onInvalid);

    expectPassed(await sipp({ scenario: scenario(name), remote: target() }));
    expectPassed(await sipp({ scenario: 'uac', remote: target() }));
    sut.off('invalid', onInvalid);
  });
});
