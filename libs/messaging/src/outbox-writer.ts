import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventDefinition, Events } from '@contactcenter/contracts';
import { currentTraceparent } from '@contactcenter/observability';
import { MissingTenantContextError, TenantContext, type TenantScope } from '@contactcenter/tenancy';

interface OutboxEventMeta {
  /** Event id (UUID); generated when absent. */
  readonly id?: string;
  /** Default: the TenantContext, else the scope of the transaction (withTenantTransaction). */
  readonly workspaceId?: string;
  readonly tenantId?: string;
  /** Partition key; defaults to the workspace id (ADR: one workspace's events stay in order). */
  readonly key?: string;
  /** When it happened; defaults to now. */
  readonly time?: Date;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An event of the contracts catalog: type, topic and encoding come from its definition. */
export interface CatalogOutboxEvent<T> extends OutboxEventMeta {
  readonly definition: EventDefinition<T>;
  readonly payload: T;
}

/** An event given by hand, already encoded. */
export interface RawOutboxEvent extends OutboxEventMeta {
  readonly type: string;
  readonly topic: string;
  readonly payload: Uint8Array;
}

type Catalog = typeof Events;

/** One member per catalog event, so each payload is checked against its own definition. */
type AnyCatalogOutboxEvent = {
  [Name in keyof Catalog]: Catalog[Name] extends EventDefinition<infer T> ? CatalogOutboxEvent<T> : never;
}[keyof Catalog];

export type OutboxEvent = AnyCatalogOutboxEvent | RawOutboxEvent;

/** The TenantContext, else the scope withTenantTransaction gave the caller's transaction. */
async function ambientScope(manager: EntityManager): Promise<Partial<TenantScope>> {
  const scope = TenantContext.current();
  if (scope?.tenantId) return scope;
  const [row]: { workspace_id: string | null; tenant_id: string | null }[] = await manager.query(
    `SELECT NULLIF(current_setting('app.workspace_id', true), '') AS workspace_id,
            NULLIF(current_setting('app.tenant_id', true), '') AS tenant_id`,
  );
  return { workspaceId: row.workspace_id ?? undefined, tenantId: row.tenant_id ?? undefined };
}

/** The union above pairs each payload with its own definition; here any pair will do. */
function encode(event: AnyCatalogOutboxEvent): [string, string, Uint8Array] {
  const definition = event.definition as EventDefinition<unknown>;
  return [definition.type, definition.topic, definition.codec.encode(event.payload).finish()];
}

const COLUMN_TYPES = ['uuid', 'text', 'text', 'text', 'text', 'text', 'bytea', 'jsonb', 'text', 'timestamptz'];

/** The insert of prepared rows, its ten array parameters numbered from `$first`. */
function insertRows(first: number): string {
  const arrays = COLUMN_TYPES.map((type, i) => `$${first + i}::${type}[]`).join(', ');
  return `
  INSERT INTO "outbox" ("id", "tenant_id", "workspace_id", "topic", "key", "type", "payload", "headers", "traceparent", "occurred_at")
  SELECT u.id, u.tenant_id, u.workspace_id, u.topic, u.key, u.type, u.payload, u.headers, u.traceparent, u.occurred_at
  FROM unnest(${arrays})
    WITH ORDINALITY AS u(id, tenant_id, workspace_id, topic, key, type, payload, headers, traceparent, occurred_at, n)
  ORDER BY u.n`;
}

/**
 * Outbox rows ready to insert, for a caller that folds the insert into a statement of its own
 * (e.g. a data-modifying CTE next to its state change) to save a round trip.
 */
export interface PreparedOutboxRows {
  readonly ids: readonly string[];
  /** Ten arrays, one per column; pass them as the statement's parameters from `$first` on. */
  readonly params: readonly unknown[][];
  /** The INSERT statement (usable as a CTE body) with its parameters numbered from `$first`. */
  insert(first: number): string;
}

/**
 * Writes events into the outbox inside the caller's transaction, so they exist exactly when
 * the state change that caused them commits. One statement per call, whatever the count;
 * `seq` follows the given order.
 */
export class OutboxWriter {
  async append(manager: EntityManager, events: readonly OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const rows = await this.prepare(manager, events);
    await manager.query(rows.insert(1), [...rows.params]);
    return [...rows.ids];
  }

  /**
   * The rows `append` would insert, without inserting them: the caller runs `insert(first)` with
   * `params` inside the same transaction. The rows are sealed by tenant like any other, so the
   * statement must run under the events' tenant.
   */
  async prepare(manager: EntityManager, events: readonly OutboxEvent[]): Promise<PreparedOutboxRows> {
    const traceparent = currentTraceparent() ?? null;
    const columns: unknown[][] = Array.from({ length: 10 }, () => []);
    const ids: string[] = [];
    let fallback: Partial<TenantScope> | undefined;
    for (const event of events) {
      if (!event.workspaceId || !event.tenantId) fallback ??= await ambientScope(manager);
      const workspaceId = event.workspaceId ?? fallback?.workspaceId;
      const tenantId = event.tenantId ?? fallback?.tenantId;
      if (!workspaceId || !tenantId) throw new MissingTenantContextError('appending an outbox event');
      const id = event.id ?? randomUUID();
      const [type, topic, payload] = 'definition' in event ? encode(event) : [event.type, event.topic, event.payload];
      const row = [
        id,
        tenantId,
        workspaceId,
        topic,
        event.key ?? workspaceId,
        type,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        JSON.stringify(event.headers ?? {}),
        traceparent,
        (event.time ?? new Date()).toISOString(),
      ];
      row.forEach((value, column) => columns[column].push(value));
      ids.push(id);
    }
    return { ids, params: columns, insert: insertRows };
  }
}
