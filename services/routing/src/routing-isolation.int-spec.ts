import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { DevIdentityProvider, type Role } from '@contactcenter/auth';
import { commonV1, Events, toTimestamp } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup } from '@contactcenter/testing';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { bearer, routingClients, unary } from './testing/routing-clients';
import { type RoutingInstance, spawnRoutingInstance } from './testing/routing-instance.fixture';

const quiet = { warn: () => undefined, error: () => undefined };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;

const failure = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: grpc.ServiceError) => [error.code, error.details] as const,
  );

/**
 * Workspaces and tenants stay sealed over gRPC and in the database: a caller of one workspace
 * cannot read or change another's queues, profiles, agents or offers, a caller of one tenant
 * not another tenant's queues, and `routing_workspaces` is sealed by row-level security like
 * every routing table (only the listing function crosses workspaces, and only with ids).
 */
describe('routing isolation', () => {
  const [wsA, wsB] = [newWorkspaceId(), newWorkspaceId()];
  const [tenantA, tenantA2, tenantB] = [newTenantId(), newTenantId(), newTenantId()];
  const [agentA, agentB] = [randomUUID(), randomUUID()];
  let db: TestDatabase;
  let idp: DevIdentityProvider;
  let instance: RoutingInstance;
  let clients: ReturnType<typeof routingClients>;
  let bus: KafkaEventBus;

  const as = async (workspaceId: string, tenants: string[], roles: Role[], tenant?: string, subject: string = randomUUID()) =>
    bearer(await idp.issueToken({ subject, workspaceId, tenants, roles }), tenant);
  const supervisorA = (tenant = tenantA) => as(wsA, [tenantA], ['supervisor'], tenant);
  const supervisorB = (tenant = tenantB) => as(wsB, [tenantB], ['supervisor'], tenant);
  const admin = async (method: string, request: unknown, metadata: Promise<grpc.Metadata>) => unary(clients.admin, method, request, await metadata);
  const agent = async (method: string, request: unknown, metadata: Promise<grpc.Metadata>) => unary(clients.agent, method, request, await metadata);

  beforeAll(async () => {
    db = await createTestDatabase('routing_isolation');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: ROUTING_MIGRATIONS });
    await owner.initialize();
    await owner.runMigrations();
    // The sealing migration is reversible: undone and applied again.
    await owner.undoLastMigration();
    await owner.runMigrations();
    await owner.destroy();
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'routing-isolation-spec', logger: quiet });
    instance = spawnRoutingInstance({
      dbUrl: db.url('app'),
      relayDbUrl: db.url('relay'),
      kafkaBrokers: stackEndpoints().kafkaBrokers,
      group: uniqueGroup('routing-isolation'),
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      grpcUrl: `127.0.0.1:${await freePort()}`,
      instanceId: 'isolation',
    });
    await instance.ready();
    clients = routingClients(instance.grpcUrl);

    for (const [workspaceId, tenantId, agentId, supervisor] of [
      [wsA, tenantA, agentA, supervisorA],
      [wsB, tenantB, agentB, supervisorB],
    ] as const) {
      await admin('putQueue', { queue: { queueId: 'support', name: `Support of ${workspaceId}`, channels: [CHAT], offerTimeoutMs: 60_000 } }, supervisor());
      await admin('putAgentProfile', { profile: { agentId, tenantIds: [tenantId], queues: [{ queueId: 'support', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 1 }] } }, supervisor());
      await agent('login', { channels: [CHAT] }, as(workspaceId, [tenantId], ['agent'], undefined, agentId));
    }
    // A second tenant of workspace A with a queue of its own.
    await admin('putQueue', { queue: { queueId: 'billing', name: 'Billing', channels: [CHAT], offerTimeoutMs: 60_000 } }, as(wsA, [tenantA2], ['supervisor'], tenantA2));
  }, 120_000);

  afterAll(async () => {
    clients?.close();
    await instance?.kill('SIGTERM');
    await bus?.close();
    await idp?.close();
    await db?.drop();
  }, 60_000);

  it("does not show or change another workspace's queues and profiles", async () => {
    expect(await failure(admin('getQueue', { queueId: 'billing' }, supervisorB()))).toEqual([status.NOT_FOUND, 'CONFIG_NOT_FOUND: queue billing does not exist']);
    expect(await failure(admin('getQueueSnapshot', { queueId: 'billing' }, supervisorB()))).toEqual([status.NOT_FOUND, 'QUEUE_NOT_FOUND: queue billing is unknown']);
    expect(await failure(admin('deleteQueue', { queueId: 'billing' }, supervisorB()))).toEqual([status.NOT_FOUND, 'CONFIG_NOT_FOUND: queue billing does not exist']);
    expect(await failure(admin('getAgentProfile', { agentId: agentA }, supervisorB()))).toEqual([status.NOT_FOUND, `CONFIG_NOT_FOUND: routing profile of agent ${agentA} does not exist`]);
    expect((await admin('listAgentProfiles', {}, supervisorB())).profiles.map((p: { agentId: string }) => p.agentId)).toEqual([agentB]);
    expect((await admin('listQueues', {}, supervisorB())).queues.map((q: { name: string }) => q.name)).toEqual([`Support of ${wsB}`]);
    // The same queue id in B is B's own queue; A's stays as it was.
    await admin('putQueue', { queue: { queueId: 'support', name: 'Renamed by B', channels: [CHAT], offerTimeoutMs: 60_000 } }, supervisorB());

    expect((await admin('getQueue', { queueId: 'support' }, supervisorA())).queue.name).toBe(`Support of ${wsA}`);
    expect((await admin('getAgentProfile', { agentId: agentA }, supervisorA())).profile.agentId).toBe(agentA);
  });

  it("does not show another tenant's queues in the same workspace, nor act for a tenant the token does not grant", async () => {
    expect(await failure(admin('getQueue', { queueId: 'billing' }, supervisorA()))).toEqual([status.NOT_FOUND, 'CONFIG_NOT_FOUND: queue billing does not exist']);
    expect(await failure(admin('getQueueSnapshot', { queueId: 'billing' }, supervisorA()))).toEqual([status.NOT_FOUND, 'QUEUE_NOT_FOUND: queue billing is unknown']);
    expect((await admin('listQueues', {}, supervisorA())).queues.map((q: { queueId: string }) => q.queueId)).toEqual(['support']);
    const [code] = await failure(admin('getQueue', { queueId: 'billing' }, supervisorA(tenantA2)));
    expect(code).toBe(status.PERMISSION_DENIED);
    expect((await admin('getQueue', { queueId: 'billing' }, as(wsA, [tenantA2], ['supervisor'], tenantA2))).queue.queueId).toBe('billing');
    // allow_missing turns "not found" into "nothing to do": another tenant's queue is not found, so it stays.
    await admin('deleteQueue', { queueId: 'billing', allowMissing: true }, supervisorA());
    expect((await admin('getQueue', { queueId: 'billing' }, as(wsA, [tenantA2], ['supervisor'], tenantA2))).queue.queueId).toBe('billing');
  });

  it("does not let an agent of another workspace take or see an offer, and changes nothing", async () => {
    const stream = clients.agent.StreamWork({}, await as(wsA, [tenantA], ['agent'], undefined, agentA));
    const offered = new Promise<string>((resolve) => stream.on('data', (m: { event: string; offered?: { offerId: string } }) => m.event === 'offered' && resolve(m.offered!.offerId)));
    stream.on('error', () => undefined);
    const interactionId = `i-${randomUUID().slice(0, 8)}`;
    await bus.publish([
      {
        id: randomUUID(),
        type: Events.InteractionRequested.type,
        topic: Events.InteractionRequested.topic,
        key: wsA,
        time: new Date(),
        workspaceId: wsA,
        tenantId: tenantA,
        payload: Events.InteractionRequested.codec
          .encode({ interactionId, tenantId: tenantA, workspaceId: wsA, channel: CHAT, direction: commonV1.Direction.DIRECTION_INBOUND, queueId: 'support', priority: 0, requiredSkills: {}, customerIdentity: '', preferredAgentId: '', requestedAt: toTimestamp(new Date()) })
          .finish(),
      },
    ]);
    const offerId = await offered;

    const asAgentB = (tenant: string) => as(wsB, [tenantB], ['agent'], tenant, agentB);
    expect(await failure(agent('acceptOffer', { offerId }, asAgentB(tenantB)))).toEqual([status.NOT_FOUND, `OFFER_NOT_FOUND: offer ${offerId} is unknown`]);
    expect((await failure(agent('acceptOffer', { offerId }, asAgentB(tenantA))))[0]).toBe(status.PERMISSION_DENIED);
    expect(await failure(agent('complete', { interactionId }, asAgentB(tenantB)))).toEqual([status.NOT_FOUND, `INTERACTION_NOT_FOUND: interaction ${interactionId} is not routed`]);
    const accepted = await agent('acceptOffer', { offerId }, as(wsA, [tenantA], ['agent'], tenantA, agentA));
    stream.cancel();

    expect(accepted.assignment).toMatchObject({ interactionId, tenantId: tenantA });
  });

  it('seals routing_workspaces by workspace; only the listing function reads across, and only ids', async () => {
    const app = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
    try {
      const visible = (workspaceId: string) =>
        withTenantTransaction(app, (manager) => manager.query(`SELECT "workspace_id" FROM "routing_workspaces" ORDER BY 1`), { workspaceId });
      expect(await visible(wsB)).toEqual([{ workspace_id: wsB }]);
      expect(await app.query(`SELECT "workspace_id" FROM "routing_workspaces"`)).toEqual([]);
      await expect(withTenantTransaction(app, (manager) => manager.query(`INSERT INTO "routing_workspaces" ("workspace_id") VALUES ($1)`, [newWorkspaceId()]), { workspaceId: wsB })).rejects.toThrow(
        /row-level security/,
      );
      const listed: { id: string }[] = await app.query(`SELECT "routing_workspace_ids" AS "id" FROM "routing_workspace_ids"()`);
      expect(listed.map((row) => row.id).sort()).toEqual([wsA, wsB].sort());
    } finally {
      await app.destroy();
    }
  });
});
