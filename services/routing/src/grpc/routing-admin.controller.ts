import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, type Role, TenantContextInterceptor, WorkspaceScoped } from '@contactcenter/auth';
import { routingAdminV1 as admin } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { ManageConfigurationUseCase } from '../app/manage-configuration/manage-configuration.use-case';
import { QueueSnapshotQuery } from '../app/manage-configuration/queue-snapshot.query';
import { RoutingConfigError } from '../app/routing-config.error';
import { businessHoursMessage, businessHoursOf, profileMessage, profileOf, queueDefinitionOf, queueMessage, queueSnapshotMessage } from './routing-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

/** Who configures routing. */
const ADMINS: readonly Role[] = ['tenant-admin', 'supervisor', 'platform-admin'];
/** Who watches queues live. */
const WATCHERS: readonly Role[] = [...ADMINS, 'team-lead'];

const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
const required = (name: string, value: string | undefined) => {
  if (!value) throw new RoutingConfigError('CONFIG_INVALID', `${name} is required`);
  return value;
};

/** gRPC RoutingAdminService: queues for the tenant in x-tenant-id, the rest for the caller's workspace. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class RoutingAdminController {
  constructor(
    @Inject(ManageConfigurationUseCase) private readonly config: ManageConfigurationUseCase,
    @Inject(QueueSnapshotQuery) private readonly snapshots: QueueSnapshotQuery,
  ) {}

  @RequireRoles(...ADMINS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutQueue')
  putQueue(@Payload() request: admin.PutQueueRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutQueueResponse> {
    return mapRpcErrors(async () => ({ queue: queueMessage(await this.config.putQueue(principal.workspaceId, queueDefinitionOf(request.queue, tenant('PutQueue')))) }));
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
    return mapRpcErrors(async () => {
      await this.config.deleteQueue(principal.workspaceId, tenant('DeleteQueue'), required('queue_id', request.queueId));
      return {};
    });
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutSkill')
  putSkill(@Payload() request: admin.PutSkillRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutSkillResponse> {
    return mapRpcErrors(async () => ({
      skill: await this.config.putSkill(principal.workspaceId, { name: required('skill.name', request.skill?.name), description: request.skill?.description ?? '' }),
    }));
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
    return mapRpcErrors(async () => {
      await this.config.deleteSkill(principal.workspaceId, required('name', request.name));
      return {};
    });
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutBusinessHours')
  putBusinessHours(@Payload() request: admin.PutBusinessHoursRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutBusinessHoursResponse> {
    return mapRpcErrors(async () => ({
      businessHours: businessHoursMessage(await this.config.putBusinessHours(principal.workspaceId, businessHoursOf(request.businessHours))),
    }));
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
    return mapRpcErrors(async () => {
      await this.config.deleteBusinessHours(principal.workspaceId, required('business_hours_id', request.businessHoursId));
      return {};
    });
  }

  @RequireRoles(...ADMINS)
  @WorkspaceScoped()
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'PutAgentProfile')
  putAgentProfile(@Payload() request: admin.PutAgentProfileRequest, @CurrentPrincipal() principal: Principal): Promise<admin.PutAgentProfileResponse> {
    return mapRpcErrors(async () => ({ profile: profileMessage(await this.config.putProfile(principal.workspaceId, principal, profileOf(request.profile))) }));
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
    return mapRpcErrors(async () => {
      await this.config.deleteProfile(principal.workspaceId, required('agent_id', request.agentId));
      return {};
    });
  }

  @RequireRoles(...WATCHERS)
  @GrpcMethod(admin.ROUTING_ADMIN_SERVICE_NAME, 'GetQueueSnapshot')
  getQueueSnapshot(@Payload() request: admin.GetQueueSnapshotRequest, @CurrentPrincipal() principal: Principal): Promise<admin.GetQueueSnapshotResponse> {
    return mapRpcErrors(async () => {
      const { status, agents } = await this.snapshots.execute(principal.workspaceId, tenant('GetQueueSnapshot'), required('queue_id', request.queueId));
      return queueSnapshotMessage(status, agents);
    });
  }
}
