import { mailEndpoints, newMailUser, type MailUser } from '@contactcenter/testing';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { EmailRejectedError, type EmailRecipient, type ReceivedEmail } from './email.types';
import { ImapMailboxPoller, type ImapCursor, type ImapCursorStore } from './imap-mailbox.poller';

class MemoryCursorStore implements ImapCursorStore {
  constructor(public cursor: ImapCursor | null = null) {}
  async load() {
    return this.cursor;
  }
  async save(cursor: ImapCursor) {
    this.cursor = cursor;
  }
}

async function sendToGreenMail(to: string, subject: string, text: string): Promise<void> {
  const { host, smtpPort } = mailEndpoints();
  const transport = createTransport({ host, port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'Dmytro <dmytro@customer.example>', to, subject, text });
  } finally {
    transport.close();
  }
}

/** The mailbox as another IMAP client sees it: subject and whether it is \Seen, by UID. */
async function mailboxState(user: MailUser): Promise<Array<{ uid: number; subject: string; seen: boolean }>> {
  const { host, imapPort } = mailEndpoints();
  const client = new ImapFlow({ host, port: imapPort, secure: false, auth: { user: user.login, pass: user.password }, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const out: Array<{ uid: number; subject: string; seen: boolean }> = [];
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true })) {
      out.push({ uid: message.uid, subject: message.envelope?.subject ?? '', seen: message.flags?.has('\\Seen') ?? false });
    }
    return out.sort((a, b) => a.uid - b.uid);
  } finally {
    await client.logout();
  }
}

describe(ImapMailboxPoller.name, () => {
  let user: MailUser;
  let account: EmailRecipient;
  let store: MemoryCursorStore;
  const delivered: ReceivedEmail[] = [];

  const poller = (onInbound: (mail: ReceivedEmail) => Promise<void>) => {
    const { host, imapPort } = mailEndpoints();
    return new ImapMailboxPoller({
      host,
      port: imapPort,
      secure: false,
      auth: { user: user.login, pass: user.password },
      account,
      cursorStore: store,
      onInbound,
    });
  };

  beforeEach(async () => {
    user = await newMailUser('imap-poller', 'acme.test');
    account = { tenantId: 'acme', channelAccountId: 'acc-mailbox', address: user.email };
    store = new MemoryCursorStore();
    delivered.length = 0;
  });

  it('hands over unseen mail oldest first and marks each seen only after the handler resolved', async () => {
    for (const subject of ['Замовлення 1', 'Замовлення 2', 'Замовлення 3']) {
      await sendToGreenMail(user.email, subject, `Текст: ${subject}`);
    }
    const failingOnce = new Set(['Замовлення 2']);
    const sut = poller(async (mail) => {
      if (failingOnce.delete(mail.email.subject)) throw new Error('store failed');
      delivered.push(mail);
    });

    const first = await sut.pollOnce();
    const [m1, m2, m3] = await mailboxState(user);
    expect(first.delivered).toBe(2);
    expect(first.failed.map((f) => [f.uid, f.error.message])).toEqual([[m2.uid, 'store failed']]);
    expect(delivered.map((d) => d.email.subject)).toEqual(['Замовлення 1', 'Замовлення 3']);
    expect([m1.seen, m2.seen, m3.seen]).toEqual([true, false, true]);
    // The cursor stops before the failed message so the next poll retries it.
    expect(store.cursor).toEqual({ uidValidity: first.cursor.uidValidity, lastUid: m1.uid });
    expect(delivered[0]).toMatchObject({
      transport: 'imap',
      recipients: [account],
      imap: { mailbox: 'INBOX', uidValidity: first.cursor.uidValidity, uid: m1.uid },
      email: { from: { address: 'dmytro@customer.example' }, text: 'Текст: Замовлення 1' },
    });

    const second = await sut.pollOnce();
    expect(second).toEqual({ delivered: 1, rejected: [], failed: [], cursor: { uidValidity: first.cursor.uidValidity, lastUid: m3.uid } });
    expect(delivered.map((d) => d.email.subject)).toEqual(['Замовлення 1', 'Замовлення 3', 'Замовлення 2']);
    expect((await mailboxState(user)).every((m) => m.seen)).toBe(true);

    expect(await sut.pollOnce()).toMatchObject({ delivered: 0, failed: [] });
  });

  it('leaves mail unseen while the handler keeps failing', async () => {
    await sendToGreenMail(user.email, 'Hỏi về hóa đơn', 'Xin chào');
    const sut = poller(async () => {
      throw new Error('outbox down');
    });
    for (let i = 0; i < 2; i++) expect((await sut.pollOnce()).failed).toHaveLength(1);
    expect(await mailboxState(user)).toEqual([expect.objectContaining({ subject: 'Hỏi về hóa đơn', seen: false })]);
    expect(store.cursor?.lastUid).toBe(0);
  });

  it('marks mail the handler refuses for good as seen instead of retrying it forever', async () => {
    await sendToGreenMail(user.email, 'empty', '');
    await sendToGreenMail(user.email, 'fine', 'text');
    const sut = poller(async (mail) => {
      if (mail.email.subject === 'empty') throw new EmailRejectedError('message-empty');
      delivered.push(mail);
    });
    const result = await sut.pollOnce();
    const [refused, fine] = await mailboxState(user);
    expect(result).toMatchObject({ delivered: 1, rejected: [{ uid: refused.uid, reason: 'message-empty' }], failed: [] });
    expect(result.cursor.lastUid).toBe(fine.uid);
    expect([refused.seen, fine.seen]).toEqual([true, true]);
  });

  it('starts over when UIDVALIDITY changed and skips UIDs it already handled otherwise', async () => {
    await sendToGreenMail(user.email, 'first', 'one');
    const sut = poller(async (mail) => {
      delivered.push(mail);
    });
    const { cursor } = await sut.pollOnce();
    await sendToGreenMail(user.email, 'second', 'two');

    // Same UIDVALIDITY and a cursor past the new UID: the message counts as handled.
    store.cursor = { uidValidity: cursor.uidValidity, lastUid: cursor.lastUid + 100 };
    expect((await sut.pollOnce()).delivered).toBe(0);

    // Another UIDVALIDITY: the stored UIDs mean nothing, every unseen message is read.
    store.cursor = { uidValidity: `${cursor.uidValidity}0`, lastUid: cursor.lastUid + 100 };
    const again = await sut.pollOnce();
    expect(again.delivered).toBe(1);
    expect(again.cursor.uidValidity).toBe(cursor.uidValidity);
    expect(delivered.map((d) => d.email.subject)).toEqual(['first', 'second']);
  });

  it('polls on an interval until stopped', async () => {
    const sut = poller(async (mail) => {
      delivered.push(mail);
    });
    sut.start(100);
    try {
      await sendToGreenMail(user.email, 'ตรวจสอบพัสดุ', 'สวัสดีครับ');
      for (let i = 0; i < 100 && delivered.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await sut.stop();
    }
    expect(delivered.map((d) => d.email.subject)).toEqual(['ตรวจสอบพัสดุ']);
  });

  it('fails the poll when the credentials are wrong', async () => {
    const { host, imapPort } = mailEndpoints();
    const sut = new ImapMailboxPoller({
      host,
      port: imapPort,
      secure: false,
      auth: { user: user.login, pass: 'wrong' },
      account,
      cursorStore: store,
      onInbound: async () => undefined,
    });
    await expect(sut.pollOnce()).rejects.toThrow();
  });
});
