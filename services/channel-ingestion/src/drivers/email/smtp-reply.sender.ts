import { createTransport, type Transporter } from 'nodemailer';
import { formatReferenceToken, stripReferenceTokens } from './email-threading.policy';
import { outboundMessageId, replyHeaders, type ReplyParent } from './email-reply.policy';
import type { EmailAddress } from './email.types';

/** An SMTP relay (submission) we send through: the platform's, or a tenant's own. */
export interface SmtpTransportConfig {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (465). Otherwise STARTTLS is used when offered, required with `requireTLS`. */
  readonly secure: boolean;
  readonly requireTLS?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Set false only for test relays with self-signed certificates. */
  readonly rejectUnauthorized?: boolean;
  readonly connectionTimeoutMs?: number;
  /** The server's name for TLS when `host` is the address it was pinned to. */
  readonly servername?: string;
}

export interface OutboundAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface OutboundEmail {
  /** Our id of the outbound message; the Message-ID is derived from it, so retries keep it. */
  readonly outboundId: string;
  readonly from: EmailAddress;
  readonly to: readonly EmailAddress[];
  readonly cc?: readonly EmailAddress[];
  /** The mail being answered; absent when we write first. */
  readonly parent?: ReplyParent;
  /** Subject when there is no parent (a reply derives "Re: ..." from the parent's). */
  readonly subject?: string;
  /** The conversation's token, put into the subject as `[#TOKEN]`. */
  readonly referenceToken: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly OutboundAttachment[];
}

export interface SentEmail {
  /** The Message-ID we sent, with angle brackets: record it so replies to it thread. */
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly subject: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  /** The relay's final reply, e.g. "250 OK". */
  readonly response: string;
}

/** A send that failed; `permanent` (5xx) means retrying the same mail will not help. */
export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmailSendError';
  }
}

const formatAddress = (a: EmailAddress) => (a.name ? { name: a.name, address: a.address } : a.address);

/** Sends agents' replies with In-Reply-To, References and a `Re: ... [#TOKEN]` subject. */
export class SmtpReplySender {
  private readonly transporter: Transporter;

  constructor(
    transport: SmtpTransportConfig,
    private readonly messageIdDomain: string,
  ) {
    this.transporter = createTransport({
      host: transport.host,
      port: transport.port,
      secure: transport.secure,
      requireTLS: transport.requireTLS ?? false,
      ...(transport.auth ? { auth: { user: transport.auth.user, pass: transport.auth.pass } } : {}),
      tls: { rejectUnauthorized: transport.rejectUnauthorized ?? true, ...(transport.servername ? { servername: transport.servername } : {}) },
      connectionTimeout: transport.connectionTimeoutMs ?? 15_000,
      greetingTimeout: transport.connectionTimeoutMs ?? 15_000,
    });
  }

  async send(mail: OutboundEmail): Promise<SentEmail> {
    if (mail.to.length === 0) throw new EmailSendError('a mail needs at least one recipient', true);
    const headers = mail.parent
      ? replyHeaders(mail.parent, { outboundId: mail.outboundId, domain: this.messageIdDomain, referenceToken: mail.referenceToken })
      : {
          messageId: outboundMessageId(mail.outboundId, this.messageIdDomain),
          references: [] as string[],
          subject: `${stripReferenceTokens(mail.subject ?? '')} ${formatReferenceToken(mail.referenceToken)}`.trim(),
        };
    const inReplyTo = 'inReplyTo' in headers ? headers.inReplyTo : undefined;
    try {
      const info = await this.transporter.sendMail({
        messageId: headers.messageId,
        from: formatAddress(mail.from),
        to: mail.to.map(formatAddress),
        ...(mail.cc?.length ? { cc: mail.cc.map(formatAddress) } : {}),
        subject: headers.subject,
        ...(inReplyTo ? { inReplyTo } : {}),
        ...(headers.references.length ? { references: [...headers.references] } : {}),
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      return {
        messageId: headers.messageId,
        ...(inReplyTo ? { inReplyTo } : {}),
        references: headers.references,
        subject: headers.subject,
        accepted: (info.accepted as Array<string | { address: string }>).map(plainAddress),
        rejected: (info.rejected as Array<string | { address: string }>).map(plainAddress),
        response: String(info.response ?? ''),
      };
    } catch (error) {
      const { responseCode, message } = error as { responseCode?: number; message: string };
      const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
      throw new EmailSendError(`sending ${headers.messageId} failed: ${message}`, permanent, responseCode, { cause: error });
    }
  }

  close(): void {
    this.transporter.close();
  }
}

const plainAddress = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address).toLowerCase();
