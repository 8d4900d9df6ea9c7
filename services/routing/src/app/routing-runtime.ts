import type { DataSource, EntityManager } from 'typeorm';
import { type ConsumedEvent, Inbox, type OutboxEvent, OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { type AgentConfig, type Channel, CHANNELS, RoutingEngine, type RoutingEngineOptions, type RoutingEvent } from '../domain';
import { JournalConflictError, type KafkaOffsets, RoutingStateRepository } from '../persistence/routing-state.repository';
import { contractEventsOf } from './contract-event.mapper';
import { applyCommand, type RoutingCommand } from './routing-command';

/** Decides the commands of one operation, inside its transaction, at the time `now` it runs at. */
export type CommandPlan = (
  manager: EntityManager,
  now: number,
  /** The engine before the commands, to look at only. */
  engine: RoutingEngine,
) => Promise<readonly RoutingCommand[]> | readonly RoutingCommand[];

export interface ExecuteOptions {
  /** A consumed event: marked in the inbox in the same transaction; a duplicate changes nothing. */
  readonly inbox?: { readonly groupId: string; readonly event: ConsumedEvent };
  /** Notes given with a wrap-up, carried in InteractionWrappedUp. */
  readonly wrapUpNotes?: string;
  /** Writes committed with the commands once the engine accepted them, e.g. the configuration rows they came from. */
  readonly persist?: (manager: EntityManager) => Promise<void>;
  /** Events to publish besides those of the engine, e.g. a refusal. */
  readonly outbox?: readonly OutboxEvent[];
}

/** What listeners (the agents' work streams) learn after each commit, in commit order per workspace. */
export interface CommittedWork {
  readonly workspaceId: string;
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
}

/** One workspace held in memory: its engine, where its journal stands, and what events need besides. */
class Workspace {
  readonly sessions = new Map<string, AgentSession>();
  readonly channels = new Map<string, Channel>();
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

const MAX_TIMER_MS = 2 ** 31 - 1;
const CONFLICT_ATTEMPTS = 3;

/**
 * Runs routing for the workspaces this instance owns: one RoutingEngine per workspace in
 * memory, commands applied one at a time per workspace, and each command's events written to
 * the outbox in the same transaction as its journal entry (and, every `snapshotEvery` entries,
 * a snapshot). A timer per workspace ticks the engine at its next deadline.
 *
 * Rebuild: the snapshot restored, then the journal entries after it replayed; the engine is
 * deterministic (time is in the commands), so the result equals the state before a restart or
 * hand-over. The journal's primary key fences a second writer: if another instance appended
 * the same entry first, this one drops its engine, rebuilds and applies the command again.
 */
export class RoutingRuntime {
  private readonly workspaces = new Map<string, Promise<Workspace>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(work: CommittedWork) => void>();
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

  /** Loads every workspace with routing state, so their timers run before any new command arrives. */
  async start(): Promise<void> {
    const ids = await this.options.dataSource.transaction((manager) => this.state.workspaces(manager));
    await Promise.all(ids.map((id) => this.serialized(id, () => this.workspace(id))));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.chains.values()]);
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
  execute(workspaceId: string, plan: CommandPlan, options: ExecuteOptions = {}): Promise<RoutingEvent[]> {
    return this.serialized(workspaceId, async () => {
      for (let attempt = 1; ; attempt++) {
        const workspace = await this.workspace(workspaceId);
        try {
          return await this.apply(workspace, plan, options);
        } catch (error) {
          if (!(error instanceof JournalConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
          this.options.logger?.warn('another instance wrote this workspace; rebuilding', { workspaceId, seq: error.seq });
        }
      }
    });
  }

  /** Reads the engine between commands; `read` must not change it. */
  read<T>(workspaceId: string, read: (engine: RoutingEngine, now: number, channelOf: (interactionId: string) => Channel | undefined) => T): Promise<T> {
    return this.serialized(workspaceId, async () => {
      const workspace = await this.workspace(workspaceId);
      return read(workspace.engine, this.clock(), (id) => workspace.channels.get(id));
    });
  }

  /** Drops the in-memory state, e.g. when the workspace's partition moved to another instance. */
  release(workspaceId: string): Promise<void> {
    return this.serialized(workspaceId, async () => this.discard(workspaceId));
  }

  private async apply(workspace: Workspace, plan: CommandPlan, options: ExecuteOptions): Promise<RoutingEvent[]> {
    const events: RoutingEvent[] = [];
    let changed = false;
    let committed: { seq: number; offsets: KafkaOffsets } | undefined;
    try {
      const duplicate = await withTenantTransaction(
        this.options.dataSource,
        async (manager) => {
          if (options.inbox && !(await this.markProcessed(manager, options.inbox.groupId, options.inbox.event))) return true;
          const now = this.clock();
          const commands = await plan(manager, now, workspace.engine);
          for (const command of commands) {
            const produced = applyCommand(workspace.engine, command);
            changed = true;
            events.push(...produced);
          }
          const source = options.inbox && { [`${options.inbox.event.topic}#${options.inbox.event.partition}`]: options.inbox.event.offset };
          const offsets = source ? { ...workspace.offsets, ...source } : workspace.offsets;
          let seq = workspace.seq;
          if (commands.length > 0) {
            seq += 1;
            await this.state.append(manager, workspace.id, { seq, commands }, source);
            workspace.track(commands, events);
          }
          const contract = contractEventsOf(events, {
            workspaceId: workspace.id,
            agentTenants: (agentId) => workspace.sessions.get(agentId)?.tenantIds ?? [],
            channelOf: (interactionId) => workspace.channels.get(interactionId)!,
            wrapUpNotes: options.wrapUpNotes,
          });
          await this.appendOutbox(manager, [...contract, ...(options.outbox ?? [])]);
          await options.persist?.(manager);
          if (seq !== workspace.seq && seq % this.snapshotEvery === 0) {
            await this.state.saveSnapshot(manager, workspace.id, seq, workspace.engine.snapshot(), offsets);
          }
          committed = { seq, offsets };
          return false;
        },
        { workspaceId: workspace.id },
      );
      if (duplicate) return [];
    } catch (error) {
      if (changed) this.discard(workspace.id);
      throw error;
    }
    workspace.seq = committed!.seq;
    workspace.offsets = committed!.offsets;
    this.notify(workspace, events);
    workspace.forget(events);
    this.schedule(workspace);
    return events;
  }

  private async markProcessed(manager: EntityManager, groupId: string, event: ConsumedEvent): Promise<boolean> {
    await this.setTenant(manager, event.tenantId);
    return Inbox.processOnce(manager, groupId, event, async () => undefined);
  }

  /** The outbox is sealed by tenant: each run of one tenant's events is written under that tenant. */
  private async appendOutbox(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    let start = 0;
    while (start < events.length) {
      const tenantId = events[start].tenantId!;
      let end = start + 1;
      while (end < events.length && events[end].tenantId === tenantId) end++;
      await this.setTenant(manager, tenantId);
      await this.outbox.append(manager, events.slice(start, end));
      start = end;
    }
  }

  private async setTenant(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  }

  private notify(workspace: Workspace, events: readonly RoutingEvent[]): void {
    if (events.length === 0) return;
    const work: CommittedWork = {
      workspaceId: workspace.id,
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
      pending = this.load(workspaceId);
      this.workspaces.set(workspaceId, pending);
      pending.catch(() => this.workspaces.delete(workspaceId));
    }
    return pending;
  }

  private async load(workspaceId: string): Promise<Workspace> {
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
    this.schedule(workspace);
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
