/** Channels a work item can arrive on; the same vocabulary as `contactcenter.common.v1.Channel`. */
export const CHANNELS = ['voice', 'chat', 'email', 'sms', 'social', 'task'] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A value per channel, every channel present: the shape snapshots use. */
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

/** A channel's position in CHANNELS. Per-channel state on hot paths lives in arrays indexed by it. */
export type ChannelIndex = number;

export const VOICE: ChannelIndex = CHANNELS.indexOf('voice');

// A Map rather than an object: a keyed read of an object by ever-changing keys is megamorphic.
const indexes = new Map<string, ChannelIndex>(CHANNELS.map((channel, index) => [channel, index]));

export function channelIndex(channel: Channel): ChannelIndex {
  return indexes.get(channel)!;
}

/** One value per channel, indexed by ChannelIndex. */
export function perChannelArray<T>(valueOf: (channel: Channel) => T): T[] {
  return CHANNELS.map(valueOf);
}
