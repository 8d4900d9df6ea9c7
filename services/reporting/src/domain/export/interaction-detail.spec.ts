import { DEFAULT_KPI_SETTINGS } from '../kpi/kpi-settings';
import type { InteractionRecord } from '../facts/interaction-record';
import { INTERACTION_DETAIL_COLUMNS, interactionDetailRows } from './interaction-detail';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const S = 1000;

describe(interactionDetailRows.name, () => {
  it('gives one line per queue visit, with handling on the visit it belongs to and surveys on the last', () => {
    const record: InteractionRecord = {
      interactionId: 'c6',
      channel: 'voice',
      customerId: 'K3',
      caseId: 'X3',
      visits: {
        billing: { queuedAt: T0, answeredAt: T0 + 20 * S, agentId: 'a3', queueTimeMs: 20 * S },
        tech: { queuedAt: T0 + 325 * S, answeredAt: T0 + 335 * S, agentId: 'a2', queueTimeMs: 10 * S },
      },
      handlings: {
        a3: { queueId: 'billing', answeredAt: T0 + 20 * S, completedAt: T0 + 320 * S, holdMs: 60 * S, transferredAt: T0 + 320 * S },
        a2: { queueId: 'tech', answeredAt: T0 + 335 * S, completedAt: T0 + 935 * S, wrappedUpAt: T0 + 995 * S },
      },
      surveys: { s1: { csat: 4, nps: 8 } },
    };

    const [billing, tech] = interactionDetailRows(record, DEFAULT_KPI_SETTINGS);

    expect(Object.keys(billing)).toEqual(INTERACTION_DETAIL_COLUMNS);
    expect(billing).toMatchObject({ queue_id: 'billing', outcome: 'answered', queue_ms: 20 * S, within_service_level: true, agent_id: 'a3', talk_ms: 240 * S, hold_ms: 60 * S, acw_ms: 0, transferred: true, csat: '' });
    expect(tech).toMatchObject({ queue_id: 'tech', queue_ms: 10 * S, agent_id: 'a2', talk_ms: 600 * S, acw_ms: 60 * S, transferred: false, handled_at: new Date(T0 + 995 * S).toISOString(), csat: 4, nps: 8, ces: '' });
  });

  it('marks short abandons, abandons and contacts still waiting', () => {
    const record = (visit: InteractionRecord['visits'][string]): InteractionRecord => ({ interactionId: 'i', channel: 'voice', visits: { q: visit }, handlings: {} });

    expect(interactionDetailRows(record({ queuedAt: T0, abandonedAt: T0 + 3 * S }), DEFAULT_KPI_SETTINGS)[0]).toMatchObject({ outcome: 'short-abandoned', within_service_level: '' });
    expect(interactionDetailRows(record({ queuedAt: T0, abandonedAt: T0 + 15 * S }), DEFAULT_KPI_SETTINGS)[0]).toMatchObject({ outcome: 'abandoned', within_service_level: true });
    expect(interactionDetailRows(record({ queuedAt: T0 }), DEFAULT_KPI_SETTINGS)[0]).toMatchObject({ outcome: 'waiting', queue_ms: '', agent_id: '' });
  });
});
