import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, type TestDatabase } from '@contactcenter/testing';
import { createTransport, type Transporter } from 'nodemailer';
import { Client, Pool } from 'pg';
import { EmailRejectedError, type EmailRecipient, type ReceivedEmail } from './email.types';
import { SmtpInboundServer } from './smtp-inbound.server';

const ACCOUNTS: Record<string, EmailRecipient> = {
  'support@acme.test': { tenantId: 'acme', channelAccountId: 'acc-support', address: 'support@acme.test' },
  'sales@acme.test': { tenantId: 'acme', channelAccountId: 'acc-sales', address: 'sales@acme.test' },
  'help@northwind.test': { tenantId: 'northwind', channelAccountId: 'acc-nw', address: 'help@northwind.test' },
};
// A whole domain routed to one account, as a catch-all address would be.
const resolveRecipient = async (address: string) =>
  ACCOUNTS[address] ?? (address.endsWith('@contoso.test') ? { tenantId: 'contoso', channelAccountId: 'acc-contoso', address } : null);

type Handler = (mail: ReceivedEmail) => Promise<void>;

describe(SmtpInboundServer.name, () => {
  let sut: SmtpInboundServer;
  let client: Transporter;
  let handler: Handler;
  const received: ReceivedEmail[] = [];

  beforeAll(async () => {
    sut = new SmtpInboundServer({
      host: '127.0.0.1',
      port: await freePort(),
      serverName: 'mx.acme.test',
      maxMessageBytes: 64 * 1024,
      maxAttachmentBytes: 16 * 1024,
      resolveRecipient,
      onInbound: (mail) => handler(mail),
      now: () => new Date('2026-11-22T10:00:00Z'),
    });
    await sut.start();
    client = createTransport({ host: '127.0.0.1', port: sut.port, secure: false, ignoreTLS: true, name: 'client.example' });
  });

  beforeEach(() => {
    received.length = 0;
    handler = async (mail) => {
      received.push(mail);
    };
  });

  afterAll(async () => {
    client.close();
    await sut.stop();
  });

  it('accepts mail for its accounts and hands it over parsed, once per account', async () => {
    const info = await client.sendMail({
      from: '"Chloé Martin" <Chloe@Customer.example>',
      to: ['Support@ACME.test', 'sales@acme.test'],
      cc: 'someone@contoso.test',
      subject: 'Commande 8812 — où est mon colis ?',
      text: 'Bonjour, mon colis n’est pas arrivé.',
      messageId: '<c-1@customer.example>',
      attachments: [{ filename: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.alloc(2048, 7) }],
    });
    expect((info.accepted as string[]).map((a) => a.toLowerCase())).toEqual(['support@acme.test', 'sales@acme.test', 'someone@contoso.test']);
    expect(info.response).toMatch(/^250 /);
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail).toMatchObject({
      transport: 'smtp',
      recipients: [ACCOUNTS['support@acme.test'], ACCOUNTS['sales@acme.test'], { tenantId: 'contoso', channelAccountId: 'acc-contoso' }],
      envelope: {
        mailFrom: 'chloe@customer.example',
        rcptTo: ['support@acme.test', 'sales@acme.test', 'someone@contoso.test'],
        remoteAddress: '127.0.0.1',
      },
      receivedAt: new Date('2026-11-22T10:00:00Z'),
      email: {
        messageId: '<c-1@customer.example>',
        from: { address: 'chloe@customer.example', name: 'Chloé Martin' },
        subject: 'Commande 8812 — où est mon colis ?',
        text: 'Bonjour, mon colis n’est pas arrivé.',
        attachments: [expect.objectContaining({ filename: 'photo.jpg', contentType: 'image/jpeg', size: 2048 })],
      },
    });
    expect(mail.raw.toString('latin1')).toContain('Message-ID: <c-1@customer.example>');
  });

  it('keeps the recipients of successive transactions on one connection apart', async () => {
    const pooled = createTransport({ host: '127.0.0.1', port: sut.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    try {
      await pooled.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'one' });
      await pooled.sendMail({ from: 'a@customer.example', to: 'help@northwind.test', text: 'two' });
    } finally {
      pooled.close();
    }
    expect(received.map((m) => [m.email.text, m.recipients.map((r) => r.channelAccountId), m.transport === 'smtp' && m.envelope])).toEqual([
      ['one', ['acc-support'], expect.objectContaining({ rcptTo: ['support@acme.test'] })],
      ['two', ['acc-nw'], expect.objectContaining({ rcptTo: ['help@northwind.test'] })],
    ]);
  });

  it('answers 250 only after the handler resolved', async () => {
    let release!: () => void;
    let handed = false;
    handler = async () => {
      handed = true;
      await new Promise<void>((resolve) => (release = resolve));
    };
    let answered = false;
    const sending = client.sendMail({ from: 'a@customer.example', to: 'help@northwind.test', text: 'slow store' }).then((info) => {
      answered = true;
      return info;
    });
    while (!handed) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    release();
    expect((await sending).response).toMatch(/^250 /);
  });

  it('refuses an unknown recipient with 550 and takes the mail for the known ones', async () => {
    await expect(client.sendMail({ from: 'a@customer.example', to: 'nobody@acme.test', text: 'x' })).rejects.toMatchObject({
      responseCode: 550,
      message: expect.stringContaining('5.1.1 <nobody@acme.test>: no such recipient here'),
    });
    expect(received).toHaveLength(0);

    const info = await client.sendMail({ from: 'a@customer.example', to: ['nobody@acme.test', 'support@acme.test'], text: 'y' });
    expect(info.rejected).toEqual(['nobody@acme.test']);
    expect(received.map((m) => m.recipients)).toEqual([[ACCOUNTS['support@acme.test']]]);
  });

  it('refuses a message over the size limit with 552 without handing it over', async () => {
    await expect(
      client.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'z'.repeat(100 * 1024) }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(received).toHaveLength(0);
  });

  it('refuses an attachment over the attachment limit with 552', async () => {
    const attachments = [{ filename: 'big.bin', content: Buffer.alloc(20 * 1024, 1) }];
    await expect(client.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'x', attachments })).rejects.toMatchObject({
      responseCode: 552,
      message: expect.stringContaining('big.bin'),
    });
    expect(received).toHaveLength(0);
  });

  it('answers 451 when the handler fails, so the sender retries', async () => {
    handler = async () => {
      throw new Error('database unavailable');
    };
    await expect(client.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'x' })).rejects.toMatchObject({
      responseCode: 451,
    });
  });

  it('answers the permanent code of an EmailRejectedError, so the sender bounces instead of retrying', async () => {
    handler = async (mail) => {
      throw mail.email.text ? new EmailRejectedError('attachment-too-large:\r\n 6 MB', 552) : new EmailRejectedError('message-empty: no text');
    };
    await expect(client.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: '' })).rejects.toMatchObject({
      responseCode: 554,
      response: '554 5.6.0 message-empty: no text',
    });
    await expect(client.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'x' })).rejects.toMatchObject({
      responseCode: 552,
      response: '552 5.3.4 attachment-too-large: 6 MB',
    });
  });

  it('offers STARTTLS when given a certificate and takes mail over the upgraded connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mx-tls-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=mx.acme.test',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      const tlsMail: ReceivedEmail[] = [];
      const tls = new SmtpInboundServer({
        host: '127.0.0.1',
        port: 0,
        serverName: 'mx.acme.test',
        maxMessageBytes: 64 * 1024,
        tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        resolveRecipient,
        onInbound: async (mail) => void tlsMail.push(mail),
      });
      await tls.start();
      const sender = createTransport({ host: '127.0.0.1', port: tls.port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
      try {
        await sender.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'over TLS' });
      } finally {
        sender.close();
        await tls.stop();
      }
      expect(tlsMail.map((m) => m.email.text)).toEqual(['over TLS']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 451 at RCPT TO when the recipient lookup fails', async () => {
    const failing = new SmtpInboundServer({
      host: '127.0.0.1',
      port: 0,
      serverName: 'mx.acme.test',
      maxMessageBytes: 1024,
      resolveRecipient: async () => {
        throw new Error('database unavailable');
      },
      onInbound: async () => undefined,
    });
    await failing.start();
    const direct = createTransport({ host: '127.0.0.1', port: failing.port, secure: false, ignoreTLS: true });
    try {
      await expect(direct.sendMail({ from: 'a@customer.example', to: 'support@acme.test', text: 'x' })).rejects.toMatchObject({
        responseCode: 451,
      });
    } finally {
      direct.close();
      await failing.stop();
    }
  });
});

