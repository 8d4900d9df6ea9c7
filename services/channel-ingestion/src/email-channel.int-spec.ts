import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { INestApplication } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { channelAdminV1, Events, messagingV1, Topics } from '@contactcenter/contracts';
import { type ConsumedEvent, KafkaEventBus, type Subscription } from '@contactcenter/messaging';
import { createTestDatabase, mailEndpoints, type MailUser, migrateAndConnect, newMailUser, newTenant, newUser, stackEndpoints, type TestDatabase, type TestUser, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { EmailChannel } from './app/email/email-channel';
import { parseMime } from './drivers/email/mime-parser';
import type { InboundEmail } from './drivers/email/email.types';
import { CHANNEL_MIGRATIONS } from './persistence/channel.migrations';
import { startChannelGrpcHost } from './testing/channel-grpc.host';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = (request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void;
type AnyClient = grpc.Client & Record<string, Rpc>;

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const { ChannelKind: K } = channelAdminV1;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every mail in a GreenMail user's INBOX, parsed, with its raw header block. */
async function inboxOf(user: MailUser): Promise<Array<{ email: InboundEmail; headers: string }>> {
  const { host, imapPort } = mailEndpoints();
  const client = new ImapFlow({ host, port: imapPort, secure: false, auth: { user: user.login, pass: user.password }, logger: false });
  await client.connect();
  try {
    const mailbox = await client.mailboxOpen('INBOX');
    if (mailbox.exists === 0) return [];
    const out: Array<{ email: InboundEmail; headers: string }> = [];
    for await (const message of client.fetch('1:*', { uid: true, source: true })) {
      out.push({ email: await parseMime(message.source!), headers: message.source!.toString('utf8').split('\r\n\r\n')[0] });
    }
    return out;
  } finally {
    await client.logout();
  }
}

// E-mail through the whole service: our SMTP MX and a polled GreenMail IMAP mailbox in, the
// common ingest (Postgres, outbox, Kafka) in the middle, gRPC SendMessage out through GreenMail
// SMTP with threading headers, and the customer's answer back onto the same interaction.
describe('e-mail channel (SMTP in, IMAP polling, SMTP replies)', () => {
  const scope = newTenant();
  const domain = `acme-${randomUUID().slice(0, 8)}.test`;
  const hostedAddress = `help@${domain}`;
  let admin: TestUser;
  let agent: TestUser;
  let customer: MailUser;
  let supportBox: MailUser;
  let db: TestDatabase;
  let dataSource: DataSource;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let adminClient: AnyClient;
  let messaging: AnyClient;
  let subscription: Subscription;
  let mxPort: number;
  const seen: ConsumedEvent[] = [];
  const accounts: Record<string, string> = {};

  const call = async <T = any>(client: AnyClient, method: string, request: unknown, user: TestUser): Promise<T> => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${await user.token()}`);
    m.set('x-tenant-id', scope.tenantId);
    return new Promise<T>((resolve, reject) => client[method](request, m, (e, r) => (e ? reject(e) : resolve(r))));
  };
  const events = <T>(definition: { type: string; codec: { decode(bytes: Uint8Array): T } }, match: (payload: T) => boolean): T[] =>
    seen.filter((e) => e.type === definition.type).map((e) => definition.codec.decode(e.payload)).filter(match);
  const received = (providerMessageId: string) => () => events(Events.MessageReceived, (e) => e.providerMessageId === providerMessageId)[0];
  const toMx = (mail: Record<string, unknown>) => createTransport({ host: '127.0.0.1', port: mxPort, secure: false, ignoreTLS: true }).sendMail({ from: customer.email, ...mail });
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: db.url('admin') });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    admin = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['tenant-admin'] });
    agent = await newUser({ workspaceId: scope.workspaceId, tenants: [scope.tenantId], roles: ['agent'] });
    customer = await newMailUser('customer', 'customer.example');
    supportBox = await newMailUser('support', domain);
    db = await createTestDatabase('channels-email');
    dataSource = await migrateAndConnect(db, CHANNEL_MIGRATIONS);
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'channels-email-spec', logger: quiet });
    subscription = await bus.subscribe({
      groupId: uniqueGroup('channels-email-observer'),
      topics: [Topics.message, Topics.interaction],
      fromBeginning: false,
      handler: async (event) => void (event.tenantId === scope.tenantId && seen.push(event)),
    });

    const mail = mailEndpoints();
    const host = await startChannelGrpcHost('channels-email-spec', {
      dataSource,
      eventBus: bus,
      secretsKey: 'spec-secrets-key-of-at-least-32-characters',
      consumerGroup: uniqueGroup('channels'),
      relayDatabaseUrl: db.url('relay'),
      fromBeginning: false,
      // Routing's events come on a topic of this run: routing instances of other runs on the shared
      // broker would refuse these interactions (their queues are unknown there) and close them.
      interactionTopic: uniqueTopic('channels-email-interactions'),
      email: {
        smtpInbound: { host: '127.0.0.1', port: 0, serverName: 'mx.cc.test', maxMessageBytes: 1024 * 1024 },
        relay: { host: mail.host, port: mail.smtpPort, secure: false },
        messageIdDomain: 'mail.cc.test',
        imapPollIntervalMs: 300,
        mailboxSyncMs: 500,
        onError: (error, context) => console.error('email channel', error, context),
      },
      // The attachment server of these tests listens on 127.0.0.1; other loopback names stay refused.
      fetchAllowPrivateHosts: ['127.0.0.1'],
    });
    app = host.app;
    mxPort = app.get(EmailChannel).driver.smtpPort!;
    adminClient = host.client<AnyClient>('ChannelAdminService');
    messaging = host.client<AnyClient>('MessagingService');

    accounts.hosted = (
      await call(adminClient, 'CreateChannelAccount', { account: { kind: K.CHANNEL_KIND_EMAIL, name: 'Help desk', address: hostedAddress, defaultQueueId: 'email-support', settings: { from_name: 'ACME Help' } } }, admin)
    ).account.accountId;
  });

  afterAll(async () => {
    adminClient?.close();
    messaging?.close();
    await subscription?.close();
    await app?.close();
    await bus?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('turns mail to our MX into an interaction, replies with threading headers, and threads the answer onto the same interaction', async () => {
    await toMx({ to: hostedAddress, subject: 'Повернення коштів', text: 'Добрий день, прошу повернути кошти за замовлення 42.', messageId: '<olena-1@customer.example>' });
    const first = await waitFor('MessageReceived of the first mail', received('<olena-1@customer.example>'));
    // History files e-mails about the same subject under one case.
    expect(first.subject).toBe('Повернення коштів');
    const requested = await waitFor('InteractionRequested', () => events(Events.InteractionRequested, (e) => e.interactionId === first.interactionId)[0]);

    const reply = await call(messaging, 'SendMessage', { interactionId: first.interactionId, text: 'Вітаємо! Кошти повернуто.', idempotencyKey: `reply-${randomUUID()}` }, agent);
    const [answered] = await waitFor('the reply in the customer inbox', async () => {
      const inbox = await inboxOf(customer);
      return inbox.length > 0 ? inbox : undefined;
    });
    const token = /\[#([0-9A-Z]{8})\]/.exec(answered.email.subject)?.[1];

    await toMx({
      to: hostedAddress,
      subject: answered.email.subject.replace(/^Re:/, 'RE:'),
      text: 'Дякую!',
      messageId: '<olena-2@customer.example>',
      inReplyTo: answered.email.messageId,
      references: [...answered.email.references, answered.email.messageId],
    });
    const second = await waitFor('MessageReceived of the answer', received('<olena-2@customer.example>'));

    // A redelivered mail (same Message-ID) is acknowledged and stored once.
    await toMx({ to: hostedAddress, subject: 'Повернення коштів', text: 'Добрий день, прошу повернути кошти за замовлення 42.', messageId: '<olena-1@customer.example>' });
    // Mail for an address nobody configured is refused at RCPT.
    const refused = await toMx({ to: `nobody@${domain}`, subject: 'x', text: 'x' }).catch((error: { responseCode?: number }) => error);
    const log = await query<{ direction: string; provider_message_id: string; interaction_id: string }>(
      `SELECT "direction", "provider_message_id", "interaction_id" FROM "messages" WHERE "tenant_id" = $1 ORDER BY "created_at"`,
      [scope.tenantId],
    );

    expect(first).toMatchObject({ channelAccountId: accounts.hosted, senderIdentity: `email:${customer.email}`, text: expect.stringContaining('замовлення 42') });
    expect(requested).toMatchObject({ queueId: 'email-support', customerIdentity: `email:${customer.email}` });
    expect(reply).toMatchObject({ status: messagingV1.DeliveryStatus.DELIVERY_STATUS_SENT, providerMessageId: expect.stringMatching(/@mail\.cc\.test>$/) });
    expect(answered.email).toMatchObject({
      messageId: reply.providerMessageId,
      inReplyTo: ['<olena-1@customer.example>'],
      references: ['<olena-1@customer.example>'],
      from: { address: hostedAddress, name: 'ACME Help' },
      text: expect.stringContaining('Кошти повернуто'),
    });
    expect(answered.email.subject).toBe(`Re: Повернення коштів [#${token}]`);
    expect(second.interactionId).toBe(first.interactionId);
    expect(events(Events.InteractionRequested, (e) => e.interactionId === second.interactionId)).toHaveLength(1);
    expect(log.map((m) => `${m.direction}:${m.provider_message_id}`)).toEqual(['inbound:<olena-1@customer.example>', `outbound:${reply.providerMessageId}`, 'inbound:<olena-2@customer.example>']);
    expect(new Set(log.map((m) => m.interaction_id)).size).toBe(1);
    expect(refused).toMatchObject({ responseCode: 550 });
  });

  it('sends an agent reply with attachments (inline bytes and by URL) through the relay, readable over IMAP', async () => {
    const buyer = await newMailUser('buyer', 'customer.example');
    const pdf = Buffer.from('%PDF-1.7\n% ใบเสร็จรับเงิน / квитанція\n', 'utf8');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
    let labelRequests = 0;
    const files = createServer((req, res) => (req.url === '/label.png' ? (labelRequests++, res.writeHead(200, { 'content-type': 'image/png' }).end(png)) : res.writeHead(404).end()));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
      await createTransport({ host: '127.0.0.1', port: mxPort, secure: false, ignoreTLS: true }).sendMail({
        from: buyer.email,
        to: hostedAddress,
        subject: 'Hóa đơn',
        text: 'Xin gửi hóa đơn và nhãn gửi hàng.',
        messageId: '<buyer-1@customer.example>',
      });
      const first = await waitFor('MessageReceived of the buyer', received('<buyer-1@customer.example>'));
      const reply = await call(
        messaging,
        'SendMessage',
        {
          interactionId: first.interactionId,
          text: 'Đây là hóa đơn và nhãn.',
          attachments: [
            { fileName: 'hoa-don.pdf', contentType: 'application/pdf', content: pdf },
            { fileName: 'label.png', contentType: 'image/png', url: `${filesUrl}/label.png` },
          ],
        },
        agent,
      );
      const refusedUrl = await call(messaging, 'SendMessage', { interactionId: first.interactionId, text: 'x', attachments: [{ fileName: 'gone.png', contentType: 'image/png', url: `${filesUrl}/gone.png` }] }, agent).catch(
        (error: grpc.ServiceError) => error,
      );
      // The same server by a loopback name nobody allowed, and the cloud metadata address: refused before connecting.
      const refusedTargets = await Promise.all(
        [filesUrl.replace('127.0.0.1', 'localhost'), 'http://169.254.169.254/latest/meta-data'].map((base) =>
          call(messaging, 'SendMessage', { interactionId: first.interactionId, text: 'x', attachments: [{ fileName: 'label.png', contentType: 'image/png', url: `${base}/label.png` }] }, agent).catch(
            (error: grpc.ServiceError) => error,
          ),
        ),
      );
      const [mail] = await waitFor('the reply in the buyer inbox', async () => {
        const inbox = await inboxOf(buyer);
        return inbox.length > 0 ? inbox : undefined;
      });
      const stored = await query<{ file_name: string; content_type: string; size_bytes: string; content: Buffer }>(
        `SELECT "file_name", "content_type", "size_bytes", "content" FROM "message_attachments" WHERE "tenant_id" = $1 AND "message_id" = $2 ORDER BY "file_name"`,
        [scope.tenantId, reply.messageId],
      );
      const sent = await waitFor('MessageSent', () => events(Events.MessageSent, (e) => e.messageId === reply.messageId)[0]);
      const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

      expect(reply).toMatchObject({ status: messagingV1.DeliveryStatus.DELIVERY_STATUS_SENT });
      expect(mail.email).toMatchObject({ messageId: reply.providerMessageId, inReplyTo: ['<buyer-1@customer.example>'], text: expect.stringContaining('hóa đơn và nhãn') });
      expect(mail.email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256 }))).toEqual([
        { filename: 'hoa-don.pdf', contentType: 'application/pdf', size: pdf.byteLength, sha256: sha(pdf) },
        { filename: 'label.png', contentType: 'image/png', size: png.byteLength, sha256: sha(png) },
      ]);
      expect(stored.map((a) => [a.file_name, a.content_type, Number(a.size_bytes), a.content])).toEqual([
        ['hoa-don.pdf', 'application/pdf', pdf.byteLength, pdf],
        ['label.png', 'image/png', png.byteLength, png],
      ]);
      expect(sent.attachments.map((a) => [a.fileName, a.sizeBytes])).toEqual([
        ['hoa-don.pdf', pdf.byteLength],
        ['label.png', png.byteLength],
      ]);
      expect(refusedUrl).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
      expect(refusedTargets).toEqual([
        expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/^fetch-target-forbidden: localhost resolves to .*, a loopback address$/) }),
        expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT, details: 'fetch-target-forbidden: 169.254.169.254 resolves to 169.254.169.254, a link-local address' }),
      ]);
      expect(labelRequests).toBe(1);
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });

  it('polls an IMAP mailbox account and threads a subject-token-only answer from the same customer', async () => {
    const { host, smtpPort, imapPort } = mailEndpoints();
    accounts.imap = (
      await call(
        adminClient,
        'CreateChannelAccount',
        {
          account: {
            kind: K.CHANNEL_KIND_EMAIL,
            name: 'Support mailbox',
            address: supportBox.email,
            defaultQueueId: 'mailbox-support',
            settings: { inbound: 'imap', imap_host: host, imap_port: String(imapPort), imap_secure: 'false', imap_user: supportBox.login },
            secrets: { imap_password: supportBox.password },
          },
        },
        admin,
      )
    ).account.accountId;
    const customerSmtp = createTransport({ host, port: smtpPort, secure: false, ignoreTLS: true });
    await customerSmtp.sendMail({ from: customer.email, to: supportBox.email, subject: 'ขอใบเสร็จ', text: 'สวัสดีครับ ขอใบเสร็จด้วยครับ', messageId: '<somchai-1@customer.example>' });
    const first = await waitFor('MessageReceived from the polled mailbox', received('<somchai-1@customer.example>'));

    const reply = await call(messaging, 'SendMessage', { interactionId: first.interactionId, text: 'ส่งใบเสร็จให้แล้วครับ' }, agent);
    const answered = await waitFor('the mailbox reply', async () => (await inboxOf(customer)).find((m) => m.email.messageId === reply.providerMessageId));
    // The customer writes a fresh mail (no In-Reply-To) but keeps the subject's token.
    await customerSmtp.sendMail({ from: customer.email, to: supportBox.email, subject: `อีกเรื่อง ${/\[#[0-9A-Z]{8}\]/.exec(answered.email.subject)![0]}`, text: 'ขอบคุณครับ', messageId: '<somchai-2@customer.example>' });
    const second = await waitFor('the token-threaded mail', received('<somchai-2@customer.example>'));
    // The poller saves its cursor once the mail is stored and flagged seen.
    const cursor = await waitFor('the stored IMAP cursor', async () => {
      const [row] = await query<{ cursor: { lastUid: number } }>(`SELECT "cursor" FROM "imap_cursors" WHERE "tenant_id" = $1 AND "account_id" = $2`, [scope.tenantId, accounts.imap]);
      return row && row.cursor.lastUid >= 2 ? row.cursor : undefined;
    });

    expect(first).toMatchObject({ channelAccountId: accounts.imap, text: expect.stringContaining('ขอใบเสร็จ') });
    expect(answered.email).toMatchObject({ inReplyTo: ['<somchai-1@customer.example>'], from: { address: supportBox.email } });
    expect(second.interactionId).toBe(first.interactionId);
    expect(cursor.lastUid).toBe(2);
  });
});
