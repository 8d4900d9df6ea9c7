import { commonV1 } from '@contactcenter/contracts';
import { type ChannelKind, platformChannelOf } from '../domain/channel-kind';

const CHANNEL: Record<ReturnType<typeof platformChannelOf>, commonV1.Channel> = {
  chat: commonV1.Channel.CHANNEL_CHAT,
  email: commonV1.Channel.CHANNEL_EMAIL,
  sms: commonV1.Channel.CHANNEL_SMS,
  social: commonV1.Channel.CHANNEL_SOCIAL,
  task: commonV1.Channel.CHANNEL_TASK,
};

/** The platform channel events carry for an account kind. */
export const eventChannelOf = (kind: ChannelKind): commonV1.Channel => CHANNEL[platformChannelOf(kind)];
