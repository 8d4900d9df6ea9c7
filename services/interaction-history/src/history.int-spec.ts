import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider, type Role } from '@contactcenter/auth';
import { commonV1, type EventDefinition, Events, historyV1, type messageV1, protoFile, protoRoot, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, KafkaEventBus } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import {
  createTestDatabase,
  DEMO,
  freePort,
  migrateAndConnect,
  newTenant,
  newTenantId,
  newUser,
  newWorkspaceId,
  stackEndpoints,
  type TestDatabase,
  type TestUser,
  uniqueGroup,
  uniqueTopic,
} from '@contactcenter/testing';
import { HISTORY_TOPICS } from './consumers/history-events.consumer';
import { HistoryModule } from './history.module';
import { HISTORY_MIGRATIONS } from './persistence/history.migrations';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = (request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void;
type HistoryClient = grpc.Client & Record<string, Rpc>;

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const at = (minutes: number) => toTimestamp(new Date(T0 + minutes * 60_000));
const { CHANNEL_SMS: SMS, CHANNEL_SOCIAL: SOCIAL, CHANNEL_EMAIL: EMAIL, CHANNEL_CHAT: CHAT, CHANNEL_VOICE: VOICE } = commonV1.Channel;
const { DIRECTION_INBOUND: INBOUND } = commonV1.Direction;
const { IDENTITY_KIND_PHONE: PHONE, IDENTITY_KIND_WHATSAPP: WHATSAPP, IDENTITY_KIND_WEBCHAT: WEBCHAT } = historyV1.IdentityKind;

// Real Kafka in, real Postgres underneath (as cc_app, RLS forced), gRPC with real tokens out.
describe(HistoryModule.name, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const otherTenantId = newTenantId();
  const agentId = randomUUID();
  const otherAgentId = randomUUID();
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let history: HistoryClient;
  // Topics of this run only: the shared ones hold every other test's events, read from the start.
  const topics: Record<string, string> = Object.fromEntries(HISTORY_TOPICS.map((topic) => [topic, uniqueTopic(topic)]));

  function event<T>(definition: EventDefinition<T>, payload: T, id = randomUUID()): EventRecord {
    return { id, type: definition.type, topic: topics[definition.topic], key: workspaceId, time: new Date(T0), workspaceId, tenantId, payload: definition.codec.encode(payload).finish() };
  }
  const received = (id: string, interactionId: string, channel: commonV1.Channel, sender: string, text: string, minute: number, attachments: messageV1.Attachment[] = []) =>
    event(Events.MessageReceived, { messageId: id, tenantId, channelAccountId: 'acct', channel, providerMessageId: '', conversationKey: '', senderIdentity: sender, text, attachments, interactionId, receivedAt: at(minute) });
  const invoice = { attachmentId: 'att-4711', fileName: 'рахунок-4711.pdf', contentType: 'application/pdf', sizeBytes: 48_213 };
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

  async function inboxCount(): Promise<number> {
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    try {
      return (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE tenant_id = $1', [tenantId])).rows[0].n;
    } finally {
      await admin.end();
    }
  }

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
    dataSource = await migrateAndConnect(db, HISTORY_MIGRATIONS);
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'history-spec', logger: quiet });

    const url = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'history-spec' }),
        AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
        HistoryModule.register({ dataSource, eventBus: bus, cursorSecret: 'spec-secret-of-at-least-thirty-two-chars', consumerGroup: uniqueGroup('history'), topics: Object.values(topics) }),
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
      event(Events.InteractionCompleted, { interactionId: 'i-sms', tenantId, agentId, completedAt: at(5), holdMs: 0 }),
      event(Events.InteractionWrappedUp, { interactionId: 'i-sms', tenantId, queueId: 'support', agentId, disposition: 'package-changed', notes: 'moved to the 20 GB plan', timedOut: false, handleTimeMs: 240_000, wrappedUpAt: at(6) }),
    ];
    // A call without a known caller: answered by one agent, transferred to another, both wrap up;
    // recorded and surveyed. Its events come newest first, each twice (redelivery).
    const callEvents = [
      event(Events.InteractionRequested, { interactionId: 'i-call', tenantId, workspaceId, channel: VOICE, direction: INBOUND, queueId: 'sales', priority: 0, requiredSkills: {}, customerIdentity: '', preferredAgentId: '', requestedAt: at(200) }),
      event(Events.InteractionQueued, { interactionId: 'i-call', tenantId, queueId: 'sales', channel: VOICE, queuedAt: at(200) }),
      event(Events.InteractionAssigned, { interactionId: 'i-call', tenantId, queueId: 'sales', agentId, assignedAt: at(201), queueTimeMs: 60_000 }),
      event(Events.InteractionTransferred, { interactionId: 'i-call', tenantId, fromQueueId: 'sales', fromAgentId: agentId, toQueueId: 'billing', toAgentId: otherAgentId, transferredAt: at(203) }),
      event(Events.InteractionWrappedUp, { interactionId: 'i-call', tenantId, queueId: 'sales', agentId, disposition: 'transferred', notes: '', timedOut: true, handleTimeMs: 180_000, wrappedUpAt: at(204) }),
      event(Events.InteractionQueued, { interactionId: 'i-call', tenantId, queueId: 'billing', channel: VOICE, queuedAt: at(203) }),
      event(Events.InteractionAssigned, { interactionId: 'i-call', tenantId, queueId: 'billing', agentId: otherAgentId, assignedAt: at(205), queueTimeMs: 120_000 }),
      event(Events.InteractionCompleted, { interactionId: 'i-call', tenantId, agentId: otherAgentId, completedAt: at(210), holdMs: 0 }),
      event(Events.InteractionWrappedUp, { interactionId: 'i-call', tenantId, queueId: 'billing', agentId: otherAgentId, disposition: 'refund-issued', notes: 'refund of 20 EUR approved', timedOut: false, handleTimeMs: 360_000, wrappedUpAt: at(211) }),
      event(Events.RecordingAvailable, { recordingId: 'rec-1', tenantId, interactionId: 'i-call', uri: 'recordings/rec-1.wav', durationMs: 540_000, availableAt: at(212) }),
      event(Events.SurveyCompleted, { surveyId: 'survey-1', tenantId, interactionId: 'i-call', csat: 5, completedAt: at(230) }),
    ];
    const first = received('m-sms-1', 'i-sms', SMS, '+66 81 234 5678', 'สวัสดีครับผมต้องการเปลี่ยนแพ็กเกจ', 0);
    const log = [
      ...[...sms].reverse(),
      received('m-wa-1', 'i-wa', SOCIAL, 'whatsapp:66812345678', 'Is my new package active?', 60),
      received('m-mail-1', 'i-mail', EMAIL, 'Olena.K@Example.UA', 'Привіт, мені потрібна Допомога з рахунком', 30, [invoice]),
      received('m-chat-1', 'i-chat', CHAT, 'visitor-42', 'Xin chào, tôi cần giúp đỡ. سلام، من به کمک نیاز دارم', 90),
      event(Events.InteractionWrappedUp, { interactionId: 'i-chat', tenantId, queueId: 'support', agentId, disposition: 'billing-question', notes: 'customer Nguyễn asks about invoice 4711', timedOut: false, handleTimeMs: 60_000, wrappedUpAt: at(95) }),
      ...[...callEvents].reverse(),
    ];
    await bus.publish(log);
    await bus.publish(callEvents);
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
      disposition: 'package-changed',
      wrapUpNotes: 'moved to the 20 GB plan',
      wrappedUpAt: at(6),
      agents: [
        {
          agentId,
          queueId: 'support',
          assignedAt: at(2),
          completedAt: at(5),
          transferredAt: null,
          wrapUp: { disposition: 'package-changed', notes: 'moved to the 20 GB plan', timedOut: false, handleTimeMs: 240_000, wrappedUpAt: at(6) },
        },
      ],
    });
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    const { rows } = await admin.query<{ payload: Buffer }>('SELECT payload FROM outbox WHERE tenant_id = $1 AND type = $2', [tenantId, Events.InteractionCustomerLinked.type]);
    await admin.end();
    const links = rows.map((row) => Events.InteractionCustomerLinked.codec.decode(row.payload)).filter((link) => link.customerId === customerId);
    expect(links.map((link) => [link.interactionId, link.caseId, link.linkedAt])).toEqual(expect.arrayContaining([['i-sms', '', at(0)], ['i-wa', '', at(60)]]));
    expect(links).toHaveLength(2);
    expect(interaction.messages.map((m: any) => [m.messageId, m.direction])).toEqual([
      ['m-sms-1', historyV1.MessageDirection.MESSAGE_DIRECTION_INBOUND],
      ['m-sms-2', historyV1.MessageDirection.MESSAGE_DIRECTION_OUTBOUND],
    ]);
  });

  it('builds a transferred call from late, duplicated, reversed events: agents, wrap-ups, recording, survey', async () => {
    const { interaction } = await call('getInteraction', { interactionId: 'i-call' }, ['agent']);

    expect(interaction).toMatchObject({
      channel: VOICE,
      direction: INBOUND,
      queueId: 'billing',
      startedAt: at(200),
      queuedAt: at(200),
      assignedAt: at(201),
      endedAt: at(210),
      outcome: historyV1.InteractionOutcome.INTERACTION_OUTCOME_COMPLETED,
      disposition: 'refund-issued',
      wrapUpNotes: 'refund of 20 EUR approved',
      wrappedUpAt: at(211),
      transfers: [{ fromAgentId: agentId, fromQueueId: 'sales', toQueueId: 'billing', toAgentId: otherAgentId, transferredAt: at(203) }],
      recordings: [{ recordingId: 'rec-1', uri: 'recordings/rec-1.wav', durationMs: 540_000, availableAt: at(212) }],
      survey: { surveyId: 'survey-1', csat: 5, completedAt: at(230) },
    });
    expect(interaction.agents).toEqual([
      {
        agentId,
        queueId: 'sales',
        assignedAt: at(201),
        completedAt: null,
        transferredAt: at(203),
        wrapUp: { disposition: 'transferred', notes: '', timedOut: true, handleTimeMs: 180_000, wrappedUpAt: at(204) },
      },
      {
        agentId: otherAgentId,
        queueId: 'billing',
        assignedAt: at(205),
        completedAt: at(210),
        transferredAt: null,
        wrapUp: { disposition: 'refund-issued', notes: 'refund of 20 EUR approved', timedOut: false, handleTimeMs: 360_000, wrappedUpAt: at(211) },
      },
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
    const walked: string[] = [];
    for (let pageToken = '', first = true; first || pageToken; first = false) {
      const page = await call('getTimeline', { customerId: target.customerId, pageSize: 1, pageToken });
      walked.push(...page.entries.map((e: any) => e.interaction?.interactionId ?? 'note'));
      pageToken = page.nextPageToken;
    }
    expect(timeline.entries.map((e: any) => e.interaction?.interactionId ?? 'note')).toEqual(['note', 'i-wa', 'i-mail', 'i-sms']);
    expect(walked).toEqual(['note', 'i-wa', 'i-mail', 'i-sms']);
    expect(mail.interaction.customerId).toBe(target.customerId);
    expect(mail.notes[0].text).toBe('asked about the invoice');
    expect(mail.messages[0]).toMatchObject({ attachmentNames: ['рахунок-4711.pdf'], attachments: [invoice] });
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    const { rows } = await admin.query('SELECT "source_customer_id", "target_customer_id", "merged_by", "moved" FROM customer_merges WHERE tenant_id = $1', [tenantId]);
    await admin.end();
    expect(rows).toEqual([{ source_customer_id: source.customerId, target_customer_id: target.customerId, merged_by: agentId, moved: expect.objectContaining({ identities: 1, interactions: 1, notes: 1 }) }]);
  });

  it('files interactions under a case of their customer, unfiles them, and announces both', async () => {
    const { customer } = await somchai();
    const { case: billing } = await call('createCase', { customerId: customer.customerId, subject: 'package change' }, ['agent']);
    const contact = (id: string, queueId: string, minute: number) => [
      received(`m-${id}`, id, SMS, '+66812345678', 'about my package again', minute),
      event(Events.InteractionQueued, { interactionId: id, tenantId, queueId, channel: SMS, queuedAt: at(minute) }),
    ];
    // Somchai came back to the same queue (and once to another) before the agent opened a case.
    let ingested = await inboxCount();
    await bus.publish([...contact('i-again', 'support', 30), ...contact('i-sales', 'sales', 31)]);
    await waitForInbox(ingested + 4);

    const filed = await call('linkInteractionToCase', { interactionId: 'i-sms', caseId: billing.caseId }, ['agent']);
    // ... and comes back once more after it: the follow-up joins the case by itself.
    ingested = await inboxCount();
    await bus.publish(contact('i-later', 'support', 600));
    await waitForInbox(ingested + 2);
    const caseOf = async (interactionId: string) => (await call('getInteraction', { interactionId }, ['agent'])).interaction.caseId;
    expect([await caseOf('i-again'), await caseOf('i-later'), await caseOf('i-sales')]).toEqual([billing.caseId, billing.caseId, '']);

    const popped = await call('screenPop', { identity: { kind: PHONE, value: '+66812345678' }, interactionLimit: 20 }, ['agent']);
    const otherCustomers = await failure('linkInteractionToCase', { interactionId: 'i-chat', caseId: billing.caseId }, ['agent']);
    const unknownCase = await failure('linkInteractionToCase', { interactionId: 'i-sms', caseId: randomUUID() }, ['agent']);
    const crossTenant = await failure('linkInteractionToCase', { interactionId: 'i-sms', caseId: billing.caseId }, ['agent'], otherTenantId);
    const noCustomerYet = await failure('linkInteractionToCase', { interactionId: 'i-call', caseId: billing.caseId }, ['agent']);
    const unfiled = await call('unlinkInteractionFromCase', { interactionId: 'i-sms' }, ['agent']);
    // A late event of the unfiled interaction does not put it back: the agent's choice stands.
    ingested = await inboxCount();
    await bus.publish([event(Events.InteractionQueued, { interactionId: 'i-sms', tenantId, queueId: 'support', channel: SMS, queuedAt: at(1) })]);
    await waitForInbox(ingested + 1);
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    const { rows } = await admin.query<{ payload: Buffer }>('SELECT payload FROM outbox WHERE tenant_id = $1 AND type = $2 ORDER BY seq', [tenantId, Events.InteractionCustomerLinked.type]);
    await admin.end();
    const announced = rows.map((row) => Events.InteractionCustomerLinked.codec.decode(row.payload));
    const links = announced.filter((link) => link.interactionId === 'i-sms');
    const filedByRule = announced.filter((link) => link.caseId === billing.caseId && link.interactionId !== 'i-sms').map((link) => link.interactionId);

    expect(filed.interaction).toMatchObject({ interactionId: 'i-sms', caseId: billing.caseId });
    expect(popped.recentInteractions.find((i: any) => i.interactionId === 'i-sms').caseId).toBe(billing.caseId);
    expect([otherCustomers.code, unknownCase.code, crossTenant.code, noCustomerYet.code]).toEqual([grpc.status.FAILED_PRECONDITION, grpc.status.NOT_FOUND, grpc.status.NOT_FOUND, grpc.status.NOT_FOUND]);
    expect(otherCustomers.details).toMatch(/^case-of-another-customer/);
    expect(unfiled.interaction.caseId).toBe('');
    expect(await caseOf('i-sms')).toBe('');
    expect(filedByRule.sort()).toEqual(['i-again', 'i-later']);
    expect(links.map((link) => [link.customerId, link.caseId])).toEqual([
      [customer.customerId, ''],
      [customer.customerId, billing.caseId],
      [customer.customerId, ''],
    ]);
  });

  it('files e-mails of one subject or reference token into one case across queues; keeps offers and withdrawals', async () => {
    const mila = 'mila@example.de';
    const mail = (id: string, subject: string, queueId: string, minute: number) => [
      event(Events.MessageReceived, {
        messageId: `m-${id}`,
        tenantId,
        channelAccountId: 'acct',
        channel: EMAIL,
        providerMessageId: '',
        conversationKey: '',
        senderIdentity: mila,
        text: 'see the subject',
        attachments: [],
        interactionId: id,
        receivedAt: at(minute),
        subject,
      }),
      event(Events.InteractionQueued, { interactionId: id, tenantId, queueId, channel: EMAIL, queuedAt: at(minute) }),
    ];
    let ingested = await inboxCount();
    await bus.publish(mail('i-mail-1', '[#K-1] Invoice 4711 is wrong', 'email-billing', 1000));
    await waitForInbox(ingested + 2);
    const { customer } = await call('screenPop', { identity: { kind: historyV1.IdentityKind.IDENTITY_KIND_EMAIL, value: mila } }, ['agent']);
    const { case: invoice4711 } = await call('createCase', { customerId: customer.customerId, subject: 'invoice 4711' }, ['agent']);
    await call('linkInteractionToCase', { interactionId: 'i-mail-1', caseId: invoice4711.caseId }, ['agent']);
    // i-mail-3 is offered, the offer rejected, then the customer withdraws; each event twice, newest first.
    const lifecycle = [
      event(Events.InteractionWithdrawn, { interactionId: 'i-mail-3', tenantId, workspaceId, reason: 'customer-closed', withdrawnAt: at(1033) }),
      event(Events.InteractionOfferEnded, { interactionId: 'i-mail-3', tenantId, queueId: 'email-billing', agentId, offerId: 'o-1', reason: 'rejected', endedAt: at(1031) }),
      event(Events.InteractionOffered, { interactionId: 'i-mail-3', tenantId, queueId: 'email-billing', agentId, offerId: 'o-1', offeredAt: at(1030), expiresAt: at(1031) }),
    ];
    ingested = await inboxCount();
    await bus.publish([
      // Another queue, the same subject once normalised: joins.
      ...mail('i-mail-2', 'RE: AW:  invoice 4711 IS wrong', 'email-sales', 1010),
      // The first one's queue, but another reference token: another issue.
      ...mail('i-mail-3', 'Re: [#K-2] Refund', 'email-billing', 1030),
      // Nothing in common: stays out.
      ...mail('i-mail-4', 'Fwd: new address', 'email-other', 1040),
      // The first one's token (any case), nothing else in common: joins.
      ...mail('i-mail-5', 'Re: [#k-1] still waiting', 'email-general', 1050),
      ...lifecycle,
      ...lifecycle,
    ]);
    await waitForInbox(ingested + 11);
    const interaction = async (interactionId: string) => (await call('getInteraction', { interactionId }, ['agent'])).interaction;
    const cases = await Promise.all(['i-mail-2', 'i-mail-3', 'i-mail-4', 'i-mail-5'].map(async (id) => (await interaction(id)).caseId));
    const offered = await interaction('i-mail-3');
    const seconds = (minute: number) => ({ seconds: (T0 + minute * 60_000) / 1000, nanos: 0 });

    expect(cases).toEqual([invoice4711.caseId, '', '', invoice4711.caseId]);
    expect(offered).toMatchObject({
      subject: 'refund',
      referenceToken: 'K-2',
      offers: [{ offerId: 'o-1', agentId, queueId: 'email-billing', offeredAt: seconds(1030), endedAt: seconds(1031), endReason: 'rejected' }],
      withdrawnAt: seconds(1033),
      withdrawalReason: 'customer-closed',
      outcome: historyV1.InteractionOutcome.INTERACTION_OUTCOME_ABANDONED,
    });
  });

  it('searches agents\' notes in any language, per tenant and per customer', async () => {
    const { customer } = await somchai();
    await call('addNote', { customerId: customer.customerId, text: 'ลูกค้าต้องการเปลี่ยนแพ็กเกจเป็น 20 GB' }, ['agent']);
    await call('addNote', { customerId: customer.customerId, text: 'Клієнт просить Повернення коштів за 20 GB' }, ['agent']);
    const search = async (request: object, tenant = tenantId) => (await call('searchNotes', request, ['agent'], tenant)).notes.map((n: any) => n.text);

    expect(await search({ query: 'invoice' })).toEqual(['asked about the invoice']);
    expect(await search({ query: 'เปลี่ยนแพ็กเกจ' })).toEqual(['ลูกค้าต้องการเปลี่ยนแพ็กเกจเป็น 20 GB']);
    expect(await search({ query: 'повернення', customerId: customer.customerId })).toEqual(['Клієнт просить Повернення коштів за 20 GB']);
    expect(await search({ query: 'invoice' }, otherTenantId)).toEqual([]);
    const first = await call('searchNotes', { query: '20 GB', pageSize: 1 }, ['agent']);
    const second = await call('searchNotes', { query: '20 GB', pageSize: 1, pageToken: first.nextPageToken }, ['agent']);
    expect([...first.notes, ...second.notes].map((n: any) => n.text).sort()).toEqual(['Клієнт просить Повернення коштів за 20 GB', 'ลูกค้าต้องการเปลี่ยนแพ็กเกจเป็น 20 GB']);
    expect(second.nextPageToken).toBe('');
    expect((await failure('searchNotes', { query: ' ' })).details).toMatch(/^query-empty/);
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
    // Wrap-up notes are gone, also from a wrap-up that arrives after the erasure.
    const ingested = await inboxCount();
    await bus.publish([
      event(Events.InteractionWrappedUp, { interactionId: 'i-chat', tenantId, queueId: 'support', agentId: otherAgentId, disposition: 'callback', notes: 'Nguyễn wants a callback', timedOut: false, handleTimeMs: 1_000, wrappedUpAt: at(99) }),
    ]);
    await waitForInbox(ingested + 1);
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    const { rows } = await admin.query(`SELECT "record"->'wrapUps' AS wrap_ups FROM interactions WHERE tenant_id = $1 AND interaction_id = 'i-chat'`, [tenantId]);
    await admin.end();
    expect(rows[0].wrap_ups.map((w: any) => [w.disposition, w.notes])).toEqual([
      ['billing-question', ''],
      ['callback', ''],
    ]);
    expect((await call('screenPop', { identity: visitor })).customer).toBeNull();
    expect((await call('findCustomers', { identity: visitor })).customers).toEqual([]);
    expect((await call('searchMessages', { query: 'giúp' })).messages).toEqual([]);
  });
});

