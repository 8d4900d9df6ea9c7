import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, ROLES, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { historyV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import type { CountryCode } from 'libphonenumber-js';
import { EraseCustomerUseCase } from '../app/erase-customer/erase-customer.use-case';
import { KeepRecordsUseCase } from '../app/keep-records/keep-records.use-case';
import { MergeCustomersUseCase } from '../app/merge-customers/merge-customers.use-case';
import { ReadHistoryUseCase } from '../app/read-history/read-history.use-case';
import { InvalidHistoryRequestError } from '../domain/history.errors';
import {
  caseMessage,
  caseStatusOf,
  channelOf,
  customerMessage,
  identityOf,
  interactionMessage,
  messageMessage,
  millisOf,
  noteMessage,
  timestamp,
} from './history-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

/*
 * Who may do what. The guard admits a caller only for a tenant its token grants (x-tenant-id;
 * PERMISSION_DENIED otherwise): an agent sees the customers of its granted tenants and no
 * others, and within one, rows of other tenants are invisible (RLS), so their ids are NOT_FOUND.
 * Within a granted tenant every role reads, annotates and files (ROLES); what rewrites or
 * releases a customer's whole history takes more.
 */
/** Merging rewrites two customers' histories: not for agents on their own. */
const MERGERS: readonly Role[] = ['supervisor', 'team-lead', 'tenant-admin', 'platform-admin', 'integration', 'service'];
/** GDPR requests are handled by administrators or the tools they integrate. */
const PRIVACY_OFFICERS: readonly Role[] = ['tenant-admin', 'platform-admin', 'integration', 'service'];

export const HISTORY_DEFAULT_PHONE_REGION = Symbol('HISTORY_DEFAULT_PHONE_REGION');

const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
const required = (name: string, value: string | undefined) => {
  if (!value) throw new InvalidHistoryRequestError(`${name.replace(/_/g, '-')}-missing`, `${name} is required`);
  return value;
};

/** gRPC HistoryService for the tenant named in x-tenant-id; time is read here, at the edge. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class HistoryController {
  constructor(
    @Inject(ReadHistoryUseCase) private readonly reads: ReadHistoryUseCase,
    @Inject(KeepRecordsUseCase) private readonly records: KeepRecordsUseCase,
    @Inject(MergeCustomersUseCase) private readonly merges: MergeCustomersUseCase,
    @Inject(EraseCustomerUseCase) private readonly erasures: EraseCustomerUseCase,
    @Inject(HISTORY_DEFAULT_PHONE_REGION) private readonly defaultRegion: CountryCode | undefined,
  ) {}

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'GetCustomer')
  getCustomer(@Payload() request: historyV1.GetCustomerRequest): Promise<historyV1.GetCustomerResponse> {
    return mapRpcErrors(async () => ({ customer: customerMessage(await this.reads.getCustomer(tenant('GetCustomer'), required('customer_id', request.customerId))) }));
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'FindCustomers')
  findCustomers(@Payload() request: historyV1.FindCustomersRequest): Promise<historyV1.FindCustomersResponse> {
    return mapRpcErrors(async () => {
      if (request.identity) {
        const found = await this.reads.findByIdentity(tenant('FindCustomers'), identityOf(request.identity, this.defaultRegion));
        return { customers: found ? [customerMessage(found)] : [], nextPageToken: '' };
      }
      const page = await this.reads.findByName(tenant('FindCustomers'), request.nameQuery ?? '', request.pageSize, request.pageToken);
      return { customers: page.items.map(customerMessage), nextPageToken: page.nextPageToken };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'UpdateCustomer')
  updateCustomer(@Payload() request: historyV1.UpdateCustomerRequest): Promise<historyV1.UpdateCustomerResponse> {
    return mapRpcErrors(async () => ({
      customer: customerMessage(await this.records.rename(tenant('UpdateCustomer'), required('customer_id', request.customerId), request.displayName ?? '', new Date())),
    }));
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'LinkIdentity')
  linkIdentity(@Payload() request: historyV1.LinkIdentityRequest): Promise<historyV1.LinkIdentityResponse> {
    return mapRpcErrors(async () => {
      const identity = identityOf(request.identity, this.defaultRegion);
      return { customer: customerMessage(await this.records.linkIdentity(tenant('LinkIdentity'), required('customer_id', request.customerId), identity, new Date())) };
    });
  }

  @RequireRoles(...MERGERS)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'MergeCustomers')
  mergeCustomers(@Payload() request: historyV1.MergeCustomersRequest, @CurrentPrincipal() principal: Principal): Promise<historyV1.MergeCustomersResponse> {
    return mapRpcErrors(async () => {
      const { customer, mergeId } = await this.merges.execute({
        tenantId: tenant('MergeCustomers'),
        sourceId: required('source_customer_id', request.sourceCustomerId),
        targetId: required('target_customer_id', request.targetCustomerId),
        mergedBy: principal.subject,
        reason: request.reason ?? '',
        at: new Date(),
      });
      return { customer: customerMessage(customer), mergeId };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'GetTimeline')
  getTimeline(@Payload() request: historyV1.GetTimelineRequest): Promise<historyV1.GetTimelineResponse> {
    return mapRpcErrors(async () => {
      const page = await this.reads.getTimeline(tenant('GetTimeline'), {
        customerId: required('customer_id', request.customerId),
        channels: (request.channels ?? []).map(channelOf),
        fromMs: millisOf(request.startTime),
        toMs: millisOf(request.endTime),
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return {
        entries: page.items.map((item) =>
          item.kind === 'interaction' ? { occurredAt: timestamp(item.at), interaction: interactionMessage(item.interaction) } : { occurredAt: timestamp(item.at), note: noteMessage(item.note) },
        ),
        nextPageToken: page.nextPageToken,
      };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'GetInteraction')
  getInteraction(@Payload() request: historyV1.GetInteractionRequest): Promise<historyV1.GetInteractionResponse> {
    return mapRpcErrors(async () => {
      const found = await this.reads.getInteraction(tenant('GetInteraction'), required('interaction_id', request.interactionId));
      return { interaction: interactionMessage(found.interaction), messages: found.messages.map(messageMessage), notes: found.notes.map(noteMessage) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'AddNote')
  addNote(@Payload() request: historyV1.AddNoteRequest, @CurrentPrincipal() principal: Principal): Promise<historyV1.AddNoteResponse> {
    return mapRpcErrors(async () => {
      const note = await this.records.addNote(tenant('AddNote'), {
        customerId: required('customer_id', request.customerId),
        interactionId: request.interactionId || undefined,
        text: request.text ?? '',
        authorId: principal.subject,
        at: new Date(),
      });
      return { note: noteMessage(note) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'CreateCase')
  createCase(@Payload() request: historyV1.CreateCaseRequest, @CurrentPrincipal() principal: Principal): Promise<historyV1.CreateCaseResponse> {
    return mapRpcErrors(async () => {
      const created = await this.records.createCase(tenant('CreateCase'), {
        customerId: required('customer_id', request.customerId),
        subject: request.subject ?? '',
        ownerId: request.ownerId || principal.subject,
        at: new Date(),
      });
      return { case: caseMessage(created) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'ListCases')
  listCases(@Payload() request: historyV1.ListCasesRequest): Promise<historyV1.ListCasesResponse> {
    return mapRpcErrors(async () => {
      const cases = await this.reads.listCases(tenant('ListCases'), required('customer_id', request.customerId), (request.statuses ?? []).map(caseStatusOf));
      return { cases: cases.map(caseMessage) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'UpdateCase')
  updateCase(@Payload() request: historyV1.UpdateCaseRequest): Promise<historyV1.UpdateCaseResponse> {
    return mapRpcErrors(async () => {
      const updated = await this.records.updateCase(tenant('UpdateCase'), {
        caseId: required('case_id', request.caseId),
        status: request.status === undefined ? undefined : caseStatusOf(request.status),
        ownerId: request.ownerId,
        subject: request.subject,
        at: new Date(),
      });
      return { case: caseMessage(updated) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'LinkInteractionToCase')
  linkInteractionToCase(@Payload() request: historyV1.LinkInteractionToCaseRequest): Promise<historyV1.LinkInteractionToCaseResponse> {
    return mapRpcErrors(async () => {
      const interaction = await this.records.linkInteractionToCase(tenant('LinkInteractionToCase'), {
        interactionId: required('interaction_id', request.interactionId),
        caseId: required('case_id', request.caseId),
        at: new Date(),
      });
      return { interaction: interactionMessage(interaction) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'UnlinkInteractionFromCase')
  unlinkInteractionFromCase(@Payload() request: historyV1.UnlinkInteractionFromCaseRequest): Promise<historyV1.UnlinkInteractionFromCaseResponse> {
    return mapRpcErrors(async () => {
      const interaction = await this.records.unlinkInteractionFromCase(tenant('UnlinkInteractionFromCase'), { interactionId: required('interaction_id', request.interactionId), at: new Date() });
      return { interaction: interactionMessage(interaction) };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'ScreenPop')
  screenPop(@Payload() request: historyV1.ScreenPopRequest): Promise<historyV1.ScreenPopResponse> {
    return mapRpcErrors(async () => {
      const pop = await this.reads.screenPop(tenant('ScreenPop'), identityOf(request.identity, this.defaultRegion), request.interactionLimit);
      return {
        customer: pop.customer && customerMessage(pop.customer),
        openCases: pop.openCases.map(caseMessage),
        recentInteractions: pop.recentInteractions.map(interactionMessage),
      };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'SearchMessages')
  searchMessages(@Payload() request: historyV1.SearchMessagesRequest): Promise<historyV1.SearchMessagesResponse> {
    return mapRpcErrors(async () => {
      const page = await this.reads.searchMessages(tenant('SearchMessages'), {
        text: request.query ?? '',
        customerId: request.customerId || undefined,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return { messages: page.items.map(messageMessage), nextPageToken: page.nextPageToken };
    });
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'SearchNotes')
  searchNotes(@Payload() request: historyV1.SearchNotesRequest): Promise<historyV1.SearchNotesResponse> {
    return mapRpcErrors(async () => {
      const page = await this.reads.searchNotes(tenant('SearchNotes'), {
        text: request.query ?? '',
        customerId: request.customerId || undefined,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return { notes: page.items.map(noteMessage), nextPageToken: page.nextPageToken };
    });
  }

  @RequireRoles(...PRIVACY_OFFICERS)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'ExportCustomer')
  exportCustomer(@Payload() request: historyV1.ExportCustomerRequest): Promise<historyV1.ExportCustomerResponse> {
    return mapRpcErrors(async () => {
      const document = await this.reads.exportCustomer(tenant('ExportCustomer'), required('customer_id', request.customerId), new Date());
      return { contentType: 'application/json', document: Buffer.from(document, 'utf8') };
    });
  }

  @RequireRoles(...PRIVACY_OFFICERS)
  @GrpcMethod(historyV1.HISTORY_SERVICE_NAME, 'EraseCustomer')
  eraseCustomer(@Payload() request: historyV1.EraseCustomerRequest, @CurrentPrincipal() principal: Principal): Promise<historyV1.EraseCustomerResponse> {
    return mapRpcErrors(async () => {
      const at = new Date();
      const { customerId } = await this.erasures.execute({
        tenantId: tenant('EraseCustomer'),
        customerId: required('customer_id', request.customerId),
        erasedBy: principal.subject,
        reason: request.reason ?? '',
        at,
      });
      return { customerId, erasedAt: timestamp(at.getTime()) };
    });
  }
}
