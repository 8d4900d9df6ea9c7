import type { ChannelKind } from '../domain/channel-kind';
import { ChannelNotFoundError } from '../domain/channel.errors';
import { ApiChannelDriver } from './api/api-channel.driver';
import type { ChannelDriver } from './channel-driver.port';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from './guarded-fetch.client';
import { LineDriver } from './line/line.driver';
import { MessengerDriver } from './messenger/messenger.driver';
import type { RetryOptions } from './provider-http.client';
import { TwilioSmsDriver } from './sms/twilio-sms.driver';
import { TelegramDriver } from './telegram/telegram.driver';
import { WhatsAppCloudDriver } from './whatsapp/whatsapp-cloud.driver';

/** Provider API base URLs; tests and private gateways point them elsewhere. */
export interface ProviderEndpoints {
  readonly twilio?: string;
  readonly graph?: string;
  readonly line?: string;
  /** LINE's content host (message media), https://api-data.line.me. */
  readonly lineData?: string;
  readonly telegram?: string;
}

/** One driver per provider kind; email and web chat register theirs through `extra`. */
export class DriverRegistry {
  private readonly drivers = new Map<ChannelKind, ChannelDriver>();

  constructor(endpoints: ProviderEndpoints = {}, retry?: RetryOptions, extra: readonly ChannelDriver[] = [], media: GuardedFetchClient = PUBLIC_ONLY_FETCH) {
    for (const driver of [
      new TwilioSmsDriver(endpoints.twilio, retry, media),
      new WhatsAppCloudDriver(endpoints.graph, retry, media),
      new MessengerDriver(endpoints.graph, retry, media),
      new LineDriver(endpoints.line, retry, endpoints.lineData, media),
      new TelegramDriver(endpoints.telegram, retry, media),
      new ApiChannelDriver(retry, media),
      ...extra,
    ]) {
      this.drivers.set(driver.kind, driver);
    }
  }

  get(kind: ChannelKind): ChannelDriver {
    const driver = this.drivers.get(kind);
    if (!driver) throw new ChannelNotFoundError('driver', kind);
    return driver;
  }

  has(kind: ChannelKind): boolean {
    return this.drivers.has(kind);
  }
}
