import type { DataSource, EntityManager } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { type AgentConfig, type Channel, CHANNELS, RoutingEngine, type QueueConfig, type RoutingSnapshot } from '../../domain';
import { RoutingConfigRepository } from '../../persistence/routing-config.repository';
import type { RoutingCommand } from '../routing-command';
import { RoutingConfigError } from '../routing-config.error';
import { type AgentProfile, type BusinessHoursDefinition, queueConfigOf, type QueueDefinition, type SkillDefinition } from '../routing-definitions';
import type { RoutingRuntime } from '../routing-runtime';

/** Who asks: the tenants a caller may configure (profiles name tenants, so they are checked too). */
export interface ConfigCaller {
  readonly allTenants: boolean;
  readonly grantedTenantIds: readonly string[];
}

/** Every change here writes configuration rows (ExecuteOptions.changesConfiguration). */
const CONFIGURATION = { changesConfiguration: true } as const;

const notFound = (what: string) => new RoutingConfigError('CONFIG_NOT_FOUND', `${what} does not exist`);

/**
 * The admin side of routing: configuration rows are the source of truth and the engine gets
 * each change in the same transaction that stores it, so an accepted row is always one the
 * engine accepted too (and a refused one is stored nowhere). Every change runs in the
 * workspace's command order on its owner (ADR 0009), so a check ("is this skill still used?")
 * and the write it guards never interleave with another change.
 */
