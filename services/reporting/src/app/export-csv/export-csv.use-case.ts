import { stringify } from 'csv-stringify/sync';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { AGGREGATE_COUNTERS } from '../../domain/facts/aggregate-counters';
import { INTERVAL_MS } from '../../domain/facts/interval-bucket';
import { INTERACTION_DETAIL_COLUMNS, interactionDetailRows } from '../../domain/export/interaction-detail';
import { InteractionFactsRepository } from '../../persistence/interaction-facts.repository';
import { IntervalAggregateRepository, type StoredAggregateRow } from '../../persistence/interval-aggregate.repository';
import { MetricsQueryError } from '../get-metrics/metrics-query.error';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

export type ExportKind = 'interval-metrics' | 'interaction-detail';

export interface ExportQuery {
  readonly kind: ExportKind;
  readonly fromMs: number;
  readonly toMs: number;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const INTERVAL_COLUMNS = ['interval_start', 'queue_id', 'channel', 'agent_id', ...AGGREGATE_COUNTERS.map(snake)];
const MAX_RANGE_MS = 366 * 86_400_000;

/**
 * CSV of a range, produced page by page (keyset paging, one short transaction per page): the
 * caller pulls the next chunk only when it has passed the last one on, so memory stays at about
 * one page whatever the range. Each chunk is whole lines; the first starts with the header.
 */
export class ExportCsvUseCase {
  private readonly aggregates = new IntervalAggregateRepository();
  private readonly interactions = new InteractionFactsRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
    private readonly pageSize = 1_000,
  ) {}

  /** Validates first, so a bad query fails before anything is streamed. */
  chunks(tenantId: string, query: ExportQuery): AsyncGenerator<string> {
    const { fromMs, toMs } = query;
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) throw new MetricsQueryError('bad-range', 'start_time must be before end_time');
    if (fromMs % INTERVAL_MS !== 0 || toMs % INTERVAL_MS !== 0) throw new MetricsQueryError('range-not-aligned', 'start_time and end_time must fall on 15-minute boundaries');
    if (toMs - fromMs > MAX_RANGE_MS) throw new MetricsQueryError('range-too-long', 'at most 366 days per export');
    return query.kind === 'interval-metrics' ? this.intervalChunks(tenantId, fromMs, toMs) : this.detailChunks(tenantId, fromMs, toMs);
  }

  private async *intervalChunks(tenantId: string, fromMs: number, toMs: number): AsyncGenerator<string> {
    yield stringify([INTERVAL_COLUMNS]);
    let after: StoredAggregateRow | undefined;
    for (;;) {
      const page = await withTenantTransaction(this.dataSource, (manager) => this.aggregates.page(manager, tenantId, fromMs, toMs, after, this.pageSize));
      if (page.length === 0) return;
      yield stringify(page.map((row) => [new Date(row.intervalStartMs).toISOString(), row.queueId, row.channel, row.agentId, ...AGGREGATE_COUNTERS.map((c) => row.counters[c])]));
      if (page.length < this.pageSize) return;
      after = page[page.length - 1];
    }
  }

  private async *detailChunks(tenantId: string, fromMs: number, toMs: number): AsyncGenerator<string> {
    yield stringify([INTERACTION_DETAIL_COLUMNS]);
    let after: { enteredAtMs: number; interactionId: string } | undefined;
    for (;;) {
      const { page, settings } = await withTenantTransaction(this.dataSource, async (manager) => ({
        settings: await this.settings.settingsFor(manager, tenantId),
        page: await this.interactions.pageByEntry(manager, tenantId, fromMs, toMs, after, this.pageSize),
      }));
      if (page.length === 0) return;
      const rows = page.flatMap(({ record }) => interactionDetailRows(record, settings));
      yield stringify(rows.map((row) => INTERACTION_DETAIL_COLUMNS.map((column) => row[column])), { cast: { boolean: (value) => String(value) } });
      if (page.length < this.pageSize) return;
      const last = page[page.length - 1];
      after = { enteredAtMs: last.enteredAtMs, interactionId: last.record.interactionId };
    }
  }
}
