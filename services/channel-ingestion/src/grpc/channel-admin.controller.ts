import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcAuthGuard, RequireRoles, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { channelAdminV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { ManageChannelAccountsUseCase } from '../app/manage-channel-accounts/manage-channel-accounts.use-case';
import { ManageTemplatesUseCase } from '../app/manage-templates/manage-templates.use-case';
import { InvalidChannelRequestError } from '../domain/channel.errors';
import { accountInputOf, accountMessage, kindOf, templateMessage } from './channel-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

/** Channel accounts hold provider credentials: administrators and provisioning services only. */
const ACCOUNT_ADMINS: Role[] = ['tenant-admin', 'platform-admin', 'service'];
/** Canned responses are curated by supervisors too. */
const TEMPLATE_EDITORS: Role[] = ['tenant-admin', 'platform-admin', 'supervisor', 'service'];
/** Anyone who answers customers reads and renders them. */
const TEMPLATE_READERS: Role[] = [...TEMPLATE_EDITORS, 'team-lead', 'agent', 'integration'];

const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
const required = (name: string, value: string | undefined) => {
  if (!value) throw new InvalidChannelRequestError(`${name.replace(/_/g, '-')}-missing`, `${name} is required`);
  return value;
};

/** gRPC ChannelAdminService for the tenant named in x-tenant-id; secrets never leave. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class ChannelAdminController {
  constructor(
    @Inject(ManageChannelAccountsUseCase) private readonly accounts: ManageChannelAccountsUseCase,
    @Inject(ManageTemplatesUseCase) private readonly templates: ManageTemplatesUseCase,
  ) {}

  @RequireRoles(...ACCOUNT_ADMINS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'CreateChannelAccount')
  create(@Payload() request: channelAdminV1.CreateChannelAccountRequest): Promise<channelAdminV1.CreateChannelAccountResponse> {
    return mapRpcErrors(async () => {
      const scope = TenantContext.require('CreateChannelAccount');
      return { account: accountMessage(await this.accounts.create(tenant('CreateChannelAccount'), scope.workspaceId, accountInputOf(request.account), new Date())) };
    });
  }

  @RequireRoles(...ACCOUNT_ADMINS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'GetChannelAccount')
  get(@Payload() request: channelAdminV1.GetChannelAccountRequest): Promise<channelAdminV1.GetChannelAccountResponse> {
    return mapRpcErrors(async () => ({ account: accountMessage(await this.accounts.get(tenant('GetChannelAccount'), uuid('account_id', request.accountId))) }));
  }

  @RequireRoles(...ACCOUNT_ADMINS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'ListChannelAccounts')
  list(@Payload() request: channelAdminV1.ListChannelAccountsRequest): Promise<channelAdminV1.ListChannelAccountsResponse> {
    return mapRpcErrors(async () => ({ accounts: (await this.accounts.list(tenant('ListChannelAccounts'), kindOf(request.kind))).map(accountMessage) }));
  }

  @RequireRoles(...ACCOUNT_ADMINS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'UpdateChannelAccount')
  update(@Payload() request: channelAdminV1.UpdateChannelAccountRequest): Promise<channelAdminV1.UpdateChannelAccountResponse> {
    return mapRpcErrors(async () => ({
      account: accountMessage(await this.accounts.update(tenant('UpdateChannelAccount'), uuid('account_id', request.accountId), accountInputOf(request.account), new Date())),
    }));
  }

  @RequireRoles(...ACCOUNT_ADMINS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'DeleteChannelAccount')
  delete(@Payload() request: channelAdminV1.DeleteChannelAccountRequest): Promise<channelAdminV1.DeleteChannelAccountResponse> {
    return mapRpcErrors(async () => {
      await this.accounts.delete(tenant('DeleteChannelAccount'), uuid('account_id', request.accountId));
      return {};
    });
  }

  @RequireRoles(...TEMPLATE_EDITORS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'PutTemplate')
  putTemplate(@Payload() request: channelAdminV1.PutTemplateRequest): Promise<channelAdminV1.PutTemplateResponse> {
    return mapRpcErrors(async () => ({ template: templateMessage(await this.templates.put(tenant('PutTemplate'), request.name ?? '', request.body ?? '', new Date())) }));
  }

  @RequireRoles(...TEMPLATE_READERS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'GetTemplate')
  getTemplate(@Payload() request: channelAdminV1.GetTemplateRequest): Promise<channelAdminV1.GetTemplateResponse> {
    return mapRpcErrors(async () => ({ template: templateMessage(await this.templates.get(tenant('GetTemplate'), required('name', request.name))) }));
  }

  @RequireRoles(...TEMPLATE_READERS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'ListTemplates')
  listTemplates(): Promise<channelAdminV1.ListTemplatesResponse> {
    return mapRpcErrors(async () => ({ templates: (await this.templates.list(tenant('ListTemplates'))).map(templateMessage) }));
  }

  @RequireRoles(...TEMPLATE_EDITORS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'DeleteTemplate')
  deleteTemplate(@Payload() request: channelAdminV1.DeleteTemplateRequest): Promise<channelAdminV1.DeleteTemplateResponse> {
    return mapRpcErrors(async () => {
      await this.templates.delete(tenant('DeleteTemplate'), required('name', request.name));
      return {};
    });
  }

  @RequireRoles(...TEMPLATE_READERS)
  @GrpcMethod(channelAdminV1.CHANNEL_ADMIN_SERVICE_NAME, 'RenderTemplate')
  renderTemplate(@Payload() request: channelAdminV1.RenderTemplateRequest): Promise<channelAdminV1.RenderTemplateResponse> {
    return mapRpcErrors(async () => ({ text: await this.templates.render(tenant('RenderTemplate'), required('name', request.name), { ...(request.variables ?? {}) }) }));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(name: string, value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new InvalidChannelRequestError(`${name.replace(/_/g, '-')}-invalid`, `${name} must be a UUID`);
  return value.toLowerCase();
}
