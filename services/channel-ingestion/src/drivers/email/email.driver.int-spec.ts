import { mailEndpoints, newMailUser, type MailUser } from '@contactcenter/testing';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { EmailDriver } from './email.driver';
import { resolveEmailThread, type KnownEmailConversation } from './email-threading.policy';
import type { EmailRecipient, InboundEmail, ReceivedEmail } from './email.types';
import { EmailSendError } from './smtp-reply.sender';
import { parseMime } from './mime-parser';
import type { ImapCursor } from './imap-mailbox.poller';
import { OutboundAddressPolicy } from '../../domain/outbound-address.policy';
import { GuardedFetchClient } from '../guarded-fetch.client';

/** Reads every mail in a GreenMail user's INBOX, parsed, plus the raw header block. */
async function inboxOf(user: MailUser): Promise<Array<{ email: InboundEmail; headers: string }>> {
  const { host, imapPort } = mailEndpoints();
  const client = new ImapFlow({ host, port: imapPort, secure: false, auth: { user: user.login, pass: user.password }, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const out: Array<{ email: InboundEmail; headers: string }> = [];
    for await (const message of client.fetch('1:*', { uid: true, source: true })) {
      const source = message.source!;
      out.push({ email: await parseMime(source), headers: source.toString('utf8').split('\r\n\r\n')[0] });
    }
    return out;
  } finally {
    await client.logout();
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(EmailDriver.name, () => {
  let sut: EmailDriver;
  let supportBox: MailUser;
  let customer: MailUser;
  let hostedAccount: EmailRecipient;
  let mailboxAccount: EmailRecipient;
  const received: ReceivedEmail[] = [];
  // Stands in for the service's conversation store: the policy is fed what it would load.
  const conversations = new Map<string, { conversationKey: string; referenceToken: string; messageIds: string[]; customerAddress?: string }>();
  let cursor: ImapCursor | null = null;

  const store = async (mail: ReceivedEmail) => {
    received.push(mail);
    const known: KnownEmailConversation[] = [...conversations.values()];
    const decision = resolveEmailThread(mail.email, known);
    if (decision.kind === 'existing') {
      conversations.get(decision.conversationKey)!.messageIds.push(mail.email.messageId);
    } else {
      conversations.set(decision.conversationKey, {
        conversationKey: decision.conversationKey,
        referenceToken: decision.referenceToken,
        messageIds: [mail.email.messageId],
        ...(mail.email.from ? { customerAddress: mail.email.from.address } : {}),
      });
    }
  };

  beforeAll(async () => {
    const { host, smtpPort } = mailEndpoints();
    supportBox = await newMailUser('support', 'acme.test');
    customer = await newMailUser('customer', 'customer.example');
    hostedAccount = { tenantId: 'acme', channelAccountId: 'acc-hosted', address: 'help@acme.test' };
    mailboxAccount = { tenantId: 'acme', channelAccountId: 'acc-imap', address: supportBox.email };
    sut = new EmailDriver({
      smtpInbound: { host: '127.0.0.1', port: 0, serverName: 'mx.acme.test', maxMessageBytes: 1024 * 1024 },
      outbound: { host, port: smtpPort, secure: false },
      messageIdDomain: 'mail.acme.test',
      imapPollIntervalMs: 200,
      resolveRecipient: async (address) => (address === hostedAccount.address ? hostedAccount : null),
      onInbound: store,
    });
    await sut.start();
  });

  afterAll(() => sut.stop());

  it('threads a mailbox conversation: customer mail, agent reply with threading headers, customer answer', async () => {
    await sut.addMailbox({
      account: mailboxAccount,
      host: mailEndpoints().host,
      port: mailEndpoints().imapPort,
      secure: false,
      auth: { user: supportBox.login, pass: supportBox.password },
      cursorStore: { load: async () => cursor, save: async (c) => void (cursor = c) },
    });
    const { host, smtpPort } = mailEndpoints();
    const customerSmtp = createTransport({ host, port: smtpPort, secure: false, ignoreTLS: true });
    try {
      await customerSmtp.sendMail({
        from: `"Олена" <${customer.email}>`,
        to: supportBox.email,
        subject: 'Повернення коштів',
        text: 'Добрий день, прошу повернути кошти.',
        messageId: '<olena-1@customer.example>',
      });
      const first = await eventually(async () => received.find((m) => m.email.messageId === '<olena-1@customer.example>'));
      expect(first).toMatchObject({ transport: 'imap', recipients: [mailboxAccount] });
      const [conversation] = conversations.values();

      const sent = await sut.send({
        outboundId: 'out-0001',
        from: { address: supportBox.email, name: 'ACME підтримка' },
        to: [{ address: customer.email }],
        parent: first.email,
        referenceToken: conversation.referenceToken,
        text: 'Вітаємо! Кошти повернуто.',
      });
      expect(sent).toMatchObject({
        messageId: '<out-0001@mail.acme.test>',
        inReplyTo: '<olena-1@customer.example>',
        references: ['<olena-1@customer.example>'],
        subject: `Re: Повернення коштів [#${conversation.referenceToken}]`,
        accepted: [customer.email],
      });
      // The service records the Message-ID it sent, so answers to it thread.
      conversation.messageIds.push(sent.messageId);

      const [reply] = await eventually(async () => {
        const inbox = await inboxOf(customer);
        return inbox.length ? inbox : undefined;
      });
      expect(reply.email).toMatchObject({
        messageId: '<out-0001@mail.acme.test>',
        inReplyTo: ['<olena-1@customer.example>'],
        references: ['<olena-1@customer.example>'],
        subject: `Re: Повернення коштів [#${conversation.referenceToken}]`,
        text: 'Вітаємо! Кошти повернуто.',
        from: { address: supportBox.email, name: 'ACME підтримка' },
      });
      expect(reply.headers).toMatch(/^In-Reply-To: <olena-1@customer\.example>$/m);
      expect(reply.headers).toMatch(/^References: <olena-1@customer\.example>$/m);

      await customerSmtp.sendMail({
        from: customer.email,
        to: supportBox.email,
        subject: reply.email.subject,
        text: 'Дякую!',
        messageId: '<olena-2@customer.example>',
        inReplyTo: reply.email.messageId,
        references: [...reply.email.references, reply.email.messageId],
      });
      await eventually(async () => received.find((m) => m.email.messageId === '<olena-2@customer.example>'));
      expect(conversations.size).toBe(1);
      expect(conversation.messageIds).toEqual(['<olena-1@customer.example>', '<out-0001@mail.acme.test>', '<olena-2@customer.example>']);
    } finally {
      customerSmtp.close();
      await sut.removeMailbox(mailboxAccount);
    }
    expect(cursor?.lastUid).toBe(2);
  });

  it('takes hosted-address mail on its SMTP server and threads it by the subject token alone', async () => {
    const [conversation] = conversations.values();
    const direct = createTransport({ host: '127.0.0.1', port: sut.smtpPort!, secure: false, ignoreTLS: true });
    try {
      // A client that drops In-Reply-To/References still keeps the subject.
      await direct.sendMail({
        from: customer.email,
        to: hostedAccount.address,
        subject: `Fwd: [#${conversation.referenceToken}] ще одне питання`,
        text: 'Ще одне питання.',
        messageId: '<olena-3@customer.example>',
      });
    } finally {
      direct.close();
    }
    expect(received[received.length - 1]).toMatchObject({ transport: 'smtp', recipients: [hostedAccount] });
    expect(conversations.size).toBe(1);
    expect(conversation.messageIds).toContain('<olena-3@customer.example>');
  });

  it('reports a relay that cannot be reached as a retryable send error', async () => {
    const send = sut.send(
      { outboundId: 'out-0002', from: { address: 'help@acme.test' }, to: [{ address: customer.email }], subject: 'x', referenceToken: 'ABCDEFGH', text: 'x' },
      { host: '127.0.0.1', port: 1, secure: false, connectionTimeoutMs: 2000 },
    );
    await expect(send).rejects.toBeInstanceOf(EmailSendError);
    await expect(send).rejects.toMatchObject({ permanent: false });
  });

  it('connects to a tenant’s own mail servers only on addresses the policy allows, by the address it checked', async () => {
    const { host, imapPort, smtpPort } = mailEndpoints();
    const guardedDriver = (allowPrivateHosts: string[]) => {
      const guard = new GuardedFetchClient(new OutboundAddressPolicy(allowPrivateHosts));
      return new EmailDriver({
        outbound: { host, port: smtpPort, secure: false },
        messageIdDomain: 'mail.acme.test',
        imapPollIntervalMs: 60_000,
        resolveRecipient: async () => null,
        onInbound: store,
        pinHost: (name, port) => guard.pinHost(name, port),
      });
    };
    const box = await newMailUser('guarded', 'acme.test');
    const account = { tenantId: 'acme', channelAccountId: 'acc-guarded', address: box.email };
    const mailbox = { account, host, port: imapPort, secure: false, auth: { user: box.login, pass: box.password }, cursorStore: { load: async () => null, save: async () => undefined } };
    const mail = { outboundId: 'out-guarded', from: { address: box.email }, to: [{ address: customer.email }], subject: 'Guarded', referenceToken: 'GUARDEDX', text: 'x' };
    const refusing = guardedDriver([]);
    const allowing = guardedDriver([`${host}:${imapPort}`, `${host}:${smtpPort}`]);
    try {
      await refusing.addMailbox(mailbox);
      const polled = await refusing.pollNow(account).catch((error: Error) => error);
      const relayed = await refusing.send(mail, { host, port: smtpPort, secure: false }).catch((error: Error) => error);
      // The platform's own relay is the operator's: it is not checked.
      const viaPlatformRelay = await refusing.send({ ...mail, outboundId: 'out-guarded-2' });
      await allowing.addMailbox(mailbox);
      const allowedPoll = await allowing.pollNow(account);
      const allowedRelay = await allowing.send({ ...mail, outboundId: 'out-guarded-3' }, { host, port: smtpPort, secure: false });

      expect(polled).toMatchObject({ reason: 'fetch-target-forbidden', message: expect.stringContaining(`${host} resolves to ${host}, a loopback address`) });
      expect(relayed).toBeInstanceOf(EmailSendError);
      expect(relayed).toMatchObject({ permanent: true, message: expect.stringContaining(`resolves to ${host}, a loopback address`) });
      expect(viaPlatformRelay.accepted).toEqual([customer.email]);
      expect(allowedPoll).toMatchObject({ delivered: 0, failed: [] });
      expect(allowedRelay.accepted).toEqual([customer.email]);
    } finally {
      await Promise.all([refusing.stop(), allowing.stop()]);
    }
  });
});
