import { commonV1, historyV1 } from '@contactcenter/contracts';
import type { IdentityKind } from './domain/customer-identity';
import type { HistoryChannel, HistoryDirection } from './domain/interaction-record';

/** The proto enums onto the domain's names and back; UNSPECIFIED has none. */
export const CHANNELS: Readonly<Record<number, HistoryChannel>> = {
  [commonV1.Channel.CHANNEL_VOICE]: 'voice',
  [commonV1.Channel.CHANNEL_CHAT]: 'chat',
  [commonV1.Channel.CHANNEL_EMAIL]: 'email',
  [commonV1.Channel.CHANNEL_SMS]: 'sms',
  [commonV1.Channel.CHANNEL_SOCIAL]: 'social',
  [commonV1.Channel.CHANNEL_TASK]: 'task',
};

export const DIRECTIONS: Readonly<Record<number, HistoryDirection>> = {
  [commonV1.Direction.DIRECTION_INBOUND]: 'inbound',
  [commonV1.Direction.DIRECTION_OUTBOUND]: 'outbound',
};

export const IDENTITY_KINDS: Readonly<Record<number, IdentityKind>> = {
  [historyV1.IdentityKind.IDENTITY_KIND_PHONE]: 'phone',
  [historyV1.IdentityKind.IDENTITY_KIND_EMAIL]: 'email',
  [historyV1.IdentityKind.IDENTITY_KIND_WHATSAPP]: 'whatsapp',
  [historyV1.IdentityKind.IDENTITY_KIND_MESSENGER]: 'messenger',
  [historyV1.IdentityKind.IDENTITY_KIND_LINE]: 'line',
  [historyV1.IdentityKind.IDENTITY_KIND_TELEGRAM]: 'telegram',
  [historyV1.IdentityKind.IDENTITY_KIND_WEBCHAT]: 'webchat',
  [historyV1.IdentityKind.IDENTITY_KIND_EXTERNAL]: 'external',
};

export const invert = <T extends string>(table: Readonly<Record<number, T>>): Readonly<Record<T, number>> =>
  Object.fromEntries(Object.entries(table).map(([number, name]) => [name, Number(number)])) as Record<T, number>;
