import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelAccountWithSecrets } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import { ProviderError } from '../domain/channel.errors';
import { OutboundAddressPolicy } from '../domain/outbound-address.policy';
import { ApiChannelDriver } from './api/api-channel.driver';
import type { ChannelDriver } from './channel-driver.port';
import { GuardedFetchClient } from './guarded-fetch.client';
import { LineDriver } from './line/line.driver';
import { MessengerDriver } from './messenger/messenger.driver';
import { TwilioSmsDriver } from './sms/twilio-sms.driver';
import { TelegramDriver } from './telegram/telegram.driver';
import { WhatsAppCloudDriver } from './whatsapp/whatsapp-cloud.driver';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body: unknown };

/**
 * A local stand-in for each provider's REST API: it checks the documented request shape (path,
 * auth, content type, fields) and answers like the provider; anything else gets a 400.
 */
class ProviderStub {
  readonly seen: Seen[] = [];
  readonly queue: Answer[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly check: (request: Seen) => Answer) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
        this.seen.push(request);
        const answer = this.queue.shift() ?? this.check(request);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const bad = (why: string): Answer => ({ status: 400, body: { error: why } });
const json = (request: Seen) => JSON.parse(request.body) as Record<string, any>;

const account = (kind: ChannelKind, address: string, secrets: Record<string, string>, settings: Record<string, string> = {}): ChannelAccountWithSecrets => ({
  tenantId: 't1',
  workspaceId: 'w1',
  accountId: '00000000-0000-4000-8000-000000000001',
  kind,
  name: kind,
  address,
  routing: { defaultQueueId: 'q', rules: [] },
  rateLimitPerSecond: 0,
  disabled: false,
  settings,
  secretNames: Object.keys(secrets),
  secrets,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const retry = { attempts: 3, backoffMs: 5, timeoutMs: 2_000 };
/** The stubs listen on 127.0.0.1, which an operator would have to allow. */
const LOCAL = new GuardedFetchClient(new OutboundAddressPolicy(['127.0.0.1']));
const message = { to: '', text: 'Hello Somchai', attachments: [], idempotencyKey: 'key-0001' };

interface Case {
  readonly name: string;
  readonly stub: (request: Seen) => Answer;
  readonly driver: (url: string) => ChannelDriver;
  readonly account: (url: string) => ChannelAccountWithSecrets;
  readonly to: string;
  readonly providerId: string;
}

const cases: Case[] = [
  {
    name: 'Twilio Messages.json',
    stub: (r) => {
      if (r.method !== 'POST' || r.path !== '/2010-04-01/Accounts/AC123/Messages.json') return bad('path');
      if (r.headers.authorization !== `Basic ${Buffer.from('AC123:tok').toString('base64')}`) return bad('auth');
      if (!r.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return bad('content-type');
      const form = Object.fromEntries(new URLSearchParams(r.body));
      if (form.To !== '+66812345678' || form.From !== '+15005550006' || form.Body !== 'Hello Somchai') return bad('form');
      return { status: 201, body: { sid: 'SM42', status: 'queued' } };
    },
    driver: (url) => new TwilioSmsDriver(url, retry, LOCAL),
    account: () => account('sms', '+15005550006', { auth_token: 'tok' }, { account_sid: 'AC123' }),
    to: '+66812345678',
    providerId: 'SM42',
  },
  {
    name: 'WhatsApp Cloud API /messages',
    stub: (r) => {
      if (r.path !== '/v21.0/106540352242922/messages' || r.headers.authorization !== 'Bearer wa-token') return bad('path or auth');
      const b = json(r);
      if (b.messaging_product !== 'whatsapp' || b.to !== '66812345678' || b.type !== 'text' || b.text?.body !== 'Hello Somchai') return bad('body');
      return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: '66812345678', wa_id: '66812345678' }], messages: [{ id: 'wamid.42' }] } };
    },
    driver: (url) => new WhatsAppCloudDriver(url, retry, LOCAL),
    account: () => account('whatsapp', '106540352242922', { access_token: 'wa-token', app_secret: 's', verify_token: 'v' }),
    to: '66812345678',
    providerId: 'wamid.42',
  },
  {
    name: 'Messenger Send API',
    stub: (r) => {
      if (r.path !== '/v21.0/me/messages?access_token=page-token') return bad('path');
      const b = json(r);
      if (b.recipient?.id !== '6789012345' || b.messaging_type !== 'RESPONSE' || b.message?.text !== 'Hello Somchai') return bad('body');
      return { status: 200, body: { recipient_id: '6789012345', message_id: 'm_42' } };
    },
    driver: (url) => new MessengerDriver(url, retry, LOCAL),
    account: () => account('messenger', '1234567890', { page_access_token: 'page-token', app_secret: 's', verify_token: 'v' }),
    to: '6789012345',
    providerId: 'm_42',
  },
  {
    name: 'LINE push API with X-Line-Retry-Key',
    stub: (r) => {
      if (r.path !== '/v2/bot/message/push' || r.headers.authorization !== 'Bearer line-token' || r.headers['x-line-retry-key'] !== 'key-0001') return bad('path, auth or retry key');
      const b = json(r);
      if (b.to !== 'U4af4980629aabbccddeeff0011223344' || b.messages?.[0]?.type !== 'text' || b.messages[0].text !== 'Hello Somchai') return bad('body');
      return { status: 200, body: { sentMessages: [{ id: '461230966842064897', quoteToken: 'x' }] } };
    },
    driver: (url) => new LineDriver(url, retry, undefined, LOCAL),
    account: () => account('line', 'bot', { channel_access_token: 'line-token', channel_secret: 's' }),
    to: 'U4af4980629aabbccddeeff0011223344',
    providerId: '461230966842064897',
  },
  {
    name: 'Telegram sendMessage',
    stub: (r) => {
      if (r.path !== '/bot123:abc/sendMessage') return bad('path');
      const b = json(r);
      if (b.chat_id !== '1111111' || b.text !== 'Hello Somchai') return bad('body');
      return { status: 200, body: { ok: true, result: { message_id: 1366, chat: { id: 1111111 }, date: 1441645532, text: 'Hello Somchai' } } };
    },
    driver: (url) => new TelegramDriver(url, retry, LOCAL),
    account: () => account('telegram', 'cc_bot', { bot_token: '123:abc', secret_token: 's' }),
    to: '1111111',
    providerId: '1111111:1366',
  },
  {
    name: 'API channel callback',
    stub: (r) => {
      if (r.path !== '/hooks/replies' || r.headers['idempotency-key'] !== 'key-0001' || !String(r.headers['x-cc-signature-256']).startsWith('sha256=')) return bad('path or headers');
      const b = json(r);
      if (b.conversationKey !== 'phone:+380441234567' || b.text !== 'Hello Somchai') return bad('body');
      return { status: 202, body: { id: 'app-reply-42' } };
    },
    driver: () => new ApiChannelDriver(retry, LOCAL),
    account: (url) => account('api', 'bot', { api_token: 'tok' }, { callback_url: `${url}/hooks/replies` }),
    to: 'phone:+380441234567',
    providerId: 'app-reply-42',
  },
];

