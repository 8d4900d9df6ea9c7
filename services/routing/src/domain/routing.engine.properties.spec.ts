import fc from 'fast-check';
import { AgentConfig } from './agent.config';
import { Channel } from './channel';
import { AgentSelection, QueueConfig, RoutingStep } from './queue.config';
import { RoutingError } from './routing-error';
import { RoutingEngine } from './routing.engine';
import { RoutingEvent } from './routing.events';
import { AgentSnapshot, RoutingSnapshot, WorkItemSnapshot } from './routing.snapshot';
import { T0, WORKSPACE } from './routing.test-fixtures';

// A small workspace (3 queues, 2 tenants, up to 5 agents) driven by random command sequences.
// After every command the invariants are checked against the engine's snapshot with an
// independent, brute-force eligibility oracle.

const TENANTS = ['north', 'south'] as const;
const QUEUE_CHANNELS: Channel[][] = [
  ['voice', 'chat'],
  ['voice', 'chat', 'email'],
  ['chat', 'email'],
];

interface World {
  queues: QueueConfig[];
  agents: AgentConfig[];
}

const strategyArb = fc.constantFrom<AgentSelection>('longest-idle', 'most-proficient', 'least-occupied', 'round-robin');

function queuesFor([s0, s1, s2]: AgentSelection[]): QueueConfig[] {
  const common = { serviceLevel: { percent: 80, thresholdMs: 20_000 }, defaultHandleTimeMs: 60_000 };
  return [
    {
      ...common,
      queueId: 'q1',
      tenantId: 'north',
      channels: QUEUE_CHANNELS[0],
      steps: [{ conditions: [{ skill: 'es', minLevel: 3 }], expiresAfterMs: 20_000 }],
      defaultPriority: 0,
      maxSize: 6,
      overflow: { afterMs: 60_000, queueId: 'q2' },
      offerTimeoutMs: 15_000,
      wrapUp: { kind: 'mandatory-with-timeout', timeoutMs: 10_000 },
      strategy: s0,
    },
    {
      ...common,
      queueId: 'q2',
      tenantId: 'north',
      channels: QUEUE_CHANNELS[1],
      steps: [],
      defaultPriority: 1,
      agingIntervalMs: 30_000,
      offerTimeoutMs: 10_000,
      wrapUp: { kind: 'optional' },
      strategy: s1,
    },
    {
      ...common,
      queueId: 'q3',
      tenantId: 'south',
      channels: QUEUE_CHANNELS[2],
      steps: [
        { conditions: [{ skill: 'billing', minLevel: 4 }], expiresAfterMs: 10_000 },
        { conditions: [{ skill: 'billing', minLevel: 2 }], expiresAfterMs: 10_000 },
      ],
      defaultPriority: 0,
      offerTimeoutMs: 10_000,
      wrapUp: { kind: 'none' },
      strategy: s2,
    },
  ];
}

const skillsArb = fc.record({ es: fc.integer({ min: 0, max: 5 }), billing: fc.integer({ min: 0, max: 5 }) });
const plainSkills = (skills: { es: number; billing: number }): Record<string, number> =>
  Object.fromEntries(Object.entries(skills).filter(([, level]) => level > 0));

const agentArb = (index: number, queues: QueueConfig[]): fc.Arbitrary<AgentConfig> =>
  fc
    .record({
      memberships: fc.subarray([0, 1, 2], { minLength: 1 }),
      priorities: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
      delays: fc.array(fc.constantFrom(0, 0, 5_000), { minLength: 3, maxLength: 3 }),
      voice: fc.integer({ min: 0, max: 1 }),
      chat: fc.integer({ min: 0, max: 3 }),
      email: fc.integer({ min: 0, max: 2 }),
      maxTotal: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      crossChannel: fc.constantFrom('voice-exclusive' as const, 'concurrent' as const),
      skills: skillsArb,
      extraTenant: fc.boolean(),
    })
    .filter((a) => a.voice + a.chat + a.email > 0)
    .map((a) => {
      const memberQueues = a.memberships.map((i) => queues[i]);
      const tenantIds = new Set(memberQueues.map((queue) => queue.tenantId));
      if (a.extraTenant) tenantIds.add('south');
      return {
        agentId: `a${index}`,
        workspaceId: WORKSPACE,
        tenantIds: [...tenantIds].sort(),
        queues: a.memberships.map((i) => ({ queueId: queues[i].queueId, priority: a.priorities[i], delayMs: a.delays[i] })),
        capacity: { voice: a.voice, chat: a.chat, email: a.email },
        ...(a.maxTotal !== undefined && { maxTotal: a.maxTotal }),
        crossChannel: a.crossChannel,
        skills: plainSkills(a.skills),
      };
    });

