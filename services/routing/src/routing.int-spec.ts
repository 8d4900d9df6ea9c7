import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider, type Role } from '@contactcenter/auth';
import { commonV1, type EventDefinition, Events, protoFile, protoRoot, routingAdminV1, routingAgentV1, Topics, toTimestamp } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup } from '@contactcenter/testing';
import { RoutingRuntime } from './app/routing-runtime';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { RoutingModule } from './routing.module';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = ((request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void) & ((request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<any>);
type Client = grpc.Client & Record<string, Rpc>;

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
  const request = (interactionId: string) => ({
    id: randomUUID(),
    type: Events.InteractionRequested.type,
    topic: Events.InteractionRequested.topic,
    key: workspaceId,
    time: new Date(),
    workspaceId,
    tenantId,
    payload: Events.InteractionRequested.codec
      .encode({ interactionId, tenantId, workspaceId, channel: CHAT, direction: commonV1.Direction.DIRECTION_INBOUND, queueId: 'support', priority: 0, requiredSkills: { thai: 3 }, customerIdentity: '', preferredAgentId: '', requestedAt: toTimestamp(new Date()) })
      .finish(),
  });

  beforeAll(async () => {
    db = await createTestDatabase('routing');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: ROUTING_MIGRATIONS });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    dataSource = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
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
        RoutingModule.register({ dataSource, eventBus: bus, consumerGroup: uniqueGroup('routing'), relayDatabaseUrl: db.url('relay'), snapshotEvery: 4 }),
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