describe(`${SmtpInboundServer.name} with a Postgres-backed handler`, () => {
  let db: TestDatabase;
  let pool: Pool;
  let sut: SmtpInboundServer;
  let client: Transporter;

  beforeAll(async () => {
    db = await createTestDatabase('email_smtp');
    const owner = new Client({ connectionString: db.url('owner') });
    await owner.connect();
    await owner.query(
      'create table inbound_mail (account_id text not null, message_id text not null, raw bytea not null, primary key (account_id, message_id))',
    );
    await owner.end();
    pool = new Pool({ connectionString: db.url('app'), max: 2 });
    sut = new SmtpInboundServer({
      host: '127.0.0.1',
      port: 0,
      serverName: 'mx.acme.test',
      maxMessageBytes: 64 * 1024,
      resolveRecipient,
      // What the service does in one transaction (with the outbox); a redelivery is stored once.
      onInbound: async (mail) => {
        for (const recipient of mail.recipients) {
          await pool.query('insert into inbound_mail values ($1, $2, $3) on conflict do nothing', [
            recipient.channelAccountId,
            mail.email.messageId,
            mail.raw,
          ]);
        }
      },
    });
    await sut.start();
    client = createTransport({ host: '127.0.0.1', port: sut.port, secure: false, ignoreTLS: true });
  });

  afterAll(async () => {
    client.close();
    await sut.stop();
    await pool.end();
    await db.drop();
  });

  it('has the mail stored when the sender gets 250, and stores a redelivery once', async () => {
    const mail = { from: 'a@customer.example', to: 'support@acme.test', text: 'Привіт', messageId: '<dup-1@customer.example>' };
    await client.sendMail(mail);
    const stored = await pool.query<{ message_id: string; raw: Buffer }>('select message_id, raw from inbound_mail');
    expect(stored.rows.map((r) => r.message_id)).toEqual(['<dup-1@customer.example>']);
    expect(stored.rows[0].raw.toString()).toContain('Message-ID: <dup-1@customer.example>');

    await client.sendMail(mail);
    expect((await pool.query('select count(*)::int as n from inbound_mail')).rows).toEqual([{ n: 1 }]);
  });
});
