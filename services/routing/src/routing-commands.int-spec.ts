import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@contactcenter/auth';
import { commonV1, Events, Topics, toTimestamp } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { bearer, type RoutingClient, routingClients, unary } from './testing/routing-clients';
import { type RoutingInstance, spawnRoutingInstance } from './testing/routing-instance.fixture';

const quiet = { warn: () => undefined, error: () => undefined };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PARTITIONS = 3;

async function eventually<T>(probe: () => T | undefined | false, what: string, timeoutMs = 60_000, state: () => unknown = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state())}`);
    await sleep(100);
  }
}

/** Retries while the owner is unreachable: a group that starts at the end of the shared topics misses what was forwarded while it joined. */
async function untilReached<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as grpc.ServiceError).code !== status.UNAVAILABLE) throw error;
    }
  }
}

interface Workspace {
  readonly workspaceId: string;
  readonly tenantId: string;
  readonly agentId: string;
}

/**
 * The single writer per workspace (ADR 0009) for every command, on real Kafka, Postgres and
 * tokens with two routing processes: the client talks to one instance only, and commands for
 * a workspace the other owns — admin changes as well as agent commands — travel to the owner.
 * A command with an id is applied once: the same command again gets the same answer, with one
 * state change and one event.
 */
describe('routing commands reach the single writer', () => {
  let db: TestDatabase;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let watcher: Subscription;
  const instances: RoutingInstance[] = [];
  let clients: ReturnType<typeof routingClients> | undefined;
  const events: ConsumedEvent[] = [];
  const group = uniqueGroup('routing-commands');
  const workspaces: Workspace[] = [];
  const topicNames = Object.fromEntries([Topics.interaction, Topics.routingCommands, Topics.routingWork].map((topic) => [topic, uniqueTopic('routing-commands')]));

  beforeAll(async () => {
    db = await createTestDatabase('routing_commands');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: ROUTING_MIGRATIONS });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    idp = await DevIdentityProvider.start();
    // Topics of its own: another routing deployment on the shared broker (e.g. an older build)
    // would otherwise read these commands and requests too, and publish events of its own.
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'routing-commands-spec', logger: quiet, topicNames, partitions: PARTITIONS });
    // One workspace per partition, so each instance owns at least one.
    const partitions = new Set<number>();
    for (let tries = 0; tries < 200 && partitions.size < PARTITIONS; tries++) {
      const workspaceId = newWorkspaceId();
      const partition = await bus.partitionOf(Topics.interaction, workspaceId);
      if (partitions.has(partition)) continue;
      partitions.add(partition);
      workspaces.push({ workspaceId, tenantId: newTenantId(), agentId: randomUUID() });
    }
    const ours = new Set(workspaces.map((w) => w.workspaceId));
    watcher = await bus.subscribe({
      groupId: uniqueGroup('routing-commands-watch'),
      topics: [Topics.interaction, Topics.routingCommands],
      fromBeginning: false,
      handler: async (event) => void (ours.has(event.workspaceId) && events.push(event)),
    });
    for (const instanceId of ['front', 'owner']) {
      const instance = spawnRoutingInstance({
        dbUrl: db.url('app'),
        relayDbUrl: db.url('relay'),
        kafkaBrokers: stackEndpoints().kafkaBrokers,
        group,
        issuer: idp.issuer,
        jwksUri: idp.jwksUri,
        grpcUrl: `127.0.0.1:${await freePort()}`,
        instanceId,
        // No snapshot in this test: the journal keeps every entry to count.
        snapshotEvery: 1_000,
        topicNames,
        partitions: PARTITIONS,
      });
      instances.push(instance);
      await instance.ready();
    }
  }, 180_000);

  afterAll(async () => {
    clients?.close();
    await Promise.all(instances.map((instance) => instance.kill('SIGTERM')));
    await watcher?.close();
    await bus?.close();
    await idp?.close();
    await db?.drop();
  }, 60_000);

  const token = (w: Workspace, subject: string, roles: ('agent' | 'supervisor')[]) => idp.issueToken({ subject, workspaceId: w.workspaceId, tenants: [w.tenantId], roles });
  const forwardedFor = (workspaceId: string) =>
    events.filter((e) => e.topic === Topics.routingCommands && e.workspaceId === workspaceId).map((e) => Events.AgentCommandForwarded.codec.decode(e.payload));
  const published = (workspaceId: string, type: string) => events.filter((e) => e.topic === Topics.interaction && e.workspaceId === workspaceId && e.type === type);

  it('forwards admin changes and agent commands to the owner, and answers a repeated command id with the first answer', async () => {
    const [front, owner] = instances;
    clients = routingClients(front.grpcUrl);
    const { admin, agent } = clients;

    // Everything goes through `front`; the changes for workspaces `owner` holds are forwarded.
    for (const w of workspaces) {
      const supervisor = bearer(await token(w, randomUUID(), ['supervisor']), w.tenantId);
      await untilReached(() => unary(admin, 'putSkill', { skill: { name: 'thai', description: '' } }, supervisor));
      await untilReached(() => unary(admin, 'putQueue', { queue: { queueId: 'q', name: 'Q', channels: [CHAT], offerTimeoutMs: 60_000 } }, supervisor));
      await untilReached(() =>
        unary(admin, 'putAgentProfile', { profile: { agentId: w.agentId, tenantIds: [w.tenantId], queues: [{ queueId: 'q', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 2 }], skills: { thai: 3 } } }, supervisor),
      );
    }
    const all = workspaces.map((w) => w.workspaceId).sort();
    const split = () => {
      const [a, b] = [front.loaded().filter((id) => all.includes(id)), owner.loaded().filter((id) => all.includes(id))];
      return a.length > 0 && b.length > 0 && !a.some((id) => b.includes(id)) && [...a, ...b].sort().join() === all.join();
    };
    await eventually(split, 'the two instances to split the workspaces', 60_000, () => ({ front: front.loaded(), owner: owner.loaded(), all }));
    const w = workspaces.find((candidate) => owner.loaded().includes(candidate.workspaceId))!;
    const local = workspaces.find((candidate) => front.loaded().includes(candidate.workspaceId))!;

    // Admin: a change for the owner's workspace travels on the command topic; one for front's own does not.
    const supervisor = bearer(await token(w, randomUUID(), ['supervisor']), w.tenantId);
    const queue = { queueId: 'q2', name: 'Second', channels: [CHAT], offerTimeoutMs: 60_000 };
    const put = await untilReached(() => unary(admin, 'putQueue', { queue }, supervisor));
    expect(put.queue).toMatchObject({ queueId: 'q2', name: 'Second', tenantId: w.tenantId });
    await eventually(() => forwardedFor(w.workspaceId).find((f) => f.putQueue?.queue?.queueId === 'q2'), 'PutQueue forwarded to the owner', 10_000);
    const refused = await unary(admin, 'deleteQueue', { queueId: 'q' }, supervisor).catch((error: grpc.ServiceError) => error);
    expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/^CONFIG_IN_USE: /) });
    await unary(admin, 'deleteQueue', { queueId: 'q2' }, supervisor);
    await eventually(() => forwardedFor(w.workspaceId).find((f) => f.deleteQueue?.queueId === 'q2'), 'DeleteQueue forwarded to the owner', 10_000);
    // A delete retried after its answer was lost: NOT_FOUND, or with allow_missing a success that changes nothing.
    const deletedAgain = await unary(admin, 'deleteQueue', { queueId: 'q2' }, supervisor).catch((error: grpc.ServiceError) => error);
    expect(deletedAgain).toMatchObject({ code: status.NOT_FOUND, details: 'CONFIG_NOT_FOUND: queue q2 does not exist' });
    const retries = await Promise.all(
      [
        ['deleteQueue', { queueId: 'q2' }],
        ['deleteSkill', { name: 'no-such-skill' }],
        ['deleteBusinessHours', { businessHoursId: 'no-such-hours' }],
        ['deleteAgentProfile', { agentId: randomUUID() }],
      ].map(([method, request]) => unary(admin, method as string, { ...(request as object), allowMissing: true }, supervisor)),
    );
    expect(retries).toEqual([{}, {}, {}, {}]);
    await eventually(() => forwardedFor(w.workspaceId).find((f) => f.deleteQueue?.queueId === 'q2' && f.deleteQueue.allowMissing), 'the allow_missing delete forwarded to the owner', 10_000);
    const localSupervisor = bearer(await token(local, randomUUID(), ['supervisor']), local.tenantId);
    await unary(admin, 'putQueue', { queue }, localSupervisor);
    await sleep(500);
    expect(forwardedFor(local.workspaceId).filter((f) => f.putQueue)).toEqual([]);

    // Agent: log in (forwarded), receive an offer on front's stream.
    const agentMetadata = bearer(await token(w, w.agentId, ['agent']), w.tenantId);
    await untilReached(() => unary(agent, 'login', { channels: [CHAT] }, agentMetadata));
    const messages: any[] = [];
    const stream = (agent as RoutingClient).StreamWork({}, agentMetadata);
    stream.on('data', (message) => messages.push(message));
    stream.on('error', () => undefined);
    await eventually(() => messages.find((m) => m.event === 'snapshot'), 'the stream snapshot');
    const interactionId = `i-${randomUUID().slice(0, 8)}`;
    await bus.publish([
      {
        id: randomUUID(),
        type: Events.InteractionRequested.type,
        topic: Events.InteractionRequested.topic,
        key: w.workspaceId,
        time: new Date(),
        workspaceId: w.workspaceId,
        tenantId: w.tenantId,
        payload: Events.InteractionRequested.codec
          .encode({ interactionId, tenantId: w.tenantId, workspaceId: w.workspaceId, channel: CHAT, direction: commonV1.Direction.DIRECTION_INBOUND, queueId: 'q', priority: 0, requiredSkills: {}, customerIdentity: '', preferredAgentId: '', requestedAt: toTimestamp(new Date()) })
          .finish(),
      },
    ]);
    const offer = await eventually(() => messages.find((m) => m.event === 'offered')?.offered, 'an offer on the stream');

    // The same AcceptOffer twice (the first answer "lost"): the same assignment both times.
    const commandId = randomUUID();
    const first = await unary(agent, 'acceptOffer', { offerId: offer.offerId, commandId }, agentMetadata);
    const again = await unary(agent, 'acceptOffer', { offerId: offer.offerId, commandId }, agentMetadata);
    expect(first.assignment).toMatchObject({ interactionId, tenantId: w.tenantId, queueId: 'q', channel: CHAT });
    expect(again).toEqual(first);
    // Without the id it is a second command, which the engine refuses.
    const fresh = await unary(agent, 'acceptOffer', { offerId: offer.offerId }, agentMetadata).catch((error: grpc.ServiceError) => error);
    expect(fresh).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/^OFFER_ALREADY_ACCEPTED: /) });
    // The id belongs to that command: reused for another one it is refused.
    const reused = await unary(agent, 'complete', { interactionId, commandId }, agentMetadata).catch((error: grpc.ServiceError) => error);
    expect(reused).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^INVALID_COMMAND: /) });
    const completion = randomUUID();
    const completed = await unary(agent, 'complete', { interactionId, commandId: completion }, agentMetadata);
    expect(await unary(agent, 'complete', { interactionId, commandId: completion }, agentMetadata)).toEqual(completed);
    stream.cancel();

    // Both went to the owner; one assignment and one completion were published.
    expect(forwardedFor(w.workspaceId).filter((f) => f.acceptOffer?.offerId === offer.offerId).map((f) => f.commandId)).toEqual([commandId, commandId, expect.any(String)]);
    await sleep(1_500);
    expect(published(w.workspaceId, Events.InteractionAssigned.type)).toHaveLength(1);
    expect(published(w.workspaceId, Events.InteractionCompleted.type)).toHaveLength(1);

    // One state change each in the journal, and one stored answer per id.
    const adminDb = await new DataSource({ type: 'postgres', url: db.url('admin') }).initialize();
    try {
      const kinds: { kind: string }[] = await adminDb.query(
        `SELECT c->>'kind' AS kind FROM "routing_journal", jsonb_array_elements("commands") AS c WHERE "workspace_id" = $1 AND c->>'kind' IN ('accept', 'complete')`,
        [w.workspaceId],
      );
      expect(kinds.map((row) => row.kind).sort()).toEqual(['accept', 'complete']);
      const results: { command_id: string }[] = await adminDb.query(`SELECT "command_id" FROM "routing_command_results" WHERE "workspace_id" = $1 AND "command_id" = ANY($2::text[])`, [
        w.workspaceId,
        [commandId, completion],
      ]);
      expect(results.map((row) => row.command_id).sort()).toEqual([commandId, completion].sort());
    } finally {
      await adminDb.destroy();
    }
  }, 240_000);
});
