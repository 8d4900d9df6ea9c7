import type { DataSource, EntityManager } from 'typeorm';
import { type ConsumedEvent, Inbox, type OutboxEvent, OutboxWriter } from '@contactcenter/messaging';
import { withScopedTransaction, withTenantTransaction } from '@contactcenter/tenancy';
import { type AgentConfig, type Channel, CHANNELS, RoutingEngine, type RoutingEngineOptions, RoutingError, type RoutingEvent } from '../domain';
import { type HeadAndQueues, JournalConflictError, type KafkaOffsets, RoutingStateRepository } from '../persistence/routing-state.repository';
import type { QueueDefinition } from './routing-definitions';
import { contractEventsOf } from './contract-event.mapper';
import { applyCommand, type RoutingCommand } from './routing-command';

/** Decides the commands of one operation, inside its transaction, at the time `now` it runs at. */
export type CommandPlan = (
  manager: EntityManager,
  now: number,
  /** The engine before the commands, to look at only. */
  engine: RoutingEngine,
  /** The definitions of `ExecuteOptions.queueIds` that exist, read in this transaction. */
  queues: ReadonlyMap<string, QueueDefinition>,
) => Promise<readonly RoutingCommand[]> | readonly RoutingCommand[];

export interface ExecuteOptions {
  /** A consumed event: marked in the inbox in the same transaction; a duplicate changes nothing. */
  readonly inbox?: { readonly groupId: string; readonly event: ConsumedEvent };
  /**
   * Several consumed events of the workspace, in order, all marked in the same transaction; if
   * one was processed already, DuplicateEventError and nothing changes (the caller goes one by one).
   */
  readonly inboxAll?: { readonly groupId: string; readonly events: readonly ConsumedEvent[] };
  /** Queues the plan needs: kept in memory per workspace for an `inboxAll` of one tenant, else read with the inbox mark; only with `inbox`/`inboxAll`. */
  readonly queueIds?: readonly string[];
  /** Notes given with a wrap-up, carried in InteractionWrappedUp. */
  readonly wrapUpNotes?: string;
  /** Writes committed with the commands once the engine accepted them, e.g. the configuration rows they came from. */
  readonly persist?: (manager: EntityManager) => Promise<void>;
  /** Events to publish besides those of the engine, e.g. a refusal. */
  readonly outbox?: readonly OutboxEvent[];
  /** The plan changes configuration rows: the queue definitions kept in memory are read again afterwards. */
  readonly changesConfiguration?: boolean;
  /**
   * A command with an id (the owner's command inbox, ADR 0009): if the id was applied before,
   * its stored answer comes back and nothing runs; else the answer is stored with the commit.
   * Not with `inbox`/`inboxAll`.
   */
  readonly once?: CommandOnce;
}

/** A command's id and what it asks (an id reused for another command is refused). */
export interface CommandOnce {
  readonly commandId: string;
  readonly fingerprint: string;
}

/** What a command's answer is made of, inside its transaction, right after it applied. */
export interface AnswerView {
  readonly events: readonly RoutingEvent[];
  /** The engine after the commands, to look at only. */
  readonly engine: RoutingEngine;
  readonly now: number;
  readonly channelOf: (interactionId: string) => Channel | undefined;
}

/** The answer of a command: JSON, since a repeat gets it from the database. */
export type CommandAnswer<R> = (view: AnswerView) => R;

/** What listeners (the agents' work streams) learn after each commit, in commit order per workspace. */
export interface CommittedWork {
  readonly workspaceId: string;
  /** The commit's journal position, increasing per workspace whichever instance commits. */
  readonly seq: number;
  /** False when this instance does not own the workspace and wrote it for one operation (the owner must learn of it). */
  readonly held: boolean;
  readonly events: readonly RoutingEvent[];
  readonly channelOf: (interactionId: string) => Channel | undefined;
  readonly sessionOf: (agentId: string) => AgentSession | undefined;
}

/** The tenants and channels an agent's engine configuration covers (its login narrows its profile to them). */
export interface AgentSession {
  readonly tenantIds: readonly string[];
  readonly channels: readonly Channel[];
}

function sessionOf(config: AgentConfig): AgentSession {
  return { tenantIds: config.tenantIds, channels: CHANNELS.filter((channel) => (config.capacity[channel] ?? 0) > 0) };
}