export class ManageConfigurationUseCase {
  private readonly config = new RoutingConfigRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: RoutingRuntime,
  ) {}

  async putQueue(workspaceId: string, queue: QueueDefinition): Promise<QueueDefinition> {
    await this.runtime.execute(
      workspaceId,
      async (manager, now) => {
        const existing = await this.config.queue(manager, workspaceId, queue.config.queueId);
        if (existing && existing.config.tenantId !== queue.config.tenantId) {
          throw new RoutingConfigError('CONFIG_INVALID', `queue ${queue.config.queueId} belongs to another tenant`);
        }
        return [{ kind: 'upsertQueue', now, config: queueConfigOf(queue, await this.hoursOf(manager, workspaceId, queue)) }];
      },
      { persist: (manager) => this.config.saveQueue(manager, workspaceId, queue), changesConfiguration: true },
    );
    return queue;
  }

  async getQueue(workspaceId: string, tenantId: string, queueId: string): Promise<QueueDefinition> {
    const queue = await this.readOnly(workspaceId, (manager) => this.config.queue(manager, workspaceId, queueId));
    if (!queue || queue.config.tenantId !== tenantId) throw notFound(`queue ${queueId}`);
    return queue;
  }

  listQueues(workspaceId: string, tenantId: string): Promise<QueueDefinition[]> {
    return this.readOnly(workspaceId, (manager) => this.config.queues(manager, workspaceId, tenantId));
  }

  /**
   * The engine keeps a deleted queue's definition; without its row no new contact is admitted to
   * it. With `allowMissing` a queue that is not there (or is another tenant's) is no error and
   * nothing changes, so a retried delete gets the answer the first one had.
   */
  async deleteQueue(workspaceId: string, tenantId: string, queueId: string, allowMissing = false): Promise<void> {
    await this.runtime.execute(
      workspaceId,
      async (manager, now, engine) => {
        const queue = await this.config.queue(manager, workspaceId, queueId);
        if (!queue || queue.config.tenantId !== tenantId) {
          if (allowMissing) return [];
          throw notFound(`queue ${queueId}`);
        }
        const users = [
          ...(await this.config.profiles(manager, workspaceId)).filter((p) => p.queues.some((m) => m.queueId === queueId)).map((p) => `profile ${p.agentId}`),
          ...(await this.config.queues(manager, workspaceId))
            .filter((q) => q.config.overflow?.queueId === queueId || (q.whenClosed.kind === 'redirect' && q.whenClosed.queueId === queueId))
            .map((q) => `queue ${q.config.queueId}`),
        ];
        if (users.length > 0) throw new RoutingConfigError('CONFIG_IN_USE', `queue ${queueId} is used by ${users.join(', ')}`);
        const waiting = engine.queueStatus(queueId, now).waiting;
        if (waiting > 0) throw new RoutingConfigError('CONFIG_IN_USE', `${waiting} contact(s) wait in queue ${queueId}`);
        await this.config.deleteQueue(manager, workspaceId, queueId);
        // A journal entry, though the engine keeps the queue: another instance that still routes
        // this workspace (a rebalance) then fails its next append and reloads, reading the rows again.
        return [{ kind: 'tick', now }];
      },
      CONFIGURATION,
    );
  }

  async putSkill(workspaceId: string, skill: SkillDefinition): Promise<SkillDefinition> {
    if (!/^[\w.-]{1,64}$/.test(skill.name)) throw new RoutingConfigError('CONFIG_INVALID', 'a skill name has 1-64 letters, digits, "_", "." or "-"');
    await this.runtime.execute(
      workspaceId,
      async (manager) => {
        await this.config.saveSkill(manager, workspaceId, skill);
        return [];
      },
      CONFIGURATION,
    );
    return skill;
  }

  listSkills(workspaceId: string): Promise<SkillDefinition[]> {
    return this.readOnly(workspaceId, (manager) => this.config.skills(manager, workspaceId));
  }

  async deleteSkill(workspaceId: string, name: string, allowMissing = false): Promise<void> {
    await this.runtime.execute(
      workspaceId,
      async (manager) => {
        const users = [
          ...(await this.config.profiles(manager, workspaceId)).filter((p) => name in p.skills).map((p) => `profile ${p.agentId}`),
          ...(await this.config.queues(manager, workspaceId))
            .filter((q) => q.config.steps.some((step) => step.conditions.some((c) => c.skill === name)))
            .map((q) => `queue ${q.config.queueId}`),
        ];
        if (users.length > 0) throw new RoutingConfigError('CONFIG_IN_USE', `skill ${name} is used by ${users.join(', ')}`);
        if (!(await this.config.deleteSkill(manager, workspaceId, name)) && !allowMissing) throw notFound(`skill ${name}`);
        return [];
      },
      CONFIGURATION,
    );
  }

  /** Re-applies every queue that uses the hours, so the engine and the rows never disagree. */
  async putBusinessHours(workspaceId: string, hours: BusinessHoursDefinition): Promise<BusinessHoursDefinition> {
    assertValidHours(workspaceId, hours);
    await this.runtime.execute(
      workspaceId,
      async (manager, now) =>
        (await this.config.queues(manager, workspaceId))
          .filter((queue) => queue.businessHoursId === hours.businessHoursId)
          .map((queue): RoutingCommand => ({ kind: 'upsertQueue', now, config: queueConfigOf(queue, hours) })),
      { persist: (manager) => this.config.saveBusinessHours(manager, workspaceId, hours), changesConfiguration: true },
    );
    return hours;
  }

  listBusinessHours(workspaceId: string): Promise<BusinessHoursDefinition[]> {
    return this.readOnly(workspaceId, (manager) => this.config.businessHours(manager, workspaceId));
  }

  async deleteBusinessHours(workspaceId: string, businessHoursId: string, allowMissing = false): Promise<void> {
    await this.runtime.execute(
      workspaceId,
      async (manager) => {
        const users = (await this.config.queues(manager, workspaceId)).filter((q) => q.businessHoursId === businessHoursId);
        if (users.length > 0) {
          throw new RoutingConfigError('CONFIG_IN_USE', `business hours ${businessHoursId} are used by ${users.map((q) => `queue ${q.config.queueId}`).join(', ')}`);
        }
        if (!(await this.config.deleteBusinessHours(manager, workspaceId, businessHoursId)) && !allowMissing) throw notFound(`business hours ${businessHoursId}`);
        return [];
      },
      CONFIGURATION,
    );
  }

  /** A logged-in agent keeps the tenants and channels of its login; the rest applies at once. */
  async putProfile(workspaceId: string, caller: ConfigCaller, profile: AgentProfile): Promise<AgentProfile> {
    const ungranted = profile.tenantIds.filter((tenantId) => !caller.allTenants && !caller.grantedTenantIds.includes(tenantId));
    if (ungranted.length > 0) throw new RoutingConfigError('TENANT_NOT_GRANTED', `the caller may not grant tenant(s) ${ungranted.join(', ')}`);
    await this.runtime.execute(
      workspaceId,
      async (manager, now, engine) => {
        const known = new Set((await this.config.skills(manager, workspaceId)).map((skill) => skill.name));
        const unknown = Object.keys(profile.skills).filter((skill) => !known.has(skill));
        if (unknown.length > 0) throw new RoutingConfigError('CONFIG_INVALID', `unknown skill(s) ${unknown.join(', ')}`);
        const session = agentOf(engine.snapshot(), profile.agentId);
        const config: AgentConfig =
          session && session.presence !== 'offline' ? narrow({ ...profile, workspaceId }, session.config.tenantIds, channelsOf(session.config)) : { ...profile, workspaceId };
        return [{ kind: 'upsertAgent', now, config }];
      },
      { persist: (manager) => this.config.saveProfile(manager, workspaceId, profile), changesConfiguration: true },
    );
    return profile;
  }

  async getProfile(workspaceId: string, agentId: string): Promise<AgentProfile> {
    const profile = await this.readOnly(workspaceId, (manager) => this.config.profile(manager, workspaceId, agentId));
    if (!profile) throw notFound(`routing profile of agent ${agentId}`);
    return profile;
  }

  listProfiles(workspaceId: string): Promise<AgentProfile[]> {
    return this.readOnly(workspaceId, (manager) => this.config.profiles(manager, workspaceId));
  }

  async deleteProfile(workspaceId: string, agentId: string, allowMissing = false): Promise<void> {
    await this.runtime.execute(
      workspaceId,
      async (manager, _now, engine) => {
        const agent = agentOf(engine.snapshot(), agentId);
        if (agent && agent.presence !== 'offline') throw new RoutingConfigError('CONFIG_IN_USE', `agent ${agentId} is logged in`);
        if (!(await this.config.deleteProfile(manager, workspaceId, agentId)) && !allowMissing) throw notFound(`routing profile of agent ${agentId}`);
        return [];
      },
      CONFIGURATION,
    );
  }

  private readOnly<T>(workspaceId: string, read: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withTenantTransaction(this.dataSource, read, { workspaceId });
  }

  private async hoursOf(manager: EntityManager, workspaceId: string, queue: QueueDefinition): Promise<BusinessHoursDefinition | undefined> {
    if (!queue.businessHoursId) return undefined;
    const [hours] = await this.config.businessHours(manager, workspaceId, queue.businessHoursId);
    if (!hours) throw notFound(`business hours ${queue.businessHoursId}`);
    return hours;
  }
}

