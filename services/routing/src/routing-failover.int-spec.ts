import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@contactcenter/auth';
import { commonV1, type EventDefinition, Events, routingAgentV1, Topics, toTimestamp } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup } from '@contactcenter/testing';
import { RoutingRuntime } from './app/routing-runtime';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { bearer, type RoutingClient, routingClients, unary } from './testing/routing-clients';
import { type RoutingInstance, spawnRoutingInstance } from './testing/routing-instance.fixture';

const quiet = { warn: () => undefined, error: () => undefined };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONTACTS = 240;
const KILL_AFTER = 80;
const PER_SECOND = 60;
const AGENTS_PER_WORKSPACE = 2;

async function eventually(done: () => boolean, what: string, timeoutMs: number, state: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state())}`);
    await sleep(100);
  }
}

interface Workspace {
  readonly workspaceId: string;
  readonly tenantId: string;
  readonly partition: number;
  readonly agentIds: string[];
}

/**
 * Single writer per workspace through Kafka partition assignment (ADR 0009), proven with two
 * routing processes on real Kafka and Postgres: they split the workspaces, agents connect to
 * one of them only (so commands for the other's workspaces are forwarded and its offers
 * reach the streams through the work topic), and the other is SIGKILLed while contacts keep
 * arriving. The survivor takes its workspaces over; every contact is still offered, assigned
 * once and completed, never offered to two agents at once — checked on the events routing
 * emitted and in the database.
 */
/**
 * Logs in, retrying while the owner is unreachable: the group's consumers start at the end of
 * the shared topics, so a command forwarded while an owner is still joining can be missed.
 */
async function loginUntilDone(client: RoutingClient, agentToken: string): Promise<void> {
  for (;;) {
    try {
      await unary(client, 'login', { channels: [CHAT] }, bearer(agentToken));
      return;
    } catch (error) {
      const { code, details } = error as grpc.ServiceError;
      if (code === status.FAILED_PRECONDITION && details.startsWith('AGENT_ALREADY_LOGGED_IN')) return;
      if (code !== status.UNAVAILABLE) throw error;
    }
  }
}

/** An admin change (a put, safe to repeat), retried while the owner is unreachable, like a login. */
async function untilReached(call: () => Promise<unknown>): Promise<void> {
  for (;;) {
    try {
      await call();
      return;
    } catch (error) {
      if ((error as grpc.ServiceError).code !== status.UNAVAILABLE) throw error;
    }
  }
}

describe('routing fail-over', () => {
  let db: TestDatabase;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let watcher: Subscription;
  const instances: RoutingInstance[] = [];
  const clients: ReturnType<typeof routingClients>[] = [];
  const streams: grpc.ClientReadableStream<unknown>[] = [];
  const events = new Map<string, ConsumedEvent>();
  const group = uniqueGroup('routing-failover');
  const workspaces: Workspace[] = [];
  let stopped = false;

  beforeAll(async () => {
    db = await createTestDatabase('routing_failover');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: ROUTING_MIGRATIONS });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'routing-failover-spec', logger: quiet });
    // Two workspaces on each partition, so each instance owns some.
    const perPartition = new Map<number, number>();
    while (workspaces.length < 6) {
      const workspaceId = newWorkspaceId();
      const partition = await bus.partitionOf(Topics.interaction, workspaceId);
      if ((perPartition.get(partition) ?? 0) >= 2) continue;
      perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
      workspaces.push({ workspaceId, tenantId: newTenantId(), partition, agentIds: Array.from({ length: AGENTS_PER_WORKSPACE }, () => randomUUID()) });
    }
    const ours = new Set(workspaces.map((w) => w.workspaceId));
    watcher = await bus.subscribe({
      groupId: uniqueGroup('routing-failover-watch'),
      topics: [Topics.interaction],
      fromBeginning: false,
      handler: async (event) => void (ours.has(event.workspaceId) && !events.has(event.id) && events.set(event.id, event)),
    });
  }, 120_000);

  afterAll(async () => {
    stopped = true;
    for (const stream of streams) stream.cancel();
    for (const client of clients) client.close();
    await Promise.all(instances.map((instance) => instance.kill('SIGKILL')));
    await watcher?.close();
    await bus?.close();
    await idp?.close();
    await db?.drop();
  }, 60_000);

  const start = async (instanceId: string) => {
    const instance = spawnRoutingInstance({
      dbUrl: db.url('app'),
      relayDbUrl: db.url('relay'),
      kafkaBrokers: stackEndpoints().kafkaBrokers,
      group,
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      grpcUrl: `127.0.0.1:${await freePort()}`,
      instanceId,
      snapshotEvery: 10,
    });
    instances.push(instance);
    await instance.ready();
    return instance;
  };

  const token = (w: Workspace, subject: string, roles: ('agent' | 'supervisor')[]) => idp.issueToken({ subject, workspaceId: w.workspaceId, tenants: [w.tenantId], roles });
  const decoded = <T>(definition: EventDefinition<T>) =>
    [...events.values()].filter((e) => e.type === definition.type).map((e) => ({ event: e, payload: definition.codec.decode(e.payload) }));

  /**
   * An agent desktop: accepts every offer, completes every assignment after a moment, becomes
   * available again after a missed offer (offers time out while a workspace changes owner),
   * retries while the owner is away.
   */
  function runAgent(client: RoutingClient, w: Workspace, agentId: string, agentToken: string): void {
    const call = (method: string, request: unknown) => unary(client, method, request, bearer(agentToken, w.tenantId));
    const persist = async (method: string, request: unknown) => {
      while (!stopped) {
        try {
          return await call(method, request);
        } catch (error) {
          const code = (error as grpc.ServiceError).code;
          // The owner died: the command is applied once the survivor owns the workspace.
          // Anything else is a command that was applied already (its first answer was lost with the owner).
          if (code !== status.UNAVAILABLE) return undefined;
          await sleep(300);
        }
      }
    };
    const completeLater = (interactionId: string) => void sleep(50 + Math.random() * 100).then(() => persist('complete', { interactionId }));
    const connect = () => {
      const stream = client.StreamWork({}, bearer(agentToken));
      streams.push(stream);
      stream.on('data', (message: { event: string; snapshot?: any; status?: any; offered?: any; assigned?: any }) => {
        const activity = message.snapshot?.status.activity ?? message.status?.activity;
        if (activity === routingAgentV1.AgentActivity.AGENT_ACTIVITY_AWAY) void persist('setState', { presence: routingAgentV1.AgentPresence.AGENT_PRESENCE_AVAILABLE });
        if (message.event === 'snapshot') {
          for (const offer of message.snapshot.offers) void persist('acceptOffer', { offerId: offer.offerId });
          for (const assignment of message.snapshot.assignments) if (!assignment.wrappingUp) completeLater(assignment.interactionId);
        }
        if (message.event === 'offered') void persist('acceptOffer', { offerId: message.offered.offerId });
        if (message.event === 'assigned' && !message.assigned.wrappingUp) completeLater(message.assigned.interactionId);
      });
      stream.on('error', () => !stopped && setTimeout(connect, 300));
    };
    connect();
    void agentId;
  }

  it('keeps every contact when one of two instances is killed mid-load: none lost, offered twice at once or assigned twice', async () => {
    const survivor = await start('survivor');
    const victim = await start('victim');
    const { agent, admin } = routingClients(survivor.grpcUrl);
    clients.push({ agent, admin, close: () => (agent.close(), admin.close()) });

    // Everything goes through the survivor: configuration and logins of the victim's workspaces
    // are forwarded to the victim.
    for (const w of workspaces) {
      const supervisor = bearer(await token(w, randomUUID(), ['supervisor']), w.tenantId);
      await untilReached(() => unary(admin, 'putQueue', { queue: { queueId: 'q', name: 'Q', channels: [CHAT], offerTimeoutMs: 4_000 } }, supervisor));
      for (const agentId of w.agentIds) {
        const profile = { agentId, tenantIds: [w.tenantId], queues: [{ queueId: 'q', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 2 }] };
        await untilReached(() => unary(admin, 'putAgentProfile', { profile }, supervisor));
      }
    }
    for (const w of workspaces) {
      for (const agentId of w.agentIds) {
        const agentToken = await token(w, agentId, ['agent']);
        await loginUntilDone(agent, agentToken);
        runAgent(agent, w, agentId, agentToken);
      }
    }
    const all = workspaces.map((w) => w.workspaceId).sort();
    // The group also reads other tests' history on the shared topic: only our workspaces count.
    const ours = (instance: RoutingInstance) => instance.loaded().filter((id) => all.includes(id));
    await eventually(
      () => {
        const [a, b] = [ours(survivor), ours(victim)];
        return a.length > 0 && b.length > 0 && !a.some((id) => b.includes(id)) && [...a, ...b].sort().join() === all.join();
      },
      'the two instances to split the workspaces',
      60_000,
      () => ({ survivor: ours(survivor), victim: ours(victim), all }),
    );
    const victimWorkspaces = new Set(ours(victim));

    const completedIds = () => new Set(decoded(Events.InteractionCompleted).map(({ payload }) => payload.interactionId));
    const requested: { interactionId: string; workspaceId: string; eventId: string }[] = [];
    for (let n = 0; n < CONTACTS; n++) {
      const w = workspaces[n % workspaces.length];
      const interactionId = `i-${n}-${randomUUID().slice(0, 8)}`;
      const eventId = randomUUID();
      requested.push({ interactionId, workspaceId: w.workspaceId, eventId });
      await bus.publish([
        {
          id: eventId,
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
      // One contact per workspace first, so every partition has a committed offset before the
      // kill (a group that starts at the end of the topics would otherwise skip to the end).
      if (n + 1 === workspaces.length) await eventually(() => completedIds().size >= workspaces.length, 'the first contacts', 30_000).then(() => sleep(1_500));
      if (n + 1 === KILL_AFTER) await victim.kill('SIGKILL');
      await sleep(1_000 / PER_SECOND);
    }

    await eventually(() => completedIds().size >= CONTACTS, `all ${CONTACTS} contacts completed`, 120_000, () => ({
      completed: completedIds().size,
      survivor: ours(survivor),
      missing: requested.filter((r) => !completedIds().has(r.interactionId)).slice(0, 10),
    }));
    await sleep(1_000);
    expect(ours(survivor)).toEqual(all);

    // Events: one assignment and one completion per contact; offers never overlap.
    const ids = requested.map((r) => r.interactionId).sort();
    const assigned = decoded(Events.InteractionAssigned).map(({ payload }) => payload.interactionId);
    expect([...assigned].sort()).toEqual(ids);
    expect(decoded(Events.InteractionCompleted).map(({ payload }) => payload.interactionId).sort()).toEqual(ids);
    const open = new Map<string, string>();
    const overlaps: string[] = [];
    for (const event of events.values()) {
      if (event.type === Events.InteractionOffered.type) {
        const offer = Events.InteractionOffered.codec.decode(event.payload);
        if (open.has(offer.interactionId)) overlaps.push(`${offer.interactionId}: ${open.get(offer.interactionId)} and ${offer.offerId}`);
        open.set(offer.interactionId, offer.offerId);
      } else if (event.type === Events.InteractionOfferEnded.type) {
        open.delete(Events.InteractionOfferEnded.codec.decode(event.payload).interactionId);
      } else if (event.type === Events.InteractionAssigned.type) {
        open.delete(Events.InteractionAssigned.codec.decode(event.payload).interactionId);
      }
    }
    expect(overlaps).toEqual([]);
    // The victim's workspaces kept routing after it died.
    const lateForVictim = requested.slice(KILL_AFTER).filter((r) => victimWorkspaces.has(r.workspaceId));
    expect(lateForVictim.length).toBeGreaterThan(0);

    // Database: each request applied exactly once, and the state rebuilt from snapshot + journal is empty and idle.
    const admin_ = await new DataSource({ type: 'postgres', url: db.url('admin') }).initialize();
    const app = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
    try {
      const [{ count }] = await admin_.query(`SELECT count(*)::int AS count FROM "inbox" WHERE "consumer_group" = $1 AND "event_id" = ANY($2::uuid[])`, [
        group,
        requested.map((r) => r.eventId),
      ]);
      expect(count).toBe(CONTACTS);
      const rebuilt = new RoutingRuntime({ dataSource: app });
      for (const w of workspaces) {
        const snapshot = await rebuilt.read(w.workspaceId, (engine) => engine.snapshot());
        expect(snapshot.items.map((item) => `${item.interactionId}: ${item.state}`)).toEqual([]);
        expect(snapshot.agents.map((a) => a.reportedState)).toEqual(w.agentIds.map(() => 'available'));
      }
      await rebuilt.close();
    } finally {
      await admin_.destroy();
      await app.destroy();
    }
  }, 300_000);
});
