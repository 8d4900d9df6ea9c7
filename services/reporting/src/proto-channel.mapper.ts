import { commonV1 } from '@contactcenter/contracts';
import type { ContactChannel } from './domain/kpi/contact-facts';

/** The proto Channel enum onto the domain's channel names; UNSPECIFIED has none. */
export const PROTO_CHANNELS: Readonly<Record<number, ContactChannel>> = {
  [commonV1.Channel.CHANNEL_VOICE]: 'voice',
  [commonV1.Channel.CHANNEL_CHAT]: 'chat',
  [commonV1.Channel.CHANNEL_EMAIL]: 'email',
  [commonV1.Channel.CHANNEL_SMS]: 'sms',
  [commonV1.Channel.CHANNEL_SOCIAL]: 'social',
  [commonV1.Channel.CHANNEL_TASK]: 'task',
};
