import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { AggregateDeltas } from '../../domain/facts/interval-contributions';
import { type AgentShift, requireNoOverlap, requireValidShift, shiftContributions } from '../../domain/schedule/agent-shift';
import { ScheduleError } from '../../domain/schedule/schedule.error';
import { AgentShiftRepository } from '../../persistence/agent-shift.repository';
import { lockForAggregateWrite } from '../../persistence/fact-locks';
import { IntervalAggregateRepository } from '../../persistence/interval-aggregate.repository';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

export type ShiftTimes = Omit<AgentShift, 'shiftId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Agents' paid shifts. Each write moves the shift's scheduled time in the interval aggregates in
 * the same transaction (the old shift's time retracted, the new one's added), so utilization
 * always divides by the shifts as they stand. A shift may not overlap another of its agent.
 */
export class AgentScheduleUseCase {
  private readonly shifts = new AgentShiftRepository();
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
    private readonly newId: () => string = randomUUID,
  ) {}

  create(tenantId: string, times: ShiftTimes): Promise<AgentShift> {
    const shift = requireValidShift({ shiftId: this.newId(), ...times });
    return this.write(tenantId, undefined, shift);
  }

  update(tenantId: string, shift: AgentShift): Promise<AgentShift> {
    requireValidShift(shift);
    return this.write(tenantId, shift.shiftId, shift);
  }

  async delete(tenantId: string, shiftId: string): Promise<void> {
    await this.write(tenantId, shiftId, undefined);
  }

  list(tenantId: string, agentIds: readonly string[], fromMs: number, toMs: number): Promise<AgentShift[]> {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) throw new ScheduleError('invalid-shift', 'start_time must be before end_time');
    return withTenantTransaction(this.dataSource, (manager) => this.shifts.overlapping(manager, tenantId, agentIds, fromMs, toMs));
  }

  /** Replaces shift `shiftId` (none: a new one) by `next` (none: deleted). */
  private write<T extends AgentShift | undefined>(tenantId: string, shiftId: string | undefined, next: T): Promise<T> {
    return withTenantTransaction(this.dataSource, async (manager) => {
      if (shiftId !== undefined && !UUID.test(shiftId)) throw new ScheduleError('shift-not-found', `no shift ${shiftId}`);
      // The row lock first, then the agents': no other writer takes them the other way round.
      const current = shiftId ? await this.shifts.findForUpdate(manager, tenantId, shiftId) : undefined;
      if (shiftId && !current) throw new ScheduleError('shift-not-found', `no shift ${shiftId}`);
      const agents = [...new Set([current?.agentId, next?.agentId].filter((id): id is string => id !== undefined))];
      // The agent locks also serialise overlap checks of the same agent.
      await lockForAggregateWrite(manager, tenantId, agents.map((id) => ({ kind: 'agent', id })));
      if (next) await this.requireFree(manager, tenantId, next);
      const accumulator = this.settings.accumulatorFor(this.settings.defaults);
      const deltas = new AggregateDeltas();
      if (current) deltas.add(shiftContributions(current, accumulator, tenantId), -1);
      if (next) deltas.add(shiftContributions(next, accumulator, tenantId));
      if (next) await this.shifts.save(manager, tenantId, next);
      else if (current) await this.shifts.delete(manager, tenantId, current.shiftId);
      await this.aggregates.addDeltas(manager, tenantId, deltas.toList());
      return next;
    });
  }

  private async requireFree(manager: EntityManager, tenantId: string, shift: AgentShift): Promise<void> {
    requireNoOverlap(shift, await this.shifts.overlapping(manager, tenantId, [shift.agentId], shift.startMs, shift.endMs));
  }
}
