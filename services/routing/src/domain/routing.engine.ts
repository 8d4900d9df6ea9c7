import { Agent } from './agent';
import { validateAgentConfig } from './agent-config.validator';
import { assertPresenceChange } from './agent.state-machine';
import { isOpenAt } from './business-hours.policy';
import { Channel, CHANNELS, isChannel, perChannel } from './channel';
import { OrderedSet } from './collections/ordered-set';
import { DeadlineQueue } from './collections/deadline-queue';
import { SortedList } from './collections/sorted-list';
import { effectivePriority, preferredOrder } from './item-order';
import { validateQueueConfig } from './queue-config.validator';
import { estimateWaitMs, QueueStats, QueueStatus, WaitingItemStatus } from './queue-stats';
import { RoutingError } from './routing-error';
import { RoutingQueue } from './routing-queue';
import { CompiledSteps, satisfies, stepProblems } from './routing-steps.policy';
import { byIdle } from './strategies/agent-selection.strategy';
import {
  CancelCommand,
  CompleteCommand,
  EnqueueCommand,
  LoginCommand,
  OfferCommand,
  SetStateCommand,
  SubmitWrapUpCommand,
  TransferCommand,
  UpsertAgentCommand,
  UpsertQueueCommand,
} from './routing.commands';
import { RoutingEvent } from './routing.events';
import { OfferOutcome, RoutingSnapshot, WorkItemSnapshot } from './routing.snapshot';
import { WorkItem } from './work-item';

export interface RoutingEngineOptions {
  readonly workspaceId: string;
  /** An agent that lets an offer time out goes away with this reason; null keeps it available. Default "missed". */
  readonly missedOfferReasonCode?: string | null;
  /** How long a transfer to an agent waits for that agent before the queue may serve it. Default 30 s. */
  readonly agentTransferWindowMs?: number;
  /** Closed offers remembered for precise errors on late accepts. Default 10,000. */
  readonly closedOfferMemory?: number;
  /** Handle times per queue averaged for wait estimates. Default 50. */
  readonly handleTimeSamples?: number;
}

const closedOfferErrors = {
  accepted: 'OFFER_ALREADY_ACCEPTED',
  rejected: 'OFFER_ALREADY_REJECTED',
  'timed-out': 'OFFER_EXPIRED',
  withdrawn: 'OFFER_WITHDRAWN',
} as const;

/**
 * The routing state of one workspace, in memory, driven by commands. Each command validates
 * first (a RoutingError leaves the state untouched), applies itself, fires the timers due at
 * its `now`, then matches work until no waiting item has an eligible agent with free capacity.
 * It returns the domain events in the order they happened. No clock, I/O or randomness: the
 * same commands give the same events, and `snapshot()` / `restore()` round-trip the state.
 *
 * Matching:
 * - an item that becomes waiting picks an agent by its queue's strategy from the queue's
 *   ready set for its channel (agents available with free capacity, sorted by the strategy);
 * - an agent that gains capacity picks the best item over its profile queues, walking the
 *   queue buckets (waiting items of equal skill needs, in service order) it qualifies for:
 *   preferred items first, then queue priority, item priority with aging, age, arrival order.
 */
export class RoutingEngine {
  readonly workspaceId: string;
  private readonly missedOfferReasonCode: string | null;
  private readonly agentTransferWindowMs: number;
  private readonly closedOfferMemory: number;
  private readonly handleTimeSamples: number | undefined;
  private stats: QueueStats;

  private readonly queues = new Map<string, RoutingQueue>();
  private readonly agents = new Map<string, Agent>();
  private readonly items = new Map<string, WorkItem>();
  private readonly offers = new Map<string, WorkItem>();
  private readonly closedOffers = new Map<string, OfferOutcome>();
  /** Waiting items whose preferred agent still has them to itself, per agent. */
  private readonly preferredBy = new Map<string, SortedList<WorkItem>>();
  /** One deadline per item: offer expiry, wrap-up timeout, or the next change of a waiting item. */
  private readonly deadlines = new DeadlineQueue();
  private clock = 0;
  private agentSeq = 0;
  private itemSeq = 0;
  private offerSeq = 0;

  // Per-command scratch: events so far, and what changed and must be matched at the end.
  private events: RoutingEvent[] = [];
  private readonly touchedAgents = new Set<Agent>();
  private readonly touchedItems = new Set<WorkItem>();
  private readonly reinsertScratch: OrderedSet<Agent>[] = [];

  constructor(options: RoutingEngineOptions) {
    this.workspaceId = options.workspaceId;
    this.missedOfferReasonCode = options.missedOfferReasonCode === undefined ? 'missed' : options.missedOfferReasonCode;
    this.agentTransferWindowMs = options.agentTransferWindowMs ?? 30_000;
    this.closedOfferMemory = options.closedOfferMemory ?? 10_000;
    this.handleTimeSamples = options.handleTimeSamples;
    this.stats = new QueueStats(options.handleTimeSamples);
  }

  // ---------------------------------------------------------------- configuration

  upsertQueue({ config, now }: UpsertQueueCommand): RoutingEvent[] {
    return this.run(now, (at) => {
      validateQueueConfig(config, (queueId) => this.queues.get(queueId)?.config);
      const queue = this.queues.get(config.queueId);
      if (!queue) {
        this.queues.set(config.queueId, new RoutingQueue(config));
        return;
      }
      for (const [channel, waiting] of queue.waiting) {
        if (waiting.size > 0 && !config.channels.includes(channel)) {
          throw new RoutingError(
            'INVALID_QUEUE_CONFIG',
            `queue ${config.queueId}: ${waiting.size} ${channel} item(s) still wait`,
          );
        }
      }
      const waiting = queue.allWaiting();
      for (const item of waiting) this.unindexWaiting(item);
      queue.configure(config);
      for (const [channel, ready] of queue.ready) {
        // In ascending idle order, so that the idle-ordered sets append at their tail.
        const members = [...queue.members].filter((agent) => agent.readyOn.has(channel)).sort(byIdle(channel));
        for (const agent of members) ready.add(agent);
      }
      for (const agent of queue.members) this.touchedAgents.add(agent);
      for (const item of waiting) this.placeWaiting(item, at);
    });
  }

