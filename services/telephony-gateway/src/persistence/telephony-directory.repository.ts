import type { EntityManager } from 'typeorm';
import type { IvrFlow } from '../domain/ivr';

export interface DidRecord {
  readonly e164: string;
  readonly tenantId: string;
  readonly workspaceId: string;
  readonly flowId: string;
}

export interface SipAccount {
  readonly tenantId: string;
  readonly workspaceId: string;
  readonly agentId: string;
  readonly digestHa1: string;
}

/** The unique index that keeps SIP usernames platform-wide (a REGISTER names no tenant). */
export const SIP_USERNAME_INDEX = 'telephony_agent_endpoints_sip_username';

export interface AgentEndpointRecord {
  readonly tenantId: string;
  readonly agentId: string;
  readonly workspaceId: string;
  readonly sipUsername?: string;
  readonly digestHa1?: string;
  readonly sipUri?: string;
}

interface EndpointRow {
  tenant_id: string;
  agent_id: string;
  workspace_id: string;
  sip_username: string | null;
  digest_ha1: string | null;
  sip_uri: string | null;
}

const endpointOf = (row: EndpointRow): AgentEndpointRecord => ({
  tenantId: row.tenant_id,
  agentId: row.agent_id,
  workspaceId: row.workspace_id,
  ...(row.sip_username && { sipUsername: row.sip_username }),
  ...(row.digest_ha1 && { digestHa1: row.digest_ha1 }),
  ...(row.sip_uri && { sipUri: row.sip_uri }),
});

/**
 * Numbers, flows and agent phones. Every method runs inside the caller's tenant transaction
 * (RLS scopes it), except `resolveDid`, which asks the owner-run lookup function.
 */
export class TelephonyDirectoryRepository {
  async putFlow(manager: EntityManager, tenantId: string, flow: IvrFlow): Promise<void> {
    await manager.query(
      `INSERT INTO "telephony_ivr_flows" ("tenant_id", "flow_id", "definition") VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id", "flow_id") DO UPDATE SET "definition" = EXCLUDED."definition", "updated_at" = now()`,
      [tenantId, flow.id, JSON.stringify(flow)],
    );
  }

  async flow(manager: EntityManager, tenantId: string, flowId: string): Promise<IvrFlow | undefined> {
    const rows: { definition: IvrFlow }[] = await manager.query(`SELECT "definition" FROM "telephony_ivr_flows" WHERE "tenant_id" = $1 AND "flow_id" = $2`, [tenantId, flowId]);
    return rows[0]?.definition;
  }

  async flows(manager: EntityManager, tenantId: string): Promise<IvrFlow[]> {
    const rows: { definition: IvrFlow }[] = await manager.query(`SELECT "definition" FROM "telephony_ivr_flows" WHERE "tenant_id" = $1 ORDER BY "flow_id"`, [tenantId]);
    return rows.map((r) => r.definition);
  }

  async deleteFlow(manager: EntityManager, tenantId: string, flowId: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM "telephony_ivr_flows" WHERE "tenant_id" = $1 AND "flow_id" = $2`, [tenantId, flowId]);
    return count > 0;
  }

  /** False when the number belongs to someone (another tenant included): numbers are global. */
  async putDid(manager: EntityManager, did: DidRecord): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO "telephony_dids" ("e164", "tenant_id", "workspace_id", "flow_id") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("e164") DO UPDATE SET "flow_id" = EXCLUDED."flow_id", "workspace_id" = EXCLUDED."workspace_id"
         WHERE "telephony_dids"."tenant_id" = EXCLUDED."tenant_id"
       RETURNING "e164"`,
      [did.e164, did.tenantId, did.workspaceId, did.flowId],
    );
    return rows.length > 0;
  }

  async dids(manager: EntityManager, tenantId: string): Promise<DidRecord[]> {
    const rows: { e164: string; tenant_id: string; workspace_id: string; flow_id: string }[] = await manager.query(
      `SELECT "e164", "tenant_id", "workspace_id", "flow_id" FROM "telephony_dids" WHERE "tenant_id" = $1 ORDER BY "e164"`,
      [tenantId],
    );
    return rows.map((r) => ({ e164: r.e164, tenantId: r.tenant_id, workspaceId: r.workspace_id, flowId: r.flow_id }));
  }

  async deleteDid(manager: EntityManager, tenantId: string, e164: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM "telephony_dids" WHERE "tenant_id" = $1 AND "e164" = $2`, [tenantId, e164]);
    return count > 0;
  }

  /** The number's tenant, workspace and flow, whoever asks (no tenant is known yet on an INVITE). */
  async resolveDid(manager: EntityManager, e164: string): Promise<DidRecord | undefined> {
    const rows: { tenant_id: string; workspace_id: string; flow_id: string }[] = await manager.query(`SELECT * FROM "telephony_resolve_did"($1)`, [e164]);
    return rows[0] && { e164, tenantId: rows[0].tenant_id, workspaceId: rows[0].workspace_id, flowId: rows[0].flow_id };
  }

  /** A phone's account by SIP username, whoever asks (a REGISTER names no tenant). */
  async resolveSipAccount(manager: EntityManager, username: string): Promise<SipAccount | undefined> {
    const rows: { tenant_id: string; workspace_id: string; agent_id: string; digest_ha1: string | null }[] = await manager.query(`SELECT * FROM "telephony_resolve_sip_account"($1)`, [username]);
    const row = rows[0];
    return row?.digest_ha1 ? { tenantId: row.tenant_id, workspaceId: row.workspace_id, agentId: row.agent_id, digestHa1: row.digest_ha1 } : undefined;
  }

  async putEndpoint(manager: EntityManager, endpoint: AgentEndpointRecord): Promise<void> {
    await manager.query(
      `INSERT INTO "telephony_agent_endpoints" ("tenant_id", "agent_id", "workspace_id", "sip_username", "digest_ha1", "sip_uri") VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("tenant_id", "agent_id") DO UPDATE SET "workspace_id" = EXCLUDED."workspace_id", "sip_username" = EXCLUDED."sip_username",
         "digest_ha1" = EXCLUDED."digest_ha1", "sip_uri" = EXCLUDED."sip_uri", "updated_at" = now()`,
      [endpoint.tenantId, endpoint.agentId, endpoint.workspaceId, endpoint.sipUsername ?? null, endpoint.digestHa1 ?? null, endpoint.sipUri ?? null],
    );
  }

  async endpoint(manager: EntityManager, tenantId: string, agentId: string): Promise<AgentEndpointRecord | undefined> {
    const rows: EndpointRow[] = await manager.query(`SELECT * FROM "telephony_agent_endpoints" WHERE "tenant_id" = $1 AND "agent_id" = $2`, [tenantId, agentId]);
    return rows[0] && endpointOf(rows[0]);
  }

  async endpoints(manager: EntityManager, tenantId: string): Promise<AgentEndpointRecord[]> {
    const rows: EndpointRow[] = await manager.query(`SELECT * FROM "telephony_agent_endpoints" WHERE "tenant_id" = $1 ORDER BY "agent_id"`, [tenantId]);
    return rows.map(endpointOf);
  }

  async deleteEndpoint(manager: EntityManager, tenantId: string, agentId: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM "telephony_agent_endpoints" WHERE "tenant_id" = $1 AND "agent_id" = $2`, [tenantId, agentId]);
    return count > 0;
  }
}
