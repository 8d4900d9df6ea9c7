import { Observable } from 'rxjs';
import { type AgentState, type Channel, RoutingError, type RoutingEvent, type RoutingSnapshot } from '../../domain';
import { RoutingConfigRepository } from '../../persistence/routing-config.repository';
import { agentOf, channelsOf, narrow } from '../manage-configuration/manage-configuration.use-case';
import type { AgentSession, AnswerView, CommandOnce, RoutingRuntime } from '../routing-runtime';

/** The agent as the desktop sees it. */
export interface AgentStatusView {
  readonly state: AgentState;
  readonly reasonCode?: string;
  readonly tenantIds: readonly string[];
  readonly channels: readonly Channel[];
}

export interface OfferView {
  readonly offerId: string;
  readonly interactionId: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly expiresAt: number;
}

export interface AssignmentView {
  readonly interactionId: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly wrappingUp: boolean;
}

/** One message of an agent's work stream. */
export type WorkUpdate =
  | { readonly kind: 'snapshot'; readonly status: AgentStatusView; readonly offers: readonly OfferView[]; readonly assignments: readonly AssignmentView[] }
  | { readonly kind: 'status'; readonly status: AgentStatusView }
  | { readonly kind: 'offered'; readonly offer: OfferView }
  | { readonly kind: 'offerClosed'; readonly offerId: string; readonly interactionId: string; readonly reason: string }
  | { readonly kind: 'assigned'; readonly assignment: AssignmentView }
  | { readonly kind: 'released'; readonly interactionId: string; readonly reason: string };

/** The caller: the agent (token subject) and the tenants its token grants. */
export interface AgentCaller {
  readonly workspaceId: string;
  readonly agentId: string;
  readonly allTenants: boolean;
  readonly grantedTenantIds: readonly string[];
}

export type PresenceChange = { readonly state: 'available' } | { readonly state: 'away'; readonly reasonCode: string } | { readonly state: 'offline' };

export type TransferTarget = { readonly queueId: string } | { readonly agentId: string };

/** The work updates of one commit, per agent. */
export type CommittedUpdates = ReadonlyMap<string, readonly WorkUpdate[]>;

/** Where commits go besides this instance's streams: the other instances (ADR 0009). */
export type WorkPublisher = (workspaceId: string, seq: number, updates: CommittedUpdates, resync: boolean) => void;

/** One open work stream: told every commit of its workspace that concerns its agent. */
interface WorkSink {
  commit(seq: number, updates: readonly WorkUpdate[], resync: boolean): void;
}

/**
 * The agent desktop's commands, applied by the instance that owns the workspace. Work streams
 * follow the commits of the workspace wherever they happen: this instance's own (at once) and
 * other instances' (through `deliver`), each passed on once, in journal order.
 */
export class AgentWorkUseCase {
  private readonly config = new RoutingConfigRepository();
  /** workspace → agent → open streams */
  private readonly streams = new Map<string, Map<string, Set<WorkSink>>>();
  private publisher?: WorkPublisher;

  constructor(private readonly runtime: RoutingRuntime) {
    runtime.onCommitted(({ workspaceId, seq, held, events, channelOf, sessionOf }) => {
      const updates = new Map<string, WorkUpdate[]>();
      for (const event of events) {
        const agentId = agentOfEvent(event);
        const update = agentId && updateOf(event, channelOf, sessionOf);
        if (!update) continue;
        const list = updates.get(agentId) ?? [];
        list.push(update);
        updates.set(agentId, list);
      }
      if (updates.size > 0) this.deliver(workspaceId, seq, updates, false);
      // A commit by a non-owner is published even without updates: it tells the owner to reload.
      if (updates.size > 0 || !held) this.publisher?.(workspaceId, seq, updates, false);
    });
    runtime.onAdopted((workspaceId, seq) => this.publisher?.(workspaceId, seq, new Map(), true));
  }

  /** Sends every commit to the other instances too. */
  publishTo(publisher: WorkPublisher): void {
    this.publisher = publisher;
  }

  /** A commit (or a take-over, `resync`) of the workspace, from whichever instance made it. */
  deliver(workspaceId: string, seq: number, updates: CommittedUpdates, resync: boolean): void {
    const agents = this.streams.get(workspaceId);
    if (!agents) return;
    if (resync) {
      for (const sinks of agents.values()) for (const sink of sinks) sink.commit(seq, [], true);
      return;
    }
    for (const [agentId, list] of updates) for (const sink of agents.get(agentId) ?? []) sink.commit(seq, list, false);
  }

