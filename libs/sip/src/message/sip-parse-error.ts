import type { SipHeaders } from './sip-headers';

/**
 * Input that is not a SIP message we can accept. `status`/`reason` are the response to send
 * when the input was a request whose headers allow a response (RFC 3261 §8.2, §16.3);
 * `headers` holds what could be read, so the response can copy Via/From/To/Call-ID/CSeq.
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';

  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly headers?: SipHeaders,
    readonly isRequest = false,
  ) {
    super(`${status} ${reason}: ${detail}`);
  }

  withContext(headers: SipHeaders, isRequest: boolean): SipParseError {
    return new SipParseError(this.status, this.reason, this.detail, headers, isRequest);
  }
}

export const badRequest = (reason: string, detail = reason): SipParseError => new SipParseError(400, reason, detail);
