import { createHash, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { WaveFile } from 'wavefile';
import { AuthModule } from '@contactcenter/auth';
import { callV1, commonV1, type EventDefinition, Events, fromTimestamp, protoFile, protoRoot, routingAdminV1, routingAgentV1, telephonyAdminV1, toTimestamp, Topics } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { ROUTING_MIGRATIONS, RoutingModule } from '@contactcenter/routing';
import { runSipp, SIPP_SCENARIOS, type SippOptions } from '@contactcenter/sip';
import { createTestDatabase, DEMO, freePort, freeUdpPortBlock, migrateAndConnect, newServiceClient, newTenant, newUser, stackEndpoints, type TestDatabase, type TestUser, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { TelephonyGateway } from './app/telephony-gateway';
import { decodeG711, FileSystemRecordingStore, g711CodecOf, generatePrompts, parseRtp, PromptLibrary } from './media';
import { toneAmplitude, writeTonePcap } from './media/testing/tone-pcap.writer';
import { TELEPHONY_MIGRATIONS } from './persistence/telephony.migrations';
import { TelephonyModule } from './telephony.module';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = ((request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void) & ((request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<any>);
type Client = grpc.Client & Record<string, Rpc>;

const PROMPTS = resolve(__dirname, '../prompts');
const SCENARIOS = resolve(__dirname, '../test-scenarios');
const DID = '+4930555123400';
const TRANSFER_DID = '+4930555123401';
const { CHANNEL_VOICE: VOICE } = commonV1.Channel;
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };

// A menu: 1 → the sales queue; anything else ends the call.
const FLOW = {
  id: 'test-main',
  start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', prompt: 'main-menu', options: { '1': 'sales' }, timeoutMs: 5000, maxAttempts: 2, invalidPrompt: 'invalid-option', timeoutPrompt: 'no-input', onFailure: 'bye' },
    { id: 'sales', type: 'setQueue', queueId: 'sales', priority: 5, next: 'enqueue' },
    { id: 'enqueue', type: 'queue' },
    { id: 'bye', type: 'hangup', prompt: 'goodbye' },
  ],
};

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A UDP socket standing in for a phone's ear: the SDP points the gateway's RTP here, and it keeps what arrived. */
async function earSocket(): Promise<{ port: number; heard: { at: number; pcm: Int16Array; payload: Buffer }[]; close: () => void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((ok) => socket.bind(0, '127.0.0.1', () => ok()));
  const heard: { at: number; pcm: Int16Array; payload: Buffer }[] = [];
  socket.on('message', (datagram) => {
    try {
      const packet = parseRtp(datagram);
      const codec = g711CodecOf(packet.payloadType);
      if (codec) heard.push({ at: Date.now(), pcm: decodeG711(codec, packet.payload), payload: Buffer.from(packet.payload) });
    } catch {
      // Not RTP: nothing a phone would play.
    }
  });
  return { port: socket.address().port, heard, close: () => socket.close() };
}

/** Mean amplitude of a tone over 20 ms blocks: ~8000 when that party is heard, near 0 when not. */
function toneLevel(blocks: readonly Int16Array[], hz: number): number {
  return blocks.length === 0 ? 0 : blocks.reduce((sum, block) => sum + toneAmplitude(block, hz), 0) / blocks.length;
}

// Each conference phone sends one known tone: whoever hears a frequency hears that party.
const TONES = { caller: 500, agent: 1100, party: 1700 } as const;
type Party = keyof typeof TONES;
type Ear = Awaited<ReturnType<typeof earSocket>>;

/** 'loud' (~8000) when a party is heard, 'silent' when not, for each tone over the blocks. */
function hears(blocks: Int16Array[]): Record<string, string> {
  const verdict = (level: number) => (level > 4000 ? 'loud' : level < 400 ? 'silent' : `partial:${Math.round(level)}`);
  return Object.fromEntries(Object.entries(TONES).map(([who, hz]) => [who, verdict(toneLevel(blocks, hz))]));
}

/** The three phones of a conference test: sipp scenarios sending each party's tone, and an ear for each. */
async function conferencePhones() {
  const dir = mkdtempSync(join(tmpdir(), 'cc-conference-'));
  const ears: Record<Party, Ear> = { caller: await earSocket(), agent: await earSocket(), party: await earSocket() };
  return {
    /** The scenario file with the party's tone pcap (`seconds` long) in place of TONE_PCAP. */
    scenario(file: string, who: Party, seconds: number): string {
      const pcap = join(dir, `${who}.pcap`);
      writeTonePcap(pcap, { frequencyHz: TONES[who], amplitude: 8000, seconds });
      const path = join(dir, file);
      writeFileSync(path, readFileSync(join(SCENARIOS, file), 'utf8').replaceAll('TONE_PCAP', pcap));
      return path;
    },
    /** sipp arguments sending the party's received RTP to its ear. */
    key: (who: Party) => ['-key', 'ear_port', String(ears[who].port)],
    heardBy: (who: Party, from: number, to: number) => hears(ears[who].heard.filter((h) => h.at >= from && h.at <= to).map((h) => h.pcm)),
    close(): void {
      Object.values(ears).forEach((ear) => ear.close());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function loadClients(url: string, domain: string, files: string[], services: string[]): Client[] {
  const definition = grpc.loadPackageDefinition(loadSync(files.map((f) => protoFile(domain, f)), { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
  const pkg = ((definition.contactcenter as grpc.GrpcObject)[domain] as grpc.GrpcObject).v1 as grpc.GrpcObject;
  return services.map((s) => new (pkg[s] as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as Client);
}

// Real Kafka, Postgres (RLS, as cc_app), Keycloak users, routing in-process, sipp as both phones.
describe('telephony gateway', () => {
  const scope = newTenant();
  const { workspaceId, tenantId } = scope;
  let telephonyDb: TestDatabase;
  let routingDb: TestDatabase;
  let telephonyDs: DataSource;
  let routingDs: DataSource;
  let bus: KafkaEventBus;
  let watcher: Subscription;
  let app: INestApplication;
  let admin: TestUser;
  let agent: TestUser;
  let second: TestUser;
  let agentClient: Client;
  let routingAdmin: Client;
  let telephonyAdmin: Client;
  let callControl: Client;
  let sipPort: number;
  let agentSipPort: number;
  let recordings: string;
  let ivrTransferPort: number;
  const published: ConsumedEvent[] = [];

  const metadata = async (user: TestUser) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${await user.token()}`);
    m.set('x-tenant-id', tenantId);
    return m;
  };
  const unary = async <T = any>(client: Client, method: string, request: unknown, user: TestUser): Promise<T> => {
    const m = await metadata(user);
    return new Promise<T>((ok, fail) => client[method](request, m, (e, r) => (e ? fail(e) : ok(r))));
  };
  const decoded = <T>(definition: EventDefinition<T>, match: (payload: T) => boolean = () => true) =>
    published.filter((e) => e.type === definition.type).map((e) => definition.codec.decode(e.payload)).filter(match);
  const callEvents = (callId: string) =>
    published
      .filter((e) => e.topic === Topics.call)
      .map((e) => ({ type: e.type.split('.').pop() as string, payload: (Events as any)[e.type.split('.').pop() as string].codec.decode(e.payload) }))
      .filter((e) => e.payload.callId === callId);
  const sipp = async (options: Omit<SippOptions, 'controlPort' | 'mediaPort'>) => runSipp({ ...options, controlPort: await freePort(), mediaPort: await freeUdpPortBlock() });
  const gateway = () => app.get(TelephonyGateway);

  beforeAll(async () => {
    generatePrompts(PROMPTS);
    recordings = mkdtempSync(join(tmpdir(), 'cc-recordings-'));
    [telephonyDb, routingDb] = await Promise.all([createTestDatabase('telephony'), createTestDatabase('routing')]);
    [telephonyDs, routingDs] = await Promise.all([migrateAndConnect(telephonyDb, TELEPHONY_MIGRATIONS), migrateAndConnect(routingDb, ROUTING_MIGRATIONS)]);
    [admin, agent] = await Promise.all([
      newUser({ workspaceId, tenants: [tenantId], roles: ['tenant-admin'] }),
      newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] }),
    ]);
    // Topics of this run only: routing instances of other suites on the same broker would
    // otherwise answer our requests (refusing workspaces they do not know).
    const topicNames = Object.fromEntries(
      [Topics.interaction, Topics.call, Topics.qa, Topics.agent, Topics.routingCommands, Topics.routingWork].map((topic) => [topic, uniqueTopic(topic)]),
    );
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'telephony-spec', logger: quiet, topicNames });
    watcher = await bus.subscribe({
      groupId: uniqueGroup('telephony-watch'),
      topics: [Topics.call, Topics.interaction, Topics.qa],
      fromBeginning: false,
      handler: async (event) => void (event.tenantId === tenantId && published.push(event)),
    });
    [sipPort, agentSipPort] = [await freePort(), await freePort()];
    const { issuer } = stackEndpoints();
    const routingUrl = `127.0.0.1:${await freePort()}`;
    // The gateway's own client: `service` lets it read routing's queue snapshot for the announcements.
    const serviceClient = await newServiceClient(['service']);
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'telephony-spec' }),
        AuthModule.forRoot({ issuer, audience: DEMO.audience, jwksUri: `${issuer}/protocol/openid-connect/certs`, clockToleranceSec: 1 }),
        RoutingModule.register({ dataSource: routingDs, eventBus: bus, consumerGroup: uniqueGroup('routing'), relayDatabaseUrl: routingDb.url('relay'), fromBeginning: false }),
        TelephonyModule.register({
          dataSource: telephonyDs,
          eventBus: bus,
          relayDatabaseUrl: telephonyDb.url('relay'),
          sip: { host: '127.0.0.1', port: sipPort, transport: 'udp', publicAddress: '127.0.0.1' },
          rtp: { host: '127.0.0.1' },
          recordingsDir: recordings,
          promptsDir: PROMPTS,
          maxConcurrentCalls: 1,
          drainTimeoutMs: 0,
          agentRingTimeoutMs: 5_000,
          announceEveryMs: 1_000,
          routingGrpcUrl: routingUrl,
          serviceClient: { tokenUrl: `${issuer}/protocol/openid-connect/token`, clientId: serviceClient.clientId, clientSecret: serviceClient.clientSecret },
          consumerGroup: uniqueGroup('telephony'),
        }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const telephonyUrl = `127.0.0.1:${await freePort()}`;
    const routingProtos = ['agent_service', 'routing_admin_service'];
    const telephonyProtos = ['telephony_admin_service', 'call_control_service'];
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: routingAgentV1.protobufPackage, protoPath: routingProtos.map((f) => protoFile('routing', f)), url: routingUrl, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: telephonyAdminV1.protobufPackage, protoPath: telephonyProtos.map((f) => protoFile('telephony', f)), url: telephonyUrl, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    [agentClient, routingAdmin] = loadClients(routingUrl, 'routing', routingProtos, ['AgentService', 'RoutingAdminService']);
    [telephonyAdmin, callControl] = loadClients(telephonyUrl, 'telephony', telephonyProtos, ['TelephonyAdminService', 'CallControlService']);

    await unary(telephonyAdmin, 'putIvrFlow', { definitionJson: JSON.stringify(FLOW) }, admin);
    await unary(telephonyAdmin, 'putDid', { did: { number: DID, flowId: FLOW.id } }, admin);
    ivrTransferPort = await freePort();
    await unary(
      telephonyAdmin,
      'putIvrFlow',
      { definitionJson: JSON.stringify({ id: 'test-transfer', start: 'out', nodes: [{ id: 'out', type: 'transfer', target: `sip:desk@127.0.0.1:${ivrTransferPort}` }] }) },
      admin,
    );
    await unary(telephonyAdmin, 'putDid', { did: { number: TRANSFER_DID, flowId: 'test-transfer' } }, admin);
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: agent.id, sipUri: `sip:agent@127.0.0.1:${agentSipPort}` } }, admin);
    await unary(
      routingAdmin,
      'putQueue',
      { queue: { queueId: 'sales', name: 'Sales', channels: [VOICE], offerTimeoutMs: 60_000, wrapUpMode: routingAdminV1.WrapUpMode.WRAP_UP_MODE_NONE } },
      admin,
    );
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: agent.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
  }, 120_000);

  afterAll(async () => {
    for (const client of [agentClient, routingAdmin, telephonyAdmin, callControl]) client?.close();
    await watcher?.close();
    await app?.close();
    await bus?.close();
    await telephonyDs?.destroy();
    await routingDs?.destroy();
    await telephonyDb?.drop();
    await routingDb?.drop();
    rmSync(recordings, { recursive: true, force: true });
  });

  it('takes a call through the IVR and the queue to the agent’s phone, bridges and records it, and reports every step in order', async () => {
    await unary(agentClient, 'login', { channels: [VOICE] }, agent);
    const stream = agentClient.streamWork({}, await metadata(agent));
    const work: any[] = [];
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    await eventually(() => work[0], 'the work snapshot');

    const phone = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: agentSipPort, timeoutSec: 60 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '1000'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the voice offer on the agent stream');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, agent);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    let rtp = { callerToAgent: 0, agentToCaller: 0 };
    const sampler = setInterval(() => session.currentState !== 'ended' && (rtp = session.stats), 100);
    const [customerResult, phoneResult] = await Promise.all([customer.done, phone.done]);
    clearInterval(sampler);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    const recording = await eventually(() => decoded(Events.RecordingAvailable, (e) => e.interactionId === offer.interactionId)[0], 'RecordingAvailable');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, agent);
    await eventually(() => decoded(Events.InteractionCompleted, (e) => e.interactionId === offer.interactionId)[0], 'InteractionCompleted');
    stream.cancel();

    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([phoneResult.exitCode, phoneResult.errors]).toEqual([0, '']);
    expect(offer).toMatchObject({ tenantId, queueId: 'sales', channel: VOICE });
    const events = callEvents(session.callId);
    expect(events.map((e) => (e.type === 'CallIvrStepped' ? `step:${e.payload.nodeId}` : e.type))).toEqual([
      'CallStarted',
      'step:menu',
      'step:sales',
      'step:enqueue',
      'CallQueued',
      'CallAgentRinging',
      'CallConnected',
      'CallEnded',
    ]);
    expect(events[0].payload).toMatchObject({ fromNumber: '+4917612345678', toNumber: DID, interactionId: offer.interactionId });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
    const interaction = published
      .filter((e) => e.topic === Topics.interaction)
      .map((e) => ({ type: e.type.split('.').pop(), id: (Events as any)[e.type.split('.').pop() as string].codec.decode(e.payload).interactionId }))
      .filter((e) => e.id === offer.interactionId)
      .map((e) => e.type);
    const rejected = decoded(Events.InteractionRejected, (e) => e.interactionId === offer.interactionId);
    expect({ interaction, rejected }).toEqual({ interaction: ['InteractionRequested', 'InteractionQueued', 'InteractionOffered', 'InteractionAssigned', 'InteractionCompleted'], rejected: [] });
    expect(decoded(Events.InteractionRequested, (e) => e.interactionId === offer.interactionId)[0]).toMatchObject({ channel: VOICE, queueId: 'sales', priority: 5, workspaceId });
    // Audio both ways through the bridge: sipp's 7 s capture from each phone, 50 packets a second.
    expect(rtp.callerToAgent).toBeGreaterThan(100);
    expect(rtp.agentToCaller).toBeGreaterThan(100);

    const wav = new WaveFile(readFileSync(fileURLToPath(recording.uri)));
    const format = wav.fmt as { numChannels: number; sampleRate: number };
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    const connectedAt = fromTimestamp(events.find((e) => e.type === 'CallConnected')?.payload.connectedAt) as Date;
    const endedAt = fromTimestamp(ended.endedAt) as Date;
    expect([format.numChannels, format.sampleRate]).toEqual([2, 8000]);
    expect(Math.abs(recording.durationMs - (endedAt.getTime() - connectedAt.getTime()))).toBeLessThan(750);
    expect(Math.abs((samples[0].length / 8000) * 1000 - recording.durationMs)).toBeLessThan(5);
    expect(samples[0].some((s) => Math.abs(s) > 1000)).toBe(true);
    expect(samples[1].some((s) => Math.abs(s) > 1000)).toBe(true);
  }, 90_000);

  it('holds and resumes the caller, pauses the recording into silence, and ends when the agent hangs up', async () => {
    // Logged in by the first test unless this one runs alone.
    await unary(agentClient, 'login', { channels: [VOICE] }, agent).catch(() => undefined);
    const stream = agentClient.streamWork({}, await metadata(agent));
    const work: any[] = [];
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const phone = await sipp({ scenario: join(SCENARIOS, 'agent-phone-held.xml'), localPort: agentSipPort, timeoutSec: 60, extraArgs: ['-d', '1500'] });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-stays.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60 });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the voice offer on the agent stream');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, agent);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    await eventually(() => (session.currentState === 'connected' ? true : undefined), 'the bridge');
    const control = (method: string, request: object = {}) => unary(callControl, method, { callId: session.callId, ...request }, agent);
    await new Promise((r) => setTimeout(r, 1000));
    // The silent span is bounded by the answer to pause and the request to resume, so a slow
    // RPC (a token refresh, a loaded machine) cannot move the pause outside it.
    await control('pauseRecording');
    const pausedFrom = Date.now();
    const pausedWhile = session.recordingPaused;
    await new Promise((r) => setTimeout(r, 1500));
    const pausedUntil = Date.now();
    await control('resumeRecording');
    await control('hold');
    const held = session.currentState;
    await new Promise((r) => setTimeout(r, 500));
    await control('resume');
    await control('sendDtmf', { digits: '5' });
    const badDigits = await control('sendDtmf', { digits: 'x' }).catch((e: grpc.ServiceError) => e);
    const [customerResult, phoneResult] = await Promise.all([customer.done, phone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    const recording = await eventually(() => decoded(Events.RecordingAvailable, (e) => e.interactionId === offer.interactionId)[0], 'RecordingAvailable');
    const gone = await control('hold').catch((e: grpc.ServiceError) => e);
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, agent);
    stream.cancel();

    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([phoneResult.exitCode, phoneResult.errors]).toEqual([0, '']);
    expect([pausedWhile, held]).toEqual([true, 'held']);
    expect(badDigits.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(gone.code).toBe(grpc.status.NOT_FOUND);
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_AGENT, reason: 'hangup' });
    const events = callEvents(session.callId);
    expect(events.map((e) => e.type).slice(-5)).toEqual(['CallAgentRinging', 'CallConnected', 'CallHeld', 'CallResumed', 'CallEnded']);
    const connectedAt = (fromTimestamp(events.find((e) => e.type === 'CallConnected')?.payload.connectedAt) as Date).getTime();
    const samples = new WaveFile(readFileSync(fileURLToPath(recording.uri))).getSamples(false, Int16Array) as unknown as Int16Array[];
    const span = (from: number, to: number) => [Math.round(((from - connectedAt) * 8000) / 1000), Math.round(((to - connectedAt) * 8000) / 1000)];
    const [silentFrom, silentTo] = span(pausedFrom + 150, pausedUntil - 150);
    for (const channel of samples) {
      expect(channel.subarray(silentFrom, silentTo).every((s) => s === 0)).toBe(true);
      expect(channel.subarray(silentTo).some((s) => Math.abs(s) > 1000)).toBe(true);
    }
  }, 90_000);

  it('reports a busy agent phone to routing, keeps the caller on hold, and rings the agent routing re-offers the call to', async () => {
    second = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const secondSipPort = await freePort();
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: second.id, sipUri: `sip:agent2@127.0.0.1:${secondSipPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: second.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    await unary(agentClient, 'login', { channels: [VOICE] }, agent).catch(() => undefined);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AVAILABLE }, agent);
    const firstWork: any[] = [];
    const firstStream = agentClient.streamWork({}, await metadata(agent));
    firstStream.on('data', (message) => firstWork.push(message));
    firstStream.on('error', () => undefined);
    const busyPhone = await sipp({ scenario: join(SCENARIOS, 'agent-phone-busy.xml'), localPort: agentSipPort, timeoutSec: 30 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '1000'] });
    const offer = await eventually(() => firstWork.find((m) => m.offered)?.offered, 'the offer to the first agent');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, agent);
    const missed = await eventually(() => decoded(Events.CallAgentMissed, (e) => e.interactionId === offer.interactionId)[0], 'CallAgentMissed');
    const failed = await eventually(() => decoded(Events.InteractionDeliveryFailed, (e) => e.interactionId === offer.interactionId)[0], 'InteractionDeliveryFailed');
    const session = gateway().sessionOfInteraction(offer.interactionId);
    const stateAfterMiss = session?.currentState;

    // Nobody transfers: routing requeues on InteractionDeliveryFailed and offers the call to the next agent.
    await unary(agentClient, 'login', { channels: [VOICE] }, second);
    const secondWork: any[] = [];
    const secondStream = agentClient.streamWork({}, await metadata(second));
    secondStream.on('data', (message) => secondWork.push(message));
    secondStream.on('error', () => undefined);
    const phone = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: secondSipPort, timeoutSec: 60 });
    // Routing may re-offer before the stream opens: the offer then comes in the stream's first snapshot.
    const reoffer = await eventually(
      () => secondWork.find((m) => m.offered)?.offered ?? secondWork.find((m) => m.snapshot?.offers?.length)?.snapshot.offers[0],
      'the offer to the second agent',
    );
    await unary(agentClient, 'acceptOffer', { offerId: reoffer.offerId }, second);
    const [customerResult, phoneResult, busyResult] = await Promise.all([customer.done, phone.done, busyPhone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.interactionId === offer.interactionId)[0], 'CallEnded');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, second);
    firstStream.cancel();
    secondStream.cancel();

    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([phoneResult.exitCode, phoneResult.errors]).toEqual([0, '']);
    expect([busyResult.exitCode, busyResult.errors]).toEqual([0, '']);
    expect(missed).toMatchObject({ agentId: agent.id, sipStatus: 486 });
    expect(failed).toMatchObject({ agentId: agent.id, tenantId, workspaceId, reason: 'busy:486' });
    expect(stateAfterMiss).toBe('queued');
    expect(reoffer.interactionId).toBe(offer.interactionId);
    expect(firstWork.filter((m) => m.offered?.interactionId === offer.interactionId)).toHaveLength(1);
    expect(callEvents(ended.callId).map((e) => e.type).slice(-5)).toEqual(['CallAgentRinging', 'CallAgentMissed', 'CallAgentRinging', 'CallConnected', 'CallEnded']);
    expect(callEvents(ended.callId).find((e) => e.type === 'CallConnected')?.payload.agentId).toBe(second.id);
  }, 90_000);

  it('cancels an agent phone that rings past the timeout and reports no-answer to routing', async () => {
    const third = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const thirdSipPort = await freePort();
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: third.id, sipUri: `sip:agent3@127.0.0.1:${thirdSipPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: third.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    await unary(agentClient, 'login', { channels: [VOICE] }, third);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(third));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const ringing = await sipp({ scenario: join(SIPP_SCENARIOS, 'uas-ring-cancel.xml'), localPort: thirdSipPort, timeoutSec: 30 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-abandons.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 40, extraArgs: ['-d', '10000'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer to the third agent');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, third);
    const failed = await eventually(() => decoded(Events.InteractionDeliveryFailed, (e) => e.interactionId === offer.interactionId)[0], 'InteractionDeliveryFailed');
    const stateAfterMiss = gateway().sessionOfInteraction(offer.interactionId)?.currentState;
    const [customerResult, ringingResult] = await Promise.all([customer.done, ringing.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.interactionId === offer.interactionId)[0], 'CallEnded');
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, third).catch(() => undefined);
    stream.cancel();

    expect([ringingResult.exitCode, ringingResult.errors]).toEqual([0, '']);
    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect(failed).toMatchObject({ agentId: third.id, reason: 'no-answer:408' });
    expect(stateAfterMiss).toBe('queued');
    expect(decoded(Events.CallAgentMissed, (e) => e.interactionId === offer.interactionId)[0]).toMatchObject({ agentId: third.id, sipStatus: 408 });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'abandoned-in-queue' });
  }, 60_000);

  it('registers an agent phone with digest auth against the stored HA1 and rings its registered contact', async () => {
    const phoneAgent = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const username = `agent-${phoneAgent.id.slice(0, 8)}`;
    const phonePort = await freePort();
    const deadPort = await freePort();
    const digestHa1 = createHash('md5').update(`${username}:contactcenter:s3cret`).digest('hex');
    // The fixed SIP URI points nowhere: the call can only succeed through the registration.
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: phoneAgent.id, sipUsername: username, digestHa1, sipUri: `sip:${username}@127.0.0.1:${deadPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: phoneAgent.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    const other = newTenant();
    const otherAdmin = await newUser({ workspaceId: other.workspaceId, tenants: [other.tenantId], roles: ['tenant-admin'] });
    const otherMetadata = new grpc.Metadata();
    otherMetadata.set('authorization', `Bearer ${await otherAdmin.token()}`);
    otherMetadata.set('x-tenant-id', other.tenantId);
    const taken = await new Promise<any>((ok, fail) =>
      telephonyAdmin.putAgentEndpoint({ endpoint: { agentId: 'someone', sipUsername: username, digestHa1 } }, otherMetadata, (e, r) => (e ? fail(e) : ok(r))),
    ).catch((e: grpc.ServiceError) => e);

    const wrong = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'register-wrong-password.xml'), remote: `127.0.0.1:${sipPort}`, service: username, auth: { username, password: 'guess' }, timeoutSec: 15 })).done;
    const stranger = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'register-wrong-password.xml'), remote: `127.0.0.1:${sipPort}`, service: 'nobody-here', auth: { username: 'nobody-here', password: 's3cret' }, timeoutSec: 15 })).done;
    const right = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'register-auth.xml'), remote: `127.0.0.1:${sipPort}`, localPort: phonePort, service: username, auth: { username, password: 's3cret' }, timeoutSec: 15 })).done;

    for (const busy of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, busy).catch(() => undefined);
    }
    await unary(agentClient, 'login', { channels: [VOICE] }, phoneAgent);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(phoneAgent));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const phone = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: phonePort, timeoutSec: 60 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '1000'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer to the registered agent');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, phoneAgent);
    const [customerResult, phoneResult] = await Promise.all([customer.done, phone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.interactionId === offer.interactionId)[0], 'CallEnded');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, phoneAgent);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, phoneAgent).catch(() => undefined);
    stream.cancel();

    expect([taken.code, taken.details]).toEqual([grpc.status.ALREADY_EXISTS, `SIP_USERNAME_TAKEN: SIP username ${username} is taken`]);
    expect([wrong.exitCode, wrong.errors]).toEqual([0, '']);
    expect([stranger.exitCode, stranger.errors]).toEqual([0, '']);
    expect([right.exitCode, right.errors]).toEqual([0, '']);
    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([phoneResult.exitCode, phoneResult.errors]).toEqual([0, '']);
    expect(callEvents(ended.callId).find((e) => e.type === 'CallConnected')?.payload.agentId).toBe(phoneAgent.id);
  }, 90_000);

  it('keeps registrations in Postgres: a phone registered with another pod, now gone, is rung by the pod that holds the call', async () => {
    const podAgent = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const username = `pod-${podAgent.id.slice(0, 8)}`;
    const [phonePort, deadPort] = [await freePort(), await freePort()];
    const digestHa1 = createHash('md5').update(`${username}:contactcenter:s3cret`).digest('hex');
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: podAgent.id, sipUsername: username, digestHa1, sipUri: `sip:${username}@127.0.0.1:${deadPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: podAgent.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    const otherPod = new TelephonyGateway({
      dataSource: telephonyDs,
      recordings: new FileSystemRecordingStore(recordings),
      promptsDir: PROMPTS,
      sip: { host: '127.0.0.1', port: await freePort(), protocols: ['udp'], publicAddress: '127.0.0.1', realm: 'contactcenter' },
      rtp: { host: '127.0.0.1', portMin: 0, portMax: 0, strictSource: true },
      mediaAddress: '127.0.0.1',
      maxConcurrentCalls: 1,
      agentRingTimeoutMs: 5_000,
      logger: quiet,
    });
    await otherPod.start();
    const registered = await (
      await sipp({ scenario: join(SIPP_SCENARIOS, 'register-auth.xml'), remote: `127.0.0.1:${otherPod.sipPort}`, localPort: phonePort, service: username, auth: { username, password: 's3cret' }, timeoutSec: 15 })
    ).done;
    await otherPod.registrationsSettled();
    await otherPod.close();

    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    await unary(agentClient, 'login', { channels: [VOICE] }, podAgent);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(podAgent));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const phone = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: phonePort, timeoutSec: 60 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '500'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, podAgent);
    const [customerResult, phoneResult] = await Promise.all([customer.done, phone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.interactionId === offer.interactionId)[0], 'CallEnded');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, podAgent);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, podAgent).catch(() => undefined);
    stream.cancel();
    const stored = await telephonyDs.transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return m.query(`SELECT "sip_username", "agent_id", "contact", "expires_at" > now() AS "live" FROM "telephony_registrations" WHERE "sip_username" = $1`, [username]);
    });

    expect([registered.exitCode, registered.errors]).toEqual([0, '']);
    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([phoneResult.exitCode, phoneResult.errors]).toEqual([0, '']);
    expect(stored).toEqual([{ sip_username: username, agent_id: podAgent.id, contact: expect.stringContaining(`127.0.0.1:${phonePort}`), live: true }]);
    expect(callEvents(ended.callId).find((e) => e.type === 'CallConnected')?.payload.agentId).toBe(podAgent.id);
  }, 90_000);

  it('withdraws a call whose caller hangs up in the queue, which routing reports as abandoned', async () => {
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'lunch' }, agent);
    const earlier = new Set(decoded(Events.CallEnded).map((e) => e.callId));
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-abandons.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 30, extraArgs: ['-d', '2500'] });
    const result = await customer.done;
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.reason === 'abandoned-in-queue' && !earlier.has(e.callId))[0], 'CallEnded of the abandoned call');
    const abandoned = await eventually(() => decoded(Events.InteractionAbandoned, (e) => e.interactionId === ended.interactionId)[0], 'InteractionAbandoned from routing');

    expect([result.exitCode, result.errors]).toEqual([0, '']);
    expect(ended.endedBy).toBe(callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER);
    expect(callEvents(ended.callId).map((e) => e.type)).toEqual(['CallStarted', 'CallIvrStepped', 'CallIvrStepped', 'CallIvrStepped', 'CallQueued', 'CallEnded']);
    expect(decoded(Events.InteractionWithdrawn, (e) => e.interactionId === ended.interactionId)[0]).toMatchObject({ reason: 'caller-hung-up', workspaceId });
    expect(abandoned).toMatchObject({ queueId: 'sales' });
    expect(abandoned.queueTimeMs).toBeGreaterThan(1000);
    expect(decoded(Events.RecordingAvailable, (e) => e.interactionId === ended.interactionId)).toEqual([]);
  }, 60_000);

  it('blind-transfers a connected call to a SIP URI: the agent leg ends, the caller is bridged to the target and the recording goes on', async () => {
    const transferAgent = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const agentPort = await freePort();
    const externalPort = await freePort();
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: transferAgent.id, sipUri: `sip:transfer@127.0.0.1:${agentPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: transferAgent.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    await unary(agentClient, 'login', { channels: [VOICE] }, transferAgent);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(transferAgent));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const agentPhone = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: agentPort, timeoutSec: 60 });
    const external = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: externalPort, timeoutSec: 60 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '1000'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, transferAgent);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    await eventually(() => (session.currentState === 'connected' ? true : undefined), 'the bridge to the agent');
    const control = (method: string, request: object) => unary(callControl, method, { callId: session.callId, ...request }, transferAgent);
    await new Promise((r) => setTimeout(r, 1000));
    await control('pauseRecording', {});
    const noTarget = await control('blindTransfer', {}).catch((e: grpc.ServiceError) => e);
    const noTrunk = await control('blindTransfer', { number: '+4930555000111' }).catch((e: grpc.ServiceError) => e);
    await control('blindTransfer', { sipUri: `sip:desk@127.0.0.1:${externalPort}` });
    const agentResult = await agentPhone.done;
    await eventually(() => (session.currentState === 'connected' && session.stats.agentToCaller > 50 ? true : undefined), 'audio from the transfer target');
    const pausedAfterTransfer = session.recordingPaused;
    const [customerResult, externalResult] = await Promise.all([customer.done, external.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    const recording = await eventually(() => decoded(Events.RecordingAvailable, (e) => e.interactionId === offer.interactionId)[0], 'RecordingAvailable');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, transferAgent);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, transferAgent).catch(() => undefined);
    stream.cancel();

    expect([noTarget.code, noTarget.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'INVALID_TRANSFER_TARGET: give number, sip_uri, queue_id or agent_id']);
    expect(noTrunk.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect([agentResult.exitCode, agentResult.errors]).toEqual([0, '']);
    expect([externalResult.exitCode, externalResult.errors]).toEqual([0, '']);
    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect(pausedAfterTransfer).toBe(false);
    const events = callEvents(session.callId);
    expect(events.map((e) => e.type).slice(-4)).toEqual(['CallAgentRinging', 'CallConnected', 'CallTransferred', 'CallEnded']);
    expect(events.find((e) => e.type === 'CallTransferred')?.payload).toMatchObject({ fromAgentId: transferAgent.id, number: `sip:desk@127.0.0.1:${externalPort}` });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
    const samples = new WaveFile(readFileSync(fileURLToPath(recording.uri))).getSamples(false, Int16Array) as unknown as Int16Array[];
    const transferredAt = (fromTimestamp(events.find((e) => e.type === 'CallTransferred')?.payload.transferredAt) as Date).getTime();
    const connectedAt = (fromTimestamp(events.find((e) => e.type === 'CallConnected')?.payload.connectedAt) as Date).getTime();
    const afterTransfer = Math.round(((transferredAt - connectedAt + 1500) * 8000) / 1000);
    expect(samples[1].subarray(afterTransfer).some((s) => Math.abs(s) > 1000)).toBe(true);
  }, 90_000);

  it('blind-transfers a connected call to a queue and then to an agent through routing: music between, each new agent’s phone rung and bridged', async () => {
    const [first, next, last] = await Promise.all([0, 1, 2].map(() => newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] })));
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, who] of [first, next, last].entries()) {
      await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: who.id, sipUri: `sip:rt${i}@127.0.0.1:${ports[i]}` } }, admin);
      await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: who.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    }
    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    const work = new Map<string, any[]>();
    const streams: grpc.ClientReadableStream<any>[] = [];
    const listen = async (who: TestUser) => {
      await unary(agentClient, 'login', { channels: [VOICE] }, who);
      work.set(who.id, []);
      const stream = agentClient.streamWork({}, await metadata(who));
      stream.on('data', (message) => work.get(who.id)?.push(message));
      stream.on('error', () => undefined);
      streams.push(stream);
    };
    const offerTo = (who: TestUser) =>
      eventually(() => {
        const messages = work.get(who.id) ?? [];
        return messages.find((m) => m.offered)?.offered ?? messages.find((m) => m.snapshot?.offers?.length)?.snapshot.offers[0];
      }, `the offer to ${who.id}`);
    await listen(first);
    const phones = await Promise.all(ports.map((port) => sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: port, timeoutSec: 60 })));
    // Two transfers and two more answers must fit in the caller's ~15 s of talk plus -d, also on a loaded machine.
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: ['-d', '5000'] });
    const offer = await offerTo(first);
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, first);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    await eventually(() => (session.agentId === first.id && session.currentState === 'connected' ? true : undefined), 'the first agent connected');
    const transfer = (who: TestUser, target: object) => unary(callControl, 'blindTransfer', { callId: session.callId, ...target }, who);

    const unknownQueue = await transfer(first, { queueId: 'nowhere' }).catch((e: grpc.ServiceError) => e);
    await listen(next);
    const notTheHandler = await transfer(next, { queueId: 'sales' }).catch((e: grpc.ServiceError) => e);
    await transfer(first, { queueId: 'sales' });
    const afterQueueTransfer = { state: session.currentState, sentBefore: session.callerMedia.sent };
    const firstPhone = await phones[0].done;
    await new Promise((r) => setTimeout(r, 400));
    const musicPackets = session.callerMedia.sent - afterQueueTransfer.sentBefore;
    const reoffer = await offerTo(next);
    await unary(agentClient, 'acceptOffer', { offerId: reoffer.offerId }, next);
    await eventually(() => (session.agentId === next.id && session.currentState === 'connected' ? true : undefined), 'the second agent connected');

    await listen(last);
    await transfer(next, { agentId: last.id });
    const afterAgentTransfer = session.currentState;
    const direct = await offerTo(last);
    await unary(agentClient, 'acceptOffer', { offerId: direct.offerId }, last);
    await eventually(() => (session.agentId === last.id && session.currentState === 'connected' ? true : undefined), 'the third agent connected');
    const [customerResult, secondPhone, lastPhone] = await Promise.all([customer.done, phones[1].done, phones[2].done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, last);
    for (const who of [first, next, last]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, who).catch(() => undefined);
    }
    streams.forEach((stream) => stream.cancel());

    expect([unknownQueue.code, unknownQueue.details]).toEqual([grpc.status.NOT_FOUND, 'QUEUE_NOT_FOUND: queue nowhere is unknown']);
    expect([notTheHandler.code, notTheHandler.details]).toEqual([grpc.status.FAILED_PRECONDITION, expect.stringMatching(/^NOT_ASSIGNED_TO_AGENT: /)]);
    for (const result of [customerResult, firstPhone, secondPhone, lastPhone]) expect([result.exitCode, result.errors]).toEqual([0, '']);
    expect([afterQueueTransfer.state, afterAgentTransfer]).toEqual(['queued', 'queued']);
    // Music on hold at 50 packets a second while the call waits in the queue again.
    expect(musicPackets).toBeGreaterThan(10);
    expect(reoffer.interactionId).toBe(offer.interactionId);
    expect(direct.interactionId).toBe(offer.interactionId);
    const events = callEvents(session.callId).filter((e) => e.type !== 'CallIvrStepped');
    expect(events.map((e) => e.type)).toEqual([
      'CallStarted',
      'CallQueued',
      'CallAgentRinging',
      'CallConnected',
      'CallTransferred',
      'CallAgentRinging',
      'CallConnected',
      'CallTransferred',
      'CallAgentRinging',
      'CallConnected',
      'CallEnded',
    ]);
    const transfers = events.filter((e) => e.type === 'CallTransferred').map((e) => e.payload);
    expect(transfers[0]).toMatchObject({ fromAgentId: first.id, queueId: 'sales' });
    expect(transfers[1]).toMatchObject({ fromAgentId: next.id, agentId: last.id });
    expect(events.filter((e) => e.type === 'CallConnected').map((e) => e.payload.agentId)).toEqual([first.id, next.id, last.id]);
    const interaction = decoded(Events.InteractionTransferred, (e) => e.interactionId === offer.interactionId);
    expect(interaction.map((e) => [e.fromAgentId, e.toQueueId, e.toAgentId])).toEqual([
      [first.id, 'sales', ''],
      [next.id, 'sales', last.id],
    ]);
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
  }, 90_000);

  it('runs an IVR transfer node through the same path: the caller is bridged to the target', async () => {
    const external = await sipp({ scenario: join(SCENARIOS, 'agent-phone.xml'), localPort: ivrTransferPort, timeoutSec: 60 });
    const customer = await sipp({ scenario: join(SCENARIOS, 'customer-hangs-up.xml'), remote: `127.0.0.1:${sipPort}`, service: TRANSFER_DID, timeoutSec: 60 });
    const [customerResult, externalResult] = await Promise.all([customer.done, external.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => callEvents(e.callId)[0]?.payload.toNumber === TRANSFER_DID)[0], 'CallEnded');

    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([externalResult.exitCode, externalResult.errors]).toEqual([0, '']);
    const events = callEvents(ended.callId);
    expect(events.map((e) => (e.type === 'CallIvrStepped' ? `step:${e.payload.nodeId}` : e.type))).toEqual(['CallStarted', 'step:out', 'CallTransferred', 'CallEnded']);
    expect(events[2].payload).toMatchObject({ fromAgentId: '', number: `sip:desk@127.0.0.1:${ivrTransferPort}` });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
    expect(decoded(Events.RecordingAvailable, (e) => e.interactionId === ended.interactionId)).toHaveLength(1);
  }, 60_000);

  it('answers 404 for a number nobody owns', async () => {
    const result = await (await sipp({ scenario: join(SCENARIOS, 'customer-refused.xml'), remote: `127.0.0.1:${sipPort}`, service: '+4930555999999', timeoutSec: 15 })).done;

    expect([result.exitCode, result.errors]).toEqual([0, '']);
    expect(gateway().activeCalls).toBe(0);
  }, 30_000);

  it('answers 503 over capacity and while draining, and lets the call it carries finish', async () => {
    const first = await sipp({ scenario: join(SCENARIOS, 'customer-abandons.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 30, extraArgs: ['-d', '4000'] });
    await eventually(() => (gateway().activeCalls === 1 ? true : undefined), 'the first call on the gateway');
    const overCapacity = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'invite-overloaded.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 15 })).done;
    const draining = gateway().drain(20_000);
    const whileDraining = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'invite-overloaded.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 15 })).done;
    const firstResult = await first.done;
    await draining;
    gateway().resume();

    expect([overCapacity.exitCode, overCapacity.errors]).toEqual([0, '']);
    expect([whileDraining.exitCode, whileDraining.errors]).toEqual([0, '']);
    expect([firstResult.exitCode, firstResult.errors]).toEqual([0, '']);
    expect(gateway().activeCalls).toBe(0);
  }, 60_000);

  it('answers malformed SIP with the right 4xx without a crash, and takes the next call', async () => {
    const cases: [string, string][] = [
      ['broken-header.xml', 'a header line without a colon → 400'],
      ['missing-via.xml', 'an INVITE without Via → 400'],
      ['bad-from.xml', 'an unterminated From URI → 400'],
      ['invite-bad-sdp.xml', 'a body that is not SDP → 400'],
      ['invite-unknown-codec.xml', 'a G.729-only offer → 488'],
      ['invite-unsupported-body.xml', 'a text/plain body → 415'],
    ];
    const results: Record<string, [number | null, string]> = {};
    for (const [file, what] of cases) {
      const result = await (await sipp({ scenario: join(SIPP_SCENARIOS, file), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 15 })).done;
      results[what] = [result.exitCode, result.errors];
    }
    const callsAfterBadInput = gateway().activeCalls;
    const earlier = new Set(decoded(Events.CallEnded).map((e) => e.callId));
    const next = await (await sipp({ scenario: join(SCENARIOS, 'customer-abandons.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 30, extraArgs: ['-d', '1000'] })).done;
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => !earlier.has(e.callId))[0], 'CallEnded of the next call');

    expect(results).toEqual(Object.fromEntries(cases.map(([, what]) => [what, [0, '']])));
    expect(callsAfterBadInput).toBe(0);
    expect([next.exitCode, next.errors]).toEqual([0, '']);
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'abandoned-in-queue' });
  }, 90_000);

  it('answers a flood of INVITEs beyond capacity with 503 while the carried call keeps its RTP flowing', async () => {
    const first = await sipp({ scenario: join(SCENARIOS, 'customer-abandons.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 30, extraArgs: ['-d', '6000'] });
    const session = await eventually(() => (gateway().activeCalls === 1 ? [...(gateway() as any).sessions.values()][0] : undefined), 'the carried call');
    await eventually(() => (session.currentState === 'queued' ? true : undefined), 'the carried call in the queue');
    const before = { at: Date.now(), sent: session.callerMedia.sent };
    const flood = await (await sipp({ scenario: join(SIPP_SCENARIOS, 'invite-overloaded.xml'), remote: `127.0.0.1:${sipPort}`, service: DID, calls: 200, rate: 200, timeoutSec: 30 })).done;
    const after = { at: Date.now(), sent: session.callerMedia.sent };
    const firstResult = await first.done;

    expect([flood.exitCode, flood.successful, flood.failed, flood.errors]).toEqual([0, 200, 0, '']);
    // Music on hold is 50 packets a second; the flood must not stall it.
    expect(after.sent - before.sent).toBeGreaterThan(((after.at - before.at) / 20) * 0.9);
    expect([firstResult.exitCode, firstResult.errors]).toEqual([0, '']);
    await eventually(() => (gateway().activeCalls === 0 ? true : undefined), 'the carried call to end');
  }, 60_000);

  it('conferences a third party in: each of three sipp phones hears the other two, the recording keeps the mix, and the party that hangs up drops out', async () => {
    const confAgent = await newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] });
    const [agentPort, partyPort] = [await freePort(), await freePort()];
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: confAgent.id, sipUri: `sip:conf@127.0.0.1:${agentPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: confAgent.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    await unary(agentClient, 'login', { channels: [VOICE] }, confAgent);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(confAgent));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const { scenario, key, heardBy, close } = await conferencePhones();
    const agentPhone = await sipp({ scenario: scenario('conference-party-stays.xml', 'agent', 25), localPort: agentPort, timeoutSec: 60, extraArgs: key('agent') });
    const partyPhone = await sipp({ scenario: scenario('conference-party-leaves.xml', 'party', 8), localPort: partyPort, timeoutSec: 60, extraArgs: [...key('party'), '-d', '3500'] });
    const customer = await sipp({
      scenario: scenario('customer-conference.xml', 'caller', 25),
      remote: `127.0.0.1:${sipPort}`,
      service: DID,
      timeoutSec: 60,
      // Long enough for a slow offer on a loaded machine: the caller must still be there when the agent answers.
      extraArgs: [...key('caller'), '-d', '15000'],
    });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, confAgent);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    await eventually(() => (session.currentState === 'connected' ? true : undefined), 'the bridge to the agent');
    const control = (method: string, request: object = {}) => unary(callControl, method, { callId: session.callId, ...request }, confAgent);
    const partyUri = `sip:party@127.0.0.1:${partyPort}`;
    const joined = await control('conference', { sipUri: partyUri });
    const parties = session.conferenceParties;
    const full = await control('conference', { sipUri: partyUri }).catch((e: grpc.ServiceError) => e);
    const holdRefused = await control('hold').catch((e: grpc.ServiceError) => e);
    const partyResult = await partyPhone.done;
    const [customerResult, agentResult] = await Promise.all([customer.done, agentPhone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    const recording = await eventually(() => decoded(Events.RecordingAvailable, (e) => e.interactionId === offer.interactionId)[0], 'RecordingAvailable');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, confAgent);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, confAgent).catch(() => undefined);
    stream.cancel();
    close();

    expect([customerResult.exitCode, customerResult.errors]).toEqual([0, '']);
    expect([agentResult.exitCode, agentResult.errors]).toEqual([0, '']);
    expect([partyResult.exitCode, partyResult.errors]).toEqual([0, '']);
    expect(parties).toEqual(['caller', 'agent', joined.partyId]);
    expect([full.code, full.details]).toEqual([grpc.status.FAILED_PRECONDITION, `CONFERENCE_FULL: call ${session.callId} already has a third party`]);
    expect([holdRefused.code, holdRefused.details]).toEqual([grpc.status.FAILED_PRECONDITION, `CONFERENCE_ACTIVE: Hold is not possible while call ${session.callId} is a conference`]);
    const events = callEvents(session.callId);
    expect(events.map((e) => e.type).slice(-5)).toEqual(['CallAgentRinging', 'CallConnected', 'CallPartyJoined', 'CallPartyLeft', 'CallEnded']);
    const at = (type: string, field: string) => (fromTimestamp(events.find((e) => e.type === type)?.payload[field]) as Date).getTime();
    expect(events.find((e) => e.type === 'CallPartyJoined')?.payload).toMatchObject({ partyId: joined.partyId, number: partyUri });
    expect(events.find((e) => e.type === 'CallPartyLeft')?.payload).toMatchObject({ partyId: joined.partyId, agentId: '' });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
    const legs = await telephonyDs.transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return m.query(`SELECT "leg_id", "role", "remote_uri", "ended_at" IS NOT NULL AS "ended" FROM "telephony_call_legs" WHERE "call_id" = $1 ORDER BY "started_at"`, [session.callId]);
    });
    expect(legs.map((l: any) => [l.role, l.ended])).toEqual([['caller', true], ['agent', true], ['party', true]]);
    expect(legs[2]).toMatchObject({ leg_id: joined.partyId, remote_uri: partyUri });

    // What each ear heard while all three talked, and after the party left: loud (~8000) or silent.
    const [joinedAt, leftAt, endedAt, connectedAt] = [at('CallPartyJoined', 'joinedAt'), at('CallPartyLeft', 'leftAt'), at('CallEnded', 'endedAt'), at('CallConnected', 'connectedAt')];
    const threeWay = [joinedAt + 500, leftAt - 300] as const;
    const twoWay = [leftAt + 500, endedAt - 300] as const;
    expect(threeWay[1] - threeWay[0]).toBeGreaterThan(1500);
    expect({ caller: heardBy('caller', ...threeWay), agent: heardBy('agent', ...threeWay), party: heardBy('party', ...threeWay) }).toEqual({
      caller: { caller: 'silent', agent: 'loud', party: 'loud' },
      agent: { caller: 'loud', agent: 'silent', party: 'loud' },
      party: { caller: 'loud', agent: 'loud', party: 'silent' },
    });
    expect({ caller: heardBy('caller', ...twoWay), agent: heardBy('agent', ...twoWay) }).toEqual({
      caller: { caller: 'silent', agent: 'loud', party: 'silent' },
      agent: { caller: 'loud', agent: 'silent', party: 'silent' },
    });

    // The recording: the caller left, what the caller heard (the mix of the other two) right.
    const samples = new WaveFile(readFileSync(fileURLToPath(recording.uri))).getSamples(false, Int16Array) as unknown as Int16Array[];
    const blocksOf = (channel: Int16Array, [from, to]: readonly [number, number]) => {
      const blocks: Int16Array[] = [];
      for (let i = Math.round((from - connectedAt) * 8); i + 160 <= Math.round((to - connectedAt) * 8); i += 160) blocks.push(channel.subarray(i, i + 160));
      return blocks;
    };
    expect({ left: hears(blocksOf(samples[0], threeWay)), right: hears(blocksOf(samples[1], threeWay)) }).toEqual({
      left: { caller: 'loud', agent: 'silent', party: 'silent' },
      right: { caller: 'silent', agent: 'loud', party: 'loud' },
    });
    expect(hears(blocksOf(samples[1], twoWay))).toEqual({ caller: 'silent', agent: 'loud', party: 'silent' });
  }, 90_000);

  it('conferences another agent in by id; when the handling agent hangs up, the caller and that agent go on until the caller leaves', async () => {
    const [handler, helper] = await Promise.all([0, 1].map(() => newUser({ workspaceId, tenants: [tenantId], roles: ['agent'] })));
    const [agentPort, partyPort] = [await freePort(), await freePort()];
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: handler.id, sipUri: `sip:handler@127.0.0.1:${agentPort}` } }, admin);
    await unary(telephonyAdmin, 'putAgentEndpoint', { endpoint: { agentId: helper.id, sipUri: `sip:helper@127.0.0.1:${partyPort}` } }, admin);
    await unary(routingAdmin, 'putAgentProfile', { profile: { agentId: handler.id, tenantIds: [tenantId], queues: [{ queueId: 'sales', priority: 1 }], capacity: [{ channel: VOICE, maxConcurrent: 1 }], skills: {} } }, admin);
    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    await unary(agentClient, 'login', { channels: [VOICE] }, handler);
    const work: any[] = [];
    const stream = agentClient.streamWork({}, await metadata(handler));
    stream.on('data', (message) => work.push(message));
    stream.on('error', () => undefined);
    const { scenario, key, heardBy, close } = await conferencePhones();
    // The handling agent hangs up 8 s after answering: time for the Conference to ring the helper in first, even on a loaded machine.
    const agentPhone = await sipp({ scenario: scenario('conference-party-leaves.xml', 'agent', 14), localPort: agentPort, timeoutSec: 60, extraArgs: [...key('agent'), '-d', '8000'] });
    const partyPhone = await sipp({ scenario: scenario('conference-party-stays.xml', 'party', 30), localPort: partyPort, timeoutSec: 60, extraArgs: key('party') });
    const customer = await sipp({ scenario: scenario('customer-conference.xml', 'caller', 30), remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 60, extraArgs: [...key('caller'), '-d', '18000'] });
    const offer = await eventually(() => work.find((m) => m.offered)?.offered, 'the offer');
    await unary(agentClient, 'acceptOffer', { offerId: offer.offerId }, handler);
    const session = await eventually(() => gateway().sessionOfInteraction(offer.interactionId), 'the call on the gateway');
    await eventually(() => (session.currentState === 'connected' ? true : undefined), 'the bridge to the agent');
    const joined = await unary(callControl, 'conference', { callId: session.callId, agentId: helper.id }, handler);
    const [customerResult, agentResult, partyResult] = await Promise.all([customer.done, agentPhone.done, partyPhone.done]);
    const ended = await eventually(() => decoded(Events.CallEnded, (e) => e.callId === session.callId)[0], 'CallEnded');
    await unary(agentClient, 'complete', { interactionId: offer.interactionId }, handler).catch(() => undefined);
    await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, handler).catch(() => undefined);
    stream.cancel();
    close();

    for (const result of [customerResult, agentResult, partyResult]) expect([result.exitCode, result.errors]).toEqual([0, '']);
    const events = callEvents(session.callId);
    expect(events.map((e) => e.type).slice(-4)).toEqual(['CallConnected', 'CallPartyJoined', 'CallPartyLeft', 'CallEnded']);
    expect(events.find((e) => e.type === 'CallPartyJoined')?.payload).toMatchObject({ partyId: joined.partyId, agentId: helper.id });
    expect(events.find((e) => e.type === 'CallPartyLeft')?.payload).toMatchObject({ partyId: 'agent', agentId: handler.id });
    expect(ended).toMatchObject({ endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: 'hangup' });
    const at = (type: string, field: string) => (fromTimestamp(events.find((e) => e.type === type)?.payload[field]) as Date).getTime();
    const [joinedAt, leftAt, endedAt] = [at('CallPartyJoined', 'joinedAt'), at('CallPartyLeft', 'leftAt'), at('CallEnded', 'endedAt')];
    expect(leftAt - joinedAt).toBeGreaterThan(1500);
    expect(heardBy('caller', joinedAt + 500, leftAt - 300)).toEqual({ caller: 'silent', agent: 'loud', party: 'loud' });
    expect({ caller: heardBy('caller', leftAt + 500, endedAt - 300), party: heardBy('party', leftAt + 500, endedAt - 300) }).toEqual({
      caller: { caller: 'silent', agent: 'silent', party: 'loud' },
      party: { caller: 'loud', agent: 'silent', party: 'silent' },
    });
  }, 90_000);

  it('announces the caller’s place as routing reports it between the music, priorities included, and the new place once the contacts ahead leave', async () => {
    for (const other of [agent, second]) {
      await unary(agentClient, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AWAY, reasonCode: 'break' }, other).catch(() => undefined);
    }
    const publish = <T>(definition: EventDefinition<T>, payload: T) =>
      bus.publish([{ id: randomUUID(), type: definition.type, topic: definition.topic, key: workspaceId, time: new Date(), workspaceId, tenantId, payload: definition.codec.encode(payload as never).finish() }]);
    // Contacts another gateway pod would have queued: the caller's routing sees, the board only as first come first served.
    const request = (interactionId: string, priority: number) =>
      publish(Events.InteractionRequested, {
        interactionId,
        tenantId,
        workspaceId,
        channel: VOICE,
        direction: commonV1.Direction.DIRECTION_INBOUND,
        queueId: 'sales',
        priority,
        requiredSkills: {},
        customerIdentity: 'sip:+4917600000000@carrier',
        preferredAgentId: '',
        requestedAt: toTimestamp(new Date()),
      });
    const [ahead, vip] = [`i-ahead-${randomUUID()}`, `i-vip-${randomUUID()}`];
    await request(ahead, 5);
    await eventually(() => gateway().queueBoard.status(ahead, Date.now()), 'the contact ahead on the gateway’s queue board');
    // What the caller must hear: "You are number" then the digit, byte for byte as the gateway sends it.
    const library = new PromptLibrary(PROMPTS);
    const intro = Buffer.concat(await library.frames(['queue-position-intro'], 'PCMA'));
    const spoken = async (position: number) => Buffer.concat([intro.subarray(-800), ...(await library.frames([`number-${position}`], 'PCMA'))]);
    const [first1, second2, third3] = [await spoken(1), await spoken(2), await spoken(3)];
    const dir = mkdtempSync(join(tmpdir(), 'cc-announce-'));
    const pcap = join(dir, 'caller.pcap');
    writeTonePcap(pcap, { frequencyHz: 500, amplitude: 4000, seconds: 45 });
    const scenario = join(dir, 'customer-conference.xml');
    writeFileSync(scenario, readFileSync(join(SCENARIOS, 'customer-conference.xml'), 'utf8').replaceAll('TONE_PCAP', pcap));
    const ear = await earSocket();
    const earlier = new Set(decoded(Events.CallQueued).map((e) => e.callId));
    const customer = await sipp({ scenario, remote: `127.0.0.1:${sipPort}`, service: DID, timeoutSec: 90, extraArgs: ['-key', 'ear_port', String(ear.port), '-d', '35000'] });
    const queued = await eventually(() => decoded(Events.CallQueued, (e) => !earlier.has(e.callId))[0], 'the call in the queue');
    const heardSince = (from: number) => Buffer.concat(ear.heard.filter((h) => h.at >= from).map((h) => h.payload));
    const boardPlace = () => gateway().queueBoard.status(queued.interactionId, Date.now())?.position;
    const placeBefore = await eventually(boardPlace, 'the caller on the queue board');
    await eventually(() => (heardSince(0).includes(second2) ? true : undefined), '"you are number two"', 15_000);
    // A higher-priority contact arrives after the caller: routing serves it first, the board cannot know.
    await request(vip, 9);
    await eventually(() => gateway().queueBoard.status(vip, Date.now()), 'the priority contact on the gateway’s queue board');
    const vipQueuedAt = Date.now();
    await eventually(() => (heardSince(vipQueuedAt).includes(third3) ? true : undefined), '"you are number three"', 15_000);
    const boardWhileThird = boardPlace();
    for (const interactionId of [ahead, vip]) await publish(Events.InteractionWithdrawn, { interactionId, tenantId, workspaceId, reason: 'caller-hung-up', withdrawnAt: toTimestamp(new Date()) });
    await eventually(() => (boardPlace() === 1 ? true : undefined), 'the caller moving up');
    const movedUpAt = Date.now();
    await eventually(() => (heardSince(movedUpAt).includes(first1) ? true : undefined), '"you are number one"', 15_000);
    const result = await customer.done;
    ear.close();
    rmSync(dir, { recursive: true, force: true });
    const abandoned = await eventually(() => decoded(Events.InteractionAbandoned, (e) => e.interactionId === ahead)[0], 'routing dropping the contact ahead');

    expect([result.exitCode, result.errors]).toEqual([0, '']);
    expect([placeBefore, boardWhileThird]).toEqual([2, 2]);
    expect(abandoned.queueId).toBe('sales');
  }, 90_000);

  it('refuses an invalid flow with every problem, and a number another tenant holds', async () => {
    const other = newTenant();
    const otherAdmin = await newUser({ workspaceId: other.workspaceId, tenants: [other.tenantId], roles: ['tenant-admin'] });
    const invalid = await unary(telephonyAdmin, 'putIvrFlow', { definitionJson: JSON.stringify({ id: 'bad', start: 'nowhere', nodes: [{ id: 'end', type: 'hangup' }, { id: 'menu', type: 'menu' }] }) }, admin).catch((e: grpc.ServiceError) => e);
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${await otherAdmin.token()}`);
    m.set('x-tenant-id', other.tenantId);
    const call = (method: string, request: unknown) => new Promise<any>((ok, fail) => telephonyAdmin[method](request, m, (e, r) => (e ? fail(e) : ok(r))));
    await call('putIvrFlow', { definitionJson: JSON.stringify(FLOW) });
    const taken = await call('putDid', { did: { number: DID, flowId: FLOW.id } }).catch((e: grpc.ServiceError) => e);
    const badNumber = await call('putDid', { did: { number: '12', flowId: FLOW.id } }).catch((e: grpc.ServiceError) => e);
    const theirs = await call('listDids', {});
    const agentTries = await unary(telephonyAdmin, 'listDids', {}, agent).catch((e: grpc.ServiceError) => e);

    expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/^INVALID_IVR_FLOW: /);
    expect(invalid.details).toContain('start: no node "nowhere"');
    expect(invalid.details).toContain('nodes[1].prompt: a menu node needs a prompt');
    expect([taken.code, taken.details]).toEqual([grpc.status.ALREADY_EXISTS, `DID_TAKEN: ${DID} belongs to another tenant`]);
    expect(badNumber.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(theirs.dids).toEqual([]);
    expect(agentTries.code).toBe(grpc.status.PERMISSION_DENIED);
  }, 30_000);
});