  /**
   * Logs the agent in with its profile narrowed to the tenants it asks for (all of the
   * profile's by default) that its token grants, and the channels it asks for.
   */
  login(caller: AgentCaller, tenantIds: readonly string[], channels: readonly Channel[], once?: CommandOnce): Promise<AgentStatusView> {
    const { workspaceId, agentId } = caller;
    return this.runtime.executeAnswer(workspaceId, async (manager, now) => {
      const profile = await this.config.profile(manager, workspaceId, agentId);
      if (!profile) throw new RoutingError('AGENT_NOT_FOUND', `agent ${agentId} has no routing profile`);
      const granted = (tenantId: string) => caller.allTenants || caller.grantedTenantIds.includes(tenantId);
      const refused = tenantIds.filter((tenantId) => !profile.tenantIds.includes(tenantId) || !granted(tenantId));
      if (refused.length > 0) throw new RoutingError('TENANT_NOT_GRANTED', `agent ${agentId} may not take work of tenant(s) ${refused.join(', ')}`);
      const tenants = (tenantIds.length > 0 ? tenantIds : profile.tenantIds).filter(granted);
      if (tenants.length === 0) throw new RoutingError('TENANT_NOT_GRANTED', `agent ${agentId} is granted none of its profile's tenants`);
      const full = { ...profile, workspaceId };
      const missing = channels.filter((channel) => !channelsOf(full).includes(channel));
      if (missing.length > 0) throw new RoutingError('INVALID_COMMAND', `agent ${agentId} has no capacity for ${missing.join(', ')}`);
      const config = narrow(full, tenants, channels.length > 0 ? channels : channelsOf(full));
      return [
        { kind: 'upsertAgent', now, config },
        { kind: 'login', now, agentId },
      ];
    }, statusAnswer(agentId), { once });
  }

  setState(caller: AgentCaller, change: PresenceChange, once?: CommandOnce): Promise<AgentStatusView> {
    return this.runtime.executeAnswer(caller.workspaceId, (_manager, now) => [{ kind: 'setState', now, agentId: caller.agentId, ...change }], statusAnswer(caller.agentId), { once });
  }

  accept(caller: AgentCaller, tenantId: string, offerId: string, once?: CommandOnce): Promise<AssignmentView> {
    return this.runtime.executeAnswer(
      caller.workspaceId,
      (_manager, now) => [{ kind: 'accept', now, tenantId, offerId, agentId: caller.agentId }],
      ({ events, channelOf }) => {
        const assigned = events.find((event) => event.type === 'assigned')!;
        return { interactionId: assigned.interactionId, tenantId, queueId: assigned.queueId, channel: channelOf(assigned.interactionId)!, wrappingUp: false };
      },
      { once },
    );
  }

  async reject(caller: AgentCaller, tenantId: string, offerId: string, once?: CommandOnce): Promise<void> {
    await this.runtime.executeAnswer(caller.workspaceId, (_manager, now) => [{ kind: 'reject', now, tenantId, offerId, agentId: caller.agentId }], noAnswer, { once });
  }

  /** Whether the queue asks for a wrap-up. */
  complete(caller: AgentCaller, tenantId: string, interactionId: string, once?: CommandOnce): Promise<boolean> {
    return this.runtime.executeAnswer(
      caller.workspaceId,
      (_manager, now) => [{ kind: 'complete', now, tenantId, interactionId, agentId: caller.agentId }],
      ({ events }) => events.some((event) => event.type === 'completed' && event.wrapUpRequired),
      { once },
    );
  }

  async submitWrapUp(caller: AgentCaller, tenantId: string, interactionId: string, disposition: string, notes: string, once?: CommandOnce): Promise<void> {
    await this.runtime.executeAnswer(
      caller.workspaceId,
      (_manager, now) => [{ kind: 'submitWrapUp', now, tenantId, interactionId, agentId: caller.agentId, ...(disposition && { code: disposition }) }],
      noAnswer,
      { wrapUpNotes: notes, once },
    );
  }

  /** A queue must still be configured (a deleted queue's definition lingers in the engine). */
  async transfer(caller: AgentCaller, tenantId: string, interactionId: string, to: TransferTarget, once?: CommandOnce): Promise<void> {
    const { workspaceId, agentId } = caller;
    await this.runtime.executeAnswer(
      workspaceId,
      async (manager, now) => {
        if ('queueId' in to && !(await this.config.queue(manager, workspaceId, to.queueId))) {
          throw new RoutingError('QUEUE_NOT_FOUND', `queue ${to.queueId} is unknown`);
        }
        return [{ kind: 'transfer', now, tenantId, interactionId, agentId, to }];
      },
      noAnswer,
      { once },
    );
  }