export interface RoutingRuntimeOptions {
  /** The routing database as the service role. */
  readonly dataSource: DataSource;
  /** Journal entries between snapshots; a rebuild replays at most this many. Default 100. */
  readonly snapshotEvery?: number;
  readonly engine?: Omit<RoutingEngineOptions, 'workspaceId'>;
  /** Milliseconds since the epoch; the only clock routing reads. */
  readonly clock?: () => number;
  readonly logger?: { warn(message: string, context?: object): void; error(message: string, context?: object): void };
  /**
   * Whether this instance owns the workspace (holds its partition). Owned workspaces stay in
   * memory with their timers; any other is loaded for one operation and dropped. Default: all.
   */
  readonly owns?: (workspaceId: string) => Promise<boolean>;
}

/** The tenant the transaction's row-level security is set to, set again only when it changes. */
class TransactionTenant {
  constructor(
    readonly manager: EntityManager,
    /** What the transaction was opened with (withTenantTransaction sets it in the same statement as the workspace). */
    private current: string | undefined,
  ) {}

  async set(tenantId: string): Promise<void> {
    if (tenantId === this.current) return;
    await this.manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    this.current = tenantId;
  }
}

/** Consecutive runs of items with the same key, in order. */
function runsOf<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const run = runs[runs.length - 1];
    if (run && key(run[0]) === key(item)) run.push(item);
    else runs.push([item]);
  }
  return runs;
}

/** One workspace held in memory: its engine, where its journal stands, and what events need besides. */
class Workspace {
  readonly sessions = new Map<string, AgentSession>();
  readonly channels = new Map<string, Channel>();
  /**
   * Queue definitions read for consumed requests (undefined: no such row), kept until a
   * configuration change of this runtime or a reload; every change of a queue row runs here,
   * on the owner, and one written elsewhere moves the journal on, which reloads the workspace.
   */
  readonly queues = new Map<string, QueueDefinition | undefined>();
  timer?: NodeJS.Timeout;

  constructor(
    readonly id: string,
    readonly engine: RoutingEngine,
    public seq: number,
    public offsets: KafkaOffsets,
  ) {
    const snapshot = engine.snapshot();
    for (const agent of snapshot.agents) this.sessions.set(agent.config.agentId, sessionOf(agent.config));
    for (const item of snapshot.items) this.channels.set(item.interactionId, item.channel);
  }

  /** Keeps the side tables in step with the engine; the caller discards the workspace if the transaction fails. */
  track(commands: readonly RoutingCommand[], events: readonly RoutingEvent[]): void {
    for (const command of commands) if (command.kind === 'upsertAgent') this.sessions.set(command.config.agentId, sessionOf(command.config));
    for (const event of events) if (event.type === 'queued') this.channels.set(event.interactionId, event.channel);
  }

  forget(events: readonly RoutingEvent[]): void {
    for (const event of events) {
      const finished = event.type === 'wrapUpDone' || event.type === 'abandoned' || (event.type === 'completed' && !event.wrapUpRequired);
      if (finished) this.channels.delete(event.interactionId);
    }
  }
}

