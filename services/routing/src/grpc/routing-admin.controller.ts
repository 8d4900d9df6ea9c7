import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, type Role, TenantContextInterceptor, WorkspaceScoped } from '@contactcenter/auth';
import { routingAdminV1 as admin } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { ManageConfigurationUseCase } from '../app/manage-configuration/manage-configuration.use-case';
import { QueueSnapshotQuery } from '../app/manage-configuration/queue-snapshot.query';
import { RoutingConfigError } from '../app/routing-config.error';
import { AgentCommandRouter } from '../ownership/agent-command.router';
import { businessHoursMessage, profileMessage, queueMessage, queueSnapshotMessage } from './routing-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';
import { runOnOwner } from './owner-command';

/** Who configures routing. */
const ADMINS: readonly Role[] = ['tenant-admin', 'supervisor', 'platform-admin'];
/** Who watches queues live. */
const WATCHERS: readonly Role[] = [...ADMINS, 'team-lead'];
/** GetQueueSnapshot also answers other services (channel-ingestion shows waiting visitors their place). */
const SNAPSHOT_READERS: readonly Role[] = [...WATCHERS, 'service'];

const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
const noTenant = () => undefined;
const required = (name: string, value: string | undefined) => {
  if (!value) throw new RoutingConfigError('CONFIG_INVALID', `${name} is required`);
  return value;
};

/**
 * gRPC RoutingAdminService: queues for the tenant in x-tenant-id, the rest for the caller's
 * workspace. Changes run on the instance that owns the workspace, the single writer (forwarded
 * there when it is another, ADR 0009); reads are served here from Postgres.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class RoutingAdminController {
  constructor(
    @Inject(ManageConfigurationUseCase) private readonly config: ManageConfigurationUseCase,
    @Inject(QueueSnapshotQuery) private readonly snapshots: QueueSnapshotQuery,
    @Inject(AgentCommandRouter) private readonly router: AgentCommandRouter,
  ) {}


  @RequireRoles(...ADMINS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutQueue')
  putQueue(@Payload() request: admin.PutQueueRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutQueueResponse> {
    return runOnOwner(this.router, principal, () => tenant('PutQueue'), 'putQueue', request);
  }

  @RequireRoles(...WATCHERS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'GetQueue')
  getQueue(@Payload() request: admin.GetQueueRequest, @CurrentPrincipal() principal: Principal): Promise<admin.GetQueueResponse> {
    return mapRpcErrors(async () => ({ queue: queueMessage(await this.config.getQueue(principal.workspaceId, tenant('GetQueue'), required('queue_id', request.queueId))) }));
  }

  @RequireRoles(...WATCHERS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'ListQueues')
  listQueues(_request: admin.ListQueuesRequest, @CurrentPrincipal() principal: Principal): Promise<admin.ListQueuesResponse> {
    return mapRpcErrors(async () => ({ queues: (await this.config.listQueues(principal.workspaceId, tenant('ListQueues'))).map(queueMessage) }));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'DeleteQueue')
  deleteQueue(@Payload() request: admin.DeleteQueueRequest, @CurrentPrincipal() principal: Principal): Promise<admin.DeleteQueueResponse> {
    return runOnOwner(this.router, principal, () => tenant('DeleteQueue'), 'deleteQueue', request);
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutSkill')
  putSkill(@Payload() request: admin.PutSkillRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutSkillResponse> {
    return runOnOwner(this.router, principal, noTenant, 'putSkill', request);
  }

  @RequireRoles(...WATCHERS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'ListSkills')
  listSkills(_request: admin.ListSkillsRequest, @CurrentPrincipal() principal: Principal): Promise<admin.ListSkillsResponse> {
    return mapRpcErrors(async () => ({ skills: await this.config.listSkills(principal.workspaceId) }));
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'DeleteSkill')
  deleteSkill(@Payload() request: admin.DeleteSkillRequest, @CurrentPrincipal() principal: Principal): Promise<admin.DeleteSkillResponse> {
    return runOnOwner(this.router, principal, noTenant, 'deleteSkill', request);
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutBusinessHours')
  putBusinessHours(@Payload() request: admin.PutBusinessHoursRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutBusinessHoursResponse> {
    return runOnOwner(this.router, principal, noTenant, 'putBusinessHours', request);
  }

  @RequireRoles(...WATCHERS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'ListBusinessHours')
  listBusinessHours(_request: admin.ListBusinessHoursRequest, @CurrentPrincipal() principal: Principal): Promise<admin.ListBusinessHoursResponse> {
    return mapRpcErrors(async () => ({ businessHours: (await this.config.listBusinessHours(principal.workspaceId)).map(businessHoursMessage) }));
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'DeleteBusinessHours')
  deleteBusinessHours(@Payload() request: admin.DeleteBusinessHoursRequest, @CurrentPrincipal() principal: Principal): Promise<admin.DeleteBusinessHoursResponse> {
    return runOnOwner(this.router, principal, noTenant, 'deleteBusinessHours', request);
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutAgentProfile')
  putAgentProfile(@Payload() request: admin.PutAgentProfileRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutAgentProfileResponse> {
    return runOnOwner(this.router, principal, noTenant, 'putAgentProfile', request);
  }

  @RequireRoles(...WATCHERS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'GetAgentProfile')
  getAgentProfile(@Payload() request: admin.GetAgentProfileRequest, @CurrentPrincipal() principal: Principal): Promise<admin.GetAgentProfileResponse> {
    return mapRpcErrors(async () => ({ profile: profileMessage(await this.config.getProfile(principal.workspaceId, required('agent_id', request.agentId))) }));
  }

  @RequireRoles(...WATCHERS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'ListAgentProfiles')
  listAgentProfiles(_request: admin.ListAgentProfilesRequest, @CurrentPrincipal() principal: Principal): Promise<admin.ListAgentProfilesResponse> {
    return mapRpcErrors(async () => ({ profiles: (await this.config.listProfiles(principal.workspaceId)).map(profileMessage) }));
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'DeleteAgentProfile')
  deleteAgentProfile(@Payload() request: admin.DeleteAgentProfileRequest, @CurrentPrincipal() principal: Principal): Promise<admin.DeleteAgentProfileResponse> {
    return runOnOwner(this.router, principal, noTenant, 'deleteAgentProfile', request);
  }

  @RequireRoles(...SNAPSHOT_READERS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'GetQueueSnapshot')
  getQueueSnapshot(@Payload() request: admin.GetQueueSnapshotRequest, @CurrentPrincipal() principal: Principal): Promise<admin.GetQueueSnapshotResponse> {
    return mapRpcErrors(async () => {
      const { status, agents } = await this.snapshots.execute(principal.workspaceId, tenant('GetQueueSnapshot'), required('queue_id', request.queueId));
      return queueSnapshotMessage(status, agents);
    });
  }
}