const worldArb: fc.Arbitrary<World> = fc
  .tuple(strategyArb, strategyArb, strategyArb)
  .map(queuesFor)
  .chain((queues) =>
    fc
      .integer({ min: 1, max: 5 })
      .chain((count) =>
        fc.tuple(...Array.from({ length: count }, (_, i) => agentArb(i, queues))).map((agents) => ({ queues, agents })),
      ),
  );

type Op =
  | { kind: 'tick' }
  | {
      kind: 'enqueue';
      queue: number;
      channel: number;
      priority: number;
      preferred: { agent: number; windowMs: number } | null;
      ownSteps: boolean;
    }
  | { kind: 'login' | 'logout' | 'available' | 'away'; agent: number }
  | { kind: 'accept' | 'reject'; pick: number; wrongAgent: boolean }
  | { kind: 'complete' | 'cancel' | 'deliveryFailed'; pick: number }
  | { kind: 'wrapUp'; pick: number; withCode: boolean }
  | { kind: 'transfer'; pick: number; toQueue: number; toAgent: number | null }
  | { kind: 'retrain'; agent: number; skills: { es: number; billing: number }; delayMs: number }
  | { kind: 'reconfigure'; queue: number; strategy: AgentSelection; relaxSteps: boolean }
  | { kind: 'garbage'; what: number };

type Step = { dt: number; op: Op };

const pick = fc.nat(50);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      queue: fc.nat(2),
      channel: fc.nat(2),
      priority: fc.integer({ min: 0, max: 2 }),
      preferred: fc.option(fc.record({ agent: fc.nat(4), windowMs: fc.constantFrom(3_000, 12_000) }), { nil: null, freq: 4 }),
      ownSteps: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('login' as const, 'available' as const, 'available' as const, 'logout' as const, 'away' as const),
      agent: fc.nat(4),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constantFrom('accept' as const, 'accept' as const, 'reject' as const),
      pick,
      wrongAgent: fc.constantFrom(false, false, false, true),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('complete' as const, 'complete' as const, 'cancel' as const, 'deliveryFailed' as const), pick }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrapUp' as const), pick, withCode: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      pick,
      toQueue: fc.nat(2),
      toAgent: fc.option(fc.nat(4), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retrain' as const),
      agent: fc.nat(4),
      skills: skillsArb,
      delayMs: fc.constantFrom(0, 3_000, 5_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reconfigure' as const),
      queue: fc.nat(2),
      strategy: strategyArb,
      relaxSteps: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), what: fc.nat(5) }) },
);
const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 3_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 40_000 }) },
  ),
  op: opArb,
});

const OWN_STEPS: RoutingStep[] = [
  {
    conditions: [
      { skill: 'es', minLevel: 2 },
      { skill: 'billing', minLevel: 1 },
    ],
    expiresAfterMs: 8_000,
  },
];

interface Driver {
  engine: RoutingEngine;
  world: World;
  now: number;
  nextInteraction: number;
}

function newDriver(world: World): Driver {
  const engine = new RoutingEngine({ workspaceId: WORKSPACE });
  // q1 overflows to q2, so q2 must exist first.
  for (const config of [...world.queues].reverse()) engine.upsertQueue({ config, now: T0 });
  for (const config of world.agents) engine.upsertAgent({ config, now: T0 });
  for (const config of world.agents) engine.login({ agentId: config.agentId, now: T0 });
  return { engine, world, now: T0, nextInteraction: 0 };
}

const inState = (snapshot: RoutingSnapshot, ...states: WorkItemSnapshot['state'][]): WorkItemSnapshot[] =>
  snapshot.items.filter((item) => states.includes(item.state));

