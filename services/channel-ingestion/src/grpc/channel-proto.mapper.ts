import { channelAdminV1, type Timestamp } from '@contactcenter/contracts';
import type { ManageChannelAccountsUseCase } from '../app/manage-channel-accounts/manage-channel-accounts.use-case';
import type { ChannelAccount } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import { InvalidChannelRequestError } from '../domain/channel.errors';
import { webhookPath } from '../http/webhook.controller';
import type { MessageTemplate } from '../persistence/template.repository';

type AccountInput = Parameters<ManageChannelAccountsUseCase['create']>[2];

const { ChannelKind: K } = channelAdminV1;
const KINDS: [channelAdminV1.ChannelKind, ChannelKind][] = [
  [K.CHANNEL_KIND_SMS, 'sms'],
  [K.CHANNEL_KIND_WHATSAPP, 'whatsapp'],
  [K.CHANNEL_KIND_MESSENGER, 'messenger'],
  [K.CHANNEL_KIND_LINE, 'line'],
  [K.CHANNEL_KIND_TELEGRAM, 'telegram'],
  [K.CHANNEL_KIND_API, 'api'],
  [K.CHANNEL_KIND_EMAIL, 'email'],
  [K.CHANNEL_KIND_WEB_CHAT, 'webchat'],
];
const KIND_OF = new Map(KINDS);
const PROTO_KIND_OF = new Map(KINDS.map(([p, k]) => [k, p]));

export const timestamp = (date: Date): Timestamp => ({ seconds: Math.floor(date.getTime() / 1000), nanos: (date.getTime() % 1000) * 1_000_000 });

/** proto-loader hands int64 seconds over as a Long or string unless loaded with `longs: Number`. */
export function dateOf(value: Timestamp | undefined): Date | undefined {
  if (!value) return undefined;
  return new Date(Number(String(value.seconds ?? 0)) * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000));
}

/** The enum arrives as its number or, with `enums: String`, its name. */
export function kindOf(value: channelAdminV1.ChannelKind | string | undefined): ChannelKind | undefined {
  const number = typeof value === 'string' ? K[value as keyof typeof K] : value;
  return number === undefined ? undefined : KIND_OF.get(number as channelAdminV1.ChannelKind);
}

export function accountInputOf(input: channelAdminV1.ChannelAccountInput | undefined): AccountInput {
  if (!input) throw new InvalidChannelRequestError('account-missing', 'account is required');
  const kind = kindOf(input.kind);
  if (!kind) throw new InvalidChannelRequestError('kind-invalid', 'kind must name a channel kind');
  return {
    kind,
    name: input.name ?? '',
    address: input.address ?? '',
    routing: {
      defaultQueueId: input.defaultQueueId ?? '',
      rules: (input.routingRules ?? []).map((r) => ({ queueId: r.queueId ?? '', textContains: r.textContains ?? '', senderPrefix: r.senderPrefix ?? '', priority: r.priority ?? 0 })),
    },
    rateLimitPerSecond: input.rateLimitPerSecond ?? 0,
    disabled: input.disabled ?? false,
    settings: { ...(input.settings ?? {}) },
    secrets: { ...(input.secrets ?? {}) },
  };
}

export function accountMessage(account: ChannelAccount): channelAdminV1.ChannelAccount {
  return {
    accountId: account.accountId,
    kind: PROTO_KIND_OF.get(account.kind) ?? K.CHANNEL_KIND_UNSPECIFIED,
    name: account.name,
    address: account.address,
    defaultQueueId: account.routing.defaultQueueId,
    routingRules: account.routing.rules.map((r) => ({ ...r })),
    rateLimitPerSecond: account.rateLimitPerSecond,
    disabled: account.disabled,
    settings: { ...account.settings },
    secretNames: [...account.secretNames],
    webhookPath: webhookPath(account.kind, account.tenantId, account.accountId),
    createdAt: timestamp(account.createdAt),
    updatedAt: timestamp(account.updatedAt),
  };
}

export function templateMessage(template: MessageTemplate): channelAdminV1.Template {
  return {
    templateId: template.templateId,
    name: template.name,
    body: template.body,
    variables: [...template.variables],
    createdAt: timestamp(template.createdAt),
    updatedAt: timestamp(template.updatedAt),
  };
}
