import type { EntityManager } from 'typeorm';
import type { AgentShift } from '../domain/schedule/agent-shift';

type ShiftRow = { shift_id: string; agent_id: string; start_ms: string; end_ms: string };

const SELECT = `SELECT "shift_id", "agent_id", (extract(epoch FROM "starts_at") * 1000)::bigint AS start_ms, (extract(epoch FROM "ends_at") * 1000)::bigint AS end_ms FROM "agent_shifts"`;
const shiftOf = (row: ShiftRow): AgentShift => ({ shiftId: row.shift_id, agentId: row.agent_id, startMs: Number(row.start_ms), endMs: Number(row.end_ms) });

/** Agents' paid shifts (`agent_shifts`, tenant-sealed by RLS). */
export class AgentShiftRepository {
  /** The shift, its row locked until the transaction ends. */
  async findForUpdate(manager: EntityManager, tenantId: string, shiftId: string): Promise<AgentShift | undefined> {
    const rows: ShiftRow[] = await manager.query(`${SELECT} WHERE "tenant_id" = $1 AND "shift_id" = $2 FOR UPDATE`, [tenantId, shiftId]);
    return rows.map(shiftOf)[0];
  }

  /** Shifts overlapping [fromMs, toMs), of the agents named (all when none), by agent and start. */
  async overlapping(manager: EntityManager, tenantId: string, agentIds: readonly string[], fromMs: number, toMs: number): Promise<AgentShift[]> {
    const rows: ShiftRow[] = await manager.query(
      `${SELECT} WHERE "tenant_id" = $1 AND (cardinality($2::text[]) = 0 OR "agent_id" = ANY($2::text[]))
          AND "starts_at" < to_timestamp($4 / 1000.0) AND "ends_at" > to_timestamp($3 / 1000.0)
        ORDER BY "agent_id", "starts_at", "shift_id"`,
      [tenantId, agentIds, fromMs, toMs],
    );
    return rows.map(shiftOf);
  }

  async save(manager: EntityManager, tenantId: string, shift: AgentShift): Promise<void> {
    await manager.query(
      `INSERT INTO "agent_shifts" ("tenant_id", "shift_id", "agent_id", "starts_at", "ends_at")
       VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0))
       ON CONFLICT ("tenant_id", "shift_id") DO UPDATE
         SET "agent_id" = excluded."agent_id", "starts_at" = excluded."starts_at", "ends_at" = excluded."ends_at", "updated_at" = now()`,
      [tenantId, shift.shiftId, shift.agentId, shift.startMs, shift.endMs],
    );
  }

  async delete(manager: EntityManager, tenantId: string, shiftId: string): Promise<void> {
    await manager.query(`DELETE FROM "agent_shifts" WHERE "tenant_id" = $1 AND "shift_id" = $2`, [tenantId, shiftId]);
  }
}
