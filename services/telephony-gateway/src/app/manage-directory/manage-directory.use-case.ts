import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { IvrFlowError, parseIvrFlow, type IvrFlow } from '../../domain/ivr';
import { type AgentEndpointRecord, type DidRecord, SIP_USERNAME_INDEX, TelephonyDirectoryRepository } from '../../persistence/telephony-directory.repository';
import { TelephonyError } from '../telephony.error';

export interface TenantScope {
  readonly workspaceId: string;
  readonly tenantId: string;
}

export interface EndpointInput {
  readonly agentId: string;
  readonly sipUsername?: string;
  readonly digestHa1?: string;
  readonly sipUri?: string;
}

/** The canonical E.164 form of a number, or INVALID_NUMBER. */
export function toE164(number: string): string {
  const parsed = parsePhoneNumberFromString(number.trim().startsWith('+') ? number.trim() : `+${number.trim()}`);
  if (!parsed || !parsed.isPossible()) throw new TelephonyError('INVALID_NUMBER', `${JSON.stringify(number)} is not a possible E.164 number`);
  return parsed.number;
}

/** The numbers, IVR flows and agent phones of a tenant (the admin API's use cases). */
export class ManageDirectoryUseCase {
  private readonly repository = new TelephonyDirectoryRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly promptIds?: ReadonlySet<string>,
  ) {}

  async putFlow(scope: TenantScope, definition: unknown): Promise<IvrFlow> {
    let flow: IvrFlow;
    try {
      flow = parseIvrFlow(definition, this.promptIds ? { prompts: this.promptIds } : {});
    } catch (error) {
      if (!(error instanceof IvrFlowError)) throw error;
      throw new TelephonyError('INVALID_IVR_FLOW', error.message, error.problems);
    }
    await withTenantTransaction(this.dataSource, (m) => this.repository.putFlow(m, scope.tenantId, flow), scope);
    return flow;
  }

  async flows(scope: TenantScope): Promise<IvrFlow[]> {
    return withTenantTransaction(this.dataSource, (m) => this.repository.flows(m, scope.tenantId), scope);
  }

  async deleteFlow(scope: TenantScope, flowId: string): Promise<void> {
    const deleted = await withTenantTransaction(this.dataSource, (m) => this.repository.deleteFlow(m, scope.tenantId, flowId), scope).catch((error: { code?: string }) => {
      if (error.code === '23503') throw new TelephonyError('INVALID_IVR_FLOW', `flow ${flowId} is still bound to a number`);
      throw error;
    });
    if (!deleted) throw new TelephonyError('FLOW_NOT_FOUND', `flow ${flowId} is unknown`);
  }

  async putDid(scope: TenantScope, number: string, flowId: string): Promise<DidRecord> {
    const did: DidRecord = { e164: toE164(number), tenantId: scope.tenantId, workspaceId: scope.workspaceId, flowId };
    const stored = await withTenantTransaction(
      this.dataSource,
      async (m) => {
        if (!(await this.repository.flow(m, scope.tenantId, flowId))) throw new TelephonyError('FLOW_NOT_FOUND', `flow ${flowId} is unknown`);
        return this.repository.putDid(m, did);
      },
      scope,
    ).catch((error: { code?: string }) => {
      // Another tenant's row: the RLS check on the conflicting row (42501) or the key itself.
      if (error.code === '42501' || error.code === '23505') return false;
      throw error;
    });
    if (!stored) throw new TelephonyError('DID_TAKEN', `${did.e164} belongs to another tenant`);
    return did;
  }

  async dids(scope: TenantScope): Promise<DidRecord[]> {
    return withTenantTransaction(this.dataSource, (m) => this.repository.dids(m, scope.tenantId), scope);
  }

  async deleteDid(scope: TenantScope, number: string): Promise<void> {
    const e164 = toE164(number);
    if (!(await withTenantTransaction(this.dataSource, (m) => this.repository.deleteDid(m, scope.tenantId, e164), scope))) {
      throw new TelephonyError('DID_NOT_FOUND', `${e164} is not a number of this tenant`);
    }
  }

  async putEndpoint(scope: TenantScope, input: EndpointInput): Promise<AgentEndpointRecord> {
    const problems: string[] = [];
    if (!input.agentId) problems.push('agent_id is required');
    const digest = input.sipUsername || input.digestHa1;
    if (digest && !(input.sipUsername && /^[A-Za-z0-9._~-]{1,64}$/.test(input.sipUsername))) problems.push('sip_username must be 1-64 of A-Z a-z 0-9 . _ ~ -');
    if (digest && !/^[0-9a-f]{32}$/.test(input.digestHa1 ?? '')) problems.push('digest_ha1 must be MD5(username:realm:password) as 32 lowercase hex digits');
    if (input.sipUri && !/^sips?:[^\s<>"]+$/.test(input.sipUri)) problems.push('sip_uri must be a sip: or sips: URI');
    if (!digest && !input.sipUri) problems.push('give sip_username + digest_ha1, or sip_uri');
    if (problems.length) throw new TelephonyError('INVALID_ENDPOINT', problems.join('; '));
    const record: AgentEndpointRecord = {
      tenantId: scope.tenantId,
      workspaceId: scope.workspaceId,
      agentId: input.agentId,
      ...(digest && { sipUsername: input.sipUsername, digestHa1: input.digestHa1 }),
      ...(input.sipUri && { sipUri: input.sipUri }),
    };
    try {
      await withTenantTransaction(this.dataSource, (m) => this.repository.putEndpoint(m, record), scope);
    } catch (error) {
      const { code, constraint } = ((error as { driverError?: object }).driverError ?? error) as { code?: string; constraint?: string };
      if (code === '23505' && constraint === SIP_USERNAME_INDEX) throw new TelephonyError('SIP_USERNAME_TAKEN', `SIP username ${input.sipUsername} is taken`);
      throw error;
    }
    return record;
  }

  async endpoints(scope: TenantScope): Promise<AgentEndpointRecord[]> {
    return withTenantTransaction(this.dataSource, (m) => this.repository.endpoints(m, scope.tenantId), scope);
  }

  async deleteEndpoint(scope: TenantScope, agentId: string): Promise<void> {
    if (!(await withTenantTransaction(this.dataSource, (m) => this.repository.deleteEndpoint(m, scope.tenantId, agentId), scope))) {
      throw new TelephonyError('ENDPOINT_NOT_FOUND', `agent ${agentId} has no endpoint`);
    }
  }
}
