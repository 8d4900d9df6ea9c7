import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider, type Role } from '@contactcenter/auth';
import { commonV1, type EventDefinition, Events, historyV1, protoFile, protoRoot, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, KafkaEventBus } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup } from '@contactcenter/testing';
import { HistoryModule } from './history.module';
import { HISTORY_MIGRATIONS } from './persistence/history.migrations';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = (request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void;
type HistoryClient = grpc.Client & Record<string, Rpc>;

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const at = (minutes: number) => toTimestamp(new Date(T0 + minutes * 60_000));
const { CHANNEL_SMS: SMS, CHANNEL_SOCIAL: SOCIAL, CHANNEL_EMAIL: EMAIL, CHANNEL_CHAT: CHAT } = commonV1.Channel;
const { IDENTITY_KIND_PHONE: PHONE, IDENTITY_KIND_WHATSAPP: WHATSAPP, IDENTITY_KIND_WEBCHAT: WEBCHAT } = historyV1.IdentityKind;

// Real Kafka in, real Postgres underneath (as cc_app, RLS forced), gRPC with real tokens out.
describe(HistoryModule.name, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const otherTenantId = newTenantId();
  const agentId = randomUUID();
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let history: HistoryClient;

  function event<T>(definition: EventDefinition<T>, payload: T, id = randomUUID()): EventRecord {
    return { id, type: definition.type, topic: definition.topic, key: workspaceId, time: new Date(T0), workspaceId, tenantId, payload: definition.codec.encode(payload).finish() };
  }
  const received = (id: string, interactionId: string, channel: commonV1.Channel, sender: string, text: string, minute: number) =>
    event(Events.MessageReceived, { messageId: id, tenantId, channelAccountId: 'acct', channel, providerMessageId: '', conversationKey: '', senderIdentity: sender, text, attachments: [], interactionId, receivedAt: at(minute) });
  const sent = (id: string, interactionId: string, channel: commonV1.Channel, text: string, minute: number) =>
    event(Events.MessageSent, { messageId: id, tenantId, channelAccountId: 'acct', channel, interactionId, agentId, text, attachments: [], sentAt: at(minute) });

  async function metadataFor(roles: Role[], tenant = tenantId): Promise<grpc.Metadata> {
    const token = await idp.issueToken({ subject: agentId, workspaceId, tenants: [tenantId, otherTenantId], roles });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', tenant);
    return metadata;
  }
  const call = async <T = any>(method: string, request: unknown, roles: Role[] = ['supervisor'], tenant = tenantId): Promise<T> => {
    const metadata = await metadataFor(roles, tenant);
    return new Promise<T>((resolve, reject) => history[method](request, metadata, (e, r) => (e ? reject(e) : resolve(r))));
  };
  const failure = (method: string, request: unknown, roles: Role[] = ['supervisor'], tenant = tenantId) =>
    call(method, request, roles, tenant).then(
      () => {
        throw new Error(`${method} succeeded`);
      },
      (error: grpc.ServiceError) => error,
    );

  async function waitForInbox(count: number): Promise<void> {
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE tenant_id = $1', [tenantId]);
        if (rows[0].n >= count) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${count} events ingested`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.end();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('history');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: HISTORY_MIGRATIONS });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    dataSource = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'history-spec', logger: quiet });

    const url = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'history-spec' }),
        AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
        HistoryModule.register({ dataSource, eventBus: bus, cursorSecret: 'spec-secret-of-at-least-thirty-two-chars', consumerGroup: uniqueGroup('history') }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const protoPath = [protoFile('history', 'history_service')];
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: historyV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();

    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
    const pkg = ((definition.contactcenter as grpc.GrpcObject).history as grpc.GrpcObject).v1 as grpc.GrpcObject;
    history = new (pkg.HistoryService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as HistoryClient;

    // Somchai writes by SMS and on WhatsApp (same number); Olena by e-mail; a web-chat visitor
    // in Vietnamese and Persian. The SMS interaction's events arrive late, reversed and twice.
    const sms = [
      event(Events.InteractionQueued, { interactionId: 'i-sms', tenantId, queueId: 'support', channel: SMS, queuedAt: at(1) }),
      event(Events.InteractionAssigned, { interactionId: 'i-sms', tenantId, queueId: 'support', agentId, assignedAt: at(2), queueTimeMs: 60_000 }),
      sent('m-sms-2', 'i-sms', SMS, 'Sure, switching your package now', 3),
      event(Events.InteractionCompleted, { interactionId: 'i-sms', tenantId, agentId, completedAt: at(5) }),
    ];
    const first = received('m-sms-1', 'i-sms', SMS, '+66 81 234 5678', 'สวัสดีครับผมต้องการเปลี่ยนแพ็กเกจ', 0);
    const log = [
      ...[...sms].reverse(),
      received('m-wa-1', 'i-wa', SOCIAL, 'whatsapp:66812345678', 'Is my new package active?', 60),
      received('m-mail-1', 'i-mail', EMAIL, 'Olena.K@Example.UA', 'Привіт, мені потрібна Допомога з рахунком', 30),
      received('m-chat-1', 'i-chat', CHAT, 'visitor-42', 'Xin chào, tôi cần giúp đỡ. سلام، من به کمک نیاز دارم', 90),
    ];
    await bus.publish(log);
    await bus.publish([first, sms[1], sms[0]]);
    await waitForInbox(log.length + 1);
  });

  afterAll(async () => {
    history?.close();
    await app?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const somchai = () => call('screenPop', { identity: { kind: PHONE, value: '+66812345678' } }, ['agent']);

  it('resolves messages on two channels from one person to one customer and one timeline', async () => {
    const pop = await somchai();
    const customerId = pop.customer.customerId;

    const timeline = await call('getTimeline', { customerId });
    const interaction = await call('getInteraction', { interactionId: 'i-sms' }, ['agent']);

    expect(pop.customer.identities).toEqual([
      { kind: PHONE, value: '+66812345678' },
      { kind: WHATSAPP, value: '+66812345678' },
    ]);
    expect(timeline.entries.map((entry: any) => entry.interaction.interactionId)).toEqual(['i-wa', 'i-sms']);
    expect(interaction.interaction).toMatchObject({
      customerId,
      channel: SMS,
      queueId: 'support',
      outcome: historyV1.InteractionOutcome.INTERACTION_OUTCOME_COMPLETED,
      messageCount: 2,
      agents: [{ agentId, queueId: 'support', assignedAt: at(2), completedAt: at(5) }],
    });
    expect(interaction.messages.map((m: any) => [m.messageId, m.direction])).toEqual([
      ['m-sms-1', historyV1.MessageDirection.MESSAGE_DIRECTION_INBOUND],
      ['m-sms-2', historyV1.MessageDirection.MESSAGE_DIRECTION_OUTBOUND],
    ]);
  });

  it('pages the timeline with signed tokens and refuses tampered ones', async () => {
    const { customer } = await somchai();

    const first = await call('getTimeline', { customerId: customer.customerId, pageSize: 1 });
    const second = await call('getTimeline', { customerId: customer.customerId, pageSize: 1, pageToken: first.nextPageToken });
    const [body, mac] = first.nextPageToken.split('.');
    const tampered = await failure('getTimeline', { customerId: customer.customerId, pageSize: 1, pageToken: `${body}x.${mac}` });
    const replayed = await failure('getTimeline', { customerId: customer.customerId, pageSize: 1, pageToken: first.nextPageToken, channels: [SMS] });
    const smsOnly = await call('getTimeline', { customerId: customer.customerId, channels: [SMS] });

    expect(first.entries.map((e: any) => e.interaction.interactionId)).toEqual(['i-wa']);
    expect(second.entries.map((e: any) => e.interaction.interactionId)).toEqual(['i-sms']);
    expect(second.nextPageToken).toBe('');
    expect(tampered.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(replayed.details).toMatch(/^page-token-invalid/);
    expect(smsOnly.entries).toHaveLength(1);
  });

  it('finds words in Thai, Vietnamese, Persian and Ukrainian text', async () => {
    const search = async (query: string) => (await call('searchMessages', { query }, ['agent'])).messages.map((m: any) => m.messageId);

    expect(await search('ต้องการเปลี่ยน')).toEqual(['m-sms-1']);
    expect(await search('giúp đỡ')).toEqual(['m-chat-1']);
    expect(await search('کمک')).toEqual(['m-chat-1']);
    expect(await search('допомога')).toEqual(['m-mail-1']);
    expect(await search('package')).toEqual(['m-wa-1', 'm-sms-2']);
  });

  it('merges two customers without losing anything, and audits it', async () => {
    const { customer: target } = await somchai();
    const { customers } = await call('findCustomers', { identity: { kind: historyV1.IdentityKind.IDENTITY_KIND_EMAIL, value: 'olena.k@example.ua' } });
    const source = customers[0];
    await call('addNote', { customerId: source.customerId, interactionId: 'i-mail', text: 'asked about the invoice' }, ['agent']);

    const denied = await failure('mergeCustomers', { sourceCustomerId: source.customerId, targetCustomerId: target.customerId }, ['agent']);
    const merged = await call('mergeCustomers', { sourceCustomerId: source.customerId, targetCustomerId: target.customerId, reason: 'same person' });
    const again = await call('mergeCustomers', { sourceCustomerId: source.customerId, targetCustomerId: target.customerId, reason: 'retry' });
    const viaOldId = await call('getCustomer', { customerId: source.customerId });
    const timeline = await call('getTimeline', { customerId: target.customerId });
    const mail = await call('getInteraction', { interactionId: 'i-mail' });

    expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(merged.customer.identities).toHaveLength(3);
    expect(again.mergeId).toBe('');
    expect(viaOldId.customer.customerId).toBe(target.customerId);
    expect(timeline.entries.map((e: any) => e.interaction?.interactionId ?? 'note')).toEqual(['note', 'i-wa', 'i-mail', 'i-sms']);
    expect(mail.interaction.customerId).toBe(target.customerId);
    expect(mail.notes[0].text).toBe('asked about the invoice');
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    const { rows } = await admin.query('SELECT "source_customer_id", "target_customer_id", "merged_by", "moved" FROM customer_merges WHERE tenant_id = $1', [tenantId]);
    await admin.end();
    expect(rows).toEqual([{ source_customer_id: source.customerId, target_customer_id: target.customerId, merged_by: agentId, moved: expect.objectContaining({ identities: 1, interactions: 1, notes: 1 }) }]);
  });

  it('answers NOT_FOUND for unknown ids and other tenants, INVALID_ARGUMENT for malformed identities', async () => {
    const { customer } = await somchai();

    const crossCustomer = await failure('getCustomer', { customerId: customer.customerId }, ['supervisor'], otherTenantId);
    const crossInteraction = await failure('getInteraction', { interactionId: 'i-sms' }, ['supervisor'], otherTenantId);
    const crossSearch = await call('searchMessages', { query: 'package' }, ['supervisor'], otherTenantId);
    const unknown = await failure('getCustomer', { customerId: randomUUID() });
    const notAnId = await failure('getTimeline', { customerId: 'not-a-uuid' });
    const badPhone = await failure('screenPop', { identity: { kind: PHONE, value: '12345' } });

    expect([crossCustomer.code, crossInteraction.code, unknown.code, notAnId.code]).toEqual([grpc.status.NOT_FOUND, grpc.status.NOT_FOUND, grpc.status.NOT_FOUND, grpc.status.NOT_FOUND]);
    expect(crossSearch.messages).toEqual([]);
    expect(badPhone.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badPhone.details).toMatch(/^phone-invalid/);
  });

  it('exports every record, then erases the customer so that no API returns its data', async () => {
    const visitor = { kind: WEBCHAT, value: 'visitor-42' };
    const { customer } = await call('screenPop', { identity: visitor });
    const customerId = customer.customerId;
    await call('createCase', { customerId, subject: 'Cần hỗ trợ hóa đơn' }, ['agent']);

    const exported = await call('exportCustomer', { customerId }, ['tenant-admin']);
    const document = JSON.parse(Buffer.from(exported.document).toString('utf8'));
    const agentErase = await failure('eraseCustomer', { customerId }, ['agent']);
    await call('eraseCustomer', { customerId, reason: 'GDPR request #1' }, ['tenant-admin']);

    expect(exported.contentType).toBe('application/json');
    expect(document).toMatchObject({ customerId, identities: [{ kind: 'webchat', value: 'visitor-42' }], messages: [{ message_id: 'm-chat-1' }], cases: [{ subject: 'Cần hỗ trợ hóa đơn' }] });
    expect(agentErase.code).toBe(grpc.status.PERMISSION_DENIED);
    for (const [method, request] of [
      ['getCustomer', { customerId }],
      ['getTimeline', { customerId }],
      ['getInteraction', { interactionId: 'i-chat' }],
      ['listCases', { customerId }],
      ['exportCustomer', { customerId }],
      ['eraseCustomer', { customerId }],
    ] as const) {
      expect((await failure(method, request, ['tenant-admin'])).code).toBe(grpc.status.NOT_FOUND);
    }
    expect((await call('screenPop', { identity: visitor })).customer).toBeNull();
    expect((await call('findCustomers', { identity: visitor })).customers).toEqual([]);
    expect((await call('searchMessages', { query: 'giúp' })).messages).toEqual([]);
  });
});
