import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import { CONTACT_CHANNELS, type ContactChannel, type ContactFacts } from './contact-facts';
import { requireKpiInput } from './kpi-input.error';
import type { KpiSettings } from './kpi-settings';

export interface FirstResponseChannelSums {
  readonly responded: number;
  readonly responseMs: number;
  readonly slaHits: number;
  readonly slaMisses: number;
}

export type FirstResponseSums = Readonly<Record<ContactChannel, FirstResponseChannelSums>>;

export interface FirstResponseFigures {
  readonly averageFirstResponseMs: number | null;
  /** Hits / (hits + misses); null where no SLA applies. */
  readonly slaHitRate: number | null;
}

export interface FirstResponseReading {
  readonly byChannel: Readonly<Record<ContactChannel, FirstResponseFigures>>;
  readonly allChannels: FirstResponseFigures;
}

/**
 * First response time of digital contacts: customer's first message to the first agent reply,
 * with an SLA hit when the reply came within the channel's policy. Contacts closed without a
 * reply have no response time; they show in abandonment instead.
 */
export class FirstResponseKpi implements AdditiveKpi<ContactFacts, FirstResponseSums, FirstResponseReading> {
  constructor(private readonly settings: KpiSettings) {}

  empty(): FirstResponseSums {
    return channelRecord(() => ({ responded: 0, responseMs: 0, slaHits: 0, slaMisses: 0 }));
  }

  add(sums: FirstResponseSums, contact: ContactFacts): FirstResponseSums {
    const { contactId, channel, firstCustomerMessageAt, firstAgentReplyAt } = contact;
    if (firstCustomerMessageAt === undefined || firstAgentReplyAt === undefined) return sums;
    const responseMs = firstAgentReplyAt - firstCustomerMessageAt;
    requireKpiInput(responseMs >= 0, `contact ${contactId}: agent replied before the customer wrote`);
    const sla = this.settings.firstResponseSlaMsByChannel[channel];
    const hit = sla !== undefined && responseMs <= sla ? 1 : 0;
    const miss = sla !== undefined && responseMs > sla ? 1 : 0;
    return { ...sums, [channel]: addCounters(sums[channel], { responded: 1, responseMs, slaHits: hit, slaMisses: miss }) };
  }

  merge(a: FirstResponseSums, b: FirstResponseSums): FirstResponseSums {
    return channelRecord((channel) => addCounters(a[channel], b[channel]));
  }

  read(sums: FirstResponseSums): FirstResponseReading {
    const total = CONTACT_CHANNELS.map((channel) => sums[channel]).reduce((a, b) => addCounters(a, b));
    return { byChannel: channelRecord((channel) => figures(sums[channel])), allChannels: figures(total) };
  }
}

function figures(sums: FirstResponseChannelSums): FirstResponseFigures {
  return {
    averageFirstResponseMs: ratio(sums.responseMs, sums.responded),
    slaHitRate: ratio(sums.slaHits, sums.slaHits + sums.slaMisses),
  };
}

function channelRecord<T>(valueOf: (channel: ContactChannel) => T): Record<ContactChannel, T> {
  return Object.fromEntries(CONTACT_CHANNELS.map((channel) => [channel, valueOf(channel)])) as Record<ContactChannel, T>;
}
