import { Agent } from './agent';
import { validateAgentConfig } from './agent-config.validator';
import { assertPresenceChange } from './agent.state-machine';
import { isOpenAt } from './business-hours.policy';
import { Channel, channelIndex, ChannelIndex, CHANNELS, isChannel, perChannel, perChannelArray } from './channel';
import { ChannelMembership } from './channel-membership';
import { DeadlineQueue } from './collections/deadline-queue';
import { FifoLog } from './collections/fifo-log';
import { SortedList } from './collections/sorted-list';
import { effectivePriority, preferredOrder } from './item-order';
import { validateQueueConfig } from './queue-config.validator';
import { SkillCondition } from './queue.config';
import { estimateWaitMs, QueueStats, QueueStatus, WaitingItemStatus } from './queue-stats';
import { RoutingError } from './routing-error';
import { RoutingQueue } from './routing-queue';
import { CompiledSteps, satisfies, stepProblems } from './routing-steps.policy';
import { byIdle } from './strategies/agent-selection.strategy';
import {
  CancelCommand,
  CompleteCommand,
  DeliveryFailedCommand,
  EnqueueCommand,
  LoginCommand,
  OfferCommand,
  SetStateCommand,
  SubmitWrapUpCommand,
  TransferCommand,
  UpsertAgentCommand,
  UpsertQueueCommand,
} from './routing.commands';
import { AgentStateChangedEvent, QueuedEvent, RoutingEvent, WrapUpDoneEvent } from './routing.events';
import { OfferOutcome, RoutingSnapshot, WorkItemSnapshot } from './routing.snapshot';
import { WorkItem, WorkItemInit } from './work-item';

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

const bySeq = (a: Agent, b: Agent): number => a.seq - b.seq;

// A copy of the import for admit, run for every new contact (see `voice` in agent.ts).
const indexOfChannel = channelIndex;

/** Retired items kept for reuse at most: enough for steady traffic, little after a drain. */
const maxSpareItems = 4_096;