  /**
   * The current state, pending offers and assignments first, then every committed change. The
   * snapshot says which commit it includes; commits up to it are dropped, later ones passed on
   * once each (they may arrive twice: from this instance and back through Kafka). A take-over
   * newer than what the stream has means commits may have been lost with the previous owner,
   * so the stream sends a fresh snapshot.
   */
  streamWork(workspaceId: string, agentId: string): Observable<WorkUpdate> {
    return new Observable<WorkUpdate>((subscriber) => {
      let seen = -1;
      let ready = false;
      let waiting: { seq: number; updates: readonly WorkUpdate[]; resync: boolean }[] = [];
      const sink: WorkSink = {
        commit(seq, updates, resync) {
          if (!ready) waiting.push({ seq, updates, resync });
          else if (seq <= seen) return;
          else if (resync) refresh();
          else {
            seen = seq;
            for (const update of updates) subscriber.next(update);
          }
        },
      };
      const refresh = () => {
        ready = false;
        this.runtime
          .read(workspaceId, (engine, now, _channelOf, seq) => ({ snapshot: workSnapshotOf(engine.snapshot(), agentId, now), seq }))
          .then(({ snapshot, seq }) => {
            if (subscriber.closed) return;
            subscriber.next(snapshot);
            seen = seq;
            ready = true;
            const queued = waiting;
            waiting = [];
            for (const commit of queued) sink.commit(commit.seq, commit.updates, commit.resync);
          })
          .catch((error) => subscriber.error(error));
      };
      const agents = this.streams.get(workspaceId) ?? new Map<string, Set<WorkSink>>();
      this.streams.set(workspaceId, agents);
      const sinks = agents.get(agentId) ?? new Set<WorkSink>();
      agents.set(agentId, sinks);
      sinks.add(sink);
      refresh();
      return () => {
        sinks.delete(sink);
        if (sinks.size === 0 && agents.get(agentId) === sinks) agents.delete(agentId);
        if (agents.size === 0 && this.streams.get(workspaceId) === agents) this.streams.delete(workspaceId);
      };
    });
  }
}

/** The agent's status right after its command applied. */
const statusAnswer =
  (agentId: string) =>
  ({ engine, now }: AnswerView): AgentStatusView =>
    workSnapshotOf(engine.snapshot(), agentId, now).status;

const noAnswer = () => null;

function agentOfEvent(event: RoutingEvent): string | undefined {
  switch (event.type) {
    case 'transferred':
      return event.fromAgentId;
    case 'queued':
    case 'overflowed':
      return undefined;
    default:
      return event.agentId;
  }
}

function statusView(state: AgentState, reasonCode: string | undefined, session: AgentSession | undefined): AgentStatusView {
  const online = state !== 'offline' && session;
  return { state, reasonCode, tenantIds: online ? session.tenantIds : [], channels: online ? session.channels : [] };
}

function updateOf(
  event: RoutingEvent,
  channelOf: (interactionId: string) => Channel | undefined,
  sessionOf: (agentId: string) => AgentSession | undefined,
): WorkUpdate | undefined {
  const channel = (id: string) => channelOf(id)!;
  switch (event.type) {
    case 'agentStateChanged':
      return { kind: 'status', status: statusView(event.state, event.reasonCode, sessionOf(event.agentId)) };
    case 'offered':
      return { kind: 'offered', offer: { offerId: event.offerId, interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, channel: channel(event.interactionId), expiresAt: event.expiresAt } };
    case 'offerRejected':
    case 'offerTimedOut':
    case 'offerRevoked':
      return { kind: 'offerClosed', offerId: event.offerId, interactionId: event.interactionId, reason: { offerRejected: 'rejected', offerTimedOut: 'timed-out', offerRevoked: 'withdrawn' }[event.type] };
    case 'abandoned':
      return event.offerId ? { kind: 'offerClosed', offerId: event.offerId, interactionId: event.interactionId, reason: 'abandoned' } : undefined;
    case 'assigned':
      return { kind: 'assigned', assignment: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, channel: channel(event.interactionId), wrappingUp: false } };
    case 'completed':
      return event.wrapUpRequired
        ? { kind: 'assigned', assignment: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, channel: channel(event.interactionId), wrappingUp: true } }
        : { kind: 'released', interactionId: event.interactionId, reason: 'completed' };
    case 'wrapUpDone':
      return { kind: 'released', interactionId: event.interactionId, reason: event.timedOut ? 'wrap-up-timed-out' : 'wrapped-up' };
    case 'transferred':
      return { kind: 'released', interactionId: event.interactionId, reason: 'transferred' };
    case 'deliveryFailed':
      return { kind: 'released', interactionId: event.interactionId, reason: 'delivery-failed' };
    default:
      return undefined;
  }
}

/** What a (re)connecting agent needs: its state, its pending offers and what it is handling. */
export function workSnapshotOf(snapshot: RoutingSnapshot, agentId: string, now: number): Extract<WorkUpdate, { kind: 'snapshot' }> {
  const agent = agentOf(snapshot, agentId);
  const session = agent && { tenantIds: agent.config.tenantIds, channels: channelsOf(agent.config) };
  const status = statusView(agent?.reportedState ?? 'offline', agent?.reportedReasonCode, session);
  const offers: OfferView[] = [];
  const assignments: AssignmentView[] = [];
  for (const item of snapshot.items) {
    const { channel } = item;
    if (item.state === 'offered' && item.offer?.agentId === agentId && item.offer.expiresAt > now) {
      offers.push({ offerId: item.offer.offerId, interactionId: item.interactionId, tenantId: item.tenantId, queueId: item.queueId, channel, expiresAt: item.offer.expiresAt });
    } else if ((item.state === 'assigned' || item.state === 'wrap-up') && item.agentId === agentId) {
      assignments.push({ interactionId: item.interactionId, tenantId: item.tenantId, queueId: item.queueId, channel, wrappingUp: item.state === 'wrap-up' });
    }
  }
  return { kind: 'snapshot', status, offers, assignments };
}
