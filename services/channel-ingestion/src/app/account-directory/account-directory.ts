import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { ChannelAccountRepository } from '../../persistence/channel-account.repository';

interface Entry {
  readonly account: ChannelAccountWithSecrets | undefined;
  readonly expiresAtMs: number;
}

/**
 * Accounts with their decrypted secrets for the webhook hot path, cached briefly: an update on
 * this instance evicts at once, other instances see it within the TTL. Unknown accounts are
 * cached too (shorter), so a flood of bad URLs does not reach the database.
 */
export class AccountDirectory {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: ChannelAccountRepository,
    private readonly ttlMs = 10_000,
    private readonly negativeTtlMs = 1_000,
    private readonly maxEntries = 50_000,
  ) {}

  async find(tenantId: string, accountId: string, nowMs: number): Promise<ChannelAccountWithSecrets | undefined> {
    const key = `${tenantId}/${accountId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAtMs > nowMs) return hit.account;
    const account = await withTenantTransaction(this.dataSource, (manager) => this.accounts.getWithSecrets(manager, tenantId, accountId), { workspaceId: '', tenantId });
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, { account, expiresAtMs: nowMs + (account ? this.ttlMs : this.negativeTtlMs) });
    return account;
  }

  evict(tenantId: string, accountId: string): void {
    this.cache.delete(`${tenantId}/${accountId}`);
  }
}
