import type { ChannelKind } from './channel-kind';
import type { RoutingRules } from './routing-rules.policy';

/** A tenant's presence on one provider, as administrators see it (secrets by name only). */
export interface ChannelAccount {
  readonly tenantId: string;
  /** The workspace that staffs this tenant's work: the partition key of its interactions. */
  readonly workspaceId: string;
  readonly accountId: string;
  readonly kind: ChannelKind;
  readonly name: string;
  readonly address: string;
  readonly routing: RoutingRules;
  readonly rateLimitPerSecond: number;
  readonly disabled: boolean;
  readonly settings: Readonly<Record<string, string>>;
  readonly secretNames: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The account with its decrypted secrets: for drivers only, never for the API. */
export interface ChannelAccountWithSecrets extends ChannelAccount {
  readonly secrets: Readonly<Record<string, string>>;
}

/** The secrets each kind needs before it can verify webhooks and send. */
export const REQUIRED_SECRETS: Record<ChannelKind, readonly string[]> = {
  sms: ['auth_token'],
  whatsapp: ['app_secret', 'access_token', 'verify_token'],
  messenger: ['app_secret', 'page_access_token', 'verify_token'],
  line: ['channel_secret', 'channel_access_token'],
  telegram: ['bot_token', 'secret_token'],
  api: ['api_token'],
  email: [],
  webchat: [],
};
