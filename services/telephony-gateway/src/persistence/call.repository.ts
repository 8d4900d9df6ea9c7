import type { EntityManager } from 'typeorm';

export type CallState = 'ivr' | 'queued' | 'ringing-agent' | 'transferring' | 'connected' | 'held' | 'ended';

export interface NewCall {
  readonly tenantId: string;
  readonly callId: string;
  readonly workspaceId: string;
  readonly interactionId: string;
  readonly sipCallId: string;
  readonly fromNumber: string;
  readonly toNumber: string;
  readonly startedAt: Date;
}

export interface CallEnd {
  readonly endedAt: Date;
  readonly endedBy: 'customer' | 'agent' | 'system';
  readonly reason: string;
}

/** The call log: one row per call, one per leg (caller, each agent tried, a conference's third party). */
export class CallRepository {
  async insert(manager: EntityManager, call: NewCall, callerUri: string): Promise<void> {
    await manager.query(
      `INSERT INTO "telephony_calls" ("tenant_id", "call_id", "workspace_id", "interaction_id", "sip_call_id", "from_number", "to_number", "state", "started_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'ivr', $8)`,
      [call.tenantId, call.callId, call.workspaceId, call.interactionId, call.sipCallId, call.fromNumber, call.toNumber, call.startedAt],
    );
    await manager.query(
      `INSERT INTO "telephony_call_legs" ("tenant_id", "call_id", "leg_id", "role", "remote_uri", "started_at", "answered_at") VALUES ($1, $2, 'caller', 'caller', $3, $4, $4)`,
      [call.tenantId, call.callId, callerUri, call.startedAt],
    );
  }

  async setState(manager: EntityManager, tenantId: string, callId: string, state: CallState): Promise<void> {
    await manager.query(`UPDATE "telephony_calls" SET "state" = $3 WHERE "tenant_id" = $1 AND "call_id" = $2`, [tenantId, callId, state]);
  }

  async addAgentLeg(manager: EntityManager, tenantId: string, callId: string, legId: string, agentId: string, uri: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO "telephony_call_legs" ("tenant_id", "call_id", "leg_id", "role", "remote_uri", "agent_id", "started_at") VALUES ($1, $2, $3, 'agent', $4, $5, $6)`,
      [tenantId, callId, legId, uri, agentId, at],
    );
  }

  /** A conference's third party, answered (it joins only then); `agentId` when it is one of ours. */
  async addPartyLeg(manager: EntityManager, tenantId: string, callId: string, legId: string, uri: string, agentId: string | undefined, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO "telephony_call_legs" ("tenant_id", "call_id", "leg_id", "role", "remote_uri", "agent_id", "started_at", "answered_at") VALUES ($1, $2, $3, 'party', $4, $5, $6, $6)`,
      [tenantId, callId, legId, uri, agentId ?? null, at],
    );
  }

  async answerLeg(manager: EntityManager, tenantId: string, callId: string, legId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE "telephony_call_legs" SET "answered_at" = $4 WHERE "tenant_id" = $1 AND "call_id" = $2 AND "leg_id" = $3`, [tenantId, callId, legId, at]);
  }

  async endLeg(manager: EntityManager, tenantId: string, callId: string, legId: string, at: Date, status?: number): Promise<void> {
    await manager.query(
      `UPDATE "telephony_call_legs" SET "ended_at" = $4, "end_status" = $5 WHERE "tenant_id" = $1 AND "call_id" = $2 AND "leg_id" = $3 AND "ended_at" IS NULL`,
      [tenantId, callId, legId, at, status ?? null],
    );
  }

  async end(manager: EntityManager, tenantId: string, callId: string, end: CallEnd): Promise<void> {
    await manager.query(
      `UPDATE "telephony_calls" SET "state" = 'ended', "ended_at" = $3, "ended_by" = $4, "end_reason" = $5 WHERE "tenant_id" = $1 AND "call_id" = $2`,
      [tenantId, callId, end.endedAt, end.endedBy, end.reason],
    );
    await manager.query(`UPDATE "telephony_call_legs" SET "ended_at" = $3 WHERE "tenant_id" = $1 AND "call_id" = $2 AND "ended_at" IS NULL`, [tenantId, callId, end.endedAt]);
  }

  async setRecording(manager: EntityManager, tenantId: string, callId: string, uri: string): Promise<void> {
    await manager.query(`UPDATE "telephony_calls" SET "recording_uri" = $3 WHERE "tenant_id" = $1 AND "call_id" = $2`, [tenantId, callId, uri]);
  }
}
