import type { EntityManager } from 'typeorm';

/** The SIP account a phone registered as (from `telephony_resolve_sip_account`). */
export interface RegisteredAccount {
  readonly tenantId: string;
  readonly workspaceId: string;
  readonly agentId: string;
  readonly sipUsername: string;
}

export interface RegisteredContact {
  readonly contact: string;
  readonly expiresAt: Date;
  readonly q: number;
  readonly sipCallId: string;
  readonly cseq: number;
}

/**
 * Agent phones' registered contacts in Postgres, so every pod finds them. Runs inside the
 * caller's tenant transaction (RLS scopes it). Time is passed in: a contact is live while
 * `expires_at` is after the given instant.
 */
export class RegistrationRepository {
  /**
   * The username's contacts become what its latest REGISTER left (an empty list unregisters),
   * and the tenant's expired contacts go.
   */
  async replace(manager: EntityManager, account: RegisteredAccount, contacts: readonly RegisteredContact[], now: Date): Promise<void> {
    await manager.query(`DELETE FROM "telephony_registrations" WHERE "tenant_id" = $1 AND ("sip_username" = $2 OR "expires_at" <= $3)`, [account.tenantId, account.sipUsername, now]);
    const live = contacts.filter((c) => c.expiresAt > now);
    if (live.length === 0) return;
    await manager.query(
      `INSERT INTO "telephony_registrations" ("tenant_id", "sip_username", "contact", "workspace_id", "agent_id", "expires_at", "q", "sip_call_id", "cseq", "registered_at")
       SELECT $1, $2, c.contact, $3, $4, c.expires_at, c.q, c.sip_call_id, c.cseq, $5
       FROM unnest($6::text[], $7::timestamptz[], $8::real[], $9::text[], $10::integer[]) AS c(contact, expires_at, q, sip_call_id, cseq)`,
      [
        account.tenantId,
        account.sipUsername,
        account.workspaceId,
        account.agentId,
        now,
        live.map((c) => c.contact),
        live.map((c) => c.expiresAt),
        live.map((c) => c.q),
        live.map((c) => c.sipCallId),
        live.map((c) => c.cseq),
      ],
    );
  }

  /** The agent's preferred live contact: highest q, then the latest registered. */
  async contactOf(manager: EntityManager, tenantId: string, agentId: string, now: Date): Promise<string | undefined> {
    const rows: { contact: string }[] = await manager.query(
      `SELECT "contact" FROM "telephony_registrations" WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "expires_at" > $3
       ORDER BY "q" DESC, "registered_at" DESC LIMIT 1`,
      [tenantId, agentId, now],
    );
    return rows[0]?.contact;
  }
}
