import { Client } from 'pg';
import type { EventBus, EventRecord } from './event-bus.port';
import { consoleBusLogger, type BusLogger } from './event-delivery';
import { OUTBOX_CHANNEL } from './outbox.migration';

export interface OutboxRelayOptions {
  /** Connection URL as the relay role (e.g. cc_relay), whose policy shows every tenant's rows. */
  readonly connectionString: string;
  readonly bus: Pick<EventBus, 'publish'>;
  /** Rows per read and per publish (default 500). */
  readonly batchSize?: number;
  /** Polling interval when idle or standing by (default 1000 ms); NOTIFY wakes the leader sooner. */
  readonly pollIntervalMs?: number;
  /** LISTEN for the outbox trigger's NOTIFY (default true). */
  readonly listen?: boolean;
  /** Pause after a failure (default 1000 ms). */
  readonly errorBackoffMs?: number;
  /** Advisory lock whose holder is the one relay publishing (default: "outbox" in ASCII). */
  readonly lockKey?: number;
  readonly logger?: BusLogger;
}

interface OutboxRow {
  id: string;
  tenant_id: string;
  workspace_id: string;
  topic: string;
  key: string;
  type: string;
  payload: Buffer;
  headers: Record<string, string>;
  traceparent: string | null;
  occurred_at: Date;
}

// Skips the batch still being published (its rows are deleted only once the broker has them).
const readBatch = `
  SELECT "id", "tenant_id", "workspace_id", "topic", "key", "type", "payload", "headers", "traceparent", "occurred_at"
  FROM "outbox" WHERE "id" <> ALL($2::uuid[]) ORDER BY "seq" LIMIT $1`;

/**
 * Publishes outbox rows to the bus in `seq` order and deletes them once the broker has
 * acknowledged them. A crash in between publishes those rows again, which consumers' inboxes
 * absorb: delivery is at-least-once, effects exactly-once.
 *
 * Order: one relay per database publishes, the holder of a session-level advisory lock; the
 * others stand by and take over within a poll interval when its session ends. `FOR UPDATE
 * SKIP LOCKED` would instead let two relays publish neighbouring batches concurrently and
 * reorder one workspace's events, and with a single publisher row locks add nothing. The
 * leader pipelines: while the broker takes batch n, the database deletes batch n-1 and reads
 * batch n+1, and batch n+1 is sent only after batch n was acknowledged.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly errorBackoffMs: number;
  private readonly lockKey: number;
  private readonly logger: BusLogger;
  private client?: Promise<Client>;
  private connected?: Client;
  private leading = false;
  private loop?: Promise<void>;
  private stopping = false;
  private wakePending = false;
  private wake?: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.errorBackoffMs = options.errorBackoffMs ?? 1_000;
    this.lockKey = options.lockKey ?? 0x6f7574626f78;
    this.logger = options.logger ?? consoleBusLogger;
  }

  /** Starts relaying in the background until close(). */
  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /** Stops after the batch in flight; ending the session hands leadership to a standby. */
  async close(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    const client = this.client;
    this.client = undefined;
    this.connected = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  /**
   * Relays one batch without pipelining: the number of rows published, 0 also when another
   * relay leads. For tests and tools; a started relay runs its own loop.
   */
  async relayBatch(): Promise<number> {
    const client = await this.connection();
    if (!(await this.lead(client))) return 0;
    const rows = await this.read(client, []);
    if (rows.length > 0) {
      await this.options.bus.publish(rows.map(toRecord));
      await this.remove(client, rows);
    }
    return rows.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const client = await this.connection();
        if (await this.lead(client)) await this.drain(client);
        await this.idle(this.pollIntervalMs);
      } catch (error) {
        if (this.stopping) return;
        this.logger.error('outbox relay failed', { error });
        this.dropConnection(this.connected);
        await this.idle(this.errorBackoffMs);
      }
    }
  }

  /** Publishes until the outbox is empty, overlapping database work with the broker's. */
  private async drain(client: Client): Promise<void> {
    this.wakePending = false;
    let rows = await this.read(client, []);
    let removing: Promise<void> = Promise.resolve();
    while (rows.length > 0 && !this.stopping) {
      const batch = rows;
      const publishing = this.options.bus.publish(batch.map(toRecord));
      const reading = removing.then(() => this.read(client, batch.map((r) => r.id)));
      const [published, read] = await Promise.allSettled([publishing, reading]);
      if (published.status === 'rejected') throw published.reason;
      if (read.status === 'rejected') throw read.reason;
      removing = this.remove(client, batch);
      rows = read.value;
    }
    await removing;
  }

  /** Takes the leader's lock unless this session holds it already; false while another leads. */
  private async lead(client: Client): Promise<boolean> {
    if (!this.leading) {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.lockKey]);
      this.leading = rows[0].ok;
    }
    return this.leading;
  }

  private async read(client: Client, publishing: readonly string[]): Promise<OutboxRow[]> {
    return (await client.query<OutboxRow>(readBatch, [this.batchSize, publishing])).rows;
  }

  private async remove(client: Client, rows: readonly OutboxRow[]): Promise<void> {
    await client.query('DELETE FROM "outbox" WHERE "id" = ANY($1::uuid[])', [rows.map((r) => r.id)]);
  }

  private idle(ms: number): Promise<void> {
    if (this.wakePending || this.stopping) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }

  private connection(): Promise<Client> {
    this.client ??= this.connect().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'outbox-relay' });
    client.on('error', (error) => {
      if (!this.stopping) this.logger.warn('outbox relay lost its connection', { error });
      this.dropConnection(client);
    });
    client.on('notification', () => this.wakeUp());
    try {
      await client.connect();
      // A delete lost in a database crash only means publishing those rows again.
      await client.query('SET synchronous_commit = off');
      if (this.options.listen !== false) await client.query(`LISTEN "${OUTBOX_CHANNEL}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.connected = client;
    this.leading = false;
    return client;
  }

  /** Forgets a broken connection (only if it is still the current one) and closes it. */
  private dropConnection(client: Client | undefined): void {
    if (!client) return;
    if (this.connected === client) {
      this.client = undefined;
      this.connected = undefined;
      this.leading = false;
    }
    client.end().catch(() => undefined);
  }
}

function toRecord(row: OutboxRow): EventRecord {
  return {
    id: row.id,
    type: row.type,
    topic: row.topic,
    key: row.key,
    time: row.occurred_at,
    workspaceId: row.workspace_id,
    tenantId: row.tenant_id,
    traceparent: row.traceparent ?? undefined,
    payload: row.payload,
    headers: Object.keys(row.headers).length > 0 ? row.headers : undefined,
  };
}
