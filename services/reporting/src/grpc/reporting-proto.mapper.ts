import { hasAnyRole, type Principal, type Role } from '@contactcenter/auth';
import { commonV1, reportingV1, type Timestamp } from '@contactcenter/contracts';
import { MetricsAccessError, MetricsQueryError } from '../app/get-metrics/metrics-query.error';
import type { AgentActivity } from '../domain/facts/reporting-fact';
import type { ContactChannel } from '../domain/kpi/contact-facts';

/** Roles that see every queue of the tenants they are granted. */
export const TENANT_WIDE: readonly Role[] = ['platform-admin', 'tenant-admin', 'supervisor', 'team-lead', 'integration', 'service'];

/** Of those, the roles that see every agent too; a team lead sees only its team's agents. */
const ALL_AGENTS: readonly Role[] = TENANT_WIDE.filter((role) => role !== 'team-lead');

/** Whether the caller's agent figures are narrowed to its team (a team lead with no wider role). */
export const isTeamScoped = (principal: Principal) => hasAnyRole(principal, ['team-lead']) && !hasAnyRole(principal, ALL_AGENTS);

export const ACTIVITY_PROTO: Readonly<Record<AgentActivity, reportingV1.AgentActivity>> = {
  offline: reportingV1.AgentActivity.AGENT_ACTIVITY_OFFLINE,
  available: reportingV1.AgentActivity.AGENT_ACTIVITY_AVAILABLE,
  away: reportingV1.AgentActivity.AGENT_ACTIVITY_AWAY,
  'on-contact': reportingV1.AgentActivity.AGENT_ACTIVITY_ON_CONTACT,
  'after-contact-work': reportingV1.AgentActivity.AGENT_ACTIVITY_AFTER_CONTACT_WORK,
};

export const CHANNEL_PROTO: Readonly<Record<ContactChannel, commonV1.Channel>> = {
  voice: commonV1.Channel.CHANNEL_VOICE,
  chat: commonV1.Channel.CHANNEL_CHAT,
  email: commonV1.Channel.CHANNEL_EMAIL,
  sms: commonV1.Channel.CHANNEL_SMS,
  social: commonV1.Channel.CHANNEL_SOCIAL,
  task: commonV1.Channel.CHANNEL_TASK,
};

/** proto-loader hands int64 seconds over as a Long or string unless the host loads protos with `longs: Number`. */
export function millisOf(name: string, timestamp: Timestamp | undefined): number {
  if (!timestamp) throw new MetricsQueryError('bad-range', `${name} is required`);
  return Number(String(timestamp.seconds ?? 0)) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000);
}

export const timestampOf = (ms: number): Timestamp => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

/**
 * The agents a caller may see: anyone for tenant-wide roles (all when none are named); the
 * agents of its team for a team lead (`team`, all of them when none are named); only itself for
 * an agent (its identity-provider subject is its agent id in routing events).
 */
export function visibleAgentIds(principal: Principal, requested: readonly string[], team?: readonly string[]): readonly string[] {
  if (hasAnyRole(principal, ALL_AGENTS)) return requested;
  if (team) {
    if (requested.some((agentId) => !team.includes(agentId))) throw new MetricsAccessError('team-agents-only', 'team leads may only see the agents of their team');
    return requested.length > 0 ? requested : team;
  }
  if (requested.some((agentId) => agentId !== principal.subject)) throw new MetricsAccessError('agent-own-stats-only', 'agents may only see their own figures');
  return [principal.subject];
}