/** Empties a scratch array: setting `length` calls into the runtime, popping a few elements does not. */
function empty(array: unknown[]): void {
  while (array.length > 0) array.pop();
}

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
  /** Retired items for new ones to reuse; see WorkItem.reset. */
  private readonly spareItems: WorkItem[] = [];
  private readonly closedOffers = new FifoLog<string, OfferOutcome>();
  /** Waiting items whose preferred agent still has them to itself, per agent. */
  private readonly preferredBy = new Map<string, SortedList<WorkItem>>();
  /** One deadline per item: offer expiry, wrap-up timeout, or the next change of a waiting item. */
  private readonly deadlines = new DeadlineQueue<WorkItem>();
  /**
   * Waiting items per channel over all queues: a freed agent skips its memberships of channels
   * nothing waits on without reading their queues (usually one channel is short of agents).
   */
  private readonly waitingPerChannel: number[] = perChannelArray(() => 0);
  private clock = 0;
  private agentSeq = 0;
  private itemSeq = 0;
  private offerSeq = 0;

  // Per-command scratch: events so far, and what changed and must be matched at the end
  // (listed once each through their `touched` flags). The events array is handed to the
  // caller and replaced: a young array takes the new events without the write-barrier work an
  // old one needs, and nothing is copied.
  private events: RoutingEvent[] = [];
  private readonly touchedAgents: Agent[] = [];
  private readonly touchedItems: WorkItem[] = [];
  /** Agents whose ready-set entries lag behind their state; see noteAgentChange. */
  private readonly staleAgents: Agent[] = [];
  private readonly dueScratch: WorkItem[] = [];
  // What bestItemFor and agentFor are looking at, read by reusable tests so that matching
  // allocates nothing.
  private readonly scan = { agentId: '', youngestVisible: 0 };
  private readonly isVisible = (item: WorkItem): boolean =>
    item.queueEnteredAt <= this.scan.youngestVisible && !item.isExcluded(this.scan.agentId);
  // The item's exclusions rather than the item: a new item stored into this long-lived object
  // would cost a remembered-set entry on every arrival.
  private readonly candidate: { excluded: readonly string[]; ageMs: number } = { excluded: [], ageMs: 0 };
  private readonly selection: { conditions: readonly SkillCondition[]; lastAgentSeq: number } = {
    conditions: [],
    lastAgentSeq: -1,
  };
  // Reads the agent only when there are exclusions or conditions to check.
  private readonly isCandidate = (entry: ChannelMembership): boolean =>
    entry.delayMs <= this.candidate.ageMs &&
    !(this.candidate.excluded.length > 0 && this.candidate.excluded.includes(entry.agent.id)) &&
    (this.selection.conditions.length === 0 || satisfies(entry.agent.skills, this.selection.conditions));

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
      for (const channel of queue.config.channels) {
        if (config.channels.includes(channel)) continue;
        // An offered item returns to the queue on reject, timeout or logout, so it still waits too.
        let count = queue.waiting[channelIndex(channel)]!.size;
        for (const item of this.items.values()) if (item.offer && item.queue === queue && item.channel === channel) count++;
        if (count > 0) {
          throw new RoutingError('INVALID_QUEUE_CONFIG', `queue ${config.queueId}: ${count} ${channel} item(s) still wait`);
        }
      }
      const waiting = queue.allWaiting();
      for (const item of waiting) this.unindexWaiting(item);
      queue.configure(config);
      for (const agent of queue.members) this.linkProfile(agent);
      for (const channel of queue.channels) {
        // In ascending idle order, so that the idle-ordered sets append at their tail.
        const members = [...queue.members].filter((agent) => agent.readyOn[channel]).sort(byIdle(channel));
        for (const agent of members) agent.profileByChannel[channel].find((m) => m.queue === queue)!.enterReadySet();
      }
      for (const agent of queue.members) this.touchAgent(agent);
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
      this.touchAgent(agent);
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
        // With no handled work (checked above) the agent's load is its pending offers.
        const pending =
          agent.loadTotal === 0
            ? []
            : [...this.items.values()].filter((item) => item.offer?.agentId === agent.id).sort((a, b) => a.seq - b.seq);
        for (const item of pending) this.revokeOffer(item, agent, at);
      }
      agent.presence = command.state;
      agent.reasonCode = command.state === 'away' ? command.reasonCode : undefined;
      this.noteAgentChange(agent, at);
      this.syncAgentState(agent, at);
    });
  }

  // ---------------------------------------------------------------- interactions

  enqueue(command: EnqueueCommand): RoutingEvent[] {
    return this.runWith(this.enqueueAt, command);
  }

  private enqueueAt(command: EnqueueCommand, at: number): void {
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
    const item = this.newItem(interactionId, tenantId, channel, {
      queue,
      priority: command.priority ?? queue.config.defaultPriority,
      enqueuedAt: at,
      queueEnteredAt: at,
      seq: ++this.itemSeq,
      ownSteps: command.steps ? new CompiledSteps(command.steps) : undefined,
      preferred,
    });
    this.items.set(interactionId, item);
    this.emitQueued(item, at, queue.id === command.queueId ? undefined : command.queueId);
    if (preferred === undefined && this.quietAt(at)) this.placeArrival(item, at);
    else this.placeWaiting(item, at);
  }

  /** Nothing else competes at `now`: no timer due, and nothing changed yet in this command. */
  private quietAt(now: number): boolean {
    const next = this.deadlines.peekTime();
    return (next === null || next > now) && this.touchedAgents.length === 0 && this.touchedItems.length === 0;
  }

  /**
   * A new contact while nothing else competes: what matching would do with it alone (its
   * queue's strategy picks an agent), done before indexing it, so that a contact that finds an
   * agent at once is never put into and taken out of the waiting indexes and the timer heap.
   * One that finds none is indexed without being listed for matching, which would find none again.
   */
  private placeArrival(item: WorkItem, now: number): void {
    item.stepIndex = this.stepsOf(item, item.queue).stepAt(0);
    const agent = this.agentFor(item, now);
    if (agent) {
      this.offer(item, agent, now);
      return;
    }
    this.indexWaiting(item, now);
    this.scheduleWaiting(item, now);
  }

  accept(command: OfferCommand): RoutingEvent[] {
    return this.runWith(this.acceptAt, command);
  }

  private acceptAt(command: OfferCommand, at: number): void {
    const item = this.openOffer(command, at);
    const offer = item.offer!;
    const agent = item.agent!;
    this.closeOffer(item, 'accepted');
    item.state = 'assigned';
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
  }

  reject(command: OfferCommand): RoutingEvent[] {
    return this.runWith(this.rejectAt, command);
  }

  private rejectAt(command: OfferCommand, at: number): void {
    const item = this.openOffer(command, at);
    this.declineOffer(item, 'offerRejected', at);
  }

  complete(command: CompleteCommand): RoutingEvent[] {
    return this.runWith(this.completeAt, command);
  }

  private completeAt(command: CompleteCommand, at: number): void {
    const item = this.handledItem(command);
    const agent = item.agent!;
    const wrapUp = item.queue.config.wrapUp;
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
      this.deadlines.set(item, item.wrapUpUntil, item.seq);
    }
    this.syncAgentState(agent, at);
  }

  submitWrapUp(command: SubmitWrapUpCommand): RoutingEvent[] {
    return this.runWith(this.submitWrapUpAt, command);
  }

  private submitWrapUpAt(command: SubmitWrapUpCommand, at: number): void {
    const item = this.ownedItem(command);
    if (item.state !== 'wrap-up') {
      throw new RoutingError('NO_WRAP_UP_PENDING', `interaction ${item.interactionId} is not in after-contact work`);
    }
    const kind = item.queue.config.wrapUp.kind;
    if ((kind === 'mandatory' || kind === 'mandatory-with-timeout') && !command.code) {
      throw new RoutingError('WRAP_UP_CODE_REQUIRED', `queue ${item.queueId} requires a wrap-up code`);
    }
    this.endWrapUp(item, at, command.code, false);
  }

  transfer(command: TransferCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.handledItem(command);
      const from = item.agent!;
      let queue = item.queue;
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
      item.agent = undefined;
      item.assignedAt = NaN;
      item.queue = queue;
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

  /**
   * The channel could not reach the assigned agent (no answer, busy): treated like an offer
   * timeout after the fact. The item goes back to its place (enqueue time and sequence kept),
   * never returns to this agent, the slot frees and the agent goes away like a missed offer.
   */
  deliveryFailed(command: DeliveryFailedCommand): RoutingEvent[] {
    return this.run(command.now, (at) => {
      const item = this.handledItem(command);
      const agent = item.agent!;
      this.emit({
        type: 'deliveryFailed',
        at,
        tenantId: item.tenantId,
        interactionId: item.interactionId,
        queueId: item.queueId,
        agentId: agent.id,
        reason: command.reason,
      });
      agent.assigned--;
      item.assignedAt = NaN;
      item.excluded = [...item.excluded, agent.id];
      this.missOffer(agent);
      this.releaseSlot(item, agent, at);
      this.requeue(item, at);
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
        const agent = item.agent!;
        this.closeOffer(item, 'withdrawn');
        this.releaseSlot(item, agent, at);
      } else {
        this.unindexWaiting(item);
      }
      this.retire(item);
    });
  }

  /** Fires every timer due at or before `now`: offer timeouts, wrap-up timeouts, step expiries, overflow. */
  tick(now: number): RoutingEvent[] {
    const at = this.begin(now);
    try {
      return this.conclude(at);
    } finally {
      this.reset();
    }
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
    const queue = item.queue;
    const position = queue.waiting[item.channelIndex]!.rank(item) + 1;
    return this.statusOf(item, position, queue, this.staffedSlots(queue, item.channelIndex), now);
  }

  /** Every waiting item of the queue with its position and wait estimate (see `estimateWaitMs`). */
  queueStatus(queueId: string, now: number): QueueStatus {
    const queue = this.queue(queueId);
    const items: WaitingItemStatus[] = [];
    const staffedSlots: Partial<Record<Channel, number>> = {};
    let oldest: number | null = null;
    for (const channel of queue.config.channels) {
      const waiting = queue.waiting[channelIndex(channel)]!;
      const slots = this.staffedSlots(queue, channelIndex(channel));
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
    // A deep, plain copy: the caller may serialise or keep it while the engine moves on.
    return JSON.parse(this.snapshotJson()) as RoutingSnapshot;
  }

  /** The snapshot as JSON text, serialised once: what a store needs, without the copy snapshot() makes. */
  snapshotJson(): string {
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
        idleSince: perChannel((channel) => agent.idleSince[channelIndex(channel)]),
        reportedState: agent.reportedState,
        reportedReasonCode: agent.reportedReasonCode,
      })),
      items,
      closedOffers: [...this.closedOffers],
      handleTimes: this.stats.toJSON(),
    };
    return JSON.stringify(snapshot);
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
      agent.idleSince = perChannelArray((channel) => saved.idleSince[channel]);
      agent.reportedState = saved.reportedState;
      agent.reportedReasonCode = saved.reportedReasonCode;
      this.agents.set(agent.id, agent);
      this.joinQueues(agent, new Set());
    }
    for (const saved of snapshot.items) this.loadItem(saved);
    this.indexAgents(this.agents.values());
    for (const [offerId, outcome] of snapshot.closedOffers) this.closedOffers.append(offerId, outcome);
    this.stats = QueueStats.fromJSON(snapshot.handleTimes as Record<string, number[]>, this.handleTimeSamples);
  }

  private loadItem(saved: WorkItemSnapshot): void {
    const item = new WorkItem(saved.interactionId, saved.tenantId, saved.channel, {
      queue: this.queue(saved.queueId),
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
    item.agent = saved.agentId === undefined ? undefined : this.agent(saved.agentId);
    item.assignedAt = saved.assignedAt ?? NaN;
    item.wrapUpUntil = saved.wrapUpUntil;
    this.items.set(item.interactionId, item);
    if (item.state === 'waiting') {
      this.indexWaiting(item, this.clock);
      this.scheduleWaiting(item, this.clock);
      return;
    }
    const agent = item.agent!;
    agent.load[item.channelIndex]++;
    agent.loadTotal++;
    if (item.state === 'offered') {
      this.deadlines.set(item, item.offer!.expiresAt, item.seq);
    } else if (item.state === 'assigned') {
      agent.assigned++;
    } else {
      agent.wrappingUp++;
      if (item.wrapUpUntil !== undefined) this.deadlines.set(item, item.wrapUpUntil, item.seq);
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
      assignedAt: Number.isNaN(item.assignedAt) ? undefined : item.assignedAt,
      wrapUpUntil: item.wrapUpUntil,
    };
  }

  // ---------------------------------------------------------------- command frame

  // The hot commands spell out run() (begin, apply, conclude, reset) themselves: no closure to
  // allocate and no megamorphic call per command.
  private run(now: number, apply: (at: number) => void): RoutingEvent[] {
    const at = this.begin(now);
    try {
      apply(at);
      return this.conclude(at);
    } finally {
      this.reset();
    }
  }

  /** `run` for the hottest commands: the handler is a method, so no closure is made per command. */
  private runWith<C extends { readonly now: number }>(apply: (this: RoutingEngine, command: C, at: number) => void, command: C): RoutingEvent[] {
    const at = this.begin(command.now);
    try {
      apply.call(this, command, at);
      return this.conclude(at);
    } finally {
      this.reset();
    }
  }

  /** The time a command applies at. */
  private begin(now: number): number {
    if (!Number.isFinite(now)) throw new RoutingError('INVALID_COMMAND', `now must be a finite number of ms, got ${now}`);
    // Time never goes backwards: a late command is applied at the latest time seen.
    return Math.max(now, this.clock);
  }

  /** After a command applied without error: timers, matching, and its events. */
  private conclude(at: number): RoutingEvent[] {
    this.clock = at;
    this.settle(at);
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Clears the per-command scratch, whether the command succeeded or not. */
  private reset(): void {
    empty(this.events);
    this.clearTouched();
  }

  /**
   * Fires every timer due at `now`, including those a fired timer makes due (a returned offer
   * whose overflow time has passed), and only then matches, so everything that happens at one
   * instant competes on equal terms. Matching itself only sets timers after `now`.
   */
  private settle(now: number): void {
    const due = this.dueScratch;
    for (let next = this.deadlines.peekTime(); next !== null && next <= now; next = this.deadlines.peekTime()) {
      empty(due);
      for (const item of this.deadlines.popDue(now, due)) this.fire(item, now);
    }
    this.match(now);
    this.syncReadySets();
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
    // Matching never touches anything, so the lists stay fixed while they are walked.
    const agents = this.touchedAgents;
    if (agents.length > 1) agents.sort(bySeq);
    for (const agent of agents) this.fillAgent(agent, now);
    const items = this.touchedItems;
    let count = 0;
    for (const item of items) {
      item.touched = false;
      if (item.state === 'waiting') items[count++] = item;
    }
    while (items.length > count) items.pop();
    if (count > 1) this.sortAcrossQueues(items, now);
    // Items that became eligible together may compete for one agent, and the agent's profile
    // decides which it takes; a lone item is the only candidate of every agent that fits it.
    const contested = count > 1;
    for (const item of items) if (item.state === 'waiting') this.placeItem(item, now, contested);
    this.clearTouched();
  }

  // A method of its own: a closure over `now` in match would cost match a context on every call.
  private sortAcrossQueues(items: WorkItem[], now: number): void {
    items.sort((a, b) => this.compareAcrossQueues(a, b, now));
  }

  private touchAgent(agent: Agent): void {
    if (agent.touched) return;
    agent.touched = true;
    this.touchedAgents.push(agent);
  }

  private touchItem(item: WorkItem): void {
    if (item.touched) return;
    item.touched = true;
    this.touchedItems.push(item);
  }

  private clearTouched(): void {
    for (const agent of this.touchedAgents) agent.touched = false;
    for (const item of this.touchedItems) item.touched = false;
    empty(this.touchedAgents);
    empty(this.touchedItems);
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
    const queue = item.queue;
    this.syncReadySets();
    this.candidate.excluded = item.excluded;
    this.candidate.ageMs = now - item.queueEnteredAt;
    this.selection.conditions = this.stepsOf(item, queue).conditions(item.stepIndex);
    this.selection.lastAgentSeq = queue.lastAgentSeq;
    const entry = queue.strategy.select(queue.ready[item.channelIndex]!, this.isCandidate, this.selection);
    return entry?.agent;
  }

  private fillAgent(agent: Agent, now: number): void {
    while (agent.presence === 'available' && agent.loadTotal < agent.maxTotal) {
      const item = this.bestItemFor(agent, now);
      if (!item) return;
      this.offer(item, agent, now);
    }
  }

  private bestItemFor(agent: Agent, now: number): WorkItem | undefined {
    const preferred = this.preferredBy.size === 0 ? undefined : this.preferredItemFor(agent);
    if (preferred) return preferred;

    let best: WorkItem | undefined;
    let bestPriority = Infinity;
    this.scan.agentId = agent.id;
    for (const membership of agent.profile) {
      // The profile is in rank order: a lower-ranked queue only serves when higher ones cannot.
      if (best && membership.priority > bestPriority) break;
      const channel = membership.channel;
      if (this.waitingPerChannel[channel] === 0 || membership.waiting.size === 0 || !agent.canTake(channel)) continue;
      this.scan.youngestVisible = now - membership.delayMs;
      for (const bucket of membership.buckets) {
        if (bucket.items.size === 0 || !satisfies(agent.skills, bucket.conditions)) continue;
        const head = bucket.items.first()!;
        const candidate = this.isVisible(head) ? head : bucket.items.find(this.isVisible);
        if (candidate && (!best || this.compareAcrossQueues(candidate, best, now) < 0)) {
          best = candidate;
          bestPriority = membership.priority;
        }
      }
    }
    return best;
  }

  private preferredItemFor(agent: Agent): WorkItem | undefined {
    return this.preferredBy.get(agent.id)?.find((item) => this.preferredAgentCanTake(agent, item));
  }

  private preferredAgentCanTake(agent: Agent, item: WorkItem): boolean {
    return agent.isReadyFor(item.channelIndex) && agent.granted.has(item.tenantId) && !item.isExcluded(agent.id);
  }

  /** Service order of items that may sit in different queues. */
  private compareAcrossQueues(a: WorkItem, b: WorkItem, now: number): number {
    if (a.queue === b.queue) return a.queue.compareItems(a, b);
    return (
      effectivePriority(b, b.queue.config.agingIntervalMs, now) - effectivePriority(a, a.queue.config.agingIntervalMs, now) ||
      a.enqueuedAt - b.enqueuedAt ||
      a.seq - b.seq
    );
  }

  private offer(item: WorkItem, agent: Agent, now: number): void {
    const queue = item.queue;
    // A contact placed on arrival (placeArrival) was never indexed.
    if (item.bucket !== undefined || item.preferredIndexOf !== undefined) this.unindexWaiting(item);
    // The offer id starts with the interaction id, which is how openOffer finds the item.
    const offerId = `${item.interactionId}#${++this.offerSeq}`;
    item.state = 'offered';
    item.agent = agent;
    item.offer = { offerId, agentId: agent.id, offeredAt: now, expiresAt: now + queue.config.offerTimeoutMs };
    this.deadlines.set(item, item.offer.expiresAt, item.seq);
    agent.reserve(item.channelIndex, now);
    this.noteAgentChange(agent, now);
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
    const { offerId } = command;
    const candidate = this.items.get(offerId.slice(0, offerId.lastIndexOf('#')));
    const item = candidate?.offer?.offerId === offerId ? candidate : undefined;
    if (!item) {
      const outcome = this.closedOffers.find(command.offerId);
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
    const agent = item.agent!;
    this.closeOffer(item, type === 'offerRejected' ? 'rejected' : 'timed-out');
    item.excluded = [...item.excluded, agent.id];
    this.emit({
      type,
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      offerId: offer.offerId,
    });
    if (type === 'offerTimedOut') this.missOffer(agent);
    this.releaseSlot(item, agent, now);
    this.requeue(item, now);
  }

  /** An agent who did not take a contact goes away with the configured reason, if any. */
  private missOffer(agent: Agent): void {
    if (this.missedOfferReasonCode !== null && agent.presence === 'available') {
      agent.presence = 'away';
      agent.reasonCode = this.missedOfferReasonCode;
    }
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
    this.closedOffers.append(offerId, outcome);
    if (this.closedOffers.size > this.closedOfferMemory) this.closedOffers.dropOldest();
    this.deadlines.delete(item);
    item.offer = undefined;
  }

  /** Back to waiting with its enqueue time, sequence and step clock unchanged. */
  private requeue(item: WorkItem, now: number): void {
    item.state = 'waiting';
    item.agent = undefined;
    this.placeWaiting(item, now);
  }

  private endWrapUp(item: WorkItem, now: number, code: string | undefined, timedOut: boolean): void {
    const agent = item.agent!;
    this.deadlines.delete(item);
    agent.wrappingUp--;
    const event: { -readonly [K in keyof WrapUpDoneEvent]: WrapUpDoneEvent[K] } = {
      type: 'wrapUpDone',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      agentId: agent.id,
      timedOut,
      handleTimeMs: now - item.assignedAt,
    };
    // Assigned rather than spread: a spread goes through the runtime on every wrap-up.
    if (code !== undefined) event.code = code;
    this.emit(event);
    this.finish(item, agent, now);
  }

  /** Handling is over: the slot frees and the handle time feeds the queue's wait estimates. */
  private finish(item: WorkItem, agent: Agent, now: number): void {
    this.stats.recordHandleTime(item.queueId, now - item.assignedAt);
    this.releaseSlot(item, agent, now);
    this.retire(item);
  }

  /** A new item, made from a retired one when there is one (see WorkItem.reset). */
  private newItem(interactionId: string, tenantId: string, channel: Channel, init: WorkItemInit): WorkItem {
    const item = this.spareItems.pop();
    if (item === undefined) return new WorkItem(interactionId, tenantId, channel, init);
    item.reset(interactionId, tenantId, channel, init);
    return item;
  }

  /** Forgets an item that left routing, no longer indexed or scheduled, and keeps it for reuse. */
  private retire(item: WorkItem): void {
    this.items.delete(item.interactionId);
    if (this.spareItems.length < maxSpareItems) this.spareItems.push(item);
  }

  private releaseSlot(item: WorkItem, agent: Agent, now: number): void {
    agent.release(item.channelIndex, now);
    this.noteAgentChange(agent, now);
    this.touchAgent(agent);
    this.syncAgentState(agent, now);
  }

  private becomeAvailable(agent: Agent, now: number): void {
    agent.presence = 'available';
    agent.reasonCode = undefined;
    // Back from a break or logged in: idle from now, behind agents who waited longer.
    agent.idleSince = perChannelArray(() => now);
    this.noteAgentChange(agent, now);
    this.touchAgent(agent);
    this.syncAgentState(agent, now);
  }

  private syncAgentState(agent: Agent, now: number): void {
    const state = agent.state();
    const reasonCode = agent.stateReason();
    if (state === agent.reportedState && reasonCode === agent.reportedReasonCode) return;
    const event: { -readonly [K in keyof AgentStateChangedEvent]: AgentStateChangedEvent[K] } = {
      type: 'agentStateChanged',
      at: now,
      agentId: agent.id,
      previousState: agent.reportedState,
      state,
    };
    // Assigned rather than spread: this event follows most accepts and completions.
    if (reasonCode !== undefined) event.reasonCode = reasonCode;
    this.emit(event);
    agent.reportedState = state;
    agent.reportedReasonCode = reasonCode;
  }

  // ---------------------------------------------------------------- waiting items

  /** Puts a waiting item into its queue's indexes as of `now` and schedules its next change. */
  private placeWaiting(item: WorkItem, now: number): void {
    item.stepIndex = this.stepsOf(item, item.queue).stepAt(now - item.queueEnteredAt);
    this.indexWaiting(item, now);
    this.scheduleWaiting(item, now);
    this.touchItem(item);
  }

  /** A waiting item's timer: overflow, or a step, preference window or member delay ran out. */
  private reviewWaiting(item: WorkItem, now: number): void {
    const queue = item.queue;
    const overflow = queue.config.overflow;
    if (overflow && !item.overflowTried && now - item.queueEnteredAt >= overflow.afterMs) {
      item.overflowTried = true;
      const target = this.queue(overflow.queueId);
      const full = target.config.maxSize !== undefined && target.waitingCount() >= target.config.maxSize;
      // A target that cannot take the item leaves it where it is: overflow must not lose work.
      if (target.serves(item.channelIndex) && !full) {
        this.emit({
          type: 'overflowed',
          at: now,
          tenantId: item.tenantId,
          interactionId: item.interactionId,
          queueId: queue.id,
          toQueueId: target.id,
        });
        this.unindexWaiting(item);
        item.queue = target;
        item.queueEnteredAt = now;
        item.overflowTried = false;
        this.placeWaiting(item, now);
        return;
      }
    }
    // Same queue, same place in it: only the item's bucket or preferred list and its timer change.
    const stepIndex = this.stepsOf(item, queue).stepAt(now - item.queueEnteredAt);
    // A member delay that ran out changes who may see the item, not where it is filed (a
    // preference never comes back once the item sits in a bucket).
    if (item.bucket === undefined || stepIndex !== item.stepIndex) {
      this.unindexCandidate(item);
      item.stepIndex = stepIndex;
      this.indexCandidate(item, now);
    }
    this.scheduleWaiting(item, now);
    this.touchItem(item);
  }

  private indexWaiting(item: WorkItem, now: number): void {
    item.queue.waiting[item.channelIndex]!.add(item);
    this.waitingPerChannel[item.channelIndex]++;
    this.indexCandidate(item, now);
  }

  /** Files the item where agents look for work: its preferred agent's list, or its queue bucket. */
  private indexCandidate(item: WorkItem, now: number): void {
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
    const { queue, ownSteps, stepIndex } = item;
    const bucket = ownSteps
      ? queue.bucketFor(item.channelIndex, ownSteps.key(stepIndex), ownSteps.conditions(stepIndex))
      : queue.stepBuckets[item.channelIndex]![stepIndex];
    bucket.items.add(item);
    item.bucket = bucket;
  }

  private unindexWaiting(item: WorkItem): void {
    if (item.queue.waiting[item.channelIndex]!.delete(item)) this.waitingPerChannel[item.channelIndex]--;
    this.unindexCandidate(item);
    this.deadlines.delete(item);
  }

  private unindexCandidate(item: WorkItem): void {
    const bucket = item.bucket;
    if (bucket) {
      bucket.items.delete(item);
      item.queue.releaseBucket(item.channelIndex, bucket);
      item.bucket = undefined;
    }
    if (item.preferredIndexOf !== undefined) {
      const list = this.preferredBy.get(item.preferredIndexOf)!;
      list.delete(item);
      if (list.size === 0) this.preferredBy.delete(item.preferredIndexOf);
      item.preferredIndexOf = undefined;
    }
  }

  /** The earliest time the item's eligibility or queue changes, if ever. */
  private scheduleWaiting(item: WorkItem, now: number): void {
    const queue = item.queue;
    let at = Infinity;
    const stepEnd = this.stepsOf(item, queue).endOf(item.stepIndex);
    if (stepEnd !== undefined) at = item.queueEnteredAt + stepEnd;
    if (item.preferredIndexOf !== undefined) at = Math.min(at, item.preferred!.until);
    at = Math.min(at, queue.nextDelayThreshold(item, now) ?? Infinity);
    if (queue.config.overflow && !item.overflowTried) at = Math.min(at, item.queueEnteredAt + queue.config.overflow.afterMs);
    if (at === Infinity) this.deadlines.delete(item);
    else this.deadlines.set(item, at, item.seq);
  }

  private stepsOf(item: WorkItem, queue: RoutingQueue): CompiledSteps {
    return item.ownSteps ?? queue.steps;
  }

  // ---------------------------------------------------------------- agent indexes

  /**
   * Records a change of the agent's presence or load: per channel whether it is now ready, a
   * channel it becomes ready for counting as idle from `now` (so every re-sorted entry goes to
   * the tail of an idle-ordered set). The ready sets follow in syncReadySets, once per command
   * or before they are read: an agent freed and given new work in one command then often ends
   * where it started, and its sets are not touched at all.
   */
  private noteAgentChange(agent: Agent, now: number): void {
    for (const channel of agent.channels) {
      const ready = agent.isReadyFor(channel);
      if (ready && !agent.readyOn[channel]) agent.idleSince[channel] = now;
      agent.readyOn[channel] = ready;
    }
    if (agent.stale) return;
    agent.stale = true;
    this.staleAgents.push(agent);
  }

  private syncReadySets(): void {
    for (const agent of this.staleAgents) {
      agent.stale = false;
      this.reindexAgent(agent);
    }
    empty(this.staleAgents);
  }

  /**
   * Brings the agent's entries in the ready sets in line with its readiness, load and idle
   * times, touching only the sets whose order depends on a changed value. An entry is removed
   * under the keys it entered with (kept in the entry itself) and enters again under the
   * agent's current ones. The sets are sorted by these keys alone, so the result does not
   * depend on how many changes happened since the last sync.
   */
  private reindexAgent(agent: Agent): void {
    const loadChanged = agent.indexedLoadTotal !== agent.loadTotal;
    agent.indexedLoadTotal = agent.loadTotal;
    for (const channel of agent.channels) {
      const had = agent.indexedReady[channel];
      const wants = agent.readyOn[channel];
      if (!had && !wants) continue;
      const idleChanged = agent.indexedIdle[channel] !== agent.idleSince[channel];
      // Still ready and no key changed that an order here depends on: nothing to move.
      if (had && wants && !idleChanged && !(loadChanged && agent.loadOrdered[channel])) continue;
      // Only this channel's sets read this idle value, and entries carry their old keys.
      agent.indexedIdle[channel] = agent.idleSince[channel];
      agent.indexedReady[channel] = wants;
      // An agent of one set is never in it twice, so each entry moves on its own. The three
      // cases are separate loops: most syncs only leave or only enter every set of a channel.
      const entries = agent.profileByChannel[channel];
      if (!wants) {
        for (const entry of entries) entry.ready.delete(entry);
      } else if (!had) {
        for (const entry of entries) entry.enterReadySet();
      } else {
        for (const entry of entries) {
          if (!((entry.ordersByIdle && idleChanged) || (entry.ordersByLoad && loadChanged))) continue;
          entry.ready.delete(entry);
          entry.enterReadySet();
        }
      }
    }
  }

  private unindexAgent(agent: Agent): void {
    for (const channel of agent.channels) {
      if (agent.indexedReady[channel]) for (const entry of agent.profileByChannel[channel]) entry.ready.delete(entry);
      agent.indexedReady[channel] = false;
      agent.readyOn[channel] = false;
    }
  }

  /** Inserts agents not yet indexed, per channel in ascending idle order (cheap for idle-ordered sets). */
  private indexAgents(agents: Iterable<Agent>): void {
    const all = [...agents];
    for (const agent of all) {
      agent.indexedIdle = [...agent.idleSince];
      agent.indexedLoadTotal = agent.loadTotal;
    }
    for (let channel = 0; channel < CHANNELS.length; channel++) {
      const ready = all.filter((agent) => agent.capacity[channel] > 0 && agent.isReadyFor(channel)).sort(byIdle(channel));
      for (const agent of ready) {
        agent.readyOn[channel] = true;
        agent.indexedReady[channel] = true;
        for (const entry of agent.profileByChannel[channel]) entry.enterReadySet();
      }
    }
  }

  private joinQueues(agent: Agent, changedDelays: Set<RoutingQueue>): void {
    agent.memberQueues = agent.memberships.map((membership) => {
      const queue = this.queue(membership.queueId);
      if (queue.addMember(agent, membership.delayMs)) changedDelays.add(queue);
      return queue;
    });
    // The new memberships may have other ranks and delays: none of the previous ones is kept.
    agent.profile = [];
    this.linkProfile(agent);
  }

  /**
   * Gives the agent a membership for each channel it handles in each profile queue serving that
   * channel. Existing ones are kept (they may sit in ready sets) and relinked to their queue's
   * current indexes and order.
   */
  private linkProfile(agent: Agent): void {
    const previous = agent.profile;
    agent.profile = [];
    agent.memberships.forEach((membership, i) => {
      const queue = agent.memberQueues[i];
      for (const channel of queue.channels) {
        if (agent.capacity[channel] === 0) continue;
        const existing = previous.find((m) => m.queue === queue && m.channel === channel);
        existing?.link();
        agent.profile.push(existing ?? new ChannelMembership(agent, queue, channel, membership.priority, membership.delayMs));
      }
    });
    agent.profileByChannel = agent.capacity.map((_, channel) => agent.profile.filter((m) => m.channel === channel));
    agent.loadOrdered = agent.profileByChannel.map((memberships) => memberships.some((m) => m.ordersByLoad));
  }


  // ---------------------------------------------------------------- lookups and checks

  /** The queue a new contact lands in: tenant, channel, business hours (with redirects) and size. */
  private admit(queueId: string, tenantId: string, channel: Channel, now: number): RoutingQueue {
    // Closed queues passed through; only a redirect needs it.
    let visited: Set<string> | undefined;
    let queue = this.queue(queueId);
    for (;;) {
      if (queue.config.tenantId !== tenantId) {
        throw new RoutingError('TENANT_MISMATCH', `queue ${queue.id} belongs to another tenant than ${tenantId}`);
      }
      if (!queue.serves(indexOfChannel(channel))) {
        throw new RoutingError('CHANNEL_NOT_SERVED', `queue ${queue.id} does not serve ${channel}`);
      }
      const hours = queue.config.businessHours;
      if (hours && hours.whenClosed.kind !== 'queue' && !isOpenAt(hours, now)) {
        visited = (visited ?? new Set<string>()).add(queue.id);
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
    // An unknown agent is reported as such; the item's own agent is known to exist.
    if (item.agentId !== command.agentId) this.agent(command.agentId);
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
    const event: { -readonly [K in keyof QueuedEvent]: QueuedEvent[K] } = {
      type: 'queued',
      at: now,
      tenantId: item.tenantId,
      interactionId: item.interactionId,
      queueId: item.queueId,
      channel: item.channel,
      priority: item.priority,
      enqueuedAt: item.enqueuedAt,
    };
    // Assigned rather than spread: every contact starts with this event.
    if (redirectedFrom !== undefined) event.redirectedFrom = redirectedFrom;
    this.emit(event);
  }

  // ---------------------------------------------------------------- wait estimates

  private staffedSlots(queue: RoutingQueue, channel: ChannelIndex): number {
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
