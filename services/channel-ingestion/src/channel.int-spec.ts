import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { channelAdminV1, Events, messagingV1, toTimestamp, Topics } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { createTestDatabase, migrateAndConnect, newTenant, newUser, stackEndpoints, type TestDatabase, type TestUser, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { ChannelModule } from './channel.module';
import { DEFAULT_MESSAGE_LIMITS } from './domain/normalized-message';
import { CHANNEL_MIGRATIONS } from './persistence/channel.migrations';
import { startChannelGrpcHost } from './testing/channel-grpc.host';
import { ProviderMediaServer } from './testing/provider-media.server';
import { hubSign, lineInbound, lineSign, messengerInbound, messengerRead, telegramInbound, twilioInbound, twilioSign, twilioStatus, whatsappInbound } from './testing/provider-payloads';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = (request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void;
type AnyClient = grpc.Client & Record<string, Rpc>;

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const { ChannelKind: K } = channelAdminV1;
const SMS_NUMBER = '+15005550006';

/** A stand-in provider API that records what it was sent and answers like the provider. */
class FakeProvider {
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  failNext = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(503).end('{"message":"try later"}');
          return;
        }
        // Twilio's answer, plus the Graph Send API's message_id for Messenger replies.
        const id = randomUUID().replace(/-/g, '');
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${id}`, status: 'queued', message_id: `m_${id}` }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// Real Postgres (as cc_app, RLS forced), real Kafka (outbox relay out, routing events in),
// real Keycloak users; HTTP webhooks and gRPC as providers and agents use them.
describe(ChannelModule.name, () => {
  const scope = newTenant();
  const other = newTenant();
  let admin: TestUser;
  let agent: TestUser;
  let integration: TestUser;
  let otherAdmin: TestUser;
  let db: TestDatabase;
  let dataSource: DataSource;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let adminClient: AnyClient;
  let messaging: AnyClient;
  let base: string;
  let provider: FakeProvider;
  let subscription: Subscription;
  const seen: ConsumedEvent[] = [];
  const accounts: Record<string, string> = {};
  // Routing's events arrive on a topic of this run only: the shared one holds every earlier run's.
  const interactionTopic = uniqueTopic('channels-spec-interactions');

  const metadata = async (user: TestUser, tenantId = scope.tenantId) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${await user.token()}`);
    m.set('x-tenant-id', tenantId);
    return m;
  };
  const call = async <T = any>(client: AnyClient, method: string, request: unknown, user: TestUser = admin, tenantId = scope.tenantId): Promise<T> => {
    const m = await metadata(user, tenantId);
    return new Promise<T>((resolve, reject) => client[method](request, m, (e, r) => (e ? reject(e) : resolve(r))));
  };
  const failure = (client: AnyClient, method: string, request: unknown, user: TestUser = admin, tenantId = scope.tenantId) =>
    call(client, method, request, user, tenantId).then(
      () => {
        throw new Error(`${method} succeeded`);
      },
      (error: grpc.ServiceError) => error,
    );

  const smsPath = () => `/webhooks/sms/${scope.tenantId}/${accounts.sms}`;
  async function postSms(form: Record<string, string>, options: { path?: string; token?: string; signature?: string } = {}) {
    const path = options.path ?? smsPath();
    const signature = options.signature ?? twilioSign(options.token ?? 'twilio-auth-token', `${base}${path}`, form);
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(form).toString() });
  }
  async function postJson(path: string, body: string, headers: Record<string, string>) {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }
  async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  async function adminQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: db.url('admin') });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const eventOf = (type: string, predicate: (payload: any) => boolean) => () => {
    const definition = Object.values(Events).find((d) => d.type === type)!;
    const found = seen.find((e) => e.type === type && e.tenantId === scope.tenantId && predicate(definition.codec.decode(e.payload)));
    return found && (definition.codec.decode(found.payload) as any);
  };

  beforeAll(async () => {
    // One at a time: Keycloak refuses to create a workspace's organization twice at once.
    admin = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['tenant-admin'] });
    agent = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['agent'] });
    integration = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['integration'] });
    otherAdmin = await newUser({ workspaceId: other.workspaceId, tenants: [other.tenantId], roles: ['tenant-admin'] });
    db = await createTestDatabase('channels');
    dataSource = await migrateAndConnect(db, CHANNEL_MIGRATIONS);
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'channels-spec', logger: quiet });
    subscription = await bus.subscribe({
      groupId: uniqueGroup('channels-spec-observer'),
      topics: [Topics.message, Topics.interaction],
      fromBeginning: false,
      handler: async (event) => {
        if (event.tenantId === scope.tenantId) seen.push(event);
      },
    });
    provider = new FakeProvider();
    await provider.start();

    const host = await startChannelGrpcHost('channels-spec', {
      dataSource,
      eventBus: bus,
      secretsKey: 'spec-secrets-key-of-at-least-32-characters',
      consumerGroup: uniqueGroup('channels'),
      interactionTopic,
      relayDatabaseUrl: db.url('relay'),
      maxWebhookBytes: 64 * 1024,
      limits: { ...DEFAULT_MESSAGE_LIMITS, maxAttachmentBytes: 64 * 1024 },
      retry: { attempts: 3, backoffMs: 10, timeoutMs: 5_000 },
      // The provider stand-ins listen on 127.0.0.1; any other private or loopback name stays refused.
      fetchAllowPrivateHosts: ['127.0.0.1'],
    });
    app = host.app;
    base = host.baseUrl;
    adminClient = host.client<AnyClient>('ChannelAdminService');
    messaging = host.client<AnyClient>('MessagingService');

    const create = async (key: string, account: object) => {
      accounts[key] = (await call(adminClient, 'CreateChannelAccount', { account })).account.accountId;
    };
    await create('sms', {
      kind: K.CHANNEL_KIND_SMS,
      name: 'Support SMS',
      address: SMS_NUMBER,
      defaultQueueId: 'sms-support',
      routingRules: [{ queueId: 'billing', textContains: 'invoice', priority: 5 }],
      rateLimitPerSecond: 1000,
      settings: { account_sid: 'AC00000000000000000000000000000000', api_base_url: provider.url },
      secrets: { auth_token: 'twilio-auth-token' },
    });
    await create('whatsapp', { kind: K.CHANNEL_KIND_WHATSAPP, name: 'WA', address: '106540352242922', defaultQueueId: 'social', secrets: { app_secret: 'meta-app-secret', access_token: 'wa-token', verify_token: 'wa-verify' } });
    await create('messenger', { kind: K.CHANNEL_KIND_MESSENGER, name: 'Page', address: '1234567890', defaultQueueId: 'social', secrets: { app_secret: 'meta-app-secret-2', page_access_token: 'page-token', verify_token: 'fb-verify' } });
    await create('line', { kind: K.CHANNEL_KIND_LINE, name: 'LINE', address: 'U0123456789abcdef0123456789abcdef', defaultQueueId: 'social', secrets: { channel_secret: 'line-secret', channel_access_token: 'line-token' } });
    await create('telegram', { kind: K.CHANNEL_KIND_TELEGRAM, name: 'Bot', address: 'cc_bot', defaultQueueId: 'social', secrets: { bot_token: '123:abc', secret_token: 'tg-secret-token' } });
    await create('api', { kind: K.CHANNEL_KIND_API, name: 'Bot API', address: 'bot', defaultQueueId: 'bots', secrets: { api_token: 'api-channel-token' } });
    await create('limited', { kind: K.CHANNEL_KIND_API, name: 'Limited', address: 'slow', defaultQueueId: 'bots', rateLimitPerSecond: 1, secrets: { api_token: 'limited-token' } });
  });

  it('migrates down and up again', async () => {
    const scratch = await createTestDatabase('channels_down');
    const owner = new DataSource({ type: 'postgres', url: scratch.url('owner'), migrations: CHANNEL_MIGRATIONS });
    await owner.initialize();
    try {
      await owner.runMigrations();
      await owner.undoLastMigration();
      expect((await owner.query(`SELECT to_regclass('webchat_visitors') AS t`))[0].t).toBeNull();
      await owner.undoLastMigration();
      expect((await owner.query(`SELECT to_regclass('messages') AS t`))[0].t).toBeNull();
      await owner.runMigrations();
      const sealed = await owner.query(`SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY($1)`, [
        ['channel_accounts', 'conversations', 'messages', 'message_attachments', 'delivery_statuses', 'message_templates', 'webchat_visitors', 'email_messages', 'imap_cursors'],
      ]);
      expect(sealed).toHaveLength(9);
    } finally {
      await owner.destroy();
      await scratch.drop();
    }
  });

  afterAll(async () => {
    adminClient?.close();
    messaging?.close();
    await subscription?.close();
    await app?.close();
    await bus?.close();
    await provider?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  describe('channel accounts', () => {
    it('returns secret names, never their values, and stores them encrypted', async () => {
      const { account } = await call(adminClient, 'GetChannelAccount', { accountId: accounts.sms });
      expect(account).toMatchObject({ name: 'Support SMS', secretNames: ['auth_token'], webhookPath: smsPath() });
      expect(JSON.stringify(account)).not.toContain('twilio-auth-token');
      const rows = await adminQuery<{ secrets_ciphertext: Buffer }>('SELECT secrets_ciphertext FROM channel_accounts WHERE account_id = $1', [accounts.sms]);
      expect(rows[0].secrets_ciphertext.toString('latin1')).not.toContain('twilio-auth-token');
    });

    it('refuses other roles, other tenants and missing secrets', async () => {
      expect((await failure(adminClient, 'CreateChannelAccount', { account: { kind: K.CHANNEL_KIND_SMS } }, agent)).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await failure(adminClient, 'GetChannelAccount', { accountId: accounts.sms }, admin, other.tenantId)).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await failure(adminClient, 'GetChannelAccount', { accountId: accounts.sms }, otherAdmin, other.tenantId)).code).toBe(grpc.status.NOT_FOUND);
      expect((await call(adminClient, 'ListChannelAccounts', {}, otherAdmin, other.tenantId)).accounts).toEqual([]);
      const missing = await failure(adminClient, 'CreateChannelAccount', { account: { kind: K.CHANNEL_KIND_LINE, name: 'x', address: 'y', defaultQueueId: 'q', secrets: {} } });
      expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(missing.details).toContain('secret-missing');
    });

    it('keeps secrets on update unless replaced', async () => {
      const { account } = await call(adminClient, 'UpdateChannelAccount', {
        accountId: accounts.telegram,
        account: { kind: K.CHANNEL_KIND_TELEGRAM, name: 'Bot renamed', address: 'cc_bot', defaultQueueId: 'social', secrets: {} },
      });
      expect(account).toMatchObject({ name: 'Bot renamed', secretNames: ['bot_token', 'secret_token'] });
    });
  });

  describe('SMS webhook', () => {
    it('stores a signed message, opens an interaction on the rule-chosen queue and publishes both events', async () => {
      const response = await postSms(twilioInbound('SM0001', '+66 81 234 5678', SMS_NUMBER, 'Where is my invoice?'));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<Response>');
      const requested = await waitFor('InteractionRequested', eventOf(Events.InteractionRequested.type, (p) => p.customerIdentity === 'phone:+66812345678'));
      expect(requested).toMatchObject({ queueId: 'billing', priority: 5, workspaceId: scope.workspaceId, tenantId: scope.tenantId });
      const received = await waitFor('MessageReceived', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0001'));
      expect(received).toMatchObject({ interactionId: requested.interactionId, senderIdentity: 'phone:+66812345678', text: 'Where is my invoice?', channelAccountId: accounts.sms });
    });

    it('answers 401 to a bad or missing signature, before reading the body', async () => {
      expect((await postSms(twilioInbound('SM0002', '+66812345678', SMS_NUMBER, 'hi'), { token: 'wrong' })).status).toBe(401);
      const unsigned = await fetch(`${base}${smsPath()}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'not=parsed' });
      expect(unsigned.status).toBe(401);
      const garbage = await fetch(`${base}${smsPath()}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': 'AAAA' }, body: '{"broken' });
      expect(garbage.status).toBe(401);
    });

    it('answers 400 with a reason to malformed input, 413 to oversize, 404 to unknown accounts', async () => {
      const noSid = await postSms({ From: '+66812345678', Body: 'x' });
      expect(noSid.status).toBe(400);
      expect(await noSid.json()).toMatchObject({ reason: 'message-sid-missing' });
      const badPhone = await postSms(twilioInbound('SM0003', 'not-a-phone', SMS_NUMBER, 'x'));
      expect(badPhone.status).toBe(400);
      expect(await badPhone.json()).toMatchObject({ reason: 'phone-sender-invalid' });
      expect((await postSms(twilioInbound('SM0004', '+66812345678', SMS_NUMBER, 'x'.repeat(70_000)))).status).toBe(413);
      expect((await postSms(twilioInbound('SM0005', '+66812345678', SMS_NUMBER, 'x'.repeat(20_000)))).status).toBe(413);
      expect((await postSms(twilioInbound('SM0006', '+66812345678', SMS_NUMBER, 'x'), { path: `/webhooks/sms/${scope.tenantId}/${randomUUID()}` })).status).toBe(404);
      expect((await postSms(twilioInbound('SM0007', '+66812345678', SMS_NUMBER, 'x'), { path: `/webhooks/sms/${other.tenantId}/${accounts.sms}` })).status).toBe(404);
      expect((await postSms(twilioInbound('SM0008', '+66812345678', SMS_NUMBER, 'x'), { path: `/webhooks/line/${scope.tenantId}/${accounts.sms}` })).status).toBe(404);
    });

    it('accepts a provider message id once', async () => {
      const form = twilioInbound('SM0010', '+66899999999', SMS_NUMBER, 'once');
      const answers = await Promise.all([postSms(form), postSms(form), postSms(form)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      const rows = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE provider_message_id = 'SM0010'`);
      expect(rows[0].n).toBe(1);
    });

    it('appends to the open interaction, and starts a new one once routing completed it', async () => {
      const from = '+66811111111';
      await postSms(twilioInbound('SM0020', from, SMS_NUMBER, 'first'));
      await postSms(twilioInbound('SM0021', from, SMS_NUMBER, 'second'));
      const first = await waitFor('first', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0020'));
      const second = await waitFor('second', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0021'));
      expect(second.interactionId).toBe(first.interactionId);

      const publish = (definition: any, payload: object) =>
        bus.publish([{ id: randomUUID(), type: definition.type, topic: interactionTopic, key: scope.workspaceId, time: new Date(), workspaceId: scope.workspaceId, tenantId: scope.tenantId, payload: definition.codec.encode(payload).finish() }]);
      await publish(Events.InteractionAssigned, { interactionId: first.interactionId, tenantId: scope.tenantId, queueId: 'sms-support', agentId: agent.id, assignedAt: toTimestamp(new Date()), queueTimeMs: 1000 });
      await waitFor('assigned', async () => (await adminQuery<{ agent_id: string }>(`SELECT agent_id FROM conversations WHERE interaction_id = $1 AND status = 'assigned'`, [first.interactionId]))[0]);
      await publish(Events.InteractionCompleted, { interactionId: first.interactionId, tenantId: scope.tenantId, agentId: agent.id, completedAt: toTimestamp(new Date()) });
      await waitFor('closed', async () => (await adminQuery(`SELECT 1 FROM conversations WHERE interaction_id = $1 AND status = 'closed'`, [first.interactionId]))[0]);

      await postSms(twilioInbound('SM0022', from, SMS_NUMBER, 'back again'));
      const third = await waitFor('third', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0022'));
      expect(third.interactionId).not.toBe(first.interactionId);
      await waitFor('new request', eventOf(Events.InteractionRequested.type, (p) => p.interactionId === third.interactionId));
    });
  });

  describe('continuation under concurrency', () => {
    it('gives concurrent first messages of one customer one interaction', async () => {
      const from = '+66844444444';
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => postSms(twilioInbound(`SM01${i}`, from, SMS_NUMBER, `burst ${i}`))));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      const rows = await adminQuery<{ n: number; interactions: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT interaction_id)::int AS interactions FROM messages WHERE sender_identity = 'phone:+66844444444'`,
      );
      expect(rows[0]).toEqual({ n: 8, interactions: 1 });
      const [{ interaction_id: interactionId }] = await adminQuery<{ interaction_id: string }>(`SELECT interaction_id FROM conversations WHERE customer_identity = 'phone:+66844444444'`);
      await waitFor('requested once', eventOf(Events.InteractionRequested.type, (p) => p.interactionId === interactionId));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(seen.filter((e) => e.type === Events.InteractionRequested.type && Events.InteractionRequested.codec.decode(e.payload).interactionId === interactionId)).toHaveLength(1);
    });
  });

  describe('agent replies', () => {
    it('sends on the interaction channel with retries, once per idempotency key, and records delivery statuses', async () => {
      await postSms(twilioInbound('SM0030', '+66822222222', SMS_NUMBER, 'help please'));
      const received = await waitFor('inbound', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0030'));
      await call(adminClient, 'PutTemplate', { name: 'greeting', body: 'Hello {{name}}, this is {{agent}}.' });
      provider.failNext = 1;
      const before = provider.requests.length;
      const request = { interactionId: received.interactionId, templateName: 'greeting', templateVariables: { name: 'Somchai', agent: 'Anna' }, idempotencyKey: 'reply-0001' };
      const sent = await call(messaging, 'SendMessage', request, agent);
      expect(sent).toMatchObject({ text: 'Hello Somchai, this is Anna.', status: messagingV1.DeliveryStatus.DELIVERY_STATUS_SENT });
      expect(sent.providerMessageId).toMatch(/^SM/);
      const again = await call(messaging, 'SendMessage', request, agent);
      expect(again.messageId).toBe(sent.messageId);
      const calls = provider.requests.slice(before);
      expect(calls).toHaveLength(2);
      const [attempt] = calls;
      expect(attempt.url).toBe('/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json');
      expect(attempt.headers.authorization).toBe(`Basic ${Buffer.from('AC00000000000000000000000000000000:twilio-auth-token').toString('base64')}`);
      expect(Object.fromEntries(new URLSearchParams(attempt.body))).toEqual({ To: '+66822222222', From: SMS_NUMBER, Body: 'Hello Somchai, this is Anna.' });
      expect(calls[1].headers['i-twilio-idempotency-token']).toBe(attempt.headers['i-twilio-idempotency-token']);
      await waitFor('MessageSent', eventOf(Events.MessageSent.type, (p) => p.messageId === sent.messageId && p.agentId === agent.id));

      const status = await postSms(twilioStatus(sent.providerMessageId, 'delivered'), { path: `${smsPath()}/status` });
      expect(status.status).toBe(200);
      await waitFor('status event', eventOf(Events.MessageStatusChanged.type, (p) => p.messageId === sent.messageId && p.status === 'delivered'));
      const rows = await adminQuery<{ status: string }>('SELECT status FROM messages WHERE message_id = $1', [sent.messageId]);
      expect(rows[0].status).toBe('delivered');
    });

    it('refuses other tenants, unknown interactions and missing template variables', async () => {
      expect((await failure(messaging, 'SendMessage', { interactionId: randomUUID(), text: 'x' }, agent)).code).toBe(grpc.status.NOT_FOUND);
      expect((await failure(messaging, 'SendMessage', { interactionId: randomUUID(), text: 'x' }, agent, other.tenantId)).code).toBe(grpc.status.PERMISSION_DENIED);
      await postSms(twilioInbound('SM0031', '+66833333333', SMS_NUMBER, 'hello'));
      const received = await waitFor('inbound', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'SM0031'));
      expect((await failure(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'x' }, otherAdmin, other.tenantId)).code).toBe(grpc.status.NOT_FOUND);
      const missing = await failure(messaging, 'SendMessage', { interactionId: received.interactionId, templateName: 'greeting', templateVariables: { name: 'x' } }, agent);
      expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(missing.details).toContain('template-variable-missing');
      // SMS providers fetch media themselves: bytes inline have nowhere to go.
      const inline = await failure(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'x', attachments: [{ fileName: 'a.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') }] }, agent);
      expect(inline.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(inline.details).toContain('attachment-url-required');
      // Typing shows only in web chat; unknown and foreign interactions are not found, as for replies.
      const typing = await failure(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: true }, agent);
      expect(typing.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(typing.details).toContain('typing-unsupported');
      expect((await failure(messaging, 'SetAgentTyping', { interactionId: randomUUID(), typing: true }, agent)).code).toBe(grpc.status.NOT_FOUND);
      expect((await failure(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: true }, otherAdmin, other.tenantId)).code).toBe(grpc.status.NOT_FOUND);
      expect((await failure(messaging, 'SetAgentTyping', { interactionId: randomUUID(), typing: true }, agent, other.tenantId)).code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });

  describe('social and API channels', () => {
    it('answers the Meta subscription check only with the verify token', async () => {
      const path = `/webhooks/whatsapp/${scope.tenantId}/${accounts.whatsapp}`;
      const ok = await fetch(`${base}${path}?hub.mode=subscribe&hub.verify_token=wa-verify&hub.challenge=1158201444`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('1158201444');
      expect((await fetch(`${base}${path}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(401);
    });

    it('takes WhatsApp, Messenger, LINE and Telegram messages with valid signatures only', async () => {
      const wa = JSON.stringify(whatsappInbound('106540352242922', '66812345678', 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', 'สวัสดีครับ'));
      const waPath = `/webhooks/whatsapp/${scope.tenantId}/${accounts.whatsapp}`;
      expect((await postJson(waPath, wa, { 'x-hub-signature-256': hubSign('wrong', wa) })).status).toBe(401);
      expect((await postJson(waPath, wa, { 'x-hub-signature-256': hubSign('meta-app-secret', wa) })).status).toBe(200);

      const fb = JSON.stringify(messengerInbound('1234567890', '6789012345', 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P', 'Xin chào'));
      const fbPath = `/webhooks/messenger/${scope.tenantId}/${accounts.messenger}`;
      expect((await postJson(fbPath, fb, { 'x-hub-signature-256': hubSign('meta-app-secret', fb) })).status).toBe(401);
      expect((await postJson(fbPath, fb, { 'x-hub-signature-256': hubSign('meta-app-secret-2', fb) })).status).toBe(200);

      const line = JSON.stringify(lineInbound('U4af4980629aabbccddeeff0011223344', '325708', 'سلام'));
      const linePath = `/webhooks/line/${scope.tenantId}/${accounts.line}`;
      expect((await postJson(linePath, line, { 'x-line-signature': lineSign('other', line) })).status).toBe(401);
      expect((await postJson(linePath, line, { 'x-line-signature': lineSign('line-secret', line) })).status).toBe(200);

      const tg = JSON.stringify(telegramInbound(10000, 1111111, 1365, 'Привіт'));
      const tgPath = `/webhooks/telegram/${scope.tenantId}/${accounts.telegram}`;
      expect((await postJson(tgPath, tg, { 'x-telegram-bot-api-secret-token': 'nope' })).status).toBe(401);
      expect((await postJson(tgPath, tg, { 'x-telegram-bot-api-secret-token': 'tg-secret-token' })).status).toBe(200);

      for (const [identity, text] of [
        ['whatsapp:+66812345678', 'สวัสดีครับ'],
        ['messenger:6789012345', 'Xin chào'],
        ['line:U4af4980629aabbccddeeff0011223344', 'سلام'],
        ['telegram:1111111', 'Привіт'],
      ]) {
        await waitFor(identity, eventOf(Events.MessageReceived.type, (p) => p.senderIdentity === identity && p.text === text));
      }
    });

    it('records Messenger read receipts (message_reads watermark) on the replies they cover, once', async () => {
      const pageId = '2233445566';
      const { account } = await call(adminClient, 'CreateChannelAccount', {
        account: { kind: K.CHANNEL_KIND_MESSENGER, name: 'Reads', address: pageId, defaultQueueId: 'social', settings: { api_base_url: provider.url }, secrets: { app_secret: 'reads-secret', page_access_token: 'reads-token', verify_token: 'reads-verify' } },
      });
      const path = `/webhooks/messenger/${scope.tenantId}/${account.accountId}`;
      const post = (payload: object) => {
        const body = JSON.stringify(payload);
        return postJson(path, body, { 'x-hub-signature-256': hubSign('reads-secret', body) });
      };
      expect((await post(messengerInbound(pageId, '7788990011', 'm_reads_in_1', 'Is my order shipped?'))).status).toBe(200);
      const received = await waitFor('inbound', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'm_reads_in_1'));
      const first = await call(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'Yes, yesterday.' }, agent);
      const second = await call(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'Tracking follows.' }, agent);
      const read = messengerRead(pageId, '7788990011', Date.now() + 1_000);

      expect((await post(read)).status).toBe(200);
      expect((await post(read)).status).toBe(200);
      for (const sent of [first, second]) await waitFor('read status', eventOf(Events.MessageStatusChanged.type, (p) => p.messageId === sent.messageId && p.status === 'read'));
      const rows = await adminQuery<{ status: string }>('SELECT status FROM messages WHERE message_id = ANY($1::uuid[]) ORDER BY created_at', [[first.messageId, second.messageId]]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const readEvents = seen.filter((e) => e.type === Events.MessageStatusChanged.type && Events.MessageStatusChanged.codec.decode(e.payload).interactionId === received.interactionId);

      expect(first.providerMessageId).toMatch(/^m_/);
      expect(rows.map((r) => r.status)).toEqual(['read', 'read']);
      expect(readEvents).toHaveLength(2);
      expect(Events.MessageStatusChanged.codec.decode(readEvents[0].payload)).toMatchObject({ channelAccountId: account.accountId, providerMessageId: first.providerMessageId, status: 'read' });
    });

    it('downloads the media every provider only references and stores it as the attachment, 413 over the limit', async () => {
      const media = new ProviderMediaServer({ whatsappToken: 'm-wa-token', lineToken: 'm-line-token', telegramBotToken: '777:media', twilioAccountSid: 'AC0000000000000000000000000000MEDIA', twilioAuthToken: 'm-tw-token' });
      await media.start();
      try {
        const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
        const pdf = Buffer.from('%PDF-1.7 ใบเสร็จ');
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]);
        for (const [id, content, contentType] of [['wa-media-1', jpeg, 'image/jpeg'], ['fb-photo-1', jpeg, 'image/jpeg'], ['line-9001', png, 'image/png'], ['tg-doc-1', pdf, 'application/pdf'], ['ME0000000000000000000000000000MEDIA', png, 'image/png']] as const) {
          media.files.set(id, { content, contentType });
        }
        media.files.set('wa-too-big', { content: Buffer.alloc(70 * 1024), contentType: 'video/mp4' });
        const settings = { api_base_url: media.url };
        const create = async (account: object) => (await call(adminClient, 'CreateChannelAccount', { account })).account.accountId as string;
        const ids = {
          whatsapp: await create({ kind: K.CHANNEL_KIND_WHATSAPP, name: 'WA media', address: '106540352200001', defaultQueueId: 'social', settings, secrets: { app_secret: 'm-app', access_token: 'm-wa-token', verify_token: 'v' } }),
          messenger: await create({ kind: K.CHANNEL_KIND_MESSENGER, name: 'FB media', address: '5500000001', defaultQueueId: 'social', settings, secrets: { app_secret: 'm-app', page_access_token: 'p', verify_token: 'v' } }),
          line: await create({ kind: K.CHANNEL_KIND_LINE, name: 'LINE media', address: 'U00000000000000000000000000media', defaultQueueId: 'social', settings, secrets: { channel_secret: 'm-line-secret', channel_access_token: 'm-line-token' } }),
          telegram: await create({ kind: K.CHANNEL_KIND_TELEGRAM, name: 'TG media', address: 'media_bot', defaultQueueId: 'social', settings, secrets: { bot_token: '777:media', secret_token: 'm-tg-secret' } }),
          sms: await create({
            kind: K.CHANNEL_KIND_SMS,
            name: 'MMS',
            address: '+15005550009',
            defaultQueueId: 'sms-support',
            settings: { ...settings, account_sid: 'AC0000000000000000000000000000MEDIA' },
            secrets: { auth_token: 'm-tw-token' },
          }),
        };
        const path = (kind: keyof typeof ids) => `/webhooks/${kind}/${scope.tenantId}/${ids[kind]}`;
        const meta = (kind: 'whatsapp' | 'messenger', payload: object) => {
          const body = JSON.stringify(payload);
          return postJson(path(kind), body, { 'x-hub-signature-256': hubSign('m-app', body) });
        };
        const waImage = (id: string, mediaId: string) => ({
          object: 'whatsapp_business_account',
          entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001', phone_number_id: '106540352200001' }, contacts: [{ profile: { name: 'Somchai' }, wa_id: '66812340001' }], messages: [{ from: '66812340001', id, timestamp: '1749416383', type: 'image', image: { caption: 'the parcel', mime_type: 'image/jpeg', sha256: 'x', id: mediaId } }] } }] }],
        });
        const lineBody = JSON.stringify({ destination: 'U00000000000000000000000000media', events: [{ type: 'message', mode: 'active', timestamp: 1462629479859, source: { type: 'user', userId: 'U4af4980629aabbccddeeff00112233aa' }, webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZS', deliveryContext: { isRedelivery: false }, replyToken: 'r', message: { id: 'line-9001', type: 'image', contentProvider: { type: 'line' } } }] });
        const tgBody = JSON.stringify({ update_id: 20001, message: { message_id: 77, from: { id: 2222222, is_bot: false, first_name: 'Olena' }, chat: { id: 2222222, first_name: 'Olena', type: 'private' }, date: 1441645532, caption: 'receipt', document: { file_name: 'receipt.pdf', mime_type: 'application/pdf', file_id: 'tg-doc-1', file_unique_id: 'u1', file_size: pdf.byteLength } } });
        const mmsForm = { ...twilioInbound('MM0000000000000000000000000000MEDIA', '+66822220001', '+15005550009', 'photo', 'AC0000000000000000000000000000MEDIA'), NumMedia: '1', MediaContentType0: 'image/png', MediaUrl0: `${media.url}/2010-04-01/Accounts/AC0000000000000000000000000000MEDIA/Messages/MM0000000000000000000000000000MEDIA/Media/ME0000000000000000000000000000MEDIA` };

        const answers = [
          (await meta('whatsapp', waImage('wamid.media.1', 'wa-media-1'))).status,
          (await meta('messenger', { object: 'page', entry: [{ id: '5500000001', time: 1, messaging: [{ sender: { id: '6789010001' }, recipient: { id: '5500000001' }, timestamp: 1458692752478, message: { mid: 'm_media_1', attachments: [{ type: 'image', payload: { url: `${media.url}/fb-cdn/fb-photo-1` } }] } }] }] })).status,
          (await postJson(path('line'), lineBody, { 'x-line-signature': lineSign('m-line-secret', lineBody) })).status,
          (await postJson(path('telegram'), tgBody, { 'x-telegram-bot-api-secret-token': 'm-tg-secret' })).status,
          (await postSms(mmsForm, { path: path('sms'), token: 'm-tw-token' })).status,
        ];
        // Over MAX_ATTACHMENT_BYTES (64 KiB here): refused, nothing stored; a file the host lost keeps its reference.
        const tooBig = await meta('whatsapp', waImage('wamid.media.big', 'wa-too-big'));
        const lost = await meta('whatsapp', waImage('wamid.media.lost', 'wa-gone'));

        const expected = [
          ['wamid.media.1', jpeg, 'image/jpeg'],
          ['m_media_1', jpeg, 'image/jpeg'],
          ['line-9001', png, 'image/png'],
          ['2222222:77', pdf, 'application/pdf'],
          ['MM0000000000000000000000000000MEDIA', png, 'image/png'],
        ] as const;
        for (const [providerMessageId, content, contentType] of expected) {
          const event = await waitFor(providerMessageId, eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === providerMessageId));
          const [row] = await adminQuery<{ content: Buffer; content_type: string; size_bytes: string }>('SELECT content, content_type, size_bytes FROM message_attachments WHERE message_id = $1', [event.messageId]);
          expect({ providerMessageId, content: row.content, contentType: row.content_type, size: Number(row.size_bytes) }).toEqual({ providerMessageId, content, contentType, size: content.byteLength });
          expect(event.attachments).toEqual([expect.objectContaining({ contentType, sizeBytes: content.byteLength })]);
        }
        const lostEvent = await waitFor('the message with lost media', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'wamid.media.lost'));
        const [lostRow] = await adminQuery<{ content: Buffer | null; url: string }>('SELECT content, url FROM message_attachments WHERE message_id = $1', [lostEvent.messageId]);
        const bigRows = await adminQuery('SELECT 1 FROM messages WHERE provider_message_id = $1', ['wamid.media.big']);

        expect(answers).toEqual([200, 200, 200, 200, 200]);
        expect(tooBig.status).toBe(413);
        expect(await tooBig.json()).toMatchObject({ reason: 'attachment-too-large' });
        expect(bigRows).toHaveLength(0);
        expect(lost.status).toBe(200);
        expect(lostRow).toEqual({ content: null, url: 'whatsapp-media:wa-gone' });

        // A redelivery is acknowledged from its provider id: the files are not fetched again.
        const requestsBefore = media.seen.length;
        const again = [
          (await meta('whatsapp', waImage('wamid.media.1', 'wa-media-1'))).status,
          (await postSms(mmsForm, { path: path('sms'), token: 'm-tw-token' })).status,
        ];
        expect(again).toEqual([200, 200]);
        expect(media.seen.slice(requestsBefore)).toEqual([]);

        // The same server by a name nobody allowed (loopback): refused before connecting, the reference kept.
        const inward = `${media.url.replace('127.0.0.1', 'localhost')}/fb-cdn/fb-photo-1`;
        const refused = await meta('messenger', { object: 'page', entry: [{ id: '5500000001', time: 1, messaging: [{ sender: { id: '6789010001' }, recipient: { id: '5500000001' }, timestamp: 1458692752479, message: { mid: 'm_media_inward', attachments: [{ type: 'image', payload: { url: inward } }] } }] }] });
        const inwardEvent = await waitFor('the message with an inward media URL', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'm_media_inward'));
        const [inwardRow] = await adminQuery<{ content: Buffer | null; url: string }>('SELECT content, url FROM message_attachments WHERE message_id = $1', [inwardEvent.messageId]);
        expect(refused.status).toBe(200);
        expect(inwardRow).toEqual({ content: null, url: inward });
        expect(media.seen.slice(requestsBefore)).toEqual([]);

        // One new message delivered twice at once (a provider retrying a slow answer): its file is fetched once, stored once.
        media.files.set('wa-media-2', { content: png, contentType: 'image/png' });
        const together = await Promise.all([meta('whatsapp', waImage('wamid.media.2', 'wa-media-2')), meta('whatsapp', waImage('wamid.media.2', 'wa-media-2'))]);
        const storedOnce = await adminQuery('SELECT 1 FROM messages WHERE provider_message_id = $1', ['wamid.media.2']);
        expect(together.map((answer) => answer.status)).toEqual([200, 200]);
        // WhatsApp takes two requests per file: the media URL, then the file.
        expect(media.seen.filter((request) => request.path.includes('wa-media-2')).map((request) => request.path)).toEqual([expect.stringMatching(/^\/v\d+\.\d+\/wa-media-2$/), '/whatsapp-cdn/wa-media-2']);
        expect(storedOnce).toHaveLength(1);
      } finally {
        await media.close();
      }
    });

    it('ingests API-channel messages over HTTP with the bearer token and over gRPC with an integration token', async () => {
      const path = `/webhooks/api/${scope.tenantId}/${accounts.api}`;
      const body = JSON.stringify({ messageId: 'app-1', sender: { email: 'Olena.K@Example.UA', name: 'Olena' }, text: 'Hi from the app', attachments: [{ fileName: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('hello').toString('base64') }] });
      expect((await postJson(path, body, { authorization: 'Bearer wrong' })).status).toBe(401);
      const ok = await postJson(path, body, { authorization: 'Bearer api-channel-token' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ accepted: 1, duplicates: 0 });
      const event = await waitFor('api message', eventOf(Events.MessageReceived.type, (p) => p.providerMessageId === 'app-1'));
      expect(event.senderIdentity).toBe('email:olena.k@example.ua');
      expect(event.attachments).toEqual([expect.objectContaining({ fileName: 'a.txt', contentType: 'text/plain', sizeBytes: 5 })]);
      const stored = await adminQuery<{ content: Buffer }>('SELECT content FROM message_attachments WHERE message_id = $1', [event.messageId]);
      expect(stored[0].content.toString()).toBe('hello');

      const request = { channelAccountId: accounts.api, providerMessageId: 'app-2', senderPhone: '+380 44 123 4567', text: 'via gRPC' };
      const first = await call(messaging, 'IngestMessage', request, integration);
      expect(first).toMatchObject({ duplicate: false, newInteraction: true });
      expect(await call(messaging, 'IngestMessage', request, integration)).toMatchObject({ duplicate: true });
      expect((await failure(messaging, 'IngestMessage', request, agent)).code).toBe(grpc.status.PERMISSION_DENIED);
    });

    it('answers 429 beyond the account rate and stores nothing it refused', async () => {
      const path = `/webhooks/api/${scope.tenantId}/${accounts.limited}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await postJson(path, JSON.stringify({ messageId: `burst-${i}`, sender: { userId: 'bot-user' }, text: `m${i}` }), { authorization: 'Bearer limited-token' });
        statuses.push(response.status);
        if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      const rows = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE account_id = $1`, [accounts.limited]);
      expect(rows[0].n).toBe(statuses.filter((s) => s === 200).length);
    });
  });
});
