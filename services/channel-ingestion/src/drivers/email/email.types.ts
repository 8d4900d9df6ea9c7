/** A mailbox address; `address` is lower-cased so it can serve as a customer identity. */
export interface EmailAddress {
  readonly address: string;
  readonly name?: string;
}

export interface EmailAttachment {
  readonly filename?: string;
  readonly contentType: string;
  /** Decoded size in bytes. */
  readonly size: number;
  /** Without angle brackets; set for parts an HTML body references inline (`cid:`). */
  readonly contentId?: string;
  readonly inline: boolean;
  /** SHA-256 of the decoded content, hex. */
  readonly sha256: string;
  readonly content: Buffer;
}

/**
 * One parsed mail, independent of how it arrived. Message ids keep their angle brackets
 * (`<id@host>`), the form they take in In-Reply-To and References.
 */
export interface InboundEmail {
  readonly messageId: string;
  /** True when the mail had no usable Message-ID and one was derived from its bytes. */
  readonly messageIdSynthesized: boolean;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  readonly from: EmailAddress | null;
  readonly replyTo: readonly EmailAddress[];
  readonly to: readonly EmailAddress[];
  readonly cc: readonly EmailAddress[];
  readonly subject: string;
  /** The plain-text body; converted from HTML when the mail has no text part. */
  readonly text: string;
  readonly html?: string;
  readonly attachments: readonly EmailAttachment[];
  /** The Date header, when present and valid. */
  readonly date?: Date;
}

/** Which tenant's channel account an address belongs to. */
export interface EmailRecipient {
  readonly tenantId: string;
  readonly channelAccountId: string;
  /** The recipient address as matched (lower-cased). */
  readonly address: string;
}

interface ReceivedEmailBase {
  /** The accounts the mail is for: one per distinct account among its accepted recipients. */
  readonly recipients: readonly EmailRecipient[];
  readonly email: InboundEmail;
  /** The mail exactly as received, for archiving. */
  readonly raw: Buffer;
  readonly receivedAt: Date;
}

export interface SmtpReceivedEmail extends ReceivedEmailBase {
  readonly transport: 'smtp';
  readonly envelope: {
    readonly mailFrom: string | null;
    readonly rcptTo: readonly string[];
    readonly remoteAddress: string;
  };
}

export interface ImapReceivedEmail extends ReceivedEmailBase {
  readonly transport: 'imap';
  readonly imap: { readonly mailbox: string; readonly uidValidity: string; readonly uid: number };
}

export type ReceivedEmail = SmtpReceivedEmail | ImapReceivedEmail;

/**
 * Thrown by an inbound handler for mail that will never be accepted (no sender, empty, over a
 * limit): SMTP answers with a permanent 5xx instead of 451, so the sender stops retrying and
 * tells the customer; the IMAP poller marks it seen (it stays in the mailbox) instead of
 * retrying it on every poll.
 */
export class EmailRejectedError extends Error {
  constructor(
    message: string,
    /** 550, 552 (too large) or 554 (content refused). */
    readonly smtpCode: 550 | 552 | 554 = 554,
  ) {
    super(message);
    this.name = 'EmailRejectedError';
  }
}

/**
 * Where the driver hands every received mail. It must resolve only once the mail is durably
 * stored (message row + outbox events): SMTP answers 250 and IMAP marks the mail seen only
 * then. Redeliveries carry the same Message-ID, so the handler de-duplicates on it. Any
 * error but EmailRejectedError is temporary (SMTP 451, IMAP retries on the next poll).
 */
export type EmailInboundHandler = (mail: ReceivedEmail) => Promise<void>;

/** Answers which account an envelope recipient belongs to; null means "not ours" (550). */
export type EmailRecipientResolver = (address: string) => Promise<EmailRecipient | null>;