/** The command an op stands for against the current state, or null when it has no target. */
function commandFor(driver: Driver, op: Op, snapshot: RoutingSnapshot): ((engine: RoutingEngine) => RoutingEvent[]) | null {
  const { world } = driver;
  const now = driver.now;
  const agentAt = (index: number): AgentConfig | undefined => world.agents[index % world.agents.length];
  const choose = <T>(list: T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);
  switch (op.kind) {
    case 'tick':
      return (engine) => engine.tick(now);
    case 'enqueue': {
      const queue = world.queues[op.queue];
      const interactionId = `i${driver.nextInteraction++}`;
      const preferred = op.preferred && agentAt(op.preferred.agent);
      return (engine) =>
        engine.enqueue({
          tenantId: queue.tenantId,
          interactionId,
          channel: queue.channels[op.channel % queue.channels.length],
          queueId: queue.queueId,
          priority: op.priority,
          ...(op.ownSteps && { steps: OWN_STEPS }),
          ...(preferred && op.preferred && { preferredAgent: { agentId: preferred.agentId, windowMs: op.preferred.windowMs } }),
          now,
        });
    }
    case 'login':
      return (engine) => engine.login({ agentId: agentAt(op.agent)!.agentId, now });
    case 'logout':
      return (engine) => engine.setState({ agentId: agentAt(op.agent)!.agentId, state: 'offline', now });
    case 'available':
      return (engine) => engine.setState({ agentId: agentAt(op.agent)!.agentId, state: 'available', now });
    case 'away':
      return (engine) => engine.setState({ agentId: agentAt(op.agent)!.agentId, state: 'away', reasonCode: 'break', now });
    case 'accept':
    case 'reject': {
      const item = choose(inState(snapshot, 'offered'), op.pick);
      if (!item) return null;
      const agentId = op.wrongAgent ? 'nobody' : item.offer!.agentId;
      const command = { tenantId: item.tenantId, offerId: item.offer!.offerId, agentId, now };
      return (engine) => (op.kind === 'accept' ? engine.accept(command) : engine.reject(command));
    }
    case 'complete': {
      const item = choose(inState(snapshot, 'assigned'), op.pick);
      if (!item) return null;
      return (engine) =>
        engine.complete({ tenantId: item.tenantId, interactionId: item.interactionId, agentId: item.agentId!, now });
    }
    case 'deliveryFailed': {
      const item = choose(inState(snapshot, 'assigned'), op.pick);
      if (!item) return null;
      return (engine) =>
        engine.deliveryFailed({ tenantId: item.tenantId, interactionId: item.interactionId, agentId: item.agentId!, reason: 'no-answer', now });
    }
    case 'cancel': {
      const item = choose(inState(snapshot, 'waiting', 'offered'), op.pick);
      if (!item) return null;
      return (engine) => engine.cancel({ tenantId: item.tenantId, interactionId: item.interactionId, now });
    }
    case 'wrapUp': {
      const item = choose(inState(snapshot, 'wrap-up'), op.pick);
      if (!item) return null;
      const code = op.withCode ? 'resolved' : undefined;
      return (engine) =>
        engine.submitWrapUp({ tenantId: item.tenantId, interactionId: item.interactionId, agentId: item.agentId!, code, now });
    }
    case 'transfer': {
      const item = choose(inState(snapshot, 'assigned'), op.pick);
      if (!item) return null;
      const toAgent = op.toAgent === null ? undefined : agentAt(op.toAgent);
      const to = toAgent ? { agentId: toAgent.agentId, windowMs: 5_000 } : { queueId: world.queues[op.toQueue].queueId };
      return (engine) =>
        engine.transfer({ tenantId: item.tenantId, interactionId: item.interactionId, agentId: item.agentId!, to, now });
    }
    case 'retrain': {
      const agent = agentAt(op.agent)!;
      const queues = agent.queues.map((membership, i) => (i === 0 ? { ...membership, delayMs: op.delayMs } : membership));
      const config = { ...agent, skills: plainSkills(op.skills), queues };
      return (engine) => engine.upsertAgent({ config, now });
    }
    case 'reconfigure': {
      const queue = world.queues[op.queue];
      const config = { ...queue, strategy: op.strategy, ...(op.relaxSteps && { steps: [] }) };
      return (engine) => engine.upsertQueue({ config, now });
    }
    case 'garbage': {
      const garbage: ((engine: RoutingEngine) => RoutingEvent[])[] = [
        (engine) => engine.accept({ tenantId: 'north', offerId: 'nope', agentId: 'a0', now }),
        (engine) => engine.enqueue({ tenantId: 'south', interactionId: 'x', channel: 'chat', queueId: 'q1', now }),
        (engine) => engine.complete({ tenantId: 'north', interactionId: 'i0', agentId: 'a9', now }),
        (engine) => engine.upsertQueue({ config: { ...world.queues[0], offerTimeoutMs: -1 }, now }),
        (engine) => engine.cancel({ tenantId: 'south', interactionId: 'i1', now }),
        (engine) => engine.transfer({ tenantId: 'north', interactionId: 'i2', agentId: 'a0', to: { queueId: 'q3' }, now }),
      ];
      return garbage[op.what];
    }
  }
}

