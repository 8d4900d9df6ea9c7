import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { type ChannelAccount, REQUIRED_SECRETS } from '../../domain/channel-account';
import type { ChannelKind } from '../../domain/channel-kind';
import { ChannelConflictError, ChannelNotFoundError, InvalidChannelRequestError } from '../../domain/channel.errors';
import { checkRoutingRules, type RoutingRules } from '../../domain/routing-rules.policy';
import { emailAccountSettings } from '../../drivers/email/email-account.settings';
import type { ChannelAccountRepository } from '../../persistence/channel-account.repository';
import type { AccountDirectory } from '../account-directory/account-directory';

export interface ChannelAccountInput {
  readonly kind: ChannelKind;
  readonly name: string;
  readonly address: string;
  readonly routing: RoutingRules;
  readonly rateLimitPerSecond: number;
  readonly disabled: boolean;
  readonly settings: Readonly<Record<string, string>>;
  /** On update: an empty value removes the secret, an absent name keeps it. */
  readonly secrets: Readonly<Record<string, string>>;
}

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_SETTING = 2_048;

function checkInput(input: ChannelAccountInput): void {
  if (!input.name.trim() || input.name.length > 200) throw new InvalidChannelRequestError('name-invalid', 'a channel account name is 1 to 200 characters');
  if (!input.address.trim() || input.address.length > 320) throw new InvalidChannelRequestError('address-invalid', 'the provider address is 1 to 320 characters');
  if (!Number.isInteger(input.rateLimitPerSecond) || input.rateLimitPerSecond < 0 || input.rateLimitPerSecond > 100_000) {
    throw new InvalidChannelRequestError('rate-limit-invalid', 'rate_limit_per_second is 0..100000');
  }
  for (const [name, value] of [...Object.entries(input.settings), ...Object.entries(input.secrets)]) {
    if (!NAME.test(name)) throw new InvalidChannelRequestError('setting-name-invalid', `${JSON.stringify(name)} is not a lower_snake_case name`);
    if (value.length > MAX_SETTING) throw new InvalidChannelRequestError('setting-too-long', `${name} is over ${MAX_SETTING} characters`);
  }
  checkRoutingRules(input.routing);
}

const WIDGET_ID = /^[A-Za-z0-9_-]{1,64}$/;

function checkWebChat(address: string, settings: Readonly<Record<string, string>>): void {
  if (!WIDGET_ID.test(address)) throw new InvalidChannelRequestError('widget-id-invalid', 'a web-chat address is its public widget id: 1 to 64 of A-Z a-z 0-9 _ -');
  const unknown = Object.keys(settings).filter((key) => key !== 'allowed_origins');
  if (unknown.length > 0) throw new InvalidChannelRequestError('webchat-settings-invalid', `unknown settings: ${unknown.join(', ')}`);
  for (const origin of (settings.allowed_origins ?? '').split(/[\s,]+/).filter(Boolean)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new InvalidChannelRequestError('webchat-settings-invalid', `${JSON.stringify(origin)} is not an origin like https://shop.example`);
    }
  }
}

function checkSecrets(kind: ChannelKind, address: string, settings: Readonly<Record<string, string>>, secrets: Readonly<Record<string, string>>): void {
  const missing = REQUIRED_SECRETS[kind].filter((name) => !secrets[name]);
  if (missing.length > 0) throw new InvalidChannelRequestError('secret-missing', `a ${kind} account needs ${missing.join(', ')}`);
  if (kind === 'webchat') checkWebChat(address.trim(), settings);
  if (kind === 'email') emailAccountSettings({ address, settings, secrets });
}

/** A widget id or e-mail address another account (of any tenant) already uses. */
async function uniqueAddress<T>(address: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'channel_accounts_public_address') {
      throw new ChannelConflictError('address-taken', `${address} is already used by another channel account`);
    }
    throw error;
  }
}

/** Administrators' CRUD of channel accounts; the result never carries secret values. */
export class ManageChannelAccountsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: ChannelAccountRepository,
    private readonly directory: AccountDirectory,
  ) {}

  async create(tenantId: string, workspaceId: string, input: ChannelAccountInput, now: Date): Promise<ChannelAccount> {
    checkInput(input);
    const secrets = Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v !== ''));
    checkSecrets(input.kind, input.address, input.settings, secrets);
    const account: ChannelAccount = {
      tenantId,
      workspaceId,
      accountId: randomUUID(),
      kind: input.kind,
      name: input.name.trim(),
      address: input.address.trim(),
      routing: input.routing,
      rateLimitPerSecond: input.rateLimitPerSecond,
      disabled: input.disabled,
      settings: input.settings,
      secretNames: Object.keys(secrets).sort(),
      createdAt: now,
      updatedAt: now,
    };
    await uniqueAddress(account.address, () => withTenantTransaction(this.dataSource, (manager) => this.accounts.save(manager, account, secrets)));
    return account;
  }

  async update(tenantId: string, accountId: string, input: ChannelAccountInput, now: Date): Promise<ChannelAccount> {
    checkInput(input);
    const updated = await uniqueAddress(input.address.trim(), () => withTenantTransaction(this.dataSource, async (manager) => {
      const current = await this.accounts.getWithSecrets(manager, tenantId, accountId);
      if (!current) throw new ChannelNotFoundError('channel-account', accountId);
      if (current.kind !== input.kind) throw new InvalidChannelRequestError('kind-immutable', `the account is ${current.kind}; create a new account for another kind`);
      const { secrets: currentSecrets, ...base } = current;
      const secrets: Record<string, string> = { ...currentSecrets };
      for (const [name, value] of Object.entries(input.secrets)) {
        if (value === '') delete secrets[name];
        else secrets[name] = value;
      }
      checkSecrets(current.kind, input.address, input.settings, secrets);
      const account: ChannelAccount = {
        ...base,
        name: input.name.trim(),
        address: input.address.trim(),
        routing: input.routing,
        rateLimitPerSecond: input.rateLimitPerSecond,
        disabled: input.disabled,
        settings: input.settings,
        secretNames: Object.keys(secrets).sort(),
        updatedAt: now,
      };
      await this.accounts.save(manager, account, secrets);
      return account;
    }));
    this.directory.evict(tenantId, accountId);
    return updated;
  }

  async get(tenantId: string, accountId: string): Promise<ChannelAccount> {
    const account = await withTenantTransaction(this.dataSource, (manager) => this.accounts.get(manager, tenantId, accountId));
    if (!account) throw new ChannelNotFoundError('channel-account', accountId);
    return account;
  }

  list(tenantId: string, kind?: ChannelKind): Promise<ChannelAccount[]> {
    return withTenantTransaction(this.dataSource, (manager) => this.accounts.list(manager, tenantId, kind));
  }

  async delete(tenantId: string, accountId: string): Promise<void> {
    const deleted = await withTenantTransaction(this.dataSource, (manager) => this.accounts.delete(manager, tenantId, accountId));
    this.directory.evict(tenantId, accountId);
    if (!deleted) throw new ChannelNotFoundError('channel-account', accountId);
  }
}
