// Telephony-gateway call-setup benchmark, one JSON result per line on stdout.
// sipp's built-in UAC (INVITE → 200 → ACK → hold → BYE) calls a DID whose flow waits in a menu
// (no queue), at rising calls per second, against the real gateway (SIP, RTP prompt playback,
// call log and events in Postgres through the outbox, relayed to real Kafka). Reference, same run,
// same sipp: Kamailio (Debian package) as a stateful proxy (tm, record-route) in front of sipp's
// built-in UAS. Reported: the highest rate each sustains with < 0.1% failed calls.
// Usage: npm run bench -- telephony [--rates 25,50,100,200,400] [--seconds 5] [--hold-ms 1000]
//
// Benchmark 2 (`--only media`, or after benchmark 1 by default): concurrent bridged calls through
// the gateway's media path — per call two RTP endpoints, the RtpBridge relaying datagrams and a
// TwoChannelRecorder decoding both directions (without SIP or routing: a direct bridge harness).
// The phones are a forked load generator (its own process and core): per call a "customer" and
// an "agent phone" socket each sending 20 ms G.711 packets, counting what comes back through the
// bridge with the same receive statistics as the gateway (late = > 60 ms after the playout point).
// Reported: gateway CPU per call and the largest number of calls held with < 1% late packets.
// [--calls 100,250,500,750,1000] [--media-seconds 8] [--no-recording]
import { fork, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { KafkaEventBus, OutboxRelay } from '@contactcenter/messaging';
import { runSipp } from '@contactcenter/sip';
import { createTestDatabase, freePort, newScope, stackEndpoints } from '@contactcenter/testing';
import { ManageDirectoryUseCase } from '../../services/telephony-gateway/src/app/manage-directory/manage-directory.use-case';
import { TelephonyGateway } from '../../services/telephony-gateway/src/app/telephony-gateway';
import { FileSystemRecordingStore, generatePrompts, RtpBridge, RtpEndpoint, TwoChannelRecorder } from '../../services/telephony-gateway/src/media';
import { RtpReceiveStats } from '../../services/telephony-gateway/src/media/rtp/rtp-receive-stats';
import { TELEPHONY_MIGRATIONS } from '../../services/telephony-gateway/src/persistence/telephony.migrations';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const config = {
  rates: arg('rates', '25,50,100,200,400,800,1600').split(',').map(Number),
  referenceOnly: process.argv.includes('--reference-only'),
  seconds: Number(arg('seconds', '5')),
  holdMs: Number(arg('hold-ms', '1000')),
  only: arg('only', 'all') as 'all' | 'setup' | 'media',
  mediaCalls: arg('calls', '100,250,500,750,1000').split(',').map(Number),
  mediaSeconds: Number(arg('media-seconds', '8')),
  recording: !process.argv.includes('--no-recording'),
};
const quiet = { warn: () => undefined, error: () => undefined };
const log = (message: string) => process.stderr.write(`[bench:telephony] ${message}\n`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const result = (metric: string, unit: string, value: number, extra: object = {}) =>
  process.stdout.write(`${JSON.stringify({ bench: 'telephony', metric, value: round(value), unit, ...extra })}\n`);

const DID = '+4930555000111';
const FLOW = {
  id: 'bench',
  start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', prompt: 'main-menu', options: { '1': 'bye' }, timeoutMs: 60_000, maxAttempts: 1 },
    { id: 'bye', type: 'hangup' },
  ],
};

interface Step {
  rate: number;
  calls: number;
  failed: number;
}

/** Runs sipp's UAC at each rate against `target` and returns what each step achieved. */
async function ramp(target: string, service: string, mediaPortBase: number): Promise<Step[]> {
  const steps: Step[] = [];
  for (const [index, rate] of config.rates.entries()) {
    const calls = rate * config.seconds;
    const run = runSipp({
      scenario: 'uac',
      remote: target,
      service,
      calls,
      rate,
      controlPort: await freePort(),
      // sipp binds mediaPort and mediaPort + 2 (video); below the OS's ephemeral range, so the
      // gateway's RTP ports never take them.
      mediaPort: mediaPortBase + index * 10,
      timeoutSec: config.seconds + 30,
      extraArgs: ['-d', String(config.holdMs), '-l', String(rate * 10)],
    });
    const outcome = await run.done;
    const failed = calls - outcome.successful;
    steps.push({ rate, calls, failed });
    log(`${target} ${rate} calls/s: ${outcome.successful}/${calls} ok`);
    if (failed / calls >= 0.001) {
      log(`stopping: ${outcome.errors.split('\n').slice(0, 6).join(' | ')}`);
      break;
    }
  }
  return steps;
}

const sustained = (steps: Step[]) => steps.filter((s) => s.failed / s.calls < 0.001).reduce((best, s) => Math.max(best, s.rate), 0);

async function kamailioReference(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kamailio-'));
  const [proxyPort, uasPort] = [await freePort(), await freePort()];
  const cfg = path.join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    `#!KAMAILIO
debug=0
log_stderror=yes
children=2
listen=udp:127.0.0.1:${proxyPort}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  # sipp's built-in UAC ignores Record-Route: in-dialog requests without a Route go to the UAS too.
  if (has_totag()) {
    if (!loose_route()) { $du = "sip:127.0.0.1:${uasPort}"; }
    t_relay();
    exit;
  }
  if (is_method("INVITE")) { record_route(); }
  $du = "sip:127.0.0.1:${uasPort}";
  t_relay();
}
`,
  );
  const proxy = spawn('kamailio', ['-f', cfg, '-D', '-E', '-m', '128', '-M', '16', '-P', path.join(dir, 'kamailio.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proxy.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const uas = runSipp({ scenario: 'uas', localPort: uasPort, controlPort: await freePort(), mediaPort: 20_000, calls: 1_000_000, timeoutSec: 3600 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  try {
    if (proxy.exitCode !== null) throw new Error(`kamailio did not start: ${stderr}`);
    return sustained(await ramp(`127.0.0.1:${proxyPort}`, 'bench', 21_000));
  } finally {
    uas.stop();
    proxy.kill('SIGTERM');
    await uas.done.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface GeneratorReport {
  sent: number;
  received: number;
  late: number;
  lost: number;
}

type GeneratorCommand = { open: number } | { targets: { caller: number; agent: number }[]; seconds: number };

/** A 20 ms PCMU packet (RFC 3550 fixed header written by hand: the generator must stay cheap). */
function rtpFrame(frame: number, ssrc: number, payload: Buffer): Buffer {
  const packet = Buffer.allocUnsafe(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = frame === 0 ? 0x80 : 0;
  packet.writeUInt16BE(frame & 0xffff, 2);
  packet.writeUInt32BE((frame * 160) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  payload.copy(packet, 12);
  return packet;
}

/** The phones, in a forked process: per call two sockets sending 50 packets a second and counting what returns. */
function runGenerator(): void {
  const sockets: Socket[] = [];
  const send = (message: object) => process.send?.(message);
  process.on('message', (command: GeneratorCommand) => {
    if ('open' in command) {
      let bound = 0;
      for (let i = 0; i < command.open * 2; i++) {
        const socket = createSocket('udp4');
        sockets.push(socket);
        socket.bind(0, '127.0.0.1', () => ++bound === command.open * 2 && send({ ports: sockets.map((x) => x.address().port) }));
      }
      return;
    }
    const { targets, seconds } = command;
    const stats = sockets.map(() => new RtpReceiveStats({ lateThresholdMs: 60 }));
    sockets.forEach((socket, i) => socket.on('message', (datagram) => stats[i].record(datagram.readUInt16BE(2), datagram.readUInt32BE(4), performance.now())));
    const payload = Buffer.alloc(160, 0x55);
    const started = performance.now();
    let frames = 0;
    let sent = 0;
    // Frames due since the start, so a late timer sends its backlog instead of drifting.
    const tick = () => {
      const due = Math.floor((performance.now() - started) / 20);
      for (; frames <= due; frames++) {
        sockets.forEach((socket, i) => {
          const target = i % 2 === 0 ? targets[i >> 1].caller : targets[i >> 1].agent;
          socket.send(rtpFrame(frames, i + 1, payload), target, '127.0.0.1');
          sent++;
        });
      }
      if (performance.now() - started < seconds * 1000) setTimeout(tick, 20 - ((performance.now() - started) % 20));
      else
        setTimeout(() => {
          const report: GeneratorReport = { sent, received: 0, late: 0, lost: 0 };
          for (const s of stats) {
            const snapshot = s.snapshot();
            report.received += snapshot.received;
            report.late += snapshot.late;
            report.lost += snapshot.lost;
          }
          for (const socket of sockets) socket.close();
          send(report);
        }, 300);
    };
    tick();
  });
}

interface MediaRun {
  report: GeneratorReport;
  cpuMsPerCallSecond: number;
  loopDelayP99Ms: number;
  /** Garbage-collection pauses while media flowed: each holds every call's packets. */
  gc: { count: number; totalMs: number; maxMs: number };
  /** Stopping the bridges and finishing every recording at once, after the lateness window. */
  teardownMs: number;
}

/** The gateway's RTP endpoints as it opens them: symmetric RTP, media from the peer only (TELEPHONY_STRICT_RTP). */
const gatewaySide = { host: '127.0.0.1', codec: 'PCMU', latch: true, strictSource: !process.argv.includes('--no-strict-rtp') } as const;

/** One level of concurrent bridged calls; the gateway's CPU is measured while media flows. */
async function bridgedCalls(calls: number, direct = false): Promise<MediaRun> {
  const generator = fork(__filename, ['--rtp-generator'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const reply = <T>() => new Promise<T>((resolve) => generator.once('message', (m) => resolve(m as T)));
  try {
    const portsReply = reply<{ ports: number[] }>();
    generator.send({ open: calls });
    const { ports } = await portsReply;
    const legs: { caller: RtpEndpoint; agent: RtpEndpoint; bridge: RtpBridge; recorder?: TwoChannelRecorder }[] = [];
    for (let i = 0; i < calls && !direct; i++) {
      const [caller, agent] = await Promise.all([RtpEndpoint.open(gatewaySide), RtpEndpoint.open(gatewaySide)]);
      caller.setRemote('127.0.0.1', ports[2 * i]);
      agent.setRemote('127.0.0.1', ports[2 * i + 1]);
      const bridge = new RtpBridge(caller, agent);
      const recorder = config.recording ? new TwoChannelRecorder(performance.now()) : undefined;
      if (recorder) bridge.onRelay((from, packet, arrivalMs) => recorder.add(from === 'a' ? 'caller' : 'agent', packet, arrivalMs));
      bridge.start();
      legs.push({ caller, agent, bridge, recorder });
    }
    const done = reply<GeneratorReport>();
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const gc = { count: 0, totalMs: 0, maxMs: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gc.count++;
        gc.totalMs += entry.duration;
        gc.maxMs = Math.max(gc.maxMs, entry.duration);
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // The reference: the phones talk to each other directly, so what is late there is the generator's or the host's doing.
    const targets = direct
      ? Array.from({ length: calls }, (_, i) => ({ caller: ports[2 * i + 1], agent: ports[2 * i] }))
      : legs.map((l) => ({ caller: l.caller.local.port, agent: l.agent.local.port }));
    generator.send({ targets, seconds: config.mediaSeconds });
    const report = await done;
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    gcObserver.disconnect();
    const elapsedSeconds = (performance.now() - started) / 1000;
    const teardownStarted = performance.now();
    for (const leg of legs) {
      leg.bridge.stop();
      leg.recorder?.finish(performance.now());
    }
    const teardownMs = performance.now() - teardownStarted;
    await Promise.all(legs.flatMap((l) => [l.caller.close(), l.agent.close()]));
    return { report, cpuMsPerCallSecond: (cpu.user + cpu.system) / 1000 / calls / elapsedSeconds, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, gc, teardownMs };
  } finally {
    generator.kill();
  }
}

async function mediaBenchmark(): Promise<void> {
  let held = 0;
  let cpuAtHeld = 0;
  const share = (report: GeneratorReport) => (report.received ? (100 * report.late) / report.received : 100);
  for (const calls of config.mediaCalls) {
    const reference = share((await bridgedCalls(calls, true)).report);
    const { report, cpuMsPerCallSecond, loopDelayP99Ms, gc, teardownMs } = await bridgedCalls(calls);
    const latePct = share(report);
    const lossPct = report.sent ? (100 * Math.max(0, report.sent - report.received)) / report.sent : 0;
    log(`${calls} bridged calls${config.recording ? ' with recording' : ''}: late ${latePct.toFixed(3)}% (phones wired directly: ${reference.toFixed(3)}%), not returned ${lossPct.toFixed(3)}%, gateway CPU ${cpuMsPerCallSecond.toFixed(3)} ms per call-second, event-loop delay p99 ${loopDelayP99Ms.toFixed(1)} ms, GC ${gc.count} pauses ${gc.totalMs.toFixed(0)} ms (max ${gc.maxMs.toFixed(1)} ms), teardown ${teardownMs.toFixed(0)} ms`);
    result('bridged_call_late_rtp', '%', latePct, { calls, recording: config.recording, notReturnedPct: round(lossPct), loopDelayP99Ms: round(loopDelayP99Ms), gcPauses: gc.count, gcMaxMs: round(gc.maxMs), ref: 'same generator, phones wired directly', refValue: round(reference), ratio: reference ? round(latePct / reference) : null });
    result('bridged_call_cpu', 'ms cpu per call-second', cpuMsPerCallSecond, { calls, recording: config.recording, ref: 'none', refValue: null, ratio: null });
    if (latePct >= 1 || lossPct >= 1) break;
    held = calls;
    cpuAtHeld = cpuMsPerCallSecond;
  }
  result('concurrent_bridged_calls_under_1pct_late', 'calls', held, { recording: config.recording, cpuMsPerCallSecond: round(cpuAtHeld), target: 500, ref: 'none', refValue: null, ratio: null });
}

async function main(): Promise<void> {
  if (config.only === 'media') return mediaBenchmark();
  const prompts = path.resolve(__dirname, '../../services/telephony-gateway/prompts');
  generatePrompts(prompts);
  const recordings = mkdtempSync(path.join(tmpdir(), 'bench-recordings-'));
  const db = await createTestDatabase('telephony_bench');
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: [...TELEPHONY_MIGRATIONS] });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app'), extra: { max: 20 } }).initialize();
  const bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'telephony-bench', logger: quiet });
  const relay = new OutboxRelay({ connectionString: db.url('relay'), bus, logger: quiet });
  relay.start();
  const scope = newScope();
  await new ManageDirectoryUseCase(dataSource).putFlow(scope, FLOW);
  await new ManageDirectoryUseCase(dataSource).putDid(scope, DID, FLOW.id);
  const gateway = new TelephonyGateway({
    dataSource,
    recordings: new FileSystemRecordingStore(recordings),
    promptsDir: prompts,
    sip: { host: '127.0.0.1', port: await freePort(), protocols: ['udp'], publicAddress: '127.0.0.1', realm: 'contactcenter' },
    rtp: { host: '127.0.0.1', portMin: 0, portMax: 0, strictSource: true },
    mediaAddress: '127.0.0.1',
    maxConcurrentCalls: 100_000,
    agentRingTimeoutMs: 20_000,
  });
  await gateway.start();
  try {
    // The reference first, on a quiet machine: after thousands of gateway calls the host is still busy closing them.
    const reference = await kamailioReference();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const steps = config.referenceOnly ? [] : await ramp(`127.0.0.1:${gateway.sipPort}`, DID, 22_000);
    const cpu = process.cpuUsage(cpuBefore);
    const ours = sustained(steps);
    const calls = Math.max(1, steps.reduce((sum, s) => sum + s.calls, 0));
    log(`gateway: ${ours} calls/s sustained; ${calls} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    result('call_setup_rate_under_0.1pct_failures', 'calls/s', ours, { ref: 'kamailio stateful proxy → sipp uas', refValue: reference, ratio: reference ? round(ours / reference) : null });
    result('gateway_cpu_per_call', 'ms', (cpu.user + cpu.system) / 1000 / calls, { ref: 'none', refValue: null, ratio: null });
  } finally {
    await gateway.close();
    await relay.close();
    await bus.close();
    await dataSource.destroy();
    await db.drop();
    rmSync(recordings, { recursive: true, force: true });
  }
  if (config.only === 'all') await mediaBenchmark();
}

if (process.argv.includes('--rtp-generator')) runGenerator();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
