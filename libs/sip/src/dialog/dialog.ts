import { parseNameAddr } from '../message/header-values';
import { SipHeaders } from '../message/sip-headers';
import { callIdOf, contactsOf, cseqOf, fromOf, toOf, type SipRequest, type SipResponse } from '../message/sip-message';
import { formatUri, parseUri, type SipUri } from '../message/sip-uri';

export interface DialogId {
  callId: string;
  localTag: string;
  remoteTag: string;
}

export const dialogKey = (id: DialogId): string => `${id.callId}|${id.localTag}|${id.remoteTag}`;

/** The dialog an incoming request belongs to, seen from our side. */
export function dialogIdOfRequest(request: SipRequest): DialogId {
  return {
    callId: callIdOf(request),
    localTag: toOf(request).params.get('tag') ?? '',
    remoteTag: fromOf(request).params.get('tag') ?? '',
  };
}

/** The dialog a response to our request belongs to. */
export function dialogIdOfResponse(response: SipResponse): DialogId {
  return {
    callId: callIdOf(response),
    localTag: fromOf(response).params.get('tag') ?? '',
    remoteTag: toOf(response).params.get('tag') ?? '',
  };
}

/**
 * Dialog state, RFC 3261 §12: identifiers, sequence numbers, remote target and route set.
 * Pure: it builds in-dialog requests without Via/Contact, which the UA adds when sending.
 */
export class Dialog {
  private constructor(
    readonly id: DialogId,
    /** Our From (UAC) or To (UAS) header value, tag included. */
    readonly localParty: string,
    readonly remoteParty: string,
    public localSeq: number,
    public remoteSeq: number | undefined,
    public remoteTarget: string,
    readonly routeSet: string[],
  ) {}

  /** UAS side, from the INVITE and our 2xx (§12.1.1): Record-Route kept in order. */
  static asUas(invite: SipRequest, response: SipResponse): Dialog {
    const remoteContact = contactsOf(invite)[0];
    return new Dialog(
      dialogIdOfRequestWithTag(invite, response),
      response.headers.get('to') as string,
      invite.headers.get('from') as string,
      0,
      cseqOf(invite).seq,
      remoteContact ? formatUri(remoteContact.uri) : invite.uri,
      invite.headers.getAll('record-route'),
    );
  }

  /** UAC side, from our INVITE and the 2xx (§12.1.2): Record-Route reversed. */
  static asUac(invite: SipRequest, response: SipResponse): Dialog {
    const remoteContact = contactsOf(response)[0];
    return new Dialog(
      dialogIdOfResponse(response),
      invite.headers.get('from') as string,
      response.headers.get('to') as string,
      cseqOf(invite).seq,
      undefined,
      remoteContact ? formatUri(remoteContact.uri) : invite.uri,
      [...response.headers.getAll('record-route')].reverse(),
    );
  }

  get key(): string {
    return dialogKey(this.id);
  }

  /**
   * Checks and records the CSeq of an incoming in-dialog request (§12.2.2): a lower number
   * than the last one is out of order and gets a 500.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    const { seq } = cseqOf(request);
    if (request.method === 'ACK' || request.method === 'CANCEL') return true;
    if (this.remoteSeq !== undefined && seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** A target refresh (re-INVITE, or its 2xx) may move the remote target (§12.2). */
  refreshTarget(msg: SipRequest | SipResponse): void {
    const contact = contactsOf(msg)[0];
    if (contact) this.remoteTarget = formatUri(contact.uri);
  }

  /** In-dialog request (§12.2.1.1); loose routing only, strict routers are not supported. */
  createRequest(method: string, options: { seq?: number; body?: Buffer; contentType?: string; headers?: Record<string, string> } = {}): SipRequest {
    const seq = options.seq ?? ++this.localSeq;
    const headers = new SipHeaders();
    headers.set('max-forwards', '70');
    headers.set('from', this.localParty);
    headers.set('to', this.remoteParty);
    headers.set('call-id', this.id.callId);
    headers.set('cseq', `${seq} ${method}`);
    if (this.routeSet.length) headers.set('route', this.routeSet);
    if (options.contentType) headers.set('content-type', options.contentType);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    return { kind: 'request', method, uri: this.remoteTarget, headers, body: options.body ?? Buffer.alloc(0) };
  }

  /** Where in-dialog requests are sent: the first route if any, else the remote target. */
  nextHop(): SipUri {
    return this.routeSet.length ? parseNameAddr(this.routeSet[0]).uri : parseUri(this.remoteTarget);
  }
}

function dialogIdOfRequestWithTag(invite: SipRequest, response: SipResponse): DialogId {
  return {
    callId: callIdOf(invite),
    localTag: toOf(response).params.get('tag') ?? '',
    remoteTag: fromOf(invite).params.get('tag') ?? '',
  };
}
