import type { EmailInboundHandler, EmailRecipient, EmailRecipientResolver } from './email.types';
import { ImapMailboxPoller, type ImapCursorStore, type ImapPollResult } from './imap-mailbox.poller';
import { SmtpInboundServer, type SmtpInboundOptions } from './smtp-inbound.server';
import { EmailSendError, SmtpReplySender, type OutboundEmail, type SentEmail, type SmtpTransportConfig } from './smtp-reply.sender';

export type SmtpInboundConfig = Omit<SmtpInboundOptions, 'resolveRecipient' | 'onInbound' | 'now' | 'onError'>;

export interface EmailDriverOptions {
  /** The inbound MX; absent when this instance only polls mailboxes and sends. */
  readonly smtpInbound?: SmtpInboundConfig;
  /** The relay replies go through unless an account brings its own. */
  readonly outbound: SmtpTransportConfig;
  /** Domain of the Message-IDs we generate (e.g. the platform's mail domain). */
  readonly messageIdDomain: string;
  readonly imapPollIntervalMs: number;
  readonly resolveRecipient: EmailRecipientResolver;
  readonly onInbound: EmailInboundHandler;
  readonly now?: () => Date;
  readonly onError?: (error: Error, context: Record<string, unknown>) => void;
  /**
   * Resolves a tenant-given mail server (an account's IMAP host or own relay) to the one address
   * to connect to, refusing what the address policy refuses. Absent, hosts are used as given.
   */
  readonly pinHost?: (host: string, port: number) => Promise<string>;
}

/** An IMAP mailbox channel account to poll. */
export interface ImapMailboxAccount {
  readonly account: EmailRecipient;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly auth: { readonly user: string; readonly pass: string };
  readonly mailbox?: string;
  readonly cursorStore: ImapCursorStore;
  readonly rejectUnauthorized?: boolean;
}

type AccountRef = Pick<EmailRecipient, 'tenantId' | 'channelAccountId'>;
const accountKey = (a: AccountRef) => `${a.tenantId}\u0000${a.channelAccountId}`;

/**
 * The email channel: an inbound SMTP server for hosted addresses, one IMAP poller per mailbox
 * account, and reply sending. Every received mail goes to `onInbound`, which must resolve only
 * once the mail is stored (see EmailInboundHandler).
 */
export class EmailDriver {
  private readonly smtp: SmtpInboundServer | undefined;
  private readonly pollers = new Map<string, ImapMailboxPoller>();
  private readonly senders = new Map<string, SmtpReplySender>();

  constructor(private readonly options: EmailDriverOptions) {
    this.smtp = options.smtpInbound
      ? new SmtpInboundServer({
          ...options.smtpInbound,
          resolveRecipient: options.resolveRecipient,
          onInbound: options.onInbound,
          ...(options.now ? { now: options.now } : {}),
          onError: (error, context) => options.onError?.(error, { ...context, part: 'smtp-inbound' }),
        })
      : undefined;
  }

  /** The inbound SMTP port actually bound (useful with port 0), or undefined without one. */
  get smtpPort(): number | undefined {
    return this.smtp?.port;
  }

  async start(): Promise<void> {
    await this.smtp?.start();
  }

  /** Starts polling a mailbox account (replacing an earlier registration of the same account). */
  async addMailbox(mailbox: ImapMailboxAccount): Promise<void> {
    await this.removeMailbox(mailbox.account);
    const poller = this.createPoller(mailbox);
    this.pollers.set(accountKey(mailbox.account), poller);
    poller.start(this.options.imapPollIntervalMs);
  }

  async removeMailbox(account: AccountRef): Promise<void> {
    const key = accountKey(account);
    const poller = this.pollers.get(key);
    this.pollers.delete(key);
    await poller?.stop();
  }

  /** Polls a registered mailbox now (e.g. after an admin "check now"), in turn with its loop. */
  async pollNow(account: AccountRef): Promise<ImapPollResult> {
    const poller = this.pollers.get(accountKey(account));
    if (!poller) throw new Error(`mailbox of channel account ${account.channelAccountId} is not registered`);
    return poller.pollOnce();
  }

  /** Sends through `transport` when the account has its own relay, else the default one. */
  async send(mail: OutboundEmail, transport?: SmtpTransportConfig): Promise<SentEmail> {
    if (!transport) return this.senderFor(this.options.outbound).send(mail);
    const { pinHost } = this.options;
    let pinned = transport;
    if (pinHost) {
      try {
        pinned = { ...transport, host: await pinHost(transport.host, transport.port), servername: transport.host };
      } catch (error) {
        // A refused or unknown host does not get better by retrying the same reply.
        throw new EmailSendError(`relay ${transport.host}:${transport.port}: ${(error as Error).message}`, true, undefined, { cause: error });
      }
    }
    return this.senderFor(pinned).send(mail);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((p) => p.stop()));
    this.pollers.clear();
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
    await this.smtp?.stop();
  }

  private createPoller(mailbox: ImapMailboxAccount): ImapMailboxPoller {
    return new ImapMailboxPoller({
      host: mailbox.host,
      port: mailbox.port,
      secure: mailbox.secure,
      auth: mailbox.auth,
      ...(mailbox.mailbox ? { mailbox: mailbox.mailbox } : {}),
      account: mailbox.account,
      cursorStore: mailbox.cursorStore,
      onInbound: this.options.onInbound,
      ...(this.options.pinHost ? { pinHost: this.options.pinHost } : {}),
      ...(mailbox.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: mailbox.rejectUnauthorized }),
      ...(this.options.now ? { now: this.options.now } : {}),
      onError: (error, context) =>
        this.options.onError?.(error, { ...context, part: 'imap', channelAccountId: mailbox.account.channelAccountId }),
    });
  }

  // One transporter (and its connection handling) per distinct relay configuration.
  private senderFor(transport: SmtpTransportConfig): SmtpReplySender {
    const key = JSON.stringify(transport);
    let sender = this.senders.get(key);
    if (!sender) {
      sender = new SmtpReplySender(transport, this.options.messageIdDomain);
      this.senders.set(key, sender);
    }
    return sender;
  }
}
