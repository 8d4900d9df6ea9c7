import { Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ReportingFact } from '../../domain/facts/reporting-fact';
import { localDayOf } from '../../domain/facts/local-day';
import { DAY_MS, RealtimeTenantView } from '../../domain/realtime/realtime-tenant-view';
import { AgentTimelineRepository } from '../../persistence/agent-timeline.repository';
import { InteractionFactsRepository } from '../../persistence/interaction-facts.repository';
import type { IngestedBatch } from '../ingest-facts/ingest-facts.use-case';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

export interface RealtimeHubOptions {
  /** A snapshot goes out at least this often even without changes (ages move on). */
  readonly refreshMs?: number;
  /** How often changes are looked for; bounds the delay from commit to push. */
  readonly tickMs?: number;
  /** How often facts stored by other reporting instances are read back in. */
  readonly catchUpMs?: number;
  readonly now?: () => number;
}

interface Watched {
  view?: RealtimeTenantView;
  ready: Promise<RealtimeTenantView>;
  pending: ReportingFact[];
  watchers: number;
  lastCatchUpMs: number;
  catchingUp: boolean;
}

/**
 * Keeps a RealtimeTenantView for every tenant someone watches: built from the stored facts of the
 * day when the first watcher comes, then fed each committed batch of this instance's consumer,
 * and every few seconds the facts other instances stored (records changed since the last look,
 * the day's timeline). Views are idempotent, so overlaps do no harm. Dropped with the last watcher.
 */
export class RealtimeHub {
  private readonly watched = new Map<string, Watched>();
  private readonly interactions = new InteractionFactsRepository();
  private readonly timeline = new AgentTimelineRepository();
  private readonly refreshMs: number;
  private readonly tickMs: number;
  private readonly catchUpMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
    options: RealtimeHubOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 1_000;
    this.tickMs = options.tickMs ?? 100;
    this.catchUpMs = options.catchUpMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** A batch this instance committed. */
  feed(batch: IngestedBatch): void {
    const entry = this.watched.get(batch.tenantId);
    if (!entry) return;
    if (entry.view) for (const fact of batch.facts) entry.view.apply(fact);
    else entry.pending.push(...batch.facts);
  }

  /** Snapshots of the tenant's view, on change and at least every refreshMs, until unsubscribed. */
  watch<T>(tenantId: string, project: (view: RealtimeTenantView, nowMs: number) => T): Observable<T> {
    return new Observable<T>((subscriber) => {
      const entry = this.acquire(tenantId);
      let lastVersion = -1;
      let lastDay = -1;
      let lastEmit = 0;
      const tick = () => {
        const view = entry.view;
        if (!view) return;
        const now = this.now();
        if (now < view.dayStartMs || now >= view.dayEndMs) return this.reload(tenantId, entry);
        if (now - entry.lastCatchUpMs >= this.catchUpMs) void this.catchUp(tenantId, entry, view);
        if (view.version === lastVersion && view.dayStartMs === lastDay && now - lastEmit < this.refreshMs) return;
        lastVersion = view.version;
        lastDay = view.dayStartMs;
        lastEmit = now;
        subscriber.next(project(view, now));
      };
      const timer = setInterval(tick, this.tickMs);
      entry.ready.then(tick, (error) => subscriber.error(error));
      return () => {
        clearInterval(timer);
        this.release(tenantId, entry);
      };
    });
  }

  private acquire(tenantId: string): Watched {
    let entry = this.watched.get(tenantId);
    if (!entry) {
      const created: Watched = { pending: [], watchers: 0, ready: Promise.resolve(undefined as never), lastCatchUpMs: this.now(), catchingUp: false };
      this.watched.set(tenantId, created);
      this.reload(tenantId, created);
      entry = created;
    }
    entry.watchers++;
    return entry;
  }

  private release(tenantId: string, entry: Watched): void {
    entry.watchers--;
    if (entry.watchers === 0 && this.watched.get(tenantId) === entry) this.watched.delete(tenantId);
  }

  private reload(tenantId: string, entry: Watched): void {
    entry.view = undefined;
    entry.lastCatchUpMs = this.now();
    entry.ready = this.load(tenantId).then((view) => {
      for (const fact of entry.pending.splice(0)) view.apply(fact);
      entry.view = view;
      return view;
    });
    entry.ready.catch(() => this.watched.delete(tenantId));
  }

  private async load(tenantId: string): Promise<RealtimeTenantView> {
    return withTenantTransaction(this.dataSource, async (manager) => {
      const settings = await this.settings.settingsFor(manager, tenantId);
      // "Today" is the tenant's local day (23 or 25 h long when the clocks change).
      const { startMs: dayStartMs, endMs: dayEndMs } = localDayOf(this.now(), settings.timeZone);
      const view = new RealtimeTenantView(tenantId, dayStartMs, dayEndMs, this.settings.accumulatorFor(settings));
      // Contacts still waiting since yesterday are the oldest that matter today.
      for (const record of await this.interactions.loadRecent(manager, tenantId, dayStartMs - DAY_MS, dayStartMs - DAY_MS)) view.applyRecord(record);
      for (const change of await this.timeline.loadRange(manager, tenantId, dayStartMs, dayEndMs)) view.apply(change);
      return view;
    });
  }

  private async catchUp(tenantId: string, entry: Watched, view: RealtimeTenantView): Promise<void> {
    if (entry.catchingUp) return;
    entry.catchingUp = true;
    const previous = entry.lastCatchUpMs;
    entry.lastCatchUpMs = this.now();
    // updated_at is the writer's clock at its commit, roughly: looking back a little more is harmless.
    const since = previous - this.catchUpMs;
    try {
      await withTenantTransaction(this.dataSource, async (manager) => {
        const records = await this.interactions.loadRecent(manager, tenantId, view.dayStartMs - DAY_MS, since);
        const changes = await this.timeline.loadRange(manager, tenantId, view.dayStartMs, view.dayEndMs);
        for (const record of records) view.applyRecord(record);
        for (const change of changes) view.apply(change);
      });
    } catch {
      // Read the same stretch again next time.
      entry.lastCatchUpMs = previous;
    } finally {
      entry.catchingUp = false;
    }
  }
}