// ---------------------------------------------------------------- the oracle

type Loads = Map<string, Record<Channel, number> & { total: number }>;

function loadsOf(snapshot: RoutingSnapshot): Loads {
  const loads: Loads = new Map();
  for (const agent of snapshot.agents) {
    loads.set(agent.config.agentId, { voice: 0, chat: 0, email: 0, sms: 0, social: 0, task: 0, total: 0 });
  }
  for (const item of snapshot.items) {
    if (item.state === 'waiting') continue;
    const load = loads.get(item.agentId!)!;
    load[item.channel]++;
    load.total++;
  }
  return loads;
}

const capacityOf = (agent: AgentSnapshot, channel: Channel): number => agent.config.capacity[channel] ?? 0;
const maxTotalOf = (agent: AgentSnapshot): number =>
  agent.config.maxTotal ?? Object.values(agent.config.capacity).reduce((sum, capacity) => sum + (capacity ?? 0), 0);

function hasRoom(agent: AgentSnapshot, loads: Loads, channel: Channel): boolean {
  const load = loads.get(agent.config.agentId)!;
  if (load[channel] >= capacityOf(agent, channel) || load.total >= maxTotalOf(agent)) return false;
  if (agent.config.crossChannel === 'voice-exclusive') return channel === 'voice' ? load.total === 0 : load.voice === 0;
  return true;
}

function conditionsAt(steps: readonly RoutingStep[], ageMs: number): RoutingStep['conditions'] {
  let end = 0;
  for (const step of steps) {
    end += step.expiresAfterMs ?? Infinity;
    if (ageMs < end) return step.conditions;
  }
  return [];
}

/** Whether the rules allow offering the item to the agent at `now`, capacity aside. */
function allowed(snapshot: RoutingSnapshot, item: WorkItemSnapshot, agent: AgentSnapshot, now: number): boolean {
  const agentId = agent.config.agentId;
  if (agent.presence !== 'available' || !agent.config.tenantIds.includes(item.tenantId) || item.excluded.includes(agentId))
    return false;
  const preferred = item.preferred;
  if (preferred && now < preferred.until && !item.excluded.includes(preferred.agentId)) return preferred.agentId === agentId;
  const membership = agent.config.queues.find((m) => m.queueId === item.queueId);
  if (!membership || now - item.queueEnteredAt < membership.delayMs) return false;
  const queue = snapshot.queues.find((q) => q.config.queueId === item.queueId)!.config;
  const conditions = conditionsAt(item.ownSteps ?? queue.steps, now - item.queueEnteredAt);
  return conditions.every((condition) => (agent.config.skills[condition.skill] ?? 0) >= condition.minLevel);
}

interface Model {
  openOffers: Map<string, string>;
  /** Agents that rejected or missed each item since its last transfer. */
  declined: Map<string, Set<string>>;
}