  upsertAgent({ config, now }: UpsertAgentCommand): RoutingEvent[] {
    return this.run(now, (at) => {
      validateAgentConfig(config, this.workspaceId, (queueId) => this.queues.get(queueId)?.config);
      const changedDelays = new Set<RoutingQueue>();
      let agent = this.agents.get(config.agentId);
      if (agent) {
        this.unindexAgent(agent);
        agent.memberships.forEach((membership, i) => {
          if (agent!.memberQueues[i].removeMember(agent!, membership.delayMs)) changedDelays.add(agent!.memberQueues[i]);
        });
        agent.configure(config);
      } else {
        agent = new Agent(config, this.agentSeq++);
        this.agents.set(config.agentId, agent);
      }
      this.joinQueues(agent, changedDelays);
      this.indexAgents([agent]);
      this.touchedAgents.add(agent);
      // A new distinct delay is a new moment at which waiting items become visible to someone.
      // Re-placing (not just rescheduling) keeps a timer that is due right now from being lost.
      for (const queue of changedDelays) {
        for (const item of queue.allWaiting()) {
          this.unindexWaiting(item);
          this.placeWaiting(item, at);
        }
      }
    });
  }

  // ---------------------------------------------------------------- agent presence

  login({ agentId, now }: LoginCommand): RoutingEvent[] {
    return this.run(now, (at) => {
      const agent = this.agent(agentId);
      assertPresenceChange(agentId, agent.presence, { state: 'login' }, 0);
      this.becomeAvailable(agent, at);
    });
  }

