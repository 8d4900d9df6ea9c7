import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider, type Role } from '@contactcenter/auth';
import { agentV1, commonV1, type EventDefinition, Events, protoFile, protoRoot, routingAdminV1, routingAgentV1, Topics, toTimestamp } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { createTestDatabase, freePort, migrateAndConnect, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup } from '@contactcenter/testing';
import { RoutingRuntime } from './app/routing-runtime';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { RoutingModule } from './routing.module';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = ((request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void) & ((request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<any>);
type Client = grpc.Client & Record<string, Rpc>;

const PROTO_AWAY = agentV1.AgentState.AGENT_STATE_AWAY;
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;
const { AGENT_ACTIVITY_AVAILABLE: AVAILABLE, AGENT_ACTIVITY_ON_CONTACT: ON_CONTACT, AGENT_ACTIVITY_AFTER_CONTACT_WORK: AFTER_CONTACT_WORK } = routingAgentV1.AgentActivity;

async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Real Kafka in and out, real Postgres underneath (as cc_app, RLS forced), gRPC with real tokens.
describe(RoutingModule.name, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const otherTenantId = newTenantId();
  const agentId = randomUUID();
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let agentClient: Client;
  let adminClient: Client;
  let watcher: Subscription;
  const published: ConsumedEvent[] = [];

  async function metadataFor(subject: string, roles: Role[], tenant?: string): Promise<grpc.Metadata> {
    const token = await idp.issueToken({ subject, workspaceId, tenants: [tenantId, otherTenantId], roles });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    if (tenant) metadata.set('x-tenant-id', tenant);
    return metadata;
  }
  const unary = async <T = any>(client: Client, method: string, request: unknown, metadata: grpc.Metadata): Promise<T> =>
    new Promise<T>((resolve, reject) => client[method](request, metadata, (e, r) => (e ? reject(e) : resolve(r))));
  const asAgent = async (method: string, request: unknown, tenant?: string) => unary(agentClient, method, request, await metadataFor(agentId, ['agent'], tenant));
  const asSupervisor = async (method: string, request: unknown, tenant?: string) => unary(adminClient, method, request, await metadataFor(randomUUID(), ['supervisor'], tenant));
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (error: grpc.ServiceError) => error,
    );
  const runtime = () => app.get(RoutingRuntime);
  const engineState = () => runtime().read(workspaceId, (engine) => engine.snapshot());
  const publishedOf = <T>(definition: EventDefinition<T>, match: (payload: T) => boolean) => () => {
    const event = published.find((e) => e.type === definition.type && match(definition.codec.decode(e.payload)));
    return event && definition.codec.decode(event.payload);
  };
  const request = (interactionId: string, queueId = 'support', requiredSkills: Record<string, number> = { thai: 3 }) => ({
    id: randomUUID(),
    type: Events.InteractionRequested.type,
    topic: Events.InteractionRequested.topic,
    key: workspaceId,
    time: new Date(),
    workspaceId,
    tenantId,
    payload: Events.InteractionRequested.codec
      .encode({ interactionId, tenantId, workspaceId, channel: CHAT, direction: commonV1.Direction.DIRECTION_INBOUND, queueId, priority: 0, requiredSkills, customerIdentity: '', preferredAgentId: '', requestedAt: toTimestamp(new Date()) })
      .finish(),
  });

  const deliveryFailed = (interactionId: string, failedAgentId: string, id: string = randomUUID()) => ({
    id,
    type: Events.InteractionDeliveryFailed.type,
    topic: Events.InteractionDeliveryFailed.topic,
    key: workspaceId,
    time: new Date(),
    workspaceId,
    tenantId,
    payload: Events.InteractionDeliveryFailed.codec.encode({ interactionId, tenantId, workspaceId, agentId: failedAgentId, reason: 'busy:486', failedAt: toTimestamp(new Date()) }).finish(),
  });

  beforeAll(async () => {
    db = await createTestDatabase('routing');
    dataSource = await migrateAndConnect(db, ROUTING_MIGRATIONS);
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'routing-spec', logger: quiet });
    watcher = await bus.subscribe({
      groupId: uniqueGroup('routing-watch'),
      topics: [Topics.interaction, Topics.agent],
      fromBeginning: false,
      handler: async (event) => void (event.workspaceId === workspaceId && published.push(event)),
    });

    const url = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'routing-spec' }),
        AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
        // Small snapshot interval: the rebuild below restores a snapshot and replays a journal.
        // The broker is shared with other tests and benchmarks: only what comes after the start counts.
        RoutingModule.register({ dataSource, eventBus: bus, consumerGroup: uniqueGroup('routing'), relayDatabaseUrl: db.url('relay'), snapshotEvery: 4, fromBeginning: false }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const protoPath = [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')];
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: routingAgentV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();

    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
    const pkg = ((definition.contactcenter as grpc.GrpcObject).routing as grpc.GrpcObject).v1 as grpc.GrpcObject;
    agentClient = new (pkg.AgentService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as Client;
    adminClient = new (pkg.RoutingAdminService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as Client;
  });

  afterAll(async () => {
    agentClient?.close();
    adminClient?.close();
    await watcher?.close();
    await app?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('routes a requested chat from Kafka to an agent stream and through accept, complete and wrap-up', async () => {
    await asSupervisor('putSkill', { skill: { name: 'thai', description: 'Thai language' } });
    const { queue } = await asSupervisor(
      'putQueue',
      { queue: { queueId: 'support', name: 'Support', channels: [CHAT], offerTimeoutMs: 120_000, wrapUpMode: routingAdminV1.WrapUpMode.WRAP_UP_MODE_OPTIONAL } },
      tenantId,
    );
    await asSupervisor('putAgentProfile', {
      profile: { agentId, tenantIds: [tenantId, otherTenantId], queues: [{ queueId: 'support', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 2 }], skills: { thai: 4 } },
    });
    const login = await asAgent('login', { channels: [CHAT] });

    const stream = agentClient.streamWork({}, await metadataFor(agentId, ['agent']));
    const messages: any[] = [];
    stream.on('data', (message) => messages.push(message));
    stream.on('error', () => undefined);
    const first = await eventually(() => messages[0], 'the work snapshot');
    await bus.publish([request('chat-1')]);
    const offer = await eventually(() => messages.find((m) => m.offered)?.offered, 'an offer on the stream');
    const { assignment } = await asAgent('acceptOffer', { offerId: offer.offerId }, tenantId);
    const assigned = await eventually(publishedOf(Events.InteractionAssigned, (e) => e.interactionId === 'chat-1'), 'InteractionAssigned on Kafka');
    const completed = await asAgent('complete', { interactionId: 'chat-1' }, tenantId);
    await asAgent('submitWrapUp', { interactionId: 'chat-1', disposition: 'resolved', notes: 'changed the package' }, tenantId);
    const wrappedUp = await eventually(publishedOf(Events.InteractionWrappedUp, (e) => e.interactionId === 'chat-1'), 'InteractionWrappedUp on Kafka');
    await eventually(() => messages.find((m) => m.released), 'the release on the stream');
    stream.cancel();

    expect(queue).toMatchObject({ queueId: 'support', tenantId, offerTimeoutMs: 120_000, strategy: routingAdminV1.AgentSelection.AGENT_SELECTION_LONGEST_IDLE });
    expect(login.status).toMatchObject({ activity: AVAILABLE, tenantIds: [tenantId, otherTenantId], channels: [CHAT] });
    expect(first.snapshot).toMatchObject({ status: { activity: AVAILABLE }, offers: [], assignments: [] });
    expect(offer).toMatchObject({ interactionId: 'chat-1', tenantId, queueId: 'support', channel: CHAT });
    expect(assignment).toEqual({ interactionId: 'chat-1', tenantId, queueId: 'support', channel: CHAT, wrappingUp: false });
    expect(assigned).toMatchObject({ agentId, queueId: 'support', tenantId });
    expect(completed.wrapUpRequired).toBe(true);
    expect(wrappedUp).toMatchObject({ agentId, disposition: 'resolved', notes: 'changed the package', timedOut: false });
    expect(messages.map((m) => Object.keys(m).find((key) => m[key] !== null && m[key] !== undefined))).toEqual([
      'snapshot',
      'offered',
      'assigned',
      'status',
      'assigned',
      'status',
      'released',
      'status',
    ]);
    expect(messages.filter((m) => m.status).map((m) => m.status.activity)).toEqual([ON_CONTACT, AFTER_CONTACT_WORK, AVAILABLE]);
  });

  it('refuses unknown offers, double accepts and the wrong tenant with exact statuses, changing nothing', async () => {
    await bus.publish([request('chat-2')]);
    const offer = await eventually(publishedOf(Events.InteractionOffered, (e) => e.interactionId === 'chat-2'), 'the second offer');
    const before = await engineState();

    const unknown = await failure(asAgent('acceptOffer', { offerId: 'no-such-offer' }, tenantId));
    const wrongTenant = await failure(asAgent('acceptOffer', { offerId: offer.offerId }, otherTenantId));
    const notGranted = await failure(asAgent('acceptOffer', { offerId: offer.offerId }, newTenantId()));
    const unchanged = await engineState();
    await asAgent('acceptOffer', { offerId: offer.offerId }, tenantId);
    const twice = await failure(asAgent('acceptOffer', { offerId: offer.offerId }, tenantId));
    const badQueue = await failure(asSupervisor('putQueue', { queue: { queueId: 'broken', channels: [], offerTimeoutMs: 1000 } }, tenantId));

    expect([unknown.code, unknown.details]).toEqual([grpc.status.NOT_FOUND, `OFFER_NOT_FOUND: offer no-such-offer is unknown`]);
    expect([wrongTenant.code, wrongTenant.details]).toEqual([grpc.status.PERMISSION_DENIED, `TENANT_MISMATCH: interaction chat-2 does not belong to tenant ${otherTenantId}`]);
    expect(notGranted.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(unchanged).toEqual(before);
    expect([twice.code, twice.details]).toEqual([grpc.status.FAILED_PRECONDITION, `OFFER_ALREADY_ACCEPTED: offer ${offer.offerId} is accepted`]);
    expect(badQueue.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badQueue.details).toMatch(/^INVALID_QUEUE_CONFIG: /);
  });

  it('reports a queue with waiting contacts, positions, estimates and its agents by state', async () => {
    await bus.publish([request('chat-3'), request('chat-4')]);
    await eventually(publishedOf(Events.InteractionQueued, (e) => e.interactionId === 'chat-4'), 'the fourth chat queued');
    // The agent holds chat-2 and an offer of chat-3 (capacity 2), so chat-4 waits.
    const sut = await asSupervisor('getQueueSnapshot', { queueId: 'support' }, tenantId);
    const foreign = await failure(asSupervisor('getQueueSnapshot', { queueId: 'support' }, otherTenantId));

    expect(sut).toMatchObject({ queueId: 'support', contactsInQueue: 1, waiting: [{ interactionId: 'chat-4', channel: CHAT, position: 1 }] });
    expect(sut.oldestContactAgeMs).toBeGreaterThanOrEqual(0);
    expect(sut.agents).toEqual([{ activity: ON_CONTACT, count: 1 }]);
    expect(foreign.code).toBe(grpc.status.NOT_FOUND);
  });

  it('puts a contact whose delivery failed back in the queue and offers it to another agent, never to the first', async () => {
    const [ana, ben] = [randomUUID(), randomUUID()];
    const as = async (subject: string, method: string, body: unknown, tenant?: string) => unary(agentClient, method, body, await metadataFor(subject, ['agent'], tenant));
    const offersOf = (interactionId: string) =>
      published.filter((e) => e.type === Events.InteractionOffered.type).map((e) => Events.InteractionOffered.codec.decode(e.payload)).filter((e) => e.interactionId === interactionId);
    await asSupervisor('putQueue', { queue: { queueId: 'retry', name: 'Retry', channels: [CHAT], offerTimeoutMs: 120_000 } }, tenantId);
    for (const subject of [ana, ben]) {
      await asSupervisor('putAgentProfile', { profile: { agentId: subject, tenantIds: [tenantId], queues: [{ queueId: 'retry', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 1 }] } });
    }
    await as(ana, 'login', { channels: [CHAT] });
    await bus.publish([request('retry-1', 'retry', {})]);
    const first = await eventually(publishedOf(Events.InteractionOffered, (e) => e.interactionId === 'retry-1'), 'the offer to the first agent');
    await as(ana, 'acceptOffer', { offerId: first.offerId }, tenantId);
    const queuedAt = (await runtime().read(workspaceId, (engine) => engine.snapshot())).items.find((i) => i.interactionId === 'retry-1')!.enqueuedAt;

    const failedEvent = deliveryFailed('retry-1', ana);
    await bus.publish([failedEvent]);
    const transferred = await eventually(publishedOf(Events.InteractionTransferred, (e) => e.interactionId === 'retry-1'), 'InteractionTransferred on Kafka');
    // The same event redelivered, a late duplicate, an unknown contact and a wrong agent are ignored; retry-2 shows they were consumed.
    await bus.publish([failedEvent, deliveryFailed('retry-1', ana), deliveryFailed('no-such-contact', ana), deliveryFailed('retry-1', ben), request('retry-2', 'retry', {})]);
    await eventually(publishedOf(Events.InteractionQueued, (e) => e.interactionId === 'retry-2'), 'retry-2 queued');
    const waiting = await engineState();
    await as(ben, 'login', { channels: [CHAT] });
    const second = await eventually(() => offersOf('retry-1').find((e) => e.agentId === ben), 'the offer to the second agent');
    const back = await as(ana, 'setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AVAILABLE });
    const other = await eventually(publishedOf(Events.InteractionOffered, (e) => e.interactionId === 'retry-2'), 'retry-2 offered');

    expect(transferred).toMatchObject({ fromAgentId: ana, fromQueueId: 'retry', toQueueId: 'retry', toAgentId: '' });
    const anaStates = published
      .filter((e) => e.type === Events.AgentStateChanged.type)
      .map((e) => Events.AgentStateChanged.codec.decode(e.payload))
      .filter((e) => e.agentId === ana)
      .map((e) => [e.state, e.reasonCode]);
    expect(anaStates).toContainEqual([PROTO_AWAY, 'missed']);
    expect(waiting.items.find((i) => i.interactionId === 'retry-1')).toMatchObject({ state: 'waiting', enqueuedAt: queuedAt, excluded: [ana] });
    expect(waiting.items.find((i) => i.interactionId === 'retry-2')).toMatchObject({ state: 'waiting' });
    expect(second).toMatchObject({ agentId: ben, queueId: 'retry' });
    expect(back.status.activity).toBe(AVAILABLE);
    expect(other.agentId).toBe(ana);
    expect(offersOf('retry-1').map((e) => e.agentId)).toEqual([ana, ben]);
    expect(published.filter((e) => e.type === Events.InteractionTransferred.type && Events.InteractionTransferred.codec.decode(e.payload).interactionId === 'retry-1')).toHaveLength(1);
  });

  it('rebuilds the same state from the snapshot and the journal after a restart', async () => {
    const before = await engineState();
    const restarted = new RoutingRuntime({ dataSource });
    await restarted.start();

    const after = await restarted.read(workspaceId, (engine) => engine.snapshot());
    const reconnect = await new Promise<any>((resolve, reject) => {
      void metadataFor(agentId, ['agent']).then((metadata) => {
        const stream = agentClient.streamWork({}, metadata);
        stream.once('data', (message) => {
          stream.cancel();
          resolve(message);
        });
        stream.on('error', (error: grpc.ServiceError) => error.code !== grpc.status.CANCELLED && reject(error));
      });
    });
    await restarted.close();

    expect(after).toEqual(before);
    expect(reconnect.snapshot.assignments.map((a: any) => a.interactionId)).toEqual(['chat-2']);
    expect(reconnect.snapshot.offers.map((o: any) => o.interactionId)).toEqual(['chat-3']);
    expect(reconnect.snapshot.status.activity).toBe(ON_CONTACT);
  });
});
