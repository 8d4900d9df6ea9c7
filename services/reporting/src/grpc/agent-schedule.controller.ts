import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, ROLES, TenantContextInterceptor } from '@contactcenter/auth';
import { reportingV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { AgentScheduleUseCase } from '../app/agent-schedule/agent-schedule.use-case';
import { TeamScopeUseCase } from '../app/team-scope/team-scope.use-case';
import type { AgentShift } from '../domain/schedule/agent-shift';
import { ScheduleError } from '../domain/schedule/schedule.error';
import { isTeamScoped, millisOf, timestampOf, visibleAgentIds } from './reporting-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

const shiftOf = (shift: AgentShift): reportingV1.Shift => ({
  shiftId: shift.shiftId,
  agentId: shift.agentId,
  startTime: timestampOf(shift.startMs),
  endTime: timestampOf(shift.endMs),
});

/** A missing time is a bad shift, not a bad metrics range. */
function timesOf(agentId: string | undefined, start: reportingV1.Shift['startTime'], end: reportingV1.Shift['endTime']): Omit<AgentShift, 'shiftId'> {
  if (!start || !end) throw new ScheduleError('invalid-shift', 'start_time and end_time are required');
  return { agentId: agentId ?? '', startMs: millisOf('start_time', start), endMs: millisOf('end_time', end) };
}

/** Roles that plan shifts; everyone else reads (agents their own, team leads their team's). */
const PLANNERS = ['platform-admin', 'tenant-admin', 'supervisor'] as const;

/** gRPC AgentScheduleService: agents' paid shifts, the denominator of utilization. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class AgentScheduleController {
  constructor(
    @Inject(AgentScheduleUseCase) private readonly schedule: AgentScheduleUseCase,
    @Inject(TeamScopeUseCase) private readonly teams: TeamScopeUseCase,
  ) {}

  @RequireRoles(...PLANNERS)
  @GrpcMethod(reportingV1.AGENT_SCHEDULE_SERVICE_NAME, 'CreateShift')
  createShift(@Payload() request: reportingV1.CreateShiftRequest): Promise<reportingV1.CreateShiftResponse> {
    return mapRpcErrors(async () => {
      const shift = await this.schedule.create(TenantContext.requireTenantId('CreateShift'), timesOf(request.agentId, request.startTime, request.endTime));
      return { shift: shiftOf(shift) };
    });
  }

  @RequireRoles(...PLANNERS)
  @GrpcMethod(reportingV1.AGENT_SCHEDULE_SERVICE_NAME, 'UpdateShift')
  updateShift(@Payload() request: reportingV1.UpdateShiftRequest): Promise<reportingV1.UpdateShiftResponse> {
    return mapRpcErrors(async () => {
      const { shift } = request;
      if (!shift?.shiftId) throw new ScheduleError('invalid-shift', 'shift.shift_id is required');
      const updated = await this.schedule.update(TenantContext.requireTenantId('UpdateShift'), { shiftId: shift.shiftId, ...timesOf(shift.agentId, shift.startTime, shift.endTime) });
      return { shift: shiftOf(updated) };
    });
  }

  @RequireRoles(...PLANNERS)
  @GrpcMethod(reportingV1.AGENT_SCHEDULE_SERVICE_NAME, 'DeleteShift')
  deleteShift(@Payload() request: reportingV1.DeleteShiftRequest): Promise<reportingV1.DeleteShiftResponse> {
    return mapRpcErrors(async () => {
      if (!request.shiftId) throw new ScheduleError('invalid-shift', 'shift_id is required');
      await this.schedule.delete(TenantContext.requireTenantId('DeleteShift'), request.shiftId);
      return {};
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(reportingV1.AGENT_SCHEDULE_SERVICE_NAME, 'ListShifts')
  listShifts(@Payload() request: reportingV1.ListShiftsRequest, @CurrentPrincipal() principal: Principal): Promise<reportingV1.ListShiftsResponse> {
    return mapRpcErrors(async () => {
      const tenantId = TenantContext.requireTenantId('ListShifts');
      const team = isTeamScoped(principal) ? await this.teams.agentsOf(tenantId, principal.subject) : undefined;
      const agentIds = visibleAgentIds(principal, request.agentIds ?? [], team);
      if (!request.startTime || !request.endTime) throw new ScheduleError('invalid-shift', 'start_time and end_time are required');
      const shifts = await this.schedule.list(tenantId, agentIds, millisOf('start_time', request.startTime), millisOf('end_time', request.endTime));
      return { shifts: shifts.map(shiftOf) };
    });
  }
}
