/** Channels a work item can arrive on; the same vocabulary as `contactcenter.common.v1.Channel`. */
export const CHANNELS = ['voice', 'chat', 'email', 'sms', 'social', 'task'] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A value per channel, every channel present, for hot-path arithmetic without lookups of absent keys. */
export type PerChannel<T> = Record<Channel, T>;

export function perChannel<T>(valueOf: (channel: Channel) => T): PerChannel<T> {
  return {
    voice: valueOf('voice'),
    chat: valueOf('chat'),
    email: valueOf('email'),
    sms: valueOf('sms'),
    social: valueOf('social'),
    task: valueOf('task'),
  };
}
