import { Observable } from 'rxjs';
import { type AgentState, type Channel, RoutingError, type RoutingEvent, type RoutingSnapshot } from '../../domain';
import { RoutingConfigRepository } from '../../persistence/routing-config.repository';
import { agentOf, channelsOf, narrow } from '../manage-configuration/manage-configuration.use-case';
import type { AgentSession, RoutingRuntime } from '../routing-runtime';

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

/**
 * The agent desktop's commands, applied on this instance (it owns the workspace: single
 * instance and all-in-one). Work streams follow the runtime's commits, so an agent sees
 * exactly what was committed, in order.
 */
export class AgentWorkUseCase {
  private readonly config = new RoutingConfigRepository();
  private readonly streams = new Map<string, Set<(update: WorkUpdate) => void>>();

  constructor(private readonly runtime: RoutingRuntime) {
    runtime.onCommitted(({ workspaceId, events, channelOf, sessionOf }) => {
      for (const event of events) {
        const agentId = agentOfEvent(event);
        const listeners = agentId && this.streams.get(streamKey(workspaceId, agentId));
        if (!listeners) continue;
        const update = updateOf(event, channelOf, sessionOf);
        if (update) for (const listener of listeners) listener(update);
      }
    });
  }

  /**
   * Logs the agent in with its profile narrowed to the tenants it asks for (all of the
   * profile's by default) that its token grants, and the channels it asks for.
   */
  async login(caller: AgentCaller, tenantIds: readonly string[], channels: readonly Channel[]): Promise<AgentStatusView> {
    const { workspaceId, agentId } = caller;
    await this.runtime.execute(workspaceId, async (manager, now) => {
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
    });
    return this.status(workspaceId, agentId);
  }

  async setState(caller: AgentCaller, change: PresenceChange): Promise<AgentStatusView> {
    await this.runtime.execute(caller.workspaceId, (_manager, now) => [{ kind: 'setState', now, agentId: caller.agentId, ...change }]);
    return this.status(caller.workspaceId, caller.agentId);
  }

  async accept(caller: AgentCaller, tenantId: string, offerId: string): Promise<AssignmentView> {
    const events = await this.runtime.execute(caller.workspaceId, (_manager, now) => [{ kind: 'accept', now, tenantId, offerId, agentId: caller.agentId }]);
    const assigned = events.find((event) => event.type === 'assigned')!;
    const channel = await this.runtime.read(caller.workspaceId, (_engine, _now, channelOf) => channelOf(assigned.interactionId)!);
    return { interactionId: assigned.interactionId, tenantId, queueId: assigned.queueId, channel, wrappingUp: false };
  }

  async reject(caller: AgentCaller, tenantId: string, offerId: string): Promise<void> {
    await this.runtime.execute(caller.workspaceId, (_manager, now) => [{ kind: 'reject', now, tenantId, offerId, agentId: caller.agentId }]);
  }

  /** Whether the queue asks for a wrap-up. */
  async complete(caller: AgentCaller, tenantId: string, interactionId: string): Promise<boolean> {
    const events = await this.runtime.execute(caller.workspaceId, (_manager, now) => [{ kind: 'complete', now, tenantId, interactionId, agentId: caller.agentId }]);
    const completed = events.find((event) => event.type === 'completed');
    return completed?.type === 'completed' && completed.wrapUpRequired;
  }

  async submitWrapUp(caller: AgentCaller, tenantId: string, interactionId: string, disposition: string, notes: string): Promise<void> {
    await this.runtime.execute(
      caller.workspaceId,
      (_manager, now) => [{ kind: 'submitWrapUp', now, tenantId, interactionId, agentId: caller.agentId, ...(disposition && { code: disposition }) }],
      { wrapUpNotes: notes },
    );
  }

  /** A queue must still be configured (a deleted queue's definition lingers in the engine). */
  async transfer(caller: AgentCaller, tenantId: string, interactionId: string, to: TransferTarget): Promise<void> {
    const { workspaceId, agentId } = caller;
    await this.runtime.execute(workspaceId, async (manager, now) => {
      if ('queueId' in to && !(await this.config.queue(manager, workspaceId, to.queueId))) {
        throw new RoutingError('QUEUE_NOT_FOUND', `queue ${to.queueId} is unknown`);
      }
      return [{ kind: 'transfer', now, tenantId, interactionId, agentId, to }];
    });
  }

  /** The current state, pending offers and assignments first, then every committed change. */
  streamWork(workspaceId: string, agentId: string): Observable<WorkUpdate> {
    return new Observable<WorkUpdate>((subscriber) => {
      const key = streamKey(workspaceId, agentId);
      let ready = false;
      const listener = (update: WorkUpdate) => ready && subscriber.next(update);
      const listeners = this.streams.get(key) ?? new Set();
      listeners.add(listener);
      this.streams.set(key, listeners);
      // The read runs between commits: everything committed before it is in the snapshot, and
      // the listener passes on only what commits after it.
      this.runtime
        .read(workspaceId, (engine, now) => {
          subscriber.next(workSnapshotOf(engine.snapshot(), agentId, now));
          ready = true;
        })
        .catch((error) => subscriber.error(error));
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) this.streams.delete(key);
      };
    });
  }

  status(workspaceId: string, agentId: string): Promise<AgentStatusView> {
    return this.runtime.read(workspaceId, (engine, now) => workSnapshotOf(engine.snapshot(), agentId, now).status);
  }
}

const streamKey = (workspaceId: string, agentId: string) => `${workspaceId}\u0000${agentId}`;

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