export function agentOf(snapshot: RoutingSnapshot, agentId: string): RoutingSnapshot['agents'][number] | undefined {
  return snapshot.agents.find((agent) => agent.config.agentId === agentId);
}

export function channelsOf(config: AgentConfig): Channel[] {
  return CHANNELS.filter((channel) => (config.capacity[channel] ?? 0) > 0);
}

/** The agent's configuration for a login to some of its tenants and channels. */
export function narrow(config: AgentConfig, tenantIds: readonly string[], channels: readonly string[]): AgentConfig {
  const capacity = Object.fromEntries(Object.entries(config.capacity).filter(([channel]) => channels.includes(channel)));
  return { ...config, tenantIds: config.tenantIds.filter((tenantId) => tenantIds.includes(tenantId)), capacity };
}

/** Hours are checked the way the engine will check them, on a scratch engine, so the rules live in one place. */
function assertValidHours(workspaceId: string, hours: BusinessHoursDefinition): void {
  const probe: QueueConfig = {
    queueId: 'probe',
    tenantId: 'probe',
    channels: ['voice'],
    steps: [],
    defaultPriority: 0,
    serviceLevel: { percent: 80, thresholdMs: 20_000 },
    offerTimeoutMs: 15_000,
    wrapUp: { kind: 'none' },
    strategy: 'longest-idle',
    defaultHandleTimeMs: 180_000,
    businessHours: { timeZone: hours.timeZone, weekly: hours.weekly, holidays: hours.holidays, whenClosed: { kind: 'queue' } },
  };
  new RoutingEngine({ workspaceId }).upsertQueue({ config: probe, now: 0 });
}
