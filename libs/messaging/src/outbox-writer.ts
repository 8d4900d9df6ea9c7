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

const insertRows = `
  INSERT INTO "outbox" ("id", "tenant_id", "workspace_id", "topic", "key", "type", "payload", "headers", "traceparent", "occurred_at")
  SELECT u.id, u.tenant_id, u.workspace_id, u.topic, u.key, u.type, u.payload, u.headers, u.traceparent, u.occurred_at
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::jsonb[], $9::text[], $10::timestamptz[])
    WITH ORDINALITY AS u(id, tenant_id, workspace_id, topic, key, type, payload, headers, traceparent, occurred_at, n)
  ORDER BY u.n`;

/**
 * Writes events into the outbox inside the caller's transaction, so they exist exactly when
 * the state change that caused them commits. One statement per call, whatever the count;
 * `seq` follows the given order.
 */
export class OutboxWriter {
  async append(manager: EntityManager, events: readonly OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
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
    await manager.query(insertRows, columns);
    return ids;
  }
}
