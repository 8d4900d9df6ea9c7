import { routingAdminV1 as admin, routingAgentV1 as agent, commonV1 } from '@contactcenter/contracts';
import type { AgentSelection, AgentState, Channel, CrossChannelRule, QueueStatus, RoutingStep, WrapUpMode } from '../domain';
import { CHANNELS_OF_PROTO, PROTO_CHANNELS } from '../app/contract-event.mapper';
import type { AgentStatusView, AssignmentView, OfferView, WorkUpdate } from '../app/handle-agent-work/agent-work.use-case';
import type { AgentProfile, BusinessHoursDefinition, QueueDefinition } from '../app/routing-definitions';
import { RoutingConfigError } from '../app/routing-config.error';

const invalid = (detail: string) => new RoutingConfigError('CONFIG_INVALID', detail);

/** proto-loader hands int64 over as a Long or a string unless loaded with `longs: Number`. */
export const int64 = (value: unknown): number => Number(String(value ?? 0));
const list = <T>(value: readonly T[] | undefined): readonly T[] => value ?? [];

const ACTIVITIES: Readonly<Record<AgentState, agent.AgentActivity>> = {
  offline: agent.AgentActivity.AGENT_ACTIVITY_OFFLINE,
  available: agent.AgentActivity.AGENT_ACTIVITY_AVAILABLE,
  away: agent.AgentActivity.AGENT_ACTIVITY_AWAY,
  'on-contact': agent.AgentActivity.AGENT_ACTIVITY_ON_CONTACT,
  'after-contact-work': agent.AgentActivity.AGENT_ACTIVITY_AFTER_CONTACT_WORK,
};
const SELECTIONS: Readonly<Record<AgentSelection, admin.AgentSelection>> = {
  'longest-idle': admin.AgentSelection.AGENT_SELECTION_LONGEST_IDLE,
  'most-proficient': admin.AgentSelection.AGENT_SELECTION_MOST_PROFICIENT,
  'least-occupied': admin.AgentSelection.AGENT_SELECTION_LEAST_OCCUPIED,
  'round-robin': admin.AgentSelection.AGENT_SELECTION_ROUND_ROBIN,
};
const CROSS_CHANNEL: Readonly<Record<CrossChannelRule, admin.CrossChannelRule>> = {
  'voice-exclusive': admin.CrossChannelRule.CROSS_CHANNEL_RULE_VOICE_EXCLUSIVE,
  concurrent: admin.CrossChannelRule.CROSS_CHANNEL_RULE_CONCURRENT,
};
const invert = <K extends string, V extends number>(map: Readonly<Record<K, V>>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Partial<Record<number, K>>;
const SELECTION_OF = invert(SELECTIONS);
const CROSS_CHANNEL_OF = invert(CROSS_CHANNEL);

export function channelOf(value: commonV1.Channel): Channel {
  const channel = CHANNELS_OF_PROTO[value];
  if (!channel) throw invalid(`channel ${value} is not supported`);
  return channel;
}

export const activity = (state: AgentState) => ACTIVITIES[state];

export function statusMessage(status: AgentStatusView): agent.AgentStatus {
  return { activity: ACTIVITIES[status.state], reasonCode: status.reasonCode ?? '', tenantIds: [...status.tenantIds], channels: status.channels.map((c) => PROTO_CHANNELS[c]) };
}

const timestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

export function offerMessage(offer: OfferView): agent.Offer {
  return { offerId: offer.offerId, interactionId: offer.interactionId, tenantId: offer.tenantId, queueId: offer.queueId, channel: PROTO_CHANNELS[offer.channel], expiresAt: timestamp(offer.expiresAt) };
}

export function assignmentMessage(assignment: AssignmentView): agent.Assignment {
  return { ...assignment, channel: PROTO_CHANNELS[assignment.channel] };
}

export function workMessage(update: WorkUpdate): agent.StreamWorkResponse {
  switch (update.kind) {
    case 'snapshot':
      return { snapshot: { status: statusMessage(update.status), offers: update.offers.map(offerMessage), assignments: update.assignments.map(assignmentMessage) } };
    case 'status':
      return { status: statusMessage(update.status) };
    case 'offered':
      return { offered: offerMessage(update.offer) };
    case 'offerClosed':
      return { offerClosed: { offerId: update.offerId, interactionId: update.interactionId, reason: update.reason } };
    case 'assigned':
      return { assigned: assignmentMessage(update.assignment) };
    case 'released':
      return { released: { interactionId: update.interactionId, reason: update.reason } };
  }
}

const STATES_OF = invert(ACTIVITIES);
const millis = (value: { seconds: number; nanos: number } | undefined) => (value ? int64(value.seconds) * 1000 + Math.floor(value.nanos / 1_000_000) : 0);
const channelsOfMessage = (channels: readonly commonV1.Channel[] | undefined) => list(channels).map(channelOf);

function statusViewOf(status: agent.AgentStatus | undefined): AgentStatusView {
  return { state: STATES_OF[status?.activity ?? 0] ?? 'offline', reasonCode: status?.reasonCode || undefined, tenantIds: [...list(status?.tenantIds)], channels: channelsOfMessage(status?.channels) };
}

function offerViewOf(offer: agent.Offer): OfferView {
  return { offerId: offer.offerId, interactionId: offer.interactionId, tenantId: offer.tenantId, queueId: offer.queueId, channel: channelOf(offer.channel), expiresAt: millis(offer.expiresAt) };
}

function assignmentViewOf(assignment: agent.Assignment): AssignmentView {
  return { interactionId: assignment.interactionId, tenantId: assignment.tenantId, queueId: assignment.queueId, channel: channelOf(assignment.channel), wrappingUp: assignment.wrappingUp };
}

/** The inverse of workMessage, for updates another instance committed (ADR 0009). */
export function workUpdateOf(message: agent.StreamWorkResponse): WorkUpdate | undefined {
  if (message.snapshot) {
    const { status, offers, assignments } = message.snapshot;
    return { kind: 'snapshot', status: statusViewOf(status), offers: list(offers).map(offerViewOf), assignments: list(assignments).map(assignmentViewOf) };
  }
  if (message.status) return { kind: 'status', status: statusViewOf(message.status) };
  if (message.offered) return { kind: 'offered', offer: offerViewOf(message.offered) };
  if (message.offerClosed) return { kind: 'offerClosed', ...message.offerClosed };
  if (message.assigned) return { kind: 'assigned', assignment: assignmentViewOf(message.assigned) };
  if (message.released) return { kind: 'released', ...message.released };
  return undefined;
}

function wrapUpOf(queue: admin.Queue): WrapUpMode {
  switch (queue.wrapUpMode ?? admin.WrapUpMode.WRAP_UP_MODE_UNSPECIFIED) {
    case admin.WrapUpMode.WRAP_UP_MODE_UNSPECIFIED:
    case admin.WrapUpMode.WRAP_UP_MODE_NONE:
      return { kind: 'none' };
    case admin.WrapUpMode.WRAP_UP_MODE_OPTIONAL:
      return { kind: 'optional' };
    case admin.WrapUpMode.WRAP_UP_MODE_MANDATORY:
      return { kind: 'mandatory' };
    case admin.WrapUpMode.WRAP_UP_MODE_MANDATORY_WITH_TIMEOUT:
      return { kind: 'mandatory-with-timeout', timeoutMs: int64(queue.wrapUpTimeoutMs) };
    default:
      throw invalid(`wrap-up mode ${queue.wrapUpMode} is not supported`);
  }
}

function stepOf(step: admin.RoutingStep): RoutingStep {
  const expires = int64(step.expiresAfterMs);
  return { conditions: list(step.conditions).map((c) => ({ skill: c.skill, minLevel: c.minLevel })), ...(expires > 0 && { expiresAfterMs: expires }) };
}

/** A queue from the admin API, for the tenant in x-tenant-id; unset numbers take the usual defaults. */
export function queueDefinitionOf(queue: admin.Queue | undefined, tenantId: string): QueueDefinition {
  if (!queue?.queueId) throw invalid('queue.queue_id is required');
  if (queue.tenantId && queue.tenantId !== tenantId) throw invalid(`queue.tenant_id ${queue.tenantId} differs from x-tenant-id ${tenantId}`);
  const strategy = queue.strategy ? SELECTION_OF[queue.strategy] : 'longest-idle';
  if (!strategy) throw invalid(`strategy ${queue.strategy} is not supported`);
  const overflowAfter = int64(queue.overflowAfterMs);
  const aging = int64(queue.agingIntervalMs);
  const whenClosed = queue.whenClosed ?? admin.WhenClosed.WHEN_CLOSED_UNSPECIFIED;
  return {
    name: queue.name ?? '',
    ...(queue.businessHoursId && { businessHoursId: queue.businessHoursId }),
    whenClosed:
      whenClosed === admin.WhenClosed.WHEN_CLOSED_REJECT
        ? { kind: 'reject' }
        : whenClosed === admin.WhenClosed.WHEN_CLOSED_REDIRECT
          ? { kind: 'redirect', queueId: queue.closedRedirectQueueId ?? '' }
          : { kind: 'queue' },
    config: {
      queueId: queue.queueId,
      tenantId,
      channels: list(queue.channels).map(channelOf),
      steps: list(queue.steps).map(stepOf),
      defaultPriority: queue.defaultPriority ?? 0,
      ...(aging > 0 && { agingIntervalMs: aging }),
      serviceLevel: { percent: queue.serviceLevelPercent || 80, thresholdMs: int64(queue.serviceLevelThresholdMs) || 20_000 },
      ...(queue.maxSize ? { maxSize: queue.maxSize } : {}),
      ...((overflowAfter > 0 || queue.overflowQueueId) && { overflow: { afterMs: overflowAfter, queueId: queue.overflowQueueId ?? '' } }),
      offerTimeoutMs: int64(queue.offerTimeoutMs) || 15_000,
      wrapUp: wrapUpOf(queue),
      strategy,
      defaultHandleTimeMs: int64(queue.defaultHandleTimeMs) || 180_000,
    },
  };
}

export function queueMessage(queue: QueueDefinition): admin.Queue {
  const { config } = queue;
  const wrapUpModes = { none: admin.WrapUpMode.WRAP_UP_MODE_NONE, optional: admin.WrapUpMode.WRAP_UP_MODE_OPTIONAL, mandatory: admin.WrapUpMode.WRAP_UP_MODE_MANDATORY, 'mandatory-with-timeout': admin.WrapUpMode.WRAP_UP_MODE_MANDATORY_WITH_TIMEOUT };
  const whenClosed = { queue: admin.WhenClosed.WHEN_CLOSED_QUEUE, reject: admin.WhenClosed.WHEN_CLOSED_REJECT, redirect: admin.WhenClosed.WHEN_CLOSED_REDIRECT };
  return {
    queueId: config.queueId,
    tenantId: config.tenantId,
    name: queue.name,
    channels: config.channels.map((c) => PROTO_CHANNELS[c]),
    steps: config.steps.map((step) => ({ conditions: step.conditions.map((c) => ({ ...c })), expiresAfterMs: step.expiresAfterMs ?? 0 })),
    defaultPriority: config.defaultPriority,
    agingIntervalMs: config.agingIntervalMs ?? 0,
    serviceLevelPercent: config.serviceLevel.percent,
    serviceLevelThresholdMs: config.serviceLevel.thresholdMs,
    maxSize: config.maxSize ?? 0,
    overflowAfterMs: config.overflow?.afterMs ?? 0,
    overflowQueueId: config.overflow?.queueId ?? '',
    businessHoursId: queue.businessHoursId ?? '',
    whenClosed: whenClosed[queue.whenClosed.kind],
    closedRedirectQueueId: queue.whenClosed.kind === 'redirect' ? queue.whenClosed.queueId : '',
    offerTimeoutMs: config.offerTimeoutMs,
    wrapUpMode: wrapUpModes[config.wrapUp.kind],
    wrapUpTimeoutMs: config.wrapUp.kind === 'mandatory-with-timeout' ? config.wrapUp.timeoutMs : 0,
    strategy: SELECTIONS[config.strategy],
    defaultHandleTimeMs: config.defaultHandleTimeMs,
  };
}

export function businessHoursOf(hours: admin.BusinessHours | undefined): BusinessHoursDefinition {
  if (!hours?.businessHoursId) throw invalid('business_hours.business_hours_id is required');
  return {
    businessHoursId: hours.businessHoursId,
    name: hours.name ?? '',
    timeZone: hours.timeZone ?? '',
    weekly: list(hours.weekly).map((w) => ({ day: w.day ?? 0, open: w.open ?? '', close: w.close ?? '' })),
    holidays: [...list(hours.holidays)],
  };
}

export function businessHoursMessage(hours: BusinessHoursDefinition): admin.BusinessHours {
  return { ...hours, weekly: hours.weekly.map((w) => ({ ...w })), holidays: [...hours.holidays] };
}

export function profileOf(profile: admin.AgentProfile | undefined): AgentProfile {
  if (!profile?.agentId) throw invalid('profile.agent_id is required');
  const crossChannel = profile.crossChannel ? CROSS_CHANNEL_OF[profile.crossChannel] : 'voice-exclusive';
  if (!crossChannel) throw invalid(`cross-channel rule ${profile.crossChannel} is not supported`);
  const capacity: Partial<Record<Channel, number>> = {};
  for (const entry of list(profile.capacity)) capacity[channelOf(entry.channel)] = entry.maxConcurrent;
  return {
    agentId: profile.agentId,
    tenantIds: [...list(profile.tenantIds)],
    queues: list(profile.queues).map((m) => ({ queueId: m.queueId, priority: m.priority || 1, delayMs: int64(m.delayMs) })),
    capacity,
    ...(profile.maxTotal ? { maxTotal: profile.maxTotal } : {}),
    crossChannel,
    skills: { ...(profile.skills ?? {}) },
  };
}

export function profileMessage(profile: AgentProfile): admin.AgentProfile {
  return {
    agentId: profile.agentId,
    tenantIds: [...profile.tenantIds],
    queues: profile.queues.map((m) => ({ ...m })),
    capacity: Object.entries(profile.capacity).map(([channel, max]) => ({ channel: PROTO_CHANNELS[channel as Channel], maxConcurrent: max ?? 0 })),
    maxTotal: profile.maxTotal ?? 0,
    crossChannel: CROSS_CHANNEL[profile.crossChannel],
    skills: { ...profile.skills },
  };
}

export function queueSnapshotMessage(status: QueueStatus, agents: ReadonlyMap<AgentState, number>): admin.GetQueueSnapshotResponse {
  return {
    queueId: status.queueId,
    contactsInQueue: status.waiting,
    ...(status.oldestWaitMs !== null && { oldestContactAgeMs: status.oldestWaitMs }),
    averageHandleTimeMs: Math.round(status.averageHandleTimeMs),
    waiting: status.items.map((item) => ({
      interactionId: item.interactionId,
      channel: PROTO_CHANNELS[item.channel],
      position: item.position,
      waitedMs: item.waitedMs,
      ...(item.estimatedWaitMs !== null && { estimatedWaitMs: item.estimatedWaitMs }),
    })),
    agents: [...agents].map(([state, count]) => ({ activity: ACTIVITIES[state], count })),
    staffedSlots: Object.entries(status.staffedSlots).map(([channel, slots]) => ({ channel: PROTO_CHANNELS[channel as Channel], maxConcurrent: slots ?? 0 })),
  };
}