/** An event of a batch was processed before (a redelivery): the batch must go one event at a time. */
export class DuplicateEventError extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} was processed already`);
    this.name = 'DuplicateEventError';
  }
}

/** What one operation did: the engine's events and the command's answer. */
interface Applied {
  readonly events: RoutingEvent[];
  readonly answer?: unknown;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const CONFLICT_ATTEMPTS = 3;

/**
 * Runs routing for the workspaces this instance owns: one RoutingEngine per workspace in
 * memory, commands applied one at a time per workspace, and each command's events written to
 * the outbox in the same transaction as its journal entry (every `snapshotEvery` entries a
 * snapshot follows, written after the commit). A timer per workspace ticks the engine at its
 * next deadline.
 *
 * Rebuild: the snapshot restored, then the journal entries after it replayed; the engine is
 * deterministic (time is in the commands), so the result equals the state before a restart or
 * hand-over. The journal's primary key fences a second writer: if another instance appended
 * the same entry first, this one drops its engine, rebuilds and applies the command again.
 */
export class RoutingRuntime {
  private readonly workspaces = new Map<string, Promise<Workspace>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Snapshot writes in flight, one chain per workspace. */
  private readonly snapshotWrites = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(work: CommittedWork) => void>();
  private readonly adoptListeners = new Set<(workspaceId: string, seq: number) => void>();
  private readonly state = new RoutingStateRepository();
  private readonly outbox = new OutboxWriter();
  private readonly clock: () => number;
  private readonly snapshotEvery: number;
  private closed = false;

  constructor(private readonly options: RoutingRuntimeOptions) {
    this.clock = options.clock ?? Date.now;
    this.snapshotEvery = options.snapshotEvery ?? 100;
    if (!(Number.isInteger(this.snapshotEvery) && this.snapshotEvery > 0)) throw new Error('snapshotEvery must be a positive whole number');
  }

  /** Loads every owned workspace with routing state, so their timers run before any new command arrives. */
  async start(): Promise<void> {
    await this.adopt(() => true);
  }

  /**
   * Loads the owned workspaces with routing state that `select` picks (those of newly assigned
   * partitions): their timers run from now on, and listeners learn where each one stands.
   */
  async adopt(select: (workspaceId: string) => boolean | Promise<boolean>): Promise<void> {
    const ids = await this.options.dataSource.transaction((manager) => this.state.workspaces(manager));
    await Promise.all(
      ids.map(async (id) => {
        if (!(await select(id))) return;
        await this.serialized(id, async () => {
          if (this.workspaces.has(id) || !(await this.owns(id))) return;
          const workspace = await this.workspace(id);
          for (const listener of this.adoptListeners) listener(id, workspace.seq);
        });
      }),
    );
  }

  /** The workspaces held in memory (owned). */
  loaded(): string[] {
    return [...this.workspaces.keys()];
  }

  /** Told when this instance takes a workspace over, with the journal position it starts from. */
  onAdopted(listener: (workspaceId: string, seq: number) => void): () => void {
    this.adoptListeners.add(listener);
    return () => this.adoptListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.chains.values()]);
    await Promise.allSettled([...this.snapshotWrites.values()]);
    for (const pending of this.workspaces.values()) {
      const workspace = await pending.catch(() => undefined);
      if (workspace?.timer) clearTimeout(workspace.timer);
    }
    this.workspaces.clear();
  }

  onCommitted(listener: (work: CommittedWork) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies the planned commands to the workspace's engine and commits their effects. A
   * RoutingError of the first command leaves everything as it was; a failure after the engine
   * changed discards the engine, so the next command rebuilds it from what was committed.
   */
  async execute(workspaceId: string, plan: CommandPlan, options: ExecuteOptions = {}): Promise<RoutingEvent[]> {
    return (await this.run(workspaceId, plan, undefined, options)).events;
  }

  /**
   * Like execute, and answers the command from the engine as it applied (inside the
   * transaction, so with `once` the answer is stored with the commit); a repeated command id
   * gets the stored answer.
   */
  async executeAnswer<R>(workspaceId: string, plan: CommandPlan, answer: CommandAnswer<R>, options: ExecuteOptions = {}): Promise<R> {
    return (await this.run(workspaceId, plan, answer, options)).answer as R;
  }

  private run(workspaceId: string, plan: CommandPlan, answer: CommandAnswer<unknown> | undefined, options: ExecuteOptions): Promise<Applied> {
    return this.serialized(workspaceId, async () => {
      for (let attempt = 1; ; attempt++) {
        const { workspace, held } = await this.acquire(workspaceId);
        try {
          return await this.apply(workspace, held, plan, answer, options);
        } catch (error) {
          if (!(error instanceof JournalConflictError)) throw error;
          this.discard(workspaceId);
          if (attempt >= CONFLICT_ATTEMPTS) throw error;
          this.options.logger?.warn('another instance wrote this workspace; rebuilding', { workspaceId, seq: error.seq });
        }
      }
    });
  }

  /** Reads the engine between commands; `read` must not change it. `seq` is the last commit it includes. */
  read<T>(
    workspaceId: string,
    read: (engine: RoutingEngine, now: number, channelOf: (interactionId: string) => Channel | undefined, seq: number) => T,
  ): Promise<T> {
    return this.serialized(workspaceId, async () => {
      const { workspace } = await this.acquire(workspaceId);
      return read(workspace.engine, this.clock(), (id) => workspace.channels.get(id), workspace.seq);
    });
  }

  /**
   * Another instance committed entry `seq` of the workspace (ADR 0009). If this one owns it and
   * holds an older state, or none yet, it loads it afresh, so its timers follow that commit.
   */
  refresh(workspaceId: string, seq: number): Promise<void> {
    return this.serialized(workspaceId, async () => {
      if (!(await this.owns(workspaceId))) return;
      const current = await this.workspaces.get(workspaceId)?.catch(() => undefined);
      if (current && current.seq >= seq) return;
      this.discard(workspaceId);
      await this.workspace(workspaceId);
    });
  }

  /** Drops the in-memory state, e.g. when the workspace's partition moved to another instance. */
  release(workspaceId: string): Promise<void> {
    return this.serialized(workspaceId, async () => this.discard(workspaceId));
  }

  /** The owned workspace from memory; any other loaded from the database for this one operation. */
  private async acquire(workspaceId: string): Promise<{ workspace: Workspace; held: boolean }> {
    if (this.workspaces.has(workspaceId) || (await this.owns(workspaceId))) return { workspace: await this.workspace(workspaceId), held: true };
    return { workspace: await this.load(workspaceId, false), held: false };
  }

  private owns(workspaceId: string): Promise<boolean> {
    return this.options.owns ? this.options.owns(workspaceId) : Promise.resolve(true);
  }

  private async apply(workspace: Workspace, held: boolean, plan: CommandPlan, answer: CommandAnswer<unknown> | undefined, options: ExecuteOptions): Promise<Applied> {
    const events: RoutingEvent[] = [];
    let changed = false;
    let committed: { seq: number; offsets: KafkaOffsets } | undefined;
    let answered: unknown;
    // The tenant of the first consumed event is set when the transaction opens: one round trip fewer.
    const firstTenant = (options.inbox?.event ?? options.inboxAll?.events[0])?.tenantId || undefined;
    // Consumed events of one tenant are planned on the engine as it stands, with the queue
    // definitions kept in memory, without reading the database first: the one statement that
    // marks them also appends the entry, and inserts nothing for a stale engine (another writer
    // appended) or a redelivered event, which fail the transaction as below.
    const batch = options.inboxAll && options.inboxAll.events.every((event) => event.tenantId === firstTenant) ? options.inboxAll : undefined;
    try {
      const duplicate = await withScopedTransaction(
        this.options.dataSource,
        { workspaceId: workspace.id, tenantId: firstTenant },
        async (manager) => {
          const tenant = new TransactionTenant(manager, firstTenant);
          // Another instance may have written (a rebalance): never commit what a stale engine
          // planned. The journal head is read before planning (with the inbox mark when there is
          // one), or, for a batch, checked by the statement that appends.
          let read: { head: number; queues: ReadonlyMap<string, QueueDefinition> } = { head: 0, queues: new Map() };
          if (batch) {
            read.head = workspace.seq;
            read.queues = await this.queuesOf(workspace, manager, options.queueIds ?? []);
          } else if (options.inbox) {
            const marked = await this.markWithHead(tenant, workspace.id, options.inbox.groupId, [options.inbox.event], options.queueIds);
            if (marked.fresh === 0) return true;
            read = marked;
          } else if (options.inboxAll) {
            read = await this.markAllWithHead(tenant, workspace.id, options.inboxAll.groupId, options.inboxAll.events, options.queueIds);
          } else if (options.once) {
            const { head, stored } = await this.state.headAndResult(manager, workspace.id, options.once.commandId);
            if (stored) {
              if (stored.fingerprint !== options.once.fingerprint) {
                throw new RoutingError('INVALID_COMMAND', `command id ${options.once.commandId} was used for another command`);
              }
              answered = stored.result;
              return true;
            }
            read.head = head;
          } else {
            read.head = await this.state.head(manager, workspace.id);
          }
          if (read.head > workspace.seq) throw new JournalConflictError(workspace.id, read.head);
          const now = this.clock();
          const commands = await plan(manager, now, workspace.engine, read.queues);
          for (const command of commands) {
            const produced = applyCommand(workspace.engine, command);
            changed = true;
            events.push(...produced);
          }
          const consumed = options.inbox?.event ?? options.inboxAll?.events.at(-1);
          const source = consumed && { [`${consumed.topic}#${consumed.partition}`]: consumed.offset };
          const offsets = source ? { ...workspace.offsets, ...source } : workspace.offsets;
          workspace.track(commands, events);
          const contract = contractEventsOf(events, {
            workspaceId: workspace.id,
            agentTenants: (agentId) => workspace.sessions.get(agentId)?.tenantIds ?? [],
            channelOf: (interactionId) => workspace.channels.get(interactionId)!,
            wrapUpNotes: options.wrapUpNotes,
          });
          if (answer) answered = answer({ events, engine: workspace.engine, now, channelOf: (id) => workspace.channels.get(id) });
          const outboxRuns = runsOf([...contract, ...(options.outbox ?? [])], (event) => event.tenantId!);
          let seq = workspace.seq;
          if (commands.length > 0) {
            seq += 1;
            // The journal entry and the first tenant's events in one statement: the usual commit is one round trip.
            const first = outboxRuns.shift();
            if (batch && (!first || first[0].tenantId === firstTenant)) {
              const rows = first && (await this.outbox.prepare(manager, first));
              const mark = { ...Inbox.markCte(batch.groupId, batch.events, 5), count: batch.events.length };
              const { marked, inserted } = await this.state.appendMarked(manager, workspace.id, { seq, commands }, source, mark, rows);
              if (marked !== batch.events.length) throw new DuplicateEventError(batch.events.map((event) => event.id).join(', '));
              if (!inserted) throw new JournalConflictError(workspace.id, seq);
            } else {
              if (batch) await this.markAllWithHead(tenant, workspace.id, batch.groupId, batch.events);
              if (first) await tenant.set(first[0].tenantId!);
              const rows = first && (await this.outbox.prepare(manager, first));
              await this.state.append(manager, workspace.id, { seq, commands }, source, rows);
            }
          } else if (batch) {
            await this.markAllWithHead(tenant, workspace.id, batch.groupId, batch.events);
          }
          await this.appendOutbox(tenant, outboxRuns);
          await options.persist?.(manager);
          if (options.once) await this.state.saveResult(manager, workspace.id, options.once.commandId, options.once.fingerprint, answered);
          committed = { seq, offsets };
          return false;
        },
      );
      if (duplicate) return { events: [], answer: answered };
    } catch (error) {
      if (changed && held) this.discard(workspace.id);
      throw error;
    } finally {
      if (options.changesConfiguration) workspace.queues.clear();
    }
    const snapshotDue = committed!.seq !== workspace.seq && committed!.seq % this.snapshotEvery === 0;
    workspace.seq = committed!.seq;
    workspace.offsets = committed!.offsets;
    if (snapshotDue) this.saveSnapshot(workspace);
    this.notify(workspace, events, held);
    workspace.forget(events);
    if (held) this.schedule(workspace);
    return { events, answer: answered };
  }

  /** The definitions of the queues, from memory or read once; those without a row left out. */
  private async queuesOf(workspace: Workspace, manager: EntityManager, queueIds: readonly string[]): Promise<ReadonlyMap<string, QueueDefinition>> {
    const missing = queueIds.filter((queueId) => !workspace.queues.has(queueId));
    if (missing.length > 0) {
      const read = await this.state.queueDefinitions(manager, workspace.id, missing);
      for (const queueId of missing) workspace.queues.set(queueId, read.get(queueId));
    }
    const queues = new Map<string, QueueDefinition>();
    for (const queueId of queueIds) {
      const queue = workspace.queues.get(queueId);
      if (queue) queues.set(queueId, queue);
    }
    return queues;
  }

  /**
   * Marks events of one tenant in the inbox and, in the same statement, reads the journal head
   * and the queues the plan needs; how many events were fresh.
   */
  private async markWithHead(
    tenant: TransactionTenant,
    workspaceId: string,
    groupId: string,
    events: readonly ConsumedEvent[],
    queueIds: readonly string[] = [],
  ): Promise<{ fresh: number; head: number; queues: ReadonlyMap<string, QueueDefinition> }> {
    await tenant.set(events[0].tenantId);
    const { fresh, value } = await Inbox.markWith<ConsumedEvent, HeadAndQueues>(tenant.manager, groupId, events, this.state.headAndQueuesQuery(workspaceId, queueIds));
    return { fresh: fresh.length, head: Number(value.head ?? 0), queues: new Map(value.queues.map((queue) => [queue.config.queueId, queue])) };
  }

  /**
   * Marks every event, one statement per run of one tenant (the first also reads the journal
   * head and the queues); any duplicate fails the whole operation.
   */
  private async markAllWithHead(
    tenant: TransactionTenant,
    workspaceId: string,
    groupId: string,
    events: readonly ConsumedEvent[],
    queueIds?: readonly string[],
  ): Promise<{ head: number; queues: ReadonlyMap<string, QueueDefinition> }> {
    const [first, ...rest] = runsOf(events, (event) => event.tenantId);
    if (!first) return { head: await this.state.head(tenant.manager, workspaceId), queues: new Map() };
    const marked = await this.markWithHead(tenant, workspaceId, groupId, first, queueIds);
    if (marked.fresh !== first.length) throw new DuplicateEventError(first.map((event) => event.id).join(', '));
    for (const run of rest) {
      await tenant.set(run[0].tenantId);
      if ((await Inbox.processBatchOnce(tenant.manager, groupId, run, async () => undefined)) !== run.length) {
        throw new DuplicateEventError(run.map((event) => event.id).join(', '));
      }
    }
    return marked;
  }

  /** The outbox is sealed by tenant: each run of one tenant's events is written under that tenant. */
  private async appendOutbox(tenant: TransactionTenant, runs: readonly (readonly OutboxEvent[])[]): Promise<void> {
    for (const run of runs) {
      await tenant.set(run[0].tenantId!);
      await this.outbox.append(tenant.manager, run);
    }
  }

  private notify(workspace: Workspace, events: readonly RoutingEvent[], held: boolean): void {
    if (events.length === 0 && held) return;
    const work: CommittedWork = {
      workspaceId: workspace.id,
      seq: workspace.seq,
      held,
      events,
      channelOf: (id) => workspace.channels.get(id),
      sessionOf: (agentId) => workspace.sessions.get(agentId),
    };
    for (const listener of this.listeners) {
      try {
        listener(work);
      } catch (error) {
        this.options.logger?.error('work listener failed', { workspaceId: workspace.id, error: String(error) });
      }
    }
  }

  /**
   * Stores the state as of the commit just made, after it and outside the command's
   * transaction, so no command waits for a snapshot's write. The journal has every entry until
   * then; a snapshot that fails or comes late only means a longer replay, and one older than the
   * stored snapshot is not stored.
   */
  private saveSnapshot(workspace: Workspace): void {
    const { id, seq, offsets } = workspace;
    const state = workspace.engine.snapshotJson();
    const previous = this.snapshotWrites.get(id) ?? Promise.resolve();
    const write = previous
      .then(() => withTenantTransaction(this.options.dataSource, (manager) => this.state.saveSnapshot(manager, id, seq, state, offsets), { workspaceId: id }))
      .catch((error) => this.options.logger?.warn('storing a routing snapshot failed; the journal keeps everything', { workspaceId: id, seq, error: String(error) }));
    this.snapshotWrites.set(id, write);
    void write.then(() => {
      if (this.snapshotWrites.get(id) === write) this.snapshotWrites.delete(id);
    });
  }

  private schedule(workspace: Workspace): void {
    if (workspace.timer) clearTimeout(workspace.timer);
    workspace.timer = undefined;
    const deadline = workspace.engine.nextDeadline();
    if (deadline === null || this.closed) return;
    const delay = Math.min(Math.max(deadline - this.clock(), 0), MAX_TIMER_MS);
    workspace.timer = setTimeout(() => {
      workspace.timer = undefined;
      this.execute(workspace.id, (_manager, now) => [{ kind: 'tick', now }]).catch((error) =>
        this.options.logger?.error('routing tick failed', { workspaceId: workspace.id, error: String(error) }),
      );
    }, delay);
  }

  private workspace(workspaceId: string): Promise<Workspace> {
    let pending = this.workspaces.get(workspaceId);
    if (!pending) {
      pending = this.load(workspaceId, true);
      this.workspaces.set(workspaceId, pending);
      pending.catch(() => this.workspaces.delete(workspaceId));
    }
    return pending;
  }

  private async load(workspaceId: string, held: boolean): Promise<Workspace> {
    const stored = await withTenantTransaction(this.options.dataSource, (manager) => this.state.load(manager, workspaceId), { workspaceId });
    const engine = stored.snapshot
      ? RoutingEngine.restore(stored.snapshot.state, this.options.engine)
      : new RoutingEngine({ ...this.options.engine, workspaceId });
    const workspace = new Workspace(workspaceId, engine, stored.snapshot?.journalSeq ?? 0, stored.snapshot?.kafkaOffsets ?? {});
    for (const entry of stored.journal) {
      const events = entry.commands.flatMap((command) => applyCommand(engine, command));
      workspace.track(entry.commands, events);
      workspace.forget(events);
      workspace.seq = entry.seq;
    }
    if (held) this.schedule(workspace);
    return workspace;
  }

  private discard(workspaceId: string): void {
    const pending = this.workspaces.get(workspaceId);
    this.workspaces.delete(workspaceId);
    void pending?.then((workspace) => workspace.timer && clearTimeout(workspace.timer), () => undefined);
  }

  /** Runs `work` after everything queued for the workspace, so commands apply one at a time, in order. */
  private serialized<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(workspaceId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.chains.set(workspaceId, settled);
    void settled.then(() => {
      if (this.chains.get(workspaceId) === settled) this.chains.delete(workspaceId);
    });
    return next;
  }
}