describe('outbound provider clients', () => {
  describe.each(cases)('$name', (c) => {
    let stub: ProviderStub;

    beforeEach(async () => {
      stub = new ProviderStub(c.stub);
      await stub.start();
    });
    afterEach(() => stub.close());

    it('sends the documented request and returns the provider id', async () => {
      await expect(c.driver(stub.url).send(c.account(stub.url), { ...message, to: c.to })).resolves.toEqual({ providerMessageId: c.providerId });
      expect(stub.seen).toHaveLength(1);
    });

    it('retries 429 and 5xx with the same request, then succeeds', async () => {
      stub.queue.push({ status: 503, body: {} }, { status: 429, body: {} });
      await expect(c.driver(stub.url).send(c.account(stub.url), { ...message, to: c.to })).resolves.toEqual({ providerMessageId: c.providerId });
      expect(stub.seen).toHaveLength(3);
      expect(new Set(stub.seen.map((s) => s.body)).size).toBe(1);
    });

    it('gives up at once on a 4xx, and after the attempts on 5xx', async () => {
      stub.queue.push({ status: 401, body: { error: 'bad token' } });
      await expect(c.driver(stub.url).send(c.account(stub.url), { ...message, to: c.to })).rejects.toMatchObject({ retryable: false });
      stub.queue.push({ status: 500, body: {} }, { status: 500, body: {} }, { status: 500, body: {} });
      const error = await c.driver(stub.url).send(c.account(stub.url), { ...message, to: c.to }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable: true });
      expect(stub.seen).toHaveLength(4);
    });
  });

  it('refuses an account pointed at an inward address without sending or retrying', async () => {
    const stub = new ProviderStub(() => ({ status: 200, body: { id: 'never' } }));
    await stub.start();
    try {
      const inward = account('api', 'bot', { api_token: 'tok' }, { callback_url: `${stub.url.replace('127.0.0.1', 'localhost')}/hooks/replies` });
      const metadata = account('api', 'bot', { api_token: 'tok' }, { callback_url: 'http://169.254.169.254/latest/meta-data/iam' });

      await expect(new ApiChannelDriver(retry, LOCAL).send(inward, { ...message, to: 'x' })).rejects.toMatchObject({ reason: 'fetch-target-forbidden' });
      await expect(new ApiChannelDriver(retry).send(metadata, { ...message, to: 'x' })).rejects.toThrow(/169\.254\.169\.254, a link-local address/);
      expect(stub.seen).toHaveLength(0);
    } finally {
      await stub.close();
    }
  });
});