// Roles with real Keycloak users: the token's tenant grants and realm roles decide, nothing else.
describe(`${HistoryModule.name} roles`, () => {
  const scope = newTenant();
  const other = newTenant();
  const topics: Record<string, string> = Object.fromEntries(HISTORY_TOPICS.map((topic) => [topic, uniqueTopic(topic)]));
  let db: TestDatabase;
  let dataSource: DataSource;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let history: HistoryClient;
  let agent: TestUser;
  let supervisor: TestUser;
  let tenantAdmin: TestUser;
  let otherAdmin: TestUser;
  const customerIds: string[] = [];

  const call = async <T = any>(user: TestUser, method: string, request: unknown, tenant = scope.tenantId): Promise<T> => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await user.token()}`);
    metadata.set('x-tenant-id', tenant);
    return new Promise<T>((resolve, reject) => history[method](request, metadata, (e, r) => (e ? reject(e) : resolve(r))));
  };
  const code = (user: TestUser, method: string, request: unknown, tenant = scope.tenantId) =>
    call(user, method, request, tenant).then(
      () => grpc.status.OK,
      (error: grpc.ServiceError) => error.code,
    );

  beforeAll(async () => {
    db = await createTestDatabase('history_roles');
    dataSource = await migrateAndConnect(db, HISTORY_MIGRATIONS);
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'history-roles-spec', logger: quiet });
    [agent, supervisor, tenantAdmin, otherAdmin] = await Promise.all([
      newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['agent'] }),
      newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['supervisor'] }),
      newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['tenant-admin'] }),
      newUser({ workspaceId: other.workspaceId, tenants: [other.tenantId], roles: ['tenant-admin'] }),
    ]);

    const url = `127.0.0.1:${await freePort()}`;
    const { issuer } = stackEndpoints();
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'history-roles-spec' }),
        AuthModule.forRoot({ issuer, audience: DEMO.audience, jwksUri: `${issuer}/protocol/openid-connect/certs` }),
        HistoryModule.register({ dataSource, eventBus: bus, cursorSecret: 'spec-secret-of-at-least-thirty-two-chars', consumerGroup: uniqueGroup('history-roles'), topics: Object.values(topics) }),
      ],
    })
    class RolesHostModule {}
    app = await NestFactory.create(RolesHostModule, { logger: false });
    const protoPath = [protoFile('history', 'history_service')];
    app.connectMicroservice({ transport: Transport.GRPC, options: { package: historyV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
    const pkg = ((definition.contactcenter as grpc.GrpcObject).history as grpc.GrpcObject).v1 as grpc.GrpcObject;
    history = new (pkg.HistoryService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as HistoryClient;

    // Two customers of the granted tenant, one SMS each.
    const sms = (phone: string, minute: number) => {
      const payload = { messageId: randomUUID(), tenantId: scope.tenantId, channelAccountId: 'acct', channel: SMS, providerMessageId: '', conversationKey: '', senderIdentity: phone, text: 'hello', attachments: [], interactionId: randomUUID(), receivedAt: at(minute) };
      const { workspaceId, tenantId } = scope;
      return { id: randomUUID(), type: Events.MessageReceived.type, topic: topics[Events.MessageReceived.topic], key: workspaceId, time: new Date(T0), workspaceId, tenantId, payload: Events.MessageReceived.codec.encode(payload).finish() };
    };
    await bus.publish([sms('+66811111111', 0), sms('+66822222222', 1)]);
    for (const phone of ['+66811111111', '+66822222222']) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const pop = await call(tenantAdmin, 'screenPop', { identity: { kind: PHONE, value: phone } });
        if (pop.customer) {
          customerIds.push(pop.customer.customerId);
          break;
        }
        if (Date.now() > deadline) throw new Error(`the customer of ${phone} was not ingested`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });

  afterAll(async () => {
    history?.close();
    await app?.close();
    await bus?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('lets an agent read and keep records of its granted tenant only', async () => {
    const [first] = customerIds;

    expect(await code(agent, 'getCustomer', { customerId: first })).toBe(grpc.status.OK);
    expect(await code(agent, 'getTimeline', { customerId: first })).toBe(grpc.status.OK);
    expect((await call(agent, 'getTimeline', { customerId: first, channels: [EMAIL] })).entries).toEqual([]);
    expect(await code(agent, 'addNote', { customerId: first, text: 'called about the bill' })).toBe(grpc.status.OK);
    expect(await code(agent, 'getCustomer', { customerId: first }, other.tenantId)).toBe(grpc.status.PERMISSION_DENIED);
    expect(await code(agent, 'screenPop', { identity: { kind: PHONE, value: '+66811111111' } }, other.tenantId)).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('keeps merging to supervisors and up, export and erasure to tenant admins', async () => {
    const [first, second] = customerIds;

    expect(await code(agent, 'mergeCustomers', { sourceCustomerId: second, targetCustomerId: first })).toBe(grpc.status.PERMISSION_DENIED);
    expect(await code(agent, 'exportCustomer', { customerId: first })).toBe(grpc.status.PERMISSION_DENIED);
    expect(await code(agent, 'eraseCustomer', { customerId: first })).toBe(grpc.status.PERMISSION_DENIED);
    expect(await code(supervisor, 'exportCustomer', { customerId: first })).toBe(grpc.status.PERMISSION_DENIED);
    expect(await code(supervisor, 'eraseCustomer', { customerId: first })).toBe(grpc.status.PERMISSION_DENIED);
    const merged = await call(supervisor, 'mergeCustomers', { sourceCustomerId: second, targetCustomerId: first, reason: 'same person' });
    const exported = await call(tenantAdmin, 'exportCustomer', { customerId: first });
    await call(tenantAdmin, 'eraseCustomer', { customerId: first, reason: 'GDPR request' });

    expect(merged.customer.identities).toHaveLength(2);
    expect(JSON.parse(Buffer.from(exported.document).toString('utf8'))).toMatchObject({ customerId: first, merges: [expect.anything()] });
    expect(await code(agent, 'getCustomer', { customerId: first })).toBe(grpc.status.NOT_FOUND);
  });

  it('never shows one tenant\'s customers to another tenant\'s administrator', async () => {
    const [, second] = customerIds;

    for (const [method, request] of [
      ['getCustomer', { customerId: second }],
      ['getTimeline', { customerId: second }],
      ['listCases', { customerId: second }],
      ['exportCustomer', { customerId: second }],
      ['eraseCustomer', { customerId: second }],
    ] as const) {
      expect([method, await code(otherAdmin, method, request, other.tenantId)]).toEqual([method, grpc.status.NOT_FOUND]);
    }
    expect((await call(otherAdmin, 'screenPop', { identity: { kind: PHONE, value: '+66822222222' } }, other.tenantId)).customer).toBeNull();
    expect(await code(otherAdmin, 'getCustomer', { customerId: second }, scope.tenantId)).toBe(grpc.status.PERMISSION_DENIED);
  });
});
