import { ImapFlow } from 'imapflow';
import { EmailRejectedError, type EmailInboundHandler, type EmailRecipient } from './email.types';
import { parseMime } from './mime-parser';

/**
 * How far a mailbox has been read. UIDs only mean something within one UIDVALIDITY: when the
 * server reports another one (mailbox recreated), the poller starts over from UID 1.
 */
export interface ImapCursor {
  readonly uidValidity: string;
  /** Every UID up to this one was handed over successfully (and marked seen). */
  readonly lastUid: number;
}

/** Persists the cursor per mailbox account (e.g. a column of the channel account). */
export interface ImapCursorStore {
  load(): Promise<ImapCursor | null>;
  save(cursor: ImapCursor): Promise<void>;
}

export interface ImapMailboxOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (IMAPS, 993). Without it imapflow still upgrades with STARTTLS when offered. */
  readonly secure: boolean;
  readonly auth: { readonly user: string; readonly pass: string };
  readonly mailbox?: string;
  /** The channel account the mailbox belongs to. */
  readonly account: EmailRecipient;
  readonly cursorStore: ImapCursorStore;
  readonly onInbound: EmailInboundHandler;
  /** Most messages handed over per poll, oldest first; the rest wait for the next poll. */
  readonly batchSize?: number;
  /** Set false only for test servers with self-signed certificates. */
  readonly rejectUnauthorized?: boolean;
  readonly connectTimeoutMs?: number;
  /** The one address to connect to for `host` (see EmailDriverOptions.pinHost); absent, `host` as given. */
  readonly pinHost?: (host: string, port: number) => Promise<string>;
  readonly now?: () => Date;
  readonly onError?: (error: Error, context: { readonly uid?: number }) => void;
}

export interface ImapPollResult {
  readonly delivered: number;
  /** Refused by the handler for good (EmailRejectedError): marked seen, left in the mailbox. */
  readonly rejected: ReadonlyArray<{ readonly uid: number; readonly reason: string }>;
  readonly failed: ReadonlyArray<{ readonly uid: number; readonly error: Error }>;
  readonly cursor: ImapCursor;
}

/**
 * Reads unseen mail of one IMAP mailbox. Each message goes to `onInbound`; only after that
 * resolved is it flagged \Seen, so a failure leaves it unseen for the next poll and nothing is
 * lost. A crash between the handler and the flag re-delivers the message once; the handler
 * de-duplicates on Message-ID.
 */
export class ImapMailboxPoller {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(private readonly options: ImapMailboxOptions) {}

  async pollOnce(): Promise<ImapPollResult> {
    const poll = this.current.then(() => this.poll());
    this.current = poll.catch(() => undefined);
    return poll;
  }

  /** Polls every `intervalMs` until `stop()`; failures go to `onError` and the loop goes on. */
  start(intervalMs: number): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      while (this.running) {
        await this.pollOnce().catch((error: Error) => this.options.onError?.(error, {}));
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, intervalMs);
        });
      }
    };
    void loop();
  }

  /** Ends the loop and waits for a poll in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.current;
  }

  private async poll(): Promise<ImapPollResult> {
    const { options } = this;
    // Pinned at every poll: the check follows the name's current addresses.
    const address = options.pinHost ? await options.pinHost(options.host, options.port) : options.host;
    const client = new ImapFlow({
      host: address,
      ...(address !== options.host ? { servername: options.host } : {}),
      port: options.port,
      secure: options.secure,
      auth: { user: options.auth.user, pass: options.auth.pass },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: options.connectTimeoutMs ?? 15_000,
      tls: { rejectUnauthorized: options.rejectUnauthorized ?? true },
    });
    // A dropped connection is reported through the failing command; without a listener an
    // 'error' event would crash the process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const lock = await client.getMailboxLock(options.mailbox ?? 'INBOX');
      try {
        return await this.drain(client, lock.path);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async drain(client: ImapFlow, mailbox: string): Promise<ImapPollResult> {
    const { options } = this;
    if (!client.mailbox) throw new Error(`mailbox ${mailbox} is not open`);
    const uidValidity = String(client.mailbox.uidValidity);
    const stored = await options.cursorStore.load();
    const start: ImapCursor = stored && stored.uidValidity === uidValidity ? stored : { uidValidity, lastUid: 0 };
    const uidNext = client.mailbox.uidNext;
    const found = (await client.search({ seen: false, uid: `${start.lastUid + 1}:*` }, { uid: true })) || [];
    // `n:*` also returns the highest UID when it is below n.
    const unseen = found.filter((uid) => uid > start.lastUid).sort((a, b) => a - b);
    const uids = unseen.slice(0, options.batchSize ?? 50);

    let delivered = 0;
    const rejected: Array<{ uid: number; reason: string }> = [];
    const failed: Array<{ uid: number; error: Error }> = [];
    for (const uid of uids) {
      try {
        const outcome = await this.deliver(client, mailbox, uidValidity, uid);
        if (outcome === 'delivered') delivered += 1;
        else rejected.push({ uid, reason: outcome.rejected });
      } catch (error) {
        // Later messages still go through; the failed one stays unseen and the cursor stays
        // before it, so the next poll retries it.
        failed.push({ uid, error: error as Error });
        options.onError?.(error as Error, { uid });
      }
    }
    const handledUpTo =
      failed.length > 0
        ? failed[0].uid - 1
        : uids.length < unseen.length
          ? uids[uids.length - 1]
          : // Everything unseen was handled: whatever lies below UIDNEXT is seen, i.e. done.
            Math.max(uidNext - 1, uids[uids.length - 1] ?? 0);
    const cursor: ImapCursor = { uidValidity, lastUid: Math.max(start.lastUid, handledUpTo) };
    if (!stored || stored.uidValidity !== cursor.uidValidity || stored.lastUid !== cursor.lastUid) {
      await options.cursorStore.save(cursor);
    }
    return { delivered, rejected, failed, cursor };
  }

  private async deliver(client: ImapFlow, mailbox: string, uidValidity: string, uid: number): Promise<'delivered' | { rejected: string }> {
    // BODY.PEEK: fetching must not set \Seen by itself.
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!message || !message.source) throw new Error(`message UID ${uid} vanished before it could be fetched`);
    const raw = message.source;
    const email = await parseMime(raw);
    let outcome: 'delivered' | { rejected: string } = 'delivered';
    try {
      await this.options.onInbound({
        transport: 'imap',
        recipients: [this.options.account],
        email,
        raw,
        receivedAt: (this.options.now ?? (() => new Date()))(),
        imap: { mailbox, uidValidity, uid },
      });
    } catch (error) {
      if (!(error instanceof EmailRejectedError)) throw error;
      outcome = { rejected: error.message };
    }
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    return outcome;
  }
}
