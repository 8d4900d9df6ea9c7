import type { EntityManager } from 'typeorm';
import type { ChannelAccount, ChannelAccountWithSecrets } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import type { RoutingRule } from '../domain/routing-rules.policy';
import { secretContext, type SecretBox } from './secret-box';

interface AccountRow {
  tenant_id: string;
  account_id: string;
  workspace_id: string;
  kind: ChannelKind;
  name: string;
  address: string;
  default_queue_id: string;
  routing_rules: RoutingRule[];
  rate_limit_per_second: number;
  disabled: boolean;
  settings: Record<string, string>;
  secret_names: string[];
  secrets_ciphertext: Buffer;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `"tenant_id", "account_id", "workspace_id", "kind", "name", "address", "default_queue_id", "routing_rules",
  "rate_limit_per_second", "disabled", "settings", "secret_names", "created_at", "updated_at"`;

function accountOf(row: AccountRow): ChannelAccount {
  return {
    tenantId: row.tenant_id,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    kind: row.kind,
    name: row.name,
    address: row.address,
    routing: { defaultQueueId: row.default_queue_id, rules: row.routing_rules },
    rateLimitPerSecond: row.rate_limit_per_second,
    disabled: row.disabled,
    settings: row.settings,
    secretNames: row.secret_names,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Channel accounts of the transaction's tenant; secrets go in sealed and come out only through `getWithSecrets`. */
export class ChannelAccountRepository {
  constructor(private readonly box: SecretBox) {}

  async save(manager: EntityManager, account: ChannelAccount, secrets: Readonly<Record<string, string>>): Promise<void> {
    const sealed = this.box.seal(secrets, secretContext(account.tenantId, account.accountId));
    await manager.query(
      `INSERT INTO "channel_accounts" (${COLUMNS}, "secrets_ciphertext")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb, $12, $13, $14, $15)
       ON CONFLICT ("tenant_id", "account_id") DO UPDATE SET
         "name" = EXCLUDED."name", "address" = EXCLUDED."address", "default_queue_id" = EXCLUDED."default_queue_id",
         "routing_rules" = EXCLUDED."routing_rules", "rate_limit_per_second" = EXCLUDED."rate_limit_per_second",
         "disabled" = EXCLUDED."disabled", "settings" = EXCLUDED."settings", "secret_names" = EXCLUDED."secret_names",
         "secrets_ciphertext" = EXCLUDED."secrets_ciphertext", "updated_at" = EXCLUDED."updated_at"`,
      [
        account.tenantId,
        account.accountId,
        account.workspaceId,
        account.kind,
        account.name,
        account.address,
        account.routing.defaultQueueId,
        JSON.stringify(account.routing.rules),
        account.rateLimitPerSecond,
        account.disabled,
        JSON.stringify(account.settings),
        [...account.secretNames],
        account.createdAt,
        account.updatedAt,
        sealed,
      ],
    );
  }

  async get(manager: EntityManager, tenantId: string, accountId: string): Promise<ChannelAccount | undefined> {
    const rows: AccountRow[] = await manager.query(`SELECT ${COLUMNS} FROM "channel_accounts" WHERE "tenant_id" = $1 AND "account_id" = $2`, [tenantId, accountId]);
    return rows[0] && accountOf(rows[0]);
  }

  async getWithSecrets(manager: EntityManager, tenantId: string, accountId: string): Promise<ChannelAccountWithSecrets | undefined> {
    const rows: AccountRow[] = await manager.query(
      `SELECT ${COLUMNS}, "secrets_ciphertext" FROM "channel_accounts" WHERE "tenant_id" = $1 AND "account_id" = $2`,
      [tenantId, accountId],
    );
    if (!rows[0]) return undefined;
    return { ...accountOf(rows[0]), secrets: this.box.open(rows[0].secrets_ciphertext, secretContext(tenantId, accountId)) };
  }

  async list(manager: EntityManager, tenantId: string, kind?: ChannelKind): Promise<ChannelAccount[]> {
    const rows: AccountRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM "channel_accounts" WHERE "tenant_id" = $1 AND ($2::text IS NULL OR "kind" = $2) ORDER BY "name", "account_id"`,
      [tenantId, kind ?? null],
    );
    return rows.map(accountOf);
  }

  /** The tenant and account a public widget id or e-mail address belongs to: one of the two reads across tenants. */
  async byAddress(manager: EntityManager, kind: 'webchat' | 'email', address: string): Promise<{ tenantId: string; accountId: string } | undefined> {
    const rows: { tenant_id: string; account_id: string }[] = await manager.query(`SELECT "tenant_id", "account_id" FROM "channel_account_by_address"($1, $2)`, [kind, address]);
    return rows[0] && { tenantId: rows[0].tenant_id, accountId: rows[0].account_id };
  }

  /** Enabled accounts of a kind in every tenant (ids only), e.g. the mailboxes to poll. */
  async idsOfKind(manager: EntityManager, kind: ChannelKind): Promise<{ tenantId: string; accountId: string }[]> {
    const rows: { tenant_id: string; account_id: string }[] = await manager.query(`SELECT "tenant_id", "account_id" FROM "channel_accounts_by_kind"($1)`, [kind]);
    return rows.map((row) => ({ tenantId: row.tenant_id, accountId: row.account_id }));
  }

  async delete(manager: EntityManager, tenantId: string, accountId: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM "channel_accounts" WHERE "tenant_id" = $1 AND "account_id" = $2`, [tenantId, accountId]);
    return count > 0;
  }
}