  setState(command: SetStateCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const agent = this.agent(command.agentId);
      assertPresenceChange(agent.id, agent.presence, command, agent.assigned + agent.wrappingUp);
      if (command.state === 'available') {
        if (agent.presence !== 'available') this.becomeAvailable(agent, at);
        return;
      }
      if (command.state === 'offline') {
        const pending = [...agent.work].map((id) => this.items.get(id) as WorkItem).sort((a, b) => a.seq - b.seq);
        for (const item of pending) this.revokeOffer(item, agent, at);
      }
      agent.presence = command.state;
      agent.reasonCode = command.state === 'away' ? command.reasonCode : undefined;
      this.reindexAgent(agent, at);
      this.syncAgentState(agent, at);
    });
  }

  // ---------------------------------------------------------------- interactions

  enqueue(command: EnqueueCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const { tenantId, interactionId, channel, preferredAgent } = command;
      const problems: string[] = [];
      if (!interactionId) problems.push('interactionId is required');
      if (!isChannel(channel)) problems.push(`unknown channel "${channel}"`);
      if (command.priority !== undefined && !Number.isInteger(command.priority)) problems.push('priority must be a whole number');
      if (command.steps) problems.push(...stepProblems(command.steps));
      if (preferredAgent && !(Number.isInteger(preferredAgent.windowMs) && preferredAgent.windowMs > 0)) {
        problems.push('preferred agent window must be a positive whole number of ms');
      }
      if (problems.length > 0) throw new RoutingError('INVALID_COMMAND', `enqueue ${interactionId}: ${problems.join('; ')}`);
      if (this.items.has(interactionId))
        throw new RoutingError('INTERACTION_EXISTS', `interaction ${interactionId} is already routed`);
      const queue = this.admit(command.queueId, tenantId, channel, at);

      // A stale preference (unknown agent, tenant no longer granted) must not block the contact.
      const preferred =
        preferredAgent && this.agents.get(preferredAgent.agentId)?.granted.has(tenantId)
          ? { agentId: preferredAgent.agentId, until: at + preferredAgent.windowMs }
          : undefined;
      const item = new WorkItem(interactionId, tenantId, channel, {
        queueId: queue.id,
        priority: command.priority ?? queue.config.defaultPriority,
        enqueuedAt: at,
        queueEnteredAt: at,
        seq: ++this.itemSeq,
        ownSteps: command.steps ? new CompiledSteps(command.steps) : undefined,
        preferred,
      });
      this.items.set(interactionId, item);
      this.emitQueued(item, at, queue.id === command.queueId ? undefined : command.queueId);
      this.placeWaiting(item, at);
    });
  }

  accept(command: OfferCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.openOffer(command, at);
      const offer = item.offer!;
      const agent = this.agent(offer.agentId);
      this.closeOffer(item, 'accepted');
      item.state = 'assigned';
      item.agentId = agent.id;
      item.assignedAt = at;
      agent.assigned++;
      this.emit({
        type: 'assigned',
        at,
        tenantId: item.tenantId,
        interactionId: item.interactionId,
        queueId: item.queueId,
        agentId: agent.id,
        offerId: offer.offerId,
        queueTimeMs: at - item.enqueuedAt,
      });
      this.syncAgentState(agent, at);
    });
  }

  reject(command: OfferCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.openOffer(command, at);
      this.declineOffer(item, 'offerRejected', at);
    });
  }

  complete(command: CompleteCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.handledItem(command);
      const agent = this.agent(command.agentId);
      const wrapUp = this.queue(item.queueId).config.wrapUp;
      agent.assigned--;
      this.emit({
        type: 'completed',
        at,
        tenantId: item.tenantId,
        interactionId: item.interactionId,
        queueId: item.queueId,
        agentId: agent.id,
        wrapUpRequired: wrapUp.kind !== 'none',
      });
      if (wrapUp.kind === 'none') {
        this.finish(item, agent, at);
        return;
      }
      item.state = 'wrap-up';
      agent.wrappingUp++;
      if (wrapUp.kind === 'mandatory-with-timeout') {
        item.wrapUpUntil = at + wrapUp.timeoutMs;
        this.deadlines.set(item.interactionId, item.wrapUpUntil, item.seq);
      }
      this.syncAgentState(agent, at);
    });
  }

  submitWrapUp(command: SubmitWrapUpCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.ownedItem(command);
      if (item.state !== 'wrap-up') {
        throw new RoutingError('NO_WRAP_UP_PENDING', `interaction ${item.interactionId} is not in after-contact work`);
      }
      const kind = this.queue(item.queueId).config.wrapUp.kind;
      if ((kind === 'mandatory' || kind === 'mandatory-with-timeout') && !command.code) {
        throw new RoutingError('WRAP_UP_CODE_REQUIRED', `queue ${item.queueId} requires a wrap-up code`);
      }
      this.endWrapUp(item, at, command.code, false);
    });
  }

  transfer(command: TransferCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.handledItem(command);
      const from = this.agent(command.agentId);
      let queue = this.queue(item.queueId);
      let preferred: WorkItem['preferred'];
      if ('queueId' in command.to) {
        queue = this.admit(command.to.queueId, item.tenantId, item.channel, at);
      } else {
        const { agentId, windowMs = this.agentTransferWindowMs } = command.to;
        const target = this.agent(agentId);
        if (!target.granted.has(item.tenantId)) {
          throw new RoutingError('TENANT_NOT_GRANTED', `agent ${agentId} is not granted tenant ${item.tenantId}`);
        }
        if (agentId === from.id) throw new RoutingError('INVALID_COMMAND', `agent ${agentId} cannot transfer to itself`);
        if (!(Number.isInteger(windowMs) && windowMs > 0)) {
          throw new RoutingError('INVALID_COMMAND', 'transfer window must be a positive whole number of ms');
        }
        preferred = { agentId, until: at + windowMs };
      }

      this.emit({
        type: 'transferred',
        at,
        tenantId: item.tenantId,
        interactionId: item.interactionId,
        queueId: item.queueId,
        fromAgentId: from.id,
        toQueueId: queue.id,
        ...(preferred && { toAgentId: preferred.agentId }),
      });
      from.assigned--;
      this.releaseSlot(item, from, at);
      // The transfer is a new contact for the target: it starts a new wait, behind earlier ones.
      item.state = 'waiting';
      item.agentId = undefined;
      item.assignedAt = undefined;
      item.queueId = queue.id;
      item.enqueuedAt = at;
      item.queueEnteredAt = at;
      item.seq = ++this.itemSeq;
      item.excluded = [from.id];
      item.overflowTried = false;
      item.preferred = preferred;
      this.emitQueued(item, at, undefined);
      this.placeWaiting(item, at);
    });
  }

  cancel(command: CancelCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.items.get(command.interactionId);
      if (!item) throw new RoutingError('INTERACTION_NOT_FOUND', `interaction ${command.interactionId} is not routed`);
      this.assertTenant(item, command.tenantId);
      if (item.state !== 'waiting' && item.state !== 'offered') {
        throw new RoutingError('INTERACTION_NOT_WAITING', `interaction ${item.interactionId} is already ${item.state}`);
      }
      const offer = item.offer;
      this.emit({
        type: 'abandoned',
        at,
        tenantId: item.tenantId,
        interactionId: item.interactionId,
        queueId: item.queueId,
        queueTimeMs: at - item.enqueuedAt,
        reason: command.reason ?? 'abandoned',
        ...(offer && { agentId: offer.agentId, offerId: offer.offerId }),
      });
      if (offer) {
        const agent = this.agent(offer.agentId);
        this.closeOffer(item, 'withdrawn');
        this.releaseSlot(item, agent, at);
      } else {
        this.unindexWaiting(item);
      }
      this.items.delete(item.interactionId);
    });
  }

  /** Fires every timer due at or before `now`: offer timeouts, wrap-up timeouts, step expiries, overflow. */
  tick(now: number): RoutingEvent[] {
    return this.run(now, () => undefined);
  }

  /** When the next timer is due (ms since the epoch), or null when none is pending. */
  nextDeadline(): number | null {
    return this.deadlines.peekTime();
  }

  // ---------------------------------------------------------------- queries

  /** Position and wait estimate of a waiting item, or undefined when it is not waiting. */
  waitingStatus(interactionId: string, now: number): WaitingItemStatus | undefined {
    const item = this.items.get(interactionId);
    if (!item || item.state !== 'waiting') return undefined;
    const queue = this.queue(item.queueId);
    const position = queue.waiting.get(item.channel)!.rank(item) + 1;
    return this.statusOf(item, position, queue, this.staffedSlots(queue, item.channel), now);
  }

  /** Every waiting item of the queue with its position and wait estimate (see `estimateWaitMs`). */
  queueStatus(queueId: string, now: number): QueueStatus {
    const queue = this.queue(queueId);
    const items: WaitingItemStatus[] = [];
    const staffedSlots: Partial<Record<Channel, number>> = {};
    let oldest: number | null = null;
    for (const [channel, waiting] of queue.waiting) {
      const slots = this.staffedSlots(queue, channel);
      staffedSlots[channel] = slots;
      let position = 0;
      for (const item of waiting) {
        items.push(this.statusOf(item, ++position, queue, slots, now));
        oldest = Math.max(oldest ?? 0, now - item.enqueuedAt);
      }
    }
    return {
      queueId,
      waiting: items.length,
      oldestWaitMs: oldest,
      averageHandleTimeMs: this.averageHandleTime(queue),
      staffedSlots,
      items,
    };
  }

  // ---------------------------------------------------------------- snapshot

  snapshot(): RoutingSnapshot {
    const items = [...this.items.values()].sort((a, b) => a.seq - b.seq).map((item) => this.itemSnapshot(item));
    const snapshot: RoutingSnapshot = {
      version: 1,
      workspaceId: this.workspaceId,
      clock: this.clock,
      sequences: { agent: this.agentSeq, item: this.itemSeq, offer: this.offerSeq },
      queues: [...this.queues.values()].map((queue) => ({ config: queue.config, lastAgentSeq: queue.lastAgentSeq })),
      agents: [...this.agents.values()].map((agent) => ({
        config: agent.config,
        seq: agent.seq,
        presence: agent.presence,
        reasonCode: agent.reasonCode,
        idleSince: { ...agent.idleSince },
        reportedState: agent.reportedState,
        reportedReasonCode: agent.reportedReasonCode,
      })),
      items,
      closedOffers: [...this.closedOffers],
      handleTimes: this.stats.toJSON(),
    };
    // A deep, plain copy: the caller may serialise or keep it while the engine moves on.
    return JSON.parse(JSON.stringify(snapshot)) as RoutingSnapshot;
  }

  static restore(snapshot: RoutingSnapshot, options: Omit<RoutingEngineOptions, 'workspaceId'> = {}): RoutingEngine {
    const engine = new RoutingEngine({ ...options, workspaceId: snapshot.workspaceId });
    engine.load(JSON.parse(JSON.stringify(snapshot)) as RoutingSnapshot);
    return engine;
  }

  private load(snapshot: RoutingSnapshot): void {
    this.clock = snapshot.clock;
    this.agentSeq = snapshot.sequences.agent;
    this.itemSeq = snapshot.sequences.item;
    this.offerSeq = snapshot.sequences.offer;
    for (const { config, lastAgentSeq } of snapshot.queues) {
      const queue = new RoutingQueue(config);
      queue.lastAgentSeq = lastAgentSeq;
      this.queues.set(config.queueId, queue);
    }
    for (const saved of snapshot.agents) {
      const agent = new Agent(saved.config, saved.seq);
      agent.presence = saved.presence;
      agent.reasonCode = saved.reasonCode;
      agent.idleSince = { ...saved.idleSince };
      agent.reportedState = saved.reportedState;
      agent.reportedReasonCode = saved.reportedReasonCode;
      this.agents.set(agent.id, agent);
      this.joinQueues(agent, new Set());
    }
    for (const saved of snapshot.items) this.loadItem(saved);
    this.indexAgents(this.agents.values());
    for (const [offerId, outcome] of snapshot.closedOffers) this.closedOffers.set(offerId, outcome);
    this.stats = QueueStats.fromJSON(snapshot.handleTimes as Record<string, number[]>, this.handleTimeSamples);
  }

  private loadItem(saved: WorkItemSnapshot): void {
    const item = new WorkItem(saved.interactionId, saved.tenantId, saved.channel, {
      queueId: saved.queueId,
      priority: saved.priority,
      enqueuedAt: saved.enqueuedAt,
      queueEnteredAt: saved.queueEnteredAt,
      seq: saved.seq,
      ownSteps: saved.ownSteps ? new CompiledSteps(saved.ownSteps) : undefined,
      preferred: saved.preferred,
    });
    item.excluded = [...saved.excluded];
    item.overflowTried = saved.overflowTried;
    item.state = saved.state;
    item.stepIndex = saved.stepIndex;
    item.offer = saved.offer;
    item.agentId = saved.agentId;
    item.assignedAt = saved.assignedAt;
    item.wrapUpUntil = saved.wrapUpUntil;
    this.items.set(item.interactionId, item);
    if (item.state === 'waiting') {
      this.indexWaiting(item, this.clock);
      this.scheduleWaiting(item, this.clock);
      return;
    }
    const agent = this.agent(item.agentId!);
    agent.load[item.channel]++;
    agent.loadTotal++;
    agent.work.add(item.interactionId);
    if (item.state === 'offered') {
      this.offers.set(item.offer!.offerId, item);
      this.deadlines.set(item.interactionId, item.offer!.expiresAt, item.seq);
    } else if (item.state === 'assigned') {
      agent.assigned++;
    } else {
      agent.wrappingUp++;
      if (item.wrapUpUntil !== undefined) this.deadlines.set(item.interactionId, item.wrapUpUntil, item.seq);
    }
  }

  private itemSnapshot(item: WorkItem): WorkItemSnapshot {
    return {
      interactionId: item.interactionId,
      tenantId: item.tenantId,
      channel: item.channel,
      queueId: item.queueId,
      priority: item.priority,
      enqueuedAt: item.enqueuedAt,
      queueEnteredAt: item.queueEnteredAt,
      seq: item.seq,
      ownSteps: item.ownSteps?.steps,
      preferred: item.preferred,
      excluded: [...item.excluded],
      overflowTried: item.overflowTried,
      state: item.state,
      stepIndex: item.stepIndex,
      offer: item.offer,
      agentId: item.agentId,
      assignedAt: item.assignedAt,
      wrapUpUntil: item.wrapUpUntil,
    };
  }

  // ---------------------------------------------------------------- command frame

  private run(now: number, apply: (at: number) => void): RoutingEvent[] {
    if (!Number.isFinite(now)) throw new RoutingError('INVALID_COMMAND', `now must be a finite number of ms, got ${now}`);
    // Time never goes backwards: a late command is applied at the latest time seen.
    const at = Math.max(now, this.clock);
    try {
      apply(at);
      this.clock = at;
      this.settle(at);
      return this.events;
    } finally {
      this.events = [];
      this.touchedAgents.clear();
      this.touchedItems.clear();
    }
  }

  /**
   * Fires every timer due at `now`, including those a fired timer makes due (a returned offer
   * whose overflow time has passed), and only then matches, so everything that happens at one
   * instant competes on equal terms. Matching itself only sets timers after `now`.
   */
  private settle(now: number): void {
    for (let due = this.deadlines.popDue(now); due.length > 0; due = this.deadlines.popDue(now)) {
      for (const interactionId of due) this.fire(this.items.get(interactionId)!, now);
    }
    this.match(now);
  }

  private fire(item: WorkItem, now: number): void {
    if (item.state === 'offered') this.declineOffer(item, 'offerTimedOut', now);
    else if (item.state === 'wrap-up') this.endWrapUp(item, now, undefined, true);
    else if (item.state === 'waiting') this.reviewWaiting(item, now);
  }

  /**
   * Work conservation: everything that changed gets matched. Agents first, so an agent freed
   * in this command takes the best waiting item by queue order; then each changed item, best
   * first, takes an agent by its queue's strategy. A pair of an unchanged agent and an
   * unchanged item was not eligible before, and nothing made it eligible.
   */
  private match(now: number): void {
    if (this.touchedAgents.size === 0 && this.touchedItems.size === 0) return;
    const agents = [...this.touchedAgents].sort((a, b) => a.seq - b.seq);
    this.touchedAgents.clear();
    for (const agent of agents) this.fillAgent(agent, now);
    const items = [...this.touchedItems]
      .filter((item) => item.state === 'waiting')
      .sort((a, b) => this.compareAcrossQueues(a, b, now));
    this.touchedItems.clear();
    // Items that became eligible together may compete for one agent, and the agent's profile
    // decides which it takes; a lone item is the only candidate of every agent that fits it.
    const contested = items.length > 1;
    for (const item of items) if (item.state === 'waiting') this.placeItem(item, now, contested);
  }

  // ---------------------------------------------------------------- matching

  /**
   * Offers the item to the agent its queue's strategy picks, if any is eligible. When other
   * changed items compete, the picked agent takes its own best item instead, and the item
   * tries the next agent.
   */
  private placeItem(item: WorkItem, now: number, contested: boolean): void {
    while (item.state === 'waiting') {
      const agent = this.agentFor(item, now);
      if (!agent) return;
      this.offer(contested ? (this.bestItemFor(agent, now) ?? item) : item, agent, now);
    }
  }

  private agentFor(item: WorkItem, now: number): Agent | undefined {
    if (item.preferredIndexOf !== undefined) {
      const agent = this.agents.get(item.preferredIndexOf);
      return agent && this.preferredAgentCanTake(agent, item) ? agent : undefined;
    }
    const queue = this.queue(item.queueId);
    const conditions = this.stepsOf(item, queue).conditions(item.stepIndex);
    const age = now - item.queueEnteredAt;
    return queue.strategy.select(
      queue.ready.get(item.channel)!,
      (candidate) =>
        candidate.membershipOf.get(queue.id)!.delayMs <= age &&
        !item.isExcluded(candidate.id) &&
        satisfies(candidate.skills, conditions),
      { conditions, lastAgentSeq: queue.lastAgentSeq },
    );
  }

  private fillAgent(agent: Agent, now: number): void {
    while (agent.presence === 'available' && agent.loadTotal < agent.maxTotal) {
      const item = this.bestItemFor(agent, now);
      if (!item) return;
      this.offer(item, agent, now);
    }
  }

  private bestItemFor(agent: Agent, now: number): WorkItem | undefined {
    const preferred = this.preferredBy.get(agent.id)?.find((item) => this.preferredAgentCanTake(agent, item));
    if (preferred) return preferred;

    let best: WorkItem | undefined;
    let bestPriority = Infinity;
    for (let i = 0; i < agent.memberships.length; i++) {
      const membership = agent.memberships[i];
      // Profile queues are sorted by priority: a lower-ranked queue only serves when higher ones cannot.
      if (best && membership.priority > bestPriority) break;
      const queue = agent.memberQueues[i];
      const youngestVisible = now - membership.delayMs;
      for (const [channel, buckets] of queue.buckets) {
        if (buckets.size === 0 || !agent.canTake(channel)) continue;
        for (const bucket of buckets.values()) {
          if (!satisfies(agent.skills, bucket.conditions)) continue;
          const candidate = bucket.items.find((item) => item.queueEnteredAt <= youngestVisible && !item.isExcluded(agent.id));
          if (candidate && (!best || this.compareAcrossQueues(candidate, best, now) < 0)) {
            best = candidate;
            bestPriority = membership.priority;
          }
        }
      }
    }
    return best;
  }

  private preferredAgentCanTake(agent: Agent, item: WorkItem): boolean {
    return agent.isReadyFor(item.channel) && agent.granted.has(item.tenantId) && !item.isExcluded(agent.id);
  }

  /** Service order of items that may sit in different queues. */
  private compareAcrossQueues(a: WorkItem, b: WorkItem, now: number): number {
    if (a.queueId === b.queueId) return this.queue(a.queueId).compareItems(a, b);
    return (
      effectivePriority(b, this.queue(b.queueId).config.agingIntervalMs, now) -
        effectivePriority(a, this.queue(a.queueId).config.agingIntervalMs, now) ||
      a.enqueuedAt - b.enqueuedAt ||
      a.seq - b.seq
    );
  }

  private offer(item: WorkItem, agent: Agent, now: number): void {
    const queue = this.queue(item.queueId);
    this.unindexWaiting(item);
    const offerId = `${item.interactionId}#${++this.offerSeq}`;
    item.state = 'offered';
    item.agentId = agent.id;
    item.offer = { offerId, agentId: agent.id, offeredAt: now, expiresAt: now + queue.config.offerTimeoutMs };
    this.offers.set(offerId, item);
    this.deadlines.set(item.interactionId, item.offer.expiresAt, item.seq);
    agent.reserve(item.channel, now);
    agent.work.add(item.interactionId);
    this.reindexAgent(agent, now);
    queue.lastAgentSeq = agent.seq;
    this.emit({
      type: 'offered',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      offerId,
      expiresAt: item.offer.expiresAt,
    });
  }

  // ---------------------------------------------------------------- offers and slots

  /** The open offer a command names, checked for tenant, agent and expiry. */
  private openOffer(command: OfferCommand, now: number): WorkItem {
    const item = this.offers.get(command.offerId);
    if (!item) {
      const outcome = this.closedOffers.get(command.offerId);
      if (outcome) throw new RoutingError(closedOfferErrors[outcome], `offer ${command.offerId} is ${outcome}`);
      throw new RoutingError('OFFER_NOT_FOUND', `offer ${command.offerId} is unknown`);
    }
    this.assertTenant(item, command.tenantId);
    if (item.offer!.agentId !== command.agentId) {
      throw new RoutingError('OFFER_NOT_FOR_AGENT', `offer ${command.offerId} was made to another agent`);
    }
    // Expired but not yet fired by a tick is still expired.
    if (item.offer!.expiresAt <= now) throw new RoutingError('OFFER_EXPIRED', `offer ${command.offerId} expired`);
    return item;
  }

  /** Reject or timeout: the item goes back to its place and never returns to this agent. */
  private declineOffer(item: WorkItem, type: 'offerRejected' | 'offerTimedOut', now: number): void {
    const offer = item.offer!;
    const agent = this.agent(offer.agentId);
    this.closeOffer(item, type === 'offerRejected' ? 'rejected' : 'timed-out');
    item.excluded.push(agent.id);
    this.emit({
      type,
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      offerId: offer.offerId,
    });
    if (type === 'offerTimedOut' && this.missedOfferReasonCode !== null && agent.presence === 'available') {
      agent.presence = 'away';
      agent.reasonCode = this.missedOfferReasonCode;
    }
    this.releaseSlot(item, agent, now);
    this.requeue(item, now);
  }

  /** Logout with the offer pending: back to its place, and the agent may get it again later. */
  private revokeOffer(item: WorkItem, agent: Agent, now: number): void {
    const offer = item.offer!;
    this.closeOffer(item, 'withdrawn');
    this.emit({
      type: 'offerRevoked',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      offerId: offer.offerId,
    });
    this.releaseSlot(item, agent, now);
    this.requeue(item, now);
  }

  private closeOffer(item: WorkItem, outcome: OfferOutcome): void {
    const offerId = item.offer!.offerId;
    this.offers.delete(offerId);
    this.closedOffers.set(offerId, outcome);
    if (this.closedOffers.size > this.closedOfferMemory) this.closedOffers.delete(this.closedOffers.keys().next().value!);
    this.deadlines.delete(item.interactionId);
    item.offer = undefined;
  }

  /** Back to waiting with its enqueue time, sequence and step clock unchanged. */
  private requeue(item: WorkItem, now: number): void {
    item.state = 'waiting';
    item.agentId = undefined;
    this.placeWaiting(item, now);
  }

  private endWrapUp(item: WorkItem, now: number, code: string | undefined, timedOut: boolean): void {
    const agent = this.agent(item.agentId!);
    this.deadlines.delete(item.interactionId);
    agent.wrappingUp--;
    this.emit({
      type: 'wrapUpDone',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      ...(code !== undefined && { code }),
      timedOut,
      handleTimeMs: now - item.assignedAt!,
    });
    this.finish(item, agent, now);
  }

  /** Handling is over: the slot frees and the handle time feeds the queue's wait estimates. */
  private finish(item: WorkItem, agent: Agent, now: number): void {
    this.stats.recordHandleTime(item.queueId, now - item.assignedAt!);
    this.releaseSlot(item, agent, now);
    this.items.delete(item.interactionId);
  }

  private releaseSlot(item: WorkItem, agent: Agent, now: number): void {
    agent.release(item.channel, now);
    agent.work.delete(item.interactionId);
    this.reindexAgent(agent, now);
    this.touchedAgents.add(agent);
    this.syncAgentState(agent, now);
  }

  private becomeAvailable(agent: Agent, now: number): void {
    agent.presence = 'available';
    agent.reasonCode = undefined;
    // Back from a break or logged in: idle from now, behind agents who waited longer.
    agent.idleSince = perChannel(() => now);
    this.reindexAgent(agent, now);
    this.touchedAgents.add(agent);
    this.syncAgentState(agent, now);
  }

  private syncAgentState(agent: Agent, now: number): void {
    const state = agent.state();
    const reasonCode = agent.stateReason();
    if (state === agent.reportedState && reasonCode === agent.reportedReasonCode) return;
    this.emit({
      type: 'agentStateChanged',
      at: now,
      agentId: agent.id,
      previousState: agent.reportedState,
      state,
      ...(reasonCode !== undefined && { reasonCode }),
    });
    agent.reportedState = state;
    agent.reportedReasonCode = reasonCode;
  }

  // ---------------------------------------------------------------- waiting items

  /** Puts a waiting item into its queue's indexes as of `now` and schedules its next change. */
  private placeWaiting(item: WorkItem, now: number): void {
    item.stepIndex = this.stepsOf(item, this.queue(item.queueId)).stepAt(now - item.queueEnteredAt);
    this.indexWaiting(item, now);
    this.scheduleWaiting(item, now);
    this.touchedItems.add(item);
  }

  /** A waiting item's timer: overflow, or a step, preference window or member delay ran out. */
  private reviewWaiting(item: WorkItem, now: number): void {
    const queue = this.queue(item.queueId);
    const overflow = queue.config.overflow;
    this.unindexWaiting(item);
    if (overflow && !item.overflowTried && now - item.queueEnteredAt >= overflow.afterMs) {
      item.overflowTried = true;
      const target = this.queue(overflow.queueId);
      const full = target.config.maxSize !== undefined && target.waitingCount() >= target.config.maxSize;
      // A target that cannot take the item leaves it where it is: overflow must not lose work.
      if (target.serves(item.channel) && !full) {
        this.emit({
          type: 'overflowed',
          at: now,
          tenantId: item.tenantId,
          interactionId: item.interactionId,
          queueId: queue.id,
          toQueueId: target.id,
        });
        item.queueId = target.id;
        item.queueEnteredAt = now;
        item.overflowTried = false;
      }
    }
    this.placeWaiting(item, now);
  }

  private indexWaiting(item: WorkItem, now: number): void {
    const queue = this.queue(item.queueId);
    queue.waiting.get(item.channel)!.add(item);
    if (item.preferenceActive(now)) {
      const agentId = item.preferred!.agentId;
      let list = this.preferredBy.get(agentId);
      if (!list) {
        list = new SortedList(preferredOrder);
        this.preferredBy.set(agentId, list);
      }
      list.add(item);
      item.preferredIndexOf = agentId;
      return;
    }
    const steps = this.stepsOf(item, queue);
    const key = steps.key(item.stepIndex);
    const buckets = queue.buckets.get(item.channel)!;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { key, conditions: steps.conditions(item.stepIndex), items: new SortedList(queue.compareItems) };
      buckets.set(key, bucket);
    }
    bucket.items.add(item);
    item.bucket = bucket;
  }

  private unindexWaiting(item: WorkItem): void {
    const queue = this.queue(item.queueId);
    queue.waiting.get(item.channel)!.delete(item);
    if (item.bucket) {
      item.bucket.items.delete(item);
      if (item.bucket.items.size === 0) queue.buckets.get(item.channel)!.delete(item.bucket.key);
      item.bucket = undefined;
    }
    if (item.preferredIndexOf !== undefined) {
      const list = this.preferredBy.get(item.preferredIndexOf)!;
      list.delete(item);
      if (list.size === 0) this.preferredBy.delete(item.preferredIndexOf);
      item.preferredIndexOf = undefined;
    }
    this.deadlines.delete(item.interactionId);
  }

  /** The earliest time the item's eligibility or queue changes, if ever. */
  private scheduleWaiting(item: WorkItem, now: number): void {
    const queue = this.queue(item.queueId);
    let at = Infinity;
    const stepEnd = this.stepsOf(item, queue).endOf(item.stepIndex);
    if (stepEnd !== undefined) at = item.queueEnteredAt + stepEnd;
    if (item.preferredIndexOf !== undefined) at = Math.min(at, item.preferred!.until);
    at = Math.min(at, queue.nextDelayThreshold(item, now) ?? Infinity);
    if (queue.config.overflow && !item.overflowTried) at = Math.min(at, item.queueEnteredAt + queue.config.overflow.afterMs);
    if (at === Infinity) this.deadlines.delete(item.interactionId);
    else this.deadlines.set(item.interactionId, at, item.seq);
  }

  private stepsOf(item: WorkItem, queue: RoutingQueue): CompiledSteps {
    return item.ownSteps ?? queue.steps;
  }

  // ---------------------------------------------------------------- agent indexes

  /**
   * Keeps the agent's entries in the ready sets in line with its presence, load and idle
   * times. Entries are removed under the old key values, the values are updated, then the
   * entries are inserted again, and only in sets whose order depends on a changed value.
   * A channel the agent becomes ready for counts as idle from `now`, so every re-sorted entry
   * goes to the tail of an idle-ordered set.
   */
  private reindexAgent(agent: Agent, now: number): void {
    const loadChanged = agent.indexedLoadTotal !== agent.loadTotal;
    const reinsert = this.reinsertScratch;
    for (const channel of agent.channels) {
      const had = agent.readyOn.has(channel);
      const wants = agent.isReadyFor(channel);
      if (!had && !wants) continue;
      if (!had) agent.idleSince[channel] = now;
      const idleChanged = agent.indexedIdle[channel] !== agent.idleSince[channel];
      for (const queue of agent.memberQueues) {
        const ready = queue.ready.get(channel);
        if (!ready) continue;
        const { ordersBy } = queue.strategy;
        const resort = had && wants && ((ordersBy.idle && idleChanged) || (ordersBy.load && loadChanged));
        if (had && (!wants || resort)) ready.delete(agent);
        if (wants && (!had || resort)) reinsert.push(ready);
      }
      // Only this channel's sets read this idle value, and they are done with the old one.
      agent.indexedIdle[channel] = agent.idleSince[channel];
      if (wants) agent.readyOn.add(channel);
      else agent.readyOn.delete(channel);
    }
    agent.indexedLoadTotal = agent.loadTotal;
    for (const ready of reinsert) ready.add(agent);
    reinsert.length = 0;
  }

  private unindexAgent(agent: Agent): void {
    for (const channel of agent.readyOn) {
      for (const queue of agent.memberQueues) queue.ready.get(channel)?.delete(agent);
    }
    agent.readyOn.clear();
  }

  /** Inserts agents not yet indexed, per channel in ascending idle order (cheap for idle-ordered sets). */
  private indexAgents(agents: Iterable<Agent>): void {
    const all = [...agents];
    for (const agent of all) {
      agent.indexedIdle = { ...agent.idleSince };
      agent.indexedLoadTotal = agent.loadTotal;
    }
    for (const channel of CHANNELS) {
      const ready = all.filter((agent) => agent.capacity[channel] > 0 && agent.isReadyFor(channel)).sort(byIdle(channel));
      for (const agent of ready) {
        agent.readyOn.add(channel);
        for (const queue of agent.memberQueues) queue.ready.get(channel)?.add(agent);
      }
    }
  }

  private joinQueues(agent: Agent, changedDelays: Set<RoutingQueue>): void {
    agent.memberQueues = agent.memberships.map((membership) => {
      const queue = this.queue(membership.queueId);
      if (queue.addMember(agent, membership.delayMs)) changedDelays.add(queue);
      return queue;
    });
  }

  // ---------------------------------------------------------------- lookups and checks

  /** The queue a new contact lands in: tenant, channel, business hours (with redirects) and size. */
  private admit(queueId: string, tenantId: string, channel: Channel, now: number): RoutingQueue {
    const visited = new Set<string>();
    let queue = this.queue(queueId);
    for (;;) {
      if (queue.config.tenantId !== tenantId) {
        throw new RoutingError('TENANT_MISMATCH', `queue ${queue.id} belongs to another tenant than ${tenantId}`);
      }
      if (!queue.serves(channel)) throw new RoutingError('CHANNEL_NOT_SERVED', `queue ${queue.id} does not serve ${channel}`);
      const hours = queue.config.businessHours;
      if (hours && hours.whenClosed.kind !== 'queue' && !isOpenAt(hours, now)) {
        visited.add(queue.id);
        if (hours.whenClosed.kind === 'reject' || visited.has(hours.whenClosed.queueId)) {
          throw new RoutingError('QUEUE_CLOSED', `queue ${queue.id} is closed`);
        }
        queue = this.queue(hours.whenClosed.queueId);
        continue;
      }
      if (queue.config.maxSize !== undefined && queue.waitingCount() >= queue.config.maxSize) {
        throw new RoutingError('QUEUE_FULL', `queue ${queue.id} already holds ${queue.config.maxSize} waiting item(s)`);
      }
      return queue;
    }
  }

  /** An item the agent is handling (assigned, not yet completed). */
  private handledItem(command: CompleteCommand): WorkItem {
    const item = this.ownedItem(command);
    if (item.state !== 'assigned') {
      throw new RoutingError('NOT_ASSIGNED_TO_AGENT', `interaction ${item.interactionId} is ${item.state}, not being handled`);
    }
    return item;
  }

  /** An item assigned to or wrapped up by the commanding agent. */
  private ownedItem(command: CompleteCommand): WorkItem {
    const item = this.items.get(command.interactionId);
    if (!item) throw new RoutingError('INTERACTION_NOT_FOUND', `interaction ${command.interactionId} is not routed`);
    this.assertTenant(item, command.tenantId);
    this.agent(command.agentId);
    if ((item.state !== 'assigned' && item.state !== 'wrap-up') || item.agentId !== command.agentId) {
      throw new RoutingError(
        'NOT_ASSIGNED_TO_AGENT',
        `interaction ${item.interactionId} is not assigned to agent ${command.agentId}`,
      );
    }
    return item;
  }

  private assertTenant(item: WorkItem, tenantId: string): void {
    if (item.tenantId !== tenantId) {
      throw new RoutingError('TENANT_MISMATCH', `interaction ${item.interactionId} does not belong to tenant ${tenantId}`);
    }
  }

  private queue(queueId: string): RoutingQueue {
    const queue = this.queues.get(queueId);
    if (!queue) throw new RoutingError('QUEUE_NOT_FOUND', `queue ${queueId} is unknown`);
    return queue;
  }

  private agent(agentId: string): Agent {
    const agent = this.agents.get(agentId);
    if (!agent) throw new RoutingError('AGENT_NOT_FOUND', `agent ${agentId} is unknown`);
    return agent;
  }

  private emit(event: RoutingEvent): void {
    this.events.push(event);
  }

  private emitQueued(item: WorkItem, now: number, redirectedFrom: string | undefined): void {
    this.emit({
      type: 'queued',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      channel: item.channel,
      priority: item.priority,
      enqueuedAt: item.enqueuedAt,
      ...(redirectedFrom !== undefined && { redirectedFrom }),
    });
  }

  // ---------------------------------------------------------------- wait estimates

  private staffedSlots(queue: RoutingQueue, channel: Channel): number {
    let slots = 0;
    for (const agent of queue.members) {
      if (agent.presence === 'available') slots += Math.min(agent.capacity[channel], agent.maxTotal);
    }
    return slots;
  }

  private averageHandleTime(queue: RoutingQueue): number {
    return this.stats.averageHandleTimeMs(queue.id) ?? queue.config.defaultHandleTimeMs;
  }

  private statusOf(item: WorkItem, position: number, queue: RoutingQueue, slots: number, now: number): WaitingItemStatus {
    return {
      interactionId: item.interactionId,
      channel: item.channel,
      position,
      waitedMs: now - item.enqueuedAt,
      estimatedWaitMs: estimateWaitMs(position, this.averageHandleTime(queue), slots),
    };
  }
}