function checkInvariants(snapshot: RoutingSnapshot, events: RoutingEvent[], model: Model): void {
  const now = snapshot.clock;
  const loads = loadsOf(snapshot);
  const agents = new Map(snapshot.agents.map((agent) => [agent.config.agentId, agent]));
  const items = new Map(snapshot.items.map((item) => [item.interactionId, item]));

  // 1. Capacity is never exceeded, per channel, in total, or against the cross-channel rule.
  for (const agent of snapshot.agents) {
    const load = loads.get(agent.config.agentId)!;
    for (const channel of ['voice', 'chat', 'email'] as const)
      expect(load[channel]).toBeLessThanOrEqual(capacityOf(agent, channel));
    expect(load.total).toBeLessThanOrEqual(maxTotalOf(agent));
    if (agent.config.crossChannel === 'voice-exclusive' && load.voice > 0) expect(load.total).toBe(load.voice);
  }

  // 2. An item is never offered to two agents at once, and only to an agent the rules allow
  //    (which includes the tenant grant).
  for (const event of events) {
    if (event.type === 'offered') {
      expect(model.openOffers.has(event.interactionId)).toBe(false);
      expect(model.declined.get(event.interactionId)?.has(event.agentId) ?? false).toBe(false);
      model.openOffers.set(event.interactionId, event.offerId);
      expect(agents.get(event.agentId)!.config.tenantIds).toContain(event.tenantId);
      const item = items.get(event.interactionId);
      if (item?.state === 'offered') expect(allowed(snapshot, item, agents.get(event.agentId)!, now)).toBe(true);
    } else if (
      event.type === 'assigned' ||
      event.type === 'offerRejected' ||
      event.type === 'offerTimedOut' ||
      event.type === 'offerRevoked' ||
      (event.type === 'abandoned' && event.offerId)
    ) {
      expect(model.openOffers.get(event.interactionId)).toBe(event.offerId);
      model.openOffers.delete(event.interactionId);
    }
    if (event.type === 'offerRejected' || event.type === 'offerTimedOut' || event.type === 'deliveryFailed') {
      model.declined.set(event.interactionId, (model.declined.get(event.interactionId) ?? new Set()).add(event.agentId));
    }
    if (event.type === 'transferred') model.declined.set(event.interactionId, new Set([event.fromAgentId]));
  }
  expect(new Set(inState(snapshot, 'offered').map((item) => item.interactionId))).toEqual(new Set(model.openOffers.keys()));

  // 3. Work conservation: no waiting item has an allowed agent with room for it.
  for (const item of inState(snapshot, 'waiting')) {
    for (const agent of snapshot.agents) {
      if (allowed(snapshot, item, agent, now) && hasRoom(agent, loads, item.channel)) {
        throw new Error(`item ${item.interactionId} waits while ${agent.config.agentId} could take it at ${now - T0}`);
      }
    }
  }

  // 4. FIFO: no item offered in this step overtook an older waiting item of equal priority that
  //    the same agent was allowed to take, nor one from a queue ranked higher in the agent's
  //    profile (preferred-agent offers come first by design and are excepted).
  for (const event of events) {
    if (event.type !== 'offered') continue;
    const item = items.get(event.interactionId);
    if (!item) continue;
    if (item.preferred?.agentId === event.agentId && event.at < item.preferred.until) continue;
    const agent = agents.get(event.agentId)!;
    const rank = (queueId: string): number => agent.config.queues.find((m) => m.queueId === queueId)?.priority ?? Infinity;
    for (const other of inState(snapshot, 'waiting')) {
      if (other.channel !== item.channel || !allowed(snapshot, other, agent, now)) continue;
      const older = other.enqueuedAt < item.enqueuedAt || (other.enqueuedAt === item.enqueuedAt && other.seq < item.seq);
      if (older && other.queueId === item.queueId && other.priority === item.priority) {
        throw new Error(`${item.interactionId} was offered to ${event.agentId} before older ${other.interactionId}`);
      }
      if (rank(other.queueId) < rank(item.queueId)) {
        throw new Error(
          `${item.interactionId} was offered to ${event.agentId} before ${other.interactionId} of a higher-ranked queue`,
        );
      }
    }
  }
}

/** Runs the steps, checking every invariant after every command; returns every event. */
function drive(world: World, steps: Step[], onStep?: (driver: Driver, index: number) => void): RoutingEvent[][] {
  const driver = newDriver(world);
  const model: Model = { openOffers: new Map(), declined: new Map() };
  const log: RoutingEvent[][] = [];
  steps.forEach(({ dt, op }, index) => {
    onStep?.(driver, index);
    driver.now += dt;
    const before = driver.engine.snapshot();
    const command = commandFor(driver, op, before);
    if (!command) return;
    let events: RoutingEvent[];
    try {
      events = command(driver.engine);
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      // A refused command changes nothing at all.
      expect(driver.engine.snapshot()).toEqual(before);
      log.push([]);
      return;
    }
    log.push(events);
    checkInvariants(driver.engine.snapshot(), events, model);
  });
  return log;
}

describe(RoutingEngine.name, () => {
  it('keeps capacity, single offers, work conservation, FIFO and tenant grants after every command', () => {
    fc.assert(
      fc.property(worldArb, fc.array(stepArb, { minLength: 20, maxLength: 80 }), (world, steps) => {
        drive(world, steps);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same events for the same commands, also after a snapshot round trip', () => {
    fc.assert(
      fc.property(worldArb, fc.array(stepArb, { minLength: 20, maxLength: 60 }), fc.nat(), (world, steps, cut) => {
        const first = drive(world, steps);
        const second = drive(world, steps, (driver, index) => {
          if (index !== cut % steps.length) return;
          // Swap in an engine rebuilt from the snapshot; the rest of the run must not notice.
          const snapshot = driver.engine.snapshot();
          driver.engine = RoutingEngine.restore(snapshot);
          expect(driver.engine.snapshot()).toEqual(snapshot);
        });
        expect(second).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});
