/** The providers a channel account can belong to; one driver each. */
export const CHANNEL_KINDS = ['sms', 'whatsapp', 'messenger', 'line', 'telegram', 'api', 'email', 'webchat'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The platform-wide channel vocabulary routing, history and reporting share (common.v1.Channel). */
export type PlatformChannel = 'chat' | 'email' | 'sms' | 'social' | 'task';

const PLATFORM_CHANNEL: Record<ChannelKind, PlatformChannel> = {
  sms: 'sms',
  whatsapp: 'social',
  messenger: 'social',
  line: 'social',
  telegram: 'social',
  // Custom channels are bots and apps: conversational, so routed like chat.
  api: 'chat',
  email: 'email',
  webchat: 'chat',
};

export const platformChannelOf = (kind: ChannelKind): PlatformChannel => PLATFORM_CHANNEL[kind];

export function isChannelKind(value: string): value is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(value);
}
