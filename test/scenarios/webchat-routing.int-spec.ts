import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { AuthModule } from '@contactcenter/auth';
import { CHANNEL_MIGRATIONS, ChannelModule } from '@contactcenter/channel-ingestion';
import { channelAdminV1, commonV1, Events, messagingV1, protoFile, protoRoot, routingAdminV1, routingAgentV1, Topics } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { ROUTING_MIGRATIONS, RoutingModule } from '@contactcenter/routing';
import { createTestDatabase, DEMO, freePort, migrateAndConnect, newServiceClient, newTenant, newUser, stackEndpoints, type TestDatabase, type TestUser, uniqueGroup, uniqueTopic } from '@contactcenter/testing';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = ((request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void) & ((request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<any>);
type AnyClient = grpc.Client & Record<string, Rpc>;

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function grpcPackage(protoPath: string[], domain: string): grpc.GrpcObject {
  const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
  return ((definition.contactcenter as grpc.GrpcObject)[domain] as grpc.GrpcObject).v1 as grpc.GrpcObject;
}

// The web-chat proof, end to end on the real stack: a customer in headless Chromium
// chats through the widget served by channel ingestion; the chat reaches Routing over Kafka, an
// agent (a real Keycloak user) gets the offer on StreamWork, accepts, and answers through the
// channels' gRPC SendMessage; the answer shows up in the page, also after the page was away.
describe('web chat through routing to an agent and back', () => {
  const scope = newTenant();
  const widgetId = `w-${randomUUID().slice(0, 8)}`;
  const queueId = 'web-support';
  let admin: TestUser;
  let agent: TestUser;
  let busyAgent: TestUser;
  let channelsDb: TestDatabase;
  let routingDb: TestDatabase;
  let channelsData: DataSource;
  let routingData: DataSource;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let base: string;
  let channelAdmin: AnyClient;
  let messaging: AnyClient;
  let routingAdmin: AnyClient;
  let agentService: AnyClient;
  let watcher: Subscription;
  let browser: Browser;
  let page: Page;
  let work: grpc.ClientReadableStream<any>;
  const stream: any[] = [];
  const seen: ConsumedEvent[] = [];

  const metadata = async (user: TestUser, tenant?: string) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${await user.token()}`);
    if (tenant) m.set('x-tenant-id', tenant);
    return m;
  };
  const call = async <T = any>(client: AnyClient, method: string, request: unknown, user: TestUser, tenant: string | undefined = scope.tenantId): Promise<T> => {
    const m = await metadata(user, tenant);
    return new Promise<T>((resolve, reject) => client[method](request, m, (e, r) => (e ? reject(e) : resolve(r))));
  };
  const eventOf = <T>(definition: { type: string; codec: { decode(bytes: Uint8Array): T } }, match: (payload: T) => boolean) => () => {
    const found = seen.find((e) => e.type === definition.type && match(definition.codec.decode(e.payload)));
    return found && definition.codec.decode(found.payload);
  };
  async function channelsQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new PgClient({ connectionString: channelsDb.url('admin') });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const agentBubble = (text: string) => page.locator('[data-testid=cc-log] [data-from=agent]', { hasText: text });

  beforeAll(async () => {
    admin = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['tenant-admin'] });
    agent = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['agent'] });
    busyAgent = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['agent'] });
    // The channel service's own client: `service` lets it name the workspace and read routing's queue snapshot.
    const serviceClient = await newServiceClient(['service']);
    [channelsDb, routingDb] = [await createTestDatabase('scn-channels'), await createTestDatabase('scn-routing')];
    [channelsData, routingData] = await Promise.all([migrateAndConnect(channelsDb, CHANNEL_MIGRATIONS), migrateAndConnect(routingDb, ROUTING_MIGRATIONS)]);
    // Topics of this run only: routing instances of other suites on the same broker would
    // otherwise answer our requests (refusing workspaces they do not know).
    const topicNames = Object.fromEntries(
      [Topics.interaction, Topics.message, Topics.agent, Topics.routingCommands, Topics.routingWork].map((topic) => [topic, uniqueTopic(topic)]),
    );
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'webchat-scenario', logger: quiet, topicNames });
    watcher = await bus.subscribe({
      groupId: uniqueGroup('webchat-scenario-watch'),
      topics: [Topics.message, Topics.interaction],
      fromBeginning: false,
      handler: async (event) => void (event.tenantId === scope.tenantId && seen.push(event)),
    });

    const { issuer } = stackEndpoints();
    const channelsUrl = `127.0.0.1:${await freePort()}`;
    const routingUrl = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'webchat-scenario' }),
        AuthModule.forRoot({ issuer, audience: DEMO.audience, jwksUri: `${issuer}/protocol/openid-connect/certs`, clockToleranceSec: 1 }),
        ChannelModule.register({
          dataSource: channelsData,
          eventBus: bus,
          secretsKey: 'scenario-secrets-key-of-at-least-32-characters',
          consumerGroup: uniqueGroup('channels'),
          relayDatabaseUrl: channelsDb.url('relay'),
          fromBeginning: false,
          webchat: {
            sessionSecret: 'scenario-webchat-session-secret-000000',
            routing: { url: routingUrl, tokenUrl: `${issuer}/protocol/openid-connect/token`, clientId: serviceClient.clientId, clientSecret: serviceClient.clientSecret },
            queueRefreshMs: 1_000,
          },
        }),
        RoutingModule.register({ dataSource: routingData, eventBus: bus, consumerGroup: uniqueGroup('routing'), relayDatabaseUrl: routingDb.url('relay'), fromBeginning: false }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const channelProtos = [protoFile('channels', 'channel_admin_service'), protoFile('channels', 'messaging_service')];
    const routingProtos = [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')];
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: channelAdminV1.protobufPackage, protoPath: channelProtos, url: channelsUrl, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: routingAgentV1.protobufPackage, protoPath: routingProtos, url: routingUrl, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    const httpPort = await freePort();
    await app.listen(httpPort, '127.0.0.1');
    base = `http://127.0.0.1:${httpPort}`;

    const channels = grpcPackage(channelProtos, 'channels');
    const routing = grpcPackage(routingProtos, 'routing');
    const insecure = grpc.credentials.createInsecure();
    channelAdmin = new (channels.ChannelAdminService as grpc.ServiceClientConstructor)(channelsUrl, insecure) as unknown as AnyClient;
    messaging = new (channels.MessagingService as grpc.ServiceClientConstructor)(channelsUrl, insecure) as unknown as AnyClient;
    routingAdmin = new (routing.RoutingAdminService as grpc.ServiceClientConstructor)(routingUrl, insecure) as unknown as AnyClient;
    agentService = new (routing.AgentService as grpc.ServiceClientConstructor)(routingUrl, insecure) as unknown as AnyClient;

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    work?.cancel();
    await browser?.close();
    for (const client of [channelAdmin, messaging, routingAdmin, agentService]) client?.close();
    await watcher?.close();
    await app?.close();
    await bus?.close();
    await channelsData?.destroy();
    await routingData?.destroy();
    await channelsDb?.drop();
    await routingDb?.drop();
  });

  it('a customer in the page chats, the agent gets the offer through routing, accepts and replies over gRPC, and the reply appears in the page', async () => {
    // Set-up as administrators do it: the widget (public id, this page's origin), the queue, the agent.
    const { account } = await call(
      channelAdmin,
      'CreateChannelAccount',
      { account: { kind: channelAdminV1.ChannelKind.CHANNEL_KIND_WEB_CHAT, name: 'Site chat', address: widgetId, defaultQueueId: queueId, settings: { allowed_origins: base } } },
      admin,
    );
    const taken = await call(
      channelAdmin,
      'CreateChannelAccount',
      { account: { kind: channelAdminV1.ChannelKind.CHANNEL_KIND_WEB_CHAT, name: 'Copy', address: widgetId, defaultQueueId: queueId } },
      admin,
    ).catch((error: grpc.ServiceError) => error);
    await call(routingAdmin, 'putQueue', { queue: { queueId, name: 'Web support', channels: [CHAT], offerTimeoutMs: 120_000, wrapUpMode: routingAdminV1.WrapUpMode.WRAP_UP_MODE_OPTIONAL } }, admin);
    await call(
      routingAdmin,
      'putAgentProfile',
      { profile: { agentId: agent.id, tenantIds: [scope.tenantId], queues: [{ queueId, priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 2 }], skills: {} } },
      admin,
      undefined,
    );
    // The customer: the demo page embeds the widget from this service; pre-chat form, then a message.
    await page.goto(`${base}/webchat/demo/${widgetId}`);
    await page.getByTestId('cc-prechat').waitFor({ state: 'visible' });
    await page.fill('[data-testid=cc-prechat] input[name=name]', 'Somchai Jaidee');
    await page.fill('[data-testid=cc-prechat] input[name=email]', 'Somchai@Example.TH');
    await page.click('[data-testid=cc-prechat] button');
    await page.getByTestId('cc-composer').waitFor({ state: 'visible' });
    await page.fill('[data-testid=cc-composer] input', 'สวัสดีครับ my parcel has not arrived');
    await page.click('[data-testid=cc-composer] button');
    await page.locator('[data-testid=cc-log] [data-seq="1"][data-from=customer]').waitFor();

    // Stored with its events in one transaction, relayed, and queued by routing: nobody is logged in yet.
    const received = await waitFor('MessageReceived', eventOf(Events.MessageReceived, (e) => e.channelAccountId === account.accountId));
    const requested = await waitFor('InteractionRequested', eventOf(Events.InteractionRequested, (e) => e.interactionId === received.interactionId));
    await waitFor('InteractionQueued', eventOf(Events.InteractionQueued, (e) => e.interactionId === received.interactionId));
    const queueNote = await waitFor('the queue position in the page', async () => {
      const note = await page.getByTestId('cc-queue').textContent();
      return note === 'You are number 1 in the queue' ? note : undefined;
    });

    // The agent logs in and gets the offer through routing.
    await call(agentService, 'login', { channels: [CHAT] }, agent, undefined);
    work = agentService.streamWork({}, await metadata(agent));
    work.on('data', (message) => stream.push(message));
    work.on('error', () => undefined);
    // An offer made between login and the stream's start comes in the snapshot.
    const offer = await waitFor('the offer on the agent stream', () => stream.find((m) => m.offered)?.offered ?? stream.find((m) => m.snapshot?.offers?.length)?.snapshot.offers[0]);
    const { assignment } = await call(agentService, 'acceptOffer', { offerId: offer.offerId }, agent);
    await waitFor('the agent-joined note', async () => ((await page.getByTestId('cc-queue').textContent()) === 'An agent joined the chat' ? true : undefined));

    // The customer types: the agent side hears it (and that it stopped, after the widget's idle time).
    await page.fill('[data-testid=cc-composer] input', 'One more');
    const typingOf = (on: boolean) => eventOf(Events.CustomerTypingChanged, (e) => e.interactionId === received.interactionId && e.agentId === agent.id && e.typing === on);
    const typing = await waitFor('typing on', typingOf(true));
    const stopped = await waitFor('typing off', typingOf(false));
    await page.fill('[data-testid=cc-composer] input', '');

    // The agent types: the page shows it, until the agent stops or the agent's message arrives.
    const agentTypingNote = async (expected: string) => ((await page.getByTestId('cc-typing').textContent()) === expected ? true : undefined);
    await call(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: true }, agent);
    await waitFor('the agent-typing note', () => agentTypingNote('Agent is typing…'));
    await call(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: false }, agent);
    await waitFor('the agent-typing note gone', () => agentTypingNote(''));
    await call(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: true }, agent);
    await waitFor('the agent-typing note again', () => agentTypingNote('Agent is typing…'));

    const reply = await call(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'Hello Somchai, it is out for delivery today.', idempotencyKey: `reply-${randomUUID()}` }, agent);
    await agentBubble('it is out for delivery today').waitFor();
    const typingAfterReply = await page.getByTestId('cc-typing').textContent();
    // The page reports what the customer saw: a read status like any provider's.
    const read = await waitFor('the read status', eventOf(Events.MessageStatusChanged, (e) => e.messageId === reply.messageId && e.status === 'read'));

    // The page goes away; a reply sent meanwhile is there when the customer comes back.
    await page.goto('about:blank');
    await call(messaging, 'SendMessage', { interactionId: received.interactionId, text: 'Anything else I can do?' }, agent);
    await page.goto(`${base}/webchat/demo/${widgetId}`);
    await agentBubble('Anything else I can do?').waitFor();
    const bubbles = await page.locator('[data-testid=cc-log] [data-seq]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-seq')}:${n.getAttribute('data-from')}`));

    await call(agentService, 'complete', { interactionId: received.interactionId }, agent);
    await waitFor('the closed note', async () => ((await page.getByTestId('cc-queue').textContent()) === 'The conversation has ended' ? true : undefined));
    // Closing reaches the channel's own record through its consumer, a moment after the page hears of it.
    const typingWhenClosed = await waitFor('typing refused once closed', async () => {
      const answer = await call(messaging, 'SetAgentTyping', { interactionId: received.interactionId, typing: false }, agent).then(() => undefined, (error: grpc.ServiceError) => error);
      return answer?.code === grpc.status.FAILED_PRECONDITION ? answer : undefined;
    });

    const visitors = await channelsQuery<{ visitor_id: string; name: string; email: string; last_seq: string }>(
      `SELECT "visitor_id", "name", "email", "last_seq" FROM "webchat_visitors" WHERE "tenant_id" = $1`,
      [scope.tenantId],
    );
    const log = await channelsQuery<{ direction: string; seq: string; status: string }>(
      `SELECT "direction", "seq", "status" FROM "messages" WHERE "tenant_id" = $1 ORDER BY "seq"`,
      [scope.tenantId],
    );
    expect(taken).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    // The pre-chat e-mail (lower-cased) is who history links the visitor to; the name comes along.
    expect(received).toMatchObject({
      channel: CHAT,
      text: 'สวัสดีครับ my parcel has not arrived',
      senderIdentity: 'email:somchai@example.th',
      senderName: 'Somchai Jaidee',
      conversationKey: visitors[0].visitor_id,
    });
    expect(requested).toMatchObject({ queueId, channel: CHAT, customerIdentity: 'email:somchai@example.th' });
    // Routing has no estimate while no agent is staffed, and the widget says none.
    expect(queueNote).toBe('You are number 1 in the queue');
    expect(typing).toMatchObject({ tenantId: scope.tenantId, channelAccountId: account.accountId, channel: CHAT, agentId: agent.id, conversationKey: visitors[0].visitor_id });
    expect(stopped).toMatchObject({ agentId: agent.id, typing: false });
    expect(typingAfterReply).toBe('');
    expect(typingWhenClosed).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: expect.stringMatching(/^interaction-closed/) });
    expect(offer).toMatchObject({ interactionId: received.interactionId, tenantId: scope.tenantId, queueId, channel: CHAT });
    expect(assignment).toMatchObject({ interactionId: received.interactionId, queueId });
    expect(reply).toMatchObject({ status: messagingV1.DeliveryStatus.DELIVERY_STATUS_SENT });
    expect(read).toMatchObject({ tenantId: scope.tenantId, channelAccountId: account.accountId, interactionId: received.interactionId, providerMessageId: `webchat:${reply.messageId}` });
    expect(visitors).toEqual([expect.objectContaining({ name: 'Somchai Jaidee', email: 'somchai@example.th', last_seq: '3' })]);
    expect(log.map((m) => `${m.seq}:${m.direction}`)).toEqual(['1:inbound', '2:outbound', '3:outbound']);
    expect(log[1].status).toBe('read');
    expect(bubbles).toEqual(['1:customer', '2:agent', '3:agent']);
  });

  it('stores a resent message once, refuses foreign origins and unknown widgets, and gives a second visitor an interaction of their own', async () => {
    const url = `${base.replace('http', 'ws')}/webchat/ws?widget=${widgetId}`;
    const refusal = (target: string, origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(target, { origin });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => resolve(101));
      });
    const invalid = (address: string, settings: Record<string, string>) =>
      call(channelAdmin, 'CreateChannelAccount', { account: { kind: channelAdminV1.ChannelKind.CHANNEL_KIND_WEB_CHAT, name: 'Bad', address, defaultQueueId: queueId, settings } }, admin).catch(
        (error: grpc.ServiceError) => error,
      );
    const badWidgetId = await invalid('has spaces', {});
    const badOrigin = await invalid(`w-${randomUUID().slice(0, 8)}`, { allowed_origins: 'https://shop.example/path' });
    const foreign = await refusal(url, 'https://evil.example');
    const unknown = await refusal(`${base.replace('http', 'ws')}/webchat/ws?widget=no-such-widget`, base);

    const socket = new WebSocket(url, { origin: base });
    const frames: any[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    const send = (frame: object) => socket.send(JSON.stringify(frame));
    send({ type: 'hello', lastSeq: 0 });
    const welcome = await waitFor('welcome', () => frames.find((f) => f.type === 'welcome'));
    send({ type: 'message', clientMessageId: 'early', text: 'hi' });
    const prechatFirst = await waitFor('the pre-chat refusal', () => frames.find((f) => f.type === 'error'));
    send({ type: 'prechat', name: 'Hoa Nguyễn', email: 'hoa@example.vn' });
    send({ type: 'message', clientMessageId: 'c-1', text: 'Xin chào' });
    send({ type: 'message', clientMessageId: 'c-1', text: 'Xin chào' });
    const acks = await waitFor('two acks', () => {
      const found = frames.filter((f) => f.type === 'ack');
      return found.length === 2 ? found : undefined;
    });
    socket.close();

    const stored = await channelsQuery<{ interaction_id: string; seq: string }>(
      `SELECT m."interaction_id", m."seq" FROM "messages" m JOIN "conversations" c ON c."tenant_id" = m."tenant_id" AND c."interaction_id" = m."interaction_id"
       WHERE m."tenant_id" = $1 AND c."conversation_key" = $2`,
      [scope.tenantId, welcome.visitorId],
    );
    expect(badWidgetId).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('widget id') });
    expect(badOrigin).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('is not an origin') });
    expect(foreign).toBe(403);
    expect(unknown).toBe(404);
    expect(prechatFirst).toMatchObject({ code: 'PRECHAT_REQUIRED' });
    expect(acks[0]).toMatchObject({ seq: 1, clientMessageId: 'c-1', from: 'customer', text: 'Xin chào' });
    expect(acks[1]).toEqual(acks[0]);
    expect(stored).toHaveLength(1);
    await waitFor('the second InteractionRequested', eventOf(Events.InteractionRequested, (e) => e.interactionId === stored[0].interaction_id));
  });
  it("shows waiting visitors routing's own place and wait estimate, fetched with the channel service's client credentials", async () => {
    const busyQueue = 'web-busy';
    const busyWidget = `w-${randomUUID().slice(0, 8)}`;
    await call(
      channelAdmin,
      'CreateChannelAccount',
      { account: { kind: channelAdminV1.ChannelKind.CHANNEL_KIND_WEB_CHAT, name: 'Busy chat', address: busyWidget, defaultQueueId: busyQueue } },
      admin,
    );
    await call(
      routingAdmin,
      'putQueue',
      { queue: { queueId: busyQueue, name: 'Busy', channels: [CHAT], offerTimeoutMs: 120_000, defaultHandleTimeMs: 240_000, wrapUpMode: routingAdminV1.WrapUpMode.WRAP_UP_MODE_OPTIONAL } },
      admin,
    );
    // One agent with room for one chat: the first visitor takes it, the others wait with an estimate.
    await call(
      routingAdmin,
      'putAgentProfile',
      { profile: { agentId: busyAgent.id, tenantIds: [scope.tenantId], queues: [{ queueId: busyQueue, priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 1 }], skills: {} } },
      admin,
      undefined,
    );
    await call(agentService, 'login', { channels: [CHAT] }, busyAgent, undefined);
    const offers: any[] = [];
    const busyWork = agentService.streamWork({}, await metadata(busyAgent));
    busyWork.on('data', (message) => offers.push(message.offered ?? message.snapshot?.offers?.[0]));
    busyWork.on('error', () => undefined);

    const visitor = async (name: string) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/webchat/ws?widget=${busyWidget}`);
      const frames: any[] = [];
      socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
      await new Promise((resolve) => socket.once('open', resolve));
      const send = (frame: object) => socket.send(JSON.stringify(frame));
      send({ type: 'hello', lastSeq: 0 });
      send({ type: 'prechat', name, email: `${name.toLowerCase()}@example.test` });
      send({ type: 'message', clientMessageId: 'm-1', text: `Hello from ${name}` });
      const ack = await waitFor(`${name}'s ack`, () => frames.find((f) => f.type === 'ack'));
      const interactionId = (await waitFor(`${name}'s MessageReceived`, eventOf(Events.MessageReceived, (e) => e.messageId === ack.messageId))).interactionId;
      return { socket, frames, interactionId };
    };
    try {
      const first = await visitor('Anna');
      const offer = await waitFor('the offer of the first chat', () => offers.find((o) => o?.interactionId === first.interactionId));
      await call(agentService, 'acceptOffer', { offerId: offer.offerId }, busyAgent);

      await page.goto(`${base}/webchat/demo/${busyWidget}`);
      await page.getByTestId('cc-prechat').waitFor({ state: 'visible' });
      await page.fill('[data-testid=cc-prechat] input[name=name]', 'Olena');
      await page.fill('[data-testid=cc-prechat] input[name=email]', 'olena@example.ua');
      await page.click('[data-testid=cc-prechat] button');
      await page.getByTestId('cc-composer').waitFor({ state: 'visible' });
      await page.fill('[data-testid=cc-composer] input', 'Доброго дня');
      await page.click('[data-testid=cc-composer] button');
      const third = await visitor('Bea');

      const snapshotOf = async () => call<any>(routingAdmin, 'getQueueSnapshot', { queueId: busyQueue }, admin);
      const waitingOf = async () => {
        const snapshot = await snapshotOf();
        return snapshot.waiting.length === 2 ? snapshot.waiting : undefined;
      };
      const [inPage, last] = await waitFor("routing's two waiting chats", waitingOf);
      const minutes = (ms: number) => Math.max(1, Math.round(ms / 1000 / 60));
      const pageNote = await waitFor('the page shows routing\'s place and estimate', async () => {
        const note = await page.getByTestId('cc-queue').textContent();
        return note === `You are number ${inPage.position} in the queue, about ${minutes(inPage.estimatedWaitMs)} min` ? note : undefined;
      });
      const lastFrame = await waitFor("the last visitor's place", () => {
        const latest = third.frames.filter((f) => f.type === 'queue').pop();
        return latest?.estimatedWaitSeconds === Math.round(last.estimatedWaitMs / 1000) ? latest : undefined;
      });

      expect(inPage).toMatchObject({ position: 1, estimatedWaitMs: 240_000 });
      expect(last).toMatchObject({ interactionId: third.interactionId, position: 2, estimatedWaitMs: 480_000 });
      expect(pageNote).toBe('You are number 1 in the queue, about 4 min');
      expect(lastFrame).toEqual({ type: 'queue', position: 2, estimatedWaitSeconds: 480 });
      for (const v of [first, third]) v.socket.close();
    } finally {
      busyWork.cancel();
    }
  });
});
