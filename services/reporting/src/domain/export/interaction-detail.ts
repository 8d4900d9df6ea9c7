import type { InteractionRecord } from '../facts/interaction-record';
import { completedHandlings, queueEntries } from '../facts/interval-contributions';
import type { KpiSettings } from '../kpi/kpi-settings';
import { serviceLevelThresholdMs } from '../kpi/kpi-settings';

/** One line of the per-interaction export: one queue visit of an interaction (a transfer makes two). */
export interface InteractionDetailRow {
  readonly interaction_id: string;
  readonly channel: string;
  readonly customer_id: string;
  readonly case_id: string;
  readonly queue_id: string;
  readonly entered_queue_at: string;
  /** answered, abandoned, short-abandoned or waiting. */
  readonly outcome: string;
  readonly queue_ms: number | '';
  readonly within_service_level: boolean | '';
  readonly agent_id: string;
  readonly answered_at: string;
  readonly talk_ms: number | '';
  readonly hold_ms: number | '';
  readonly acw_ms: number | '';
  readonly handled_at: string;
  readonly transferred: boolean | '';
  readonly first_response_ms: number | '';
  readonly first_response_sla: string;
  readonly csat: number | '';
  readonly nps: number | '';
  readonly ces: number | '';
}

export const INTERACTION_DETAIL_COLUMNS: readonly (keyof InteractionDetailRow)[] = [
  'interaction_id', 'channel', 'customer_id', 'case_id', 'queue_id', 'entered_queue_at', 'outcome', 'queue_ms', 'within_service_level',
  'agent_id', 'answered_at', 'talk_ms', 'hold_ms', 'acw_ms', 'handled_at', 'transferred', 'first_response_ms', 'first_response_sla', 'csat', 'nps', 'ces',
];

const iso = (at: number | undefined) => (at === undefined ? '' : new Date(at).toISOString());

/** The export lines of one interaction, by the same rules as the aggregates (times in UTC ISO 8601). */
export function interactionDetailRows(record: InteractionRecord, settings: KpiSettings): InteractionDetailRow[] {
  const entries = queueEntries(record);
  const endings = completedHandlings(record, entries);
  const channel = record.channel ?? '';
  const surveys = Object.keys(record.surveys ?? {}).sort().map((id) => record.surveys![id]);
  const last = <K extends 'csat' | 'nps' | 'ces'>(kind: K) => surveys.map((s) => s[kind]).filter((v) => v !== undefined).pop() ?? '';
  return entries.map(({ queueId, visit, enqueuedAt }, index) => {
    const leftAt = visit.answeredAt ?? visit.abandonedAt;
    const queueMs = leftAt === undefined ? undefined : leftAt - enqueuedAt;
    const threshold = record.channel ? serviceLevelThresholdMs(settings, record.channel) : settings.serviceLevelThresholdMs;
    const outcome =
      visit.answeredAt !== undefined ? 'answered' : visit.abandonedAt !== undefined ? (queueMs! <= settings.shortAbandonThresholdMs ? 'short-abandoned' : 'abandoned') : 'waiting';
    const ending = visit.answeredAt === undefined ? undefined : endings.find((e) => e.queueId === queueId && e.agentId === visit.agentId);
    const firstResponseMs =
      index === 0 && record.firstCustomerMessageAt !== undefined && record.firstAgentReplyAt !== undefined ? record.firstAgentReplyAt - record.firstCustomerMessageAt : undefined;
    const sla = record.channel ? settings.firstResponseSlaMsByChannel[record.channel] : undefined;
    return {
      interaction_id: record.interactionId,
      channel,
      customer_id: record.customerId ?? '',
      case_id: record.caseId ?? '',
      queue_id: queueId,
      entered_queue_at: iso(enqueuedAt),
      outcome,
      queue_ms: queueMs ?? '',
      within_service_level: queueMs === undefined || outcome === 'short-abandoned' ? '' : queueMs <= threshold,
      agent_id: visit.answeredAt !== undefined ? visit.agentId ?? '' : '',
      answered_at: iso(visit.answeredAt),
      talk_ms: ending ? Math.max(0, ending.completedAt - ending.answeredAt - ending.holdMs) : '',
      hold_ms: ending ? ending.holdMs : '',
      acw_ms: ending ? ending.handledEnd - ending.completedAt : '',
      handled_at: iso(ending?.handledEnd),
      transferred: ending ? ending.transferred : '',
      first_response_ms: firstResponseMs ?? '',
      first_response_sla: firstResponseMs === undefined || sla === undefined ? '' : firstResponseMs <= sla ? 'hit' : 'miss',
      csat: index === entries.length - 1 ? last('csat') : '',
      nps: index === entries.length - 1 ? last('nps') : '',
      ces: index === entries.length - 1 ? last('ces') : '',
    };
  });
}
