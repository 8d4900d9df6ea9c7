import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WaveFile } from 'wavefile';
import { DtmfDigit } from '../domain/ivr';
import { SAMPLE_PROMPTS } from './prompts/prompt-catalog';
import { HoldPlayer } from './prompts/hold-player';
import { generatePrompts } from './prompts/prompt-generator';
import { PromptLibrary } from './prompts/prompt-library';
import { PromptPlayer } from './prompts/prompt-player';
import { queueAnnouncementPrompts } from './prompts/queue-announcement';
import { FileSystemRecordingStore } from './recording/filesystem-recording.store';
import { TwoChannelRecorder } from './recording/two-channel-recorder';
import { RtpBridge } from './rtp-bridge';
import { RtpEndpoint } from './rtp-endpoint';
import { RtpPacketFields } from './rtp/rtp-packet';
import { CannedSipAnswerer } from './testing/canned-sip-answerer';

const PROMPTS = resolve(__dirname, '../../prompts');
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/** Two endpoints sending to each other. */
async function pair(codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<[RtpEndpoint, RtpEndpoint]> {
  const a = await RtpEndpoint.open({ codec });
  const b = await RtpEndpoint.open({ codec });
  a.setRemote('127.0.0.1', b.local.port);
  b.setRemote('127.0.0.1', a.local.port);
  return [a, b];
}

function collect(endpoint: RtpEndpoint): RtpPacketFields[] {
  const packets: RtpPacketFields[] = [];
  endpoint.onPacket((packet) => packets.push(packet));
  return packets;
}

describe('media over real UDP sockets', () => {
  const open: RtpEndpoint[] = [];
  let library: PromptLibrary;

  beforeAll(() => {
    generatePrompts(PROMPTS, SAMPLE_PROMPTS);
    library = new PromptLibrary(PROMPTS);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });

  it('streams a generated prompt at 20 ms pacing and the other side receives every frame in order', async () => {
    const [a, b] = await pair();
    open.push(a, b);
    const received = collect(b);
    const prompt = await library.get('welcome');
    const player = new PromptPlayer(library, a);

    const started = performance.now();
    const outcome = await player.play(['welcome']);
    const elapsed = performance.now() - started;
    await settle();

    expect(outcome).toBe('ended');
    expect(prompt.frames.length).toBeGreaterThan(100);
    // Paced, not burst: the stream takes (about) as long as the audio it carries.
    expect(elapsed).toBeGreaterThan(prompt.durationMs - 60);
    expect(b.stats()).toMatchObject({ received: prompt.frames.length, lost: 0, duplicates: 0, malformed: 0, sources: 1 });
    expect(received.map((p) => p.payloadType)).toEqual(prompt.frames.map(() => 0));
    expect(received[0].marker).toBe(true);
    received.slice(1).forEach((p, i) => {
      expect((p.sequenceNumber - received[i].sequenceNumber) & 0xffff).toBe(1);
      expect((p.timestamp - received[i].timestamp) >>> 0).toBe(160);
    });
    expect(Buffer.concat(received.map((p) => p.payload))).toEqual(Buffer.concat(prompt.frames));
    expect(a.stats().sent).toBe(prompt.frames.length);
  });

  it('detects the RFC 4733 key presses one endpoint sends, in order and once each', async () => {
    const [a, b] = await pair();
    open.push(a, b);
    const digits: DtmfDigit[] = [];
    b.onDigit((d) => digits.push(d.digit));
    void a.play(await library.frames(['hold-music']), { loop: true });

    for (const digit of ['1', '#', '5', '*'] as const) await a.sendDigit(digit, 120);
    a.stopPlayback();
    await settle();

    expect(digits).toEqual(['1', '#', '5', '*']);
    expect(b.stats()).toMatchObject({ lost: 0, malformed: 0 });
  });

  it('bridges a caller and an agent both ways, counting packets, relaying DTMF and recording both legs', async () => {
    const caller = await RtpEndpoint.open();
    const agent = await RtpEndpoint.open();
    const callerLeg = await RtpEndpoint.open();
    const agentLeg = await RtpEndpoint.open();
    open.push(caller, agent, callerLeg, agentLeg);
    caller.setRemote('127.0.0.1', callerLeg.local.port);
    callerLeg.setRemote('127.0.0.1', caller.local.port);
    agent.setRemote('127.0.0.1', agentLeg.local.port);
    agentLeg.setRemote('127.0.0.1', agent.local.port);
    const agentDigits: DtmfDigit[] = [];
    agent.onDigit((d) => agentDigits.push(d.digit));
    const sut = new RtpBridge(callerLeg, agentLeg);
    const recorder = new TwoChannelRecorder(performance.now());
    sut.onRelay((leg, packet, arrivalMs) => recorder.add(leg === 'a' ? 'caller' : 'agent', packet, arrivalMs));
    const callerAudio = (await library.frames(['welcome'])).slice(0, 75);
    const agentAudio = (await library.frames(['goodbye'])).slice(0, 60);

    sut.start();
    await Promise.all([caller.play(callerAudio), agent.play(agentAudio)]);
    await caller.sendDigit('7');
    await settle();
    const recording = recorder.finish(performance.now());

    expect(sut.stats()).toEqual({ aToB: 75 + 7, bToA: 60 });
    expect(agent.stats()).toMatchObject({ received: 75 + 7, lost: 0 });
    expect(caller.stats()).toMatchObject({ received: 60, lost: 0 });
    expect(agentDigits).toEqual(['7']);

    const wav = new WaveFile(recording.wav);
    const fmt = wav.fmt as { numChannels: number; sampleRate: number };
    const [left, right] = wav.getSamples(false) as unknown as Float64Array[];
    expect([fmt.numChannels, fmt.sampleRate]).toEqual([2, 8000]);
    expect(left.length).toBe(Math.round((recording.durationMs * 8000) / 1000));
    // The caller talked 1.5 s, the agent 1.2 s: that much non-silent audio per channel, roughly.
    expect(left.filter((s) => s !== 0).length).toBeGreaterThan(0.5 * 75 * 160);
    expect(right.filter((s) => s !== 0).length).toBeGreaterThan(0.5 * 60 * 160);

    const root = mkdtempSync(join(tmpdir(), 'cc-recordings-'));
    try {
      const ref = await new FileSystemRecordingStore(root).save({ tenantId: 'tenant-a', callId: 'call-1', wav: recording.wav });
      expect(ref.bytes).toBe(recording.wav.byteLength);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stops relaying when the bridge stops', async () => {
    const [caller, callerLeg] = await pair();
    const [agentLeg, agent] = await pair();
    open.push(caller, callerLeg, agentLeg, agent);
    const sut = new RtpBridge(callerLeg, agentLeg);
    sut.start();
    await caller.play((await library.frames(['number-1'])).slice(0, 10));
    await settle();
    sut.stop();

    await caller.play((await library.frames(['number-2'])).slice(0, 10));
    await settle();

    expect(sut.stats()).toEqual({ aToB: 10, bToA: 0 });
    expect(agent.stats().received).toBe(10);
    expect(callerLeg.stats().received).toBe(20);
  });

  it('plays hold music with periodic position announcements, without gaps, until stopped', async () => {
    const [gateway, caller] = await pair();
    open.push(gateway, caller);
    const received = collect(caller);
    let position = 3;
    const sut = new HoldPlayer(library, gateway, {
      musicId: 'hold-music',
      announceEveryMs: 600,
      announcement: () => queueAnnouncementPrompts({ position: position-- }),
    });
    const announcement = await library.frames(queueAnnouncementPrompts({ position: 3 }));

    const started = performance.now();
    await sut.start();
    await settle(600 + announcement.length * 20 + 400);
    sut.stop();
    const elapsed = performance.now() - started;
    await settle();
    const count = received.length;
    await settle(200);

    // Music, the whole "number three" announcement, music again: one packet per 20 ms throughout.
    const hex = (frame: Uint8Array) => Buffer.from(frame).toString('hex');
    const payloads = received.map((p) => hex(p.payload));
    const first = payloads.findIndex((_, i) => announcement.every((frame, j) => payloads[i + j] === hex(frame)));
    expect(first).toBeGreaterThan(20);
    expect(count).toBeGreaterThan(elapsed / 20 - 15);
    expect(caller.stats()).toMatchObject({ lost: 0, sources: 1 });
    expect(received.length).toBe(count);
    expect(sut.active).toBe(false);
  });

  it('counts datagrams that are not RTP and keeps serving the stream', async () => {
    const [a, b] = await pair();
    open.push(a, b);
    for (const junk of ['', 'INVITE sip:x SIP/2.0', '\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00']) {
      a.send(Buffer.from(junk, 'latin1'));
    }
    await a.play((await library.frames(['number-3'])).slice(0, 5));
    await settle();

    expect(b.stats()).toMatchObject({ malformed: 3, received: 5, lost: 0 });
  });

  describe('strict RTP (media from the peer only)', () => {
    async function strict(): Promise<RtpEndpoint> {
      const endpoint = await RtpEndpoint.open({ codec: 'PCMU', latch: true, strictSource: true });
      open.push(endpoint);
      return endpoint;
    }
    /** A plain endpoint (a phone, or an intruder) sending to the gateway's port. */
    async function sendingTo(gateway: RtpEndpoint): Promise<RtpEndpoint> {
      const endpoint = await RtpEndpoint.open({ codec: 'PCMU' });
      open.push(endpoint);
      endpoint.setRemote('127.0.0.1', gateway.local.port);
      return endpoint;
    }
    const frames = async () => (await library.frames(['number-3'])).slice(0, 5);

    it('drops what another source sends into a call, and relays on a socket connected to the peer', async () => {
      const gateway = await strict();
      const [peer, intruder] = [await sendingTo(gateway), await sendingTo(gateway)];
      gateway.setRemote('127.0.0.1', peer.local.port);
      const received = collect(gateway);
      await peer.play(await frames());
      await intruder.play(await frames());
      await gateway.play(await frames());
      await settle();

      expect(received).toHaveLength(5);
      expect(new Set(received.map((p) => p.ssrc))).toEqual(new Set([peer.ssrc]));
      // Not even counted: the socket is connected to the peer, so the kernel dropped them.
      expect(gateway.stats()).toMatchObject({ received: 5, foreign: 0 });
      expect(peer.stats()).toMatchObject({ received: 5, lost: 0 });
    });

    it('learns a peer behind NAT whose SDP names a private address, then holds to it', async () => {
      const gateway = await strict();
      const [phone, intruder] = [await sendingTo(gateway), await sendingTo(gateway)];
      gateway.setRemote('192.168.1.20', phone.local.port);
      const received = collect(gateway);
      await phone.play(await frames());
      await intruder.play(await frames());
      await settle();

      expect(new Set(received.map((p) => p.ssrc))).toEqual(new Set([phone.ssrc]));
      expect(gateway.stats()).toMatchObject({ received: 5, foreign: 5 });
    });

    it('drops a public peer’s packets from another address, and learns afresh after a new remote', async () => {
      const gateway = await strict();
      const [first, second] = [await sendingTo(gateway), await sendingTo(gateway)];
      // A public address that is not where the packets come from: nothing is taken.
      gateway.setRemote('203.0.113.7', first.local.port);
      await first.play(await frames());
      await settle();
      expect(gateway.stats()).toMatchObject({ received: 0, foreign: 5 });

      // A re-INVITE moves the media to `second`: its packets are taken, `first`'s no longer.
      gateway.setRemote('127.0.0.1', second.local.port);
      await second.play(await frames());
      await first.play(await frames());
      await gateway.play(await frames());
      await settle();
      expect(gateway.stats().received).toBe(5);
      expect(second.stats()).toMatchObject({ received: 5, lost: 0 });
    });
  });

  it('receives sipp’s A-law capture and RFC 2833 key press replayed from its pcap files', async () => {
    const endpoint = await RtpEndpoint.open({ codec: 'PCMA' });
    open.push(endpoint);
    const audio: RtpPacketFields[] = [];
    endpoint.onPacket((p) => p.payloadType === 8 && audio.push(p));
    const digits: DtmfDigit[] = [];
    endpoint.onDigit((d) => digits.push(d.digit));
    const answerer = await CannedSipAnswerer.listen(endpoint.local.port);
    try {
      const exitCode = await new Promise<number | null>((done) => {
        const args = ['-sf', join(__dirname, 'testing/sipp-pcap-caller.xml'), '-m', '1', '-nostdin'];
        const local = ['-i', '127.0.0.1', '-mi', '127.0.0.1', '-p', '0', '-mp', '0'];
        const sipp = spawn('sipp', [...args, ...local, `127.0.0.1:${answerer.port}`], { stdio: 'ignore' });
        sipp.on('exit', done);
      });
      await settle();

      expect(exitCode).toBe(0);
      expect(audio).toHaveLength(236);
      expect(audio.every((p) => p.payload.length === 240)).toBe(true);
      expect(digits).toEqual(['1']);
      expect(endpoint.stats()).toMatchObject({ lost: 0, malformed: 0, sources: 2 });
    } finally {
      await answerer.close();
    }
  }, 30_000);
});
