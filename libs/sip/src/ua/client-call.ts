import { authorizationFor } from '../auth/digest';
import { Dialog } from '../dialog/dialog';
import { SipHeaders } from '../message/sip-headers';
import { cseqOf, type SipRequest, type SipResponse } from '../message/sip-message';
import { parseUri } from '../message/sip-uri';
import type { SipEndpoint, SipProtocol } from '../transport/sip-endpoint';
import { newTag, SipCall } from './sip-call';
import type { UaCore } from './ua-core';

export interface InviteOptions {
  /** User part of our From URI. */
  fromUser?: string;
  fromDisplayName?: string;
  /** Extra headers for the INVITE. */
  headers?: Record<string, string>;
  /** Answers a 401/407 challenge once with these credentials. */
  credentials?: { username: string; password: string };
  /** Transport when the target URI has no `transport` parameter; UDP by default. */
  protocol?: SipProtocol;
}

/** The call did not connect: the final status (408 for a timeout, 487 when cancelled). */
export class SipCallFailedError extends Error {
  override readonly name = 'SipCallFailedError';

  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`call failed: ${status} ${reason}`);
  }
}

/**
 * An outgoing call (UAC side of an INVITE): 1xx → `progress`, 2xx → dialog, ACK and
 * `answered`; CANCEL waits for a provisional response as §9.1 requires.
 */
export class ClientCall extends SipCall {
  readonly callId: string;
  private invite?: SipRequest;
  private destination?: SipEndpoint;
  private provisional = false;
  private cancelRequested = false;
  private authenticated = false;
  private outcome?: { response?: SipResponse; error?: SipCallFailedError };
  private readonly waiters: { resolve: (r: SipResponse) => void; reject: (e: Error) => void }[] = [];
  private readonly fromTag = newTag();

  constructor(
    ua: UaCore,
    readonly target: string,
    readonly offer: string,
    private readonly options: InviteOptions,
    callId: string,
  ) {
    super(ua, options.protocol ?? 'udp', 'calling');
    this.callId = callId;
    this.localSdp = offer;
  }

  /** Resolves with the 2xx, or rejects with {@link SipCallFailedError}. */
  whenAnswered(): Promise<SipResponse> {
    if (this.outcome?.response) return Promise.resolve(this.outcome.response);
    if (this.outcome?.error) return Promise.reject(this.outcome.error);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async start(): Promise<void> {
    try {
      this.destination = await this.ua.resolve(parseUri(this.target), this.protocol);
      this.protocol = this.destination.protocol;
    } catch (error) {
      this.fail(503, `cannot resolve target: ${(error as Error).message}`);
      return;
    }
    const headers = new SipHeaders();
    const user = this.options.fromUser ?? 'gateway';
    const display = this.options.fromDisplayName ? `"${this.options.fromDisplayName.replace(/"/g, '')}" ` : '';
    headers.set('max-forwards', '70');
    headers.set('from', `${display}<${this.ua.localUri(user)}>;tag=${this.fromTag}`);
    headers.set('to', `<${this.target}>`);
    headers.set('call-id', this.callId);
    headers.set('cseq', '1 INVITE');
    headers.set('contact', this.ua.contact(this.destination.protocol, user));
    headers.set('allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO');
    headers.set('user-agent', this.ua.userAgentName);
    headers.set('content-type', 'application/sdp');
    for (const [name, value] of Object.entries(this.options.headers ?? {})) headers.set(name, value);
    this.send({ kind: 'request', method: 'INVITE', uri: this.target, headers, body: Buffer.from(this.offer) });
  }

  /** CANCEL before the answer (deferred until a 1xx arrived), BYE after it. */
  async cancel(): Promise<void> {
    if (this.state === 'ended') return;
    if (this.dialog) {
      await this.bye();
      return;
    }
    this.cancelRequested = true;
    if (this.provisional) this.sendCancel();
  }

  private send(invite: SipRequest): void {
    this.invite = invite;
    this.ua.sendRequest(invite, this.destination as SipEndpoint, {
      onResponse: (response) => this.onResponse(response),
      onTimeout: () => this.fail(408, 'Request Timeout'),
      onTransportError: () => this.fail(503, 'Service Unavailable'),
    });
  }

  private sendCancel(): void {
    const invite = this.invite as SipRequest;
    const headers = new SipHeaders();
    // §9.1: same Request-URI, Call-ID, From, To, CSeq number and the INVITE's top Via.
    headers.set('via', invite.headers.getAll('via')[0]);
    headers.set('max-forwards', '70');
    for (const name of ['from', 'to', 'call-id', 'route']) {
      const values = invite.headers.getAll(name);
      if (values.length) headers.set(name, values);
    }
    headers.set('cseq', `${cseqOf(invite).seq} CANCEL`);
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: Buffer.alloc(0) };
    this.ua.sendRequest(cancel, this.destination as SipEndpoint, { onResponse: () => undefined, onTimeout: () => undefined });
  }

  private onResponse(response: SipResponse): void {
    const { status } = response;
    if (status < 200) {
      if (this.state === 'ended') return;
      this.state = 'early';
      if (!this.provisional && this.cancelRequested) this.sendCancel();
      this.provisional = true;
      this.emit('progress', response);
      return;
    }
    if (status < 300) {
      this.onAnswered(response).catch((error: unknown) => this.fail(503, `cannot confirm the answer: ${(error as Error).message}`));
      return;
    }
    const challenge = response.headers.get(status === 401 ? 'www-authenticate' : 'proxy-authenticate');
    if ((status === 401 || status === 407) && challenge && this.options.credentials && !this.authenticated && !this.cancelRequested) {
      this.authenticated = true;
      this.retryWithCredentials(response, challenge);
      return;
    }
    this.fail(status, response.reason);
  }

  private retryWithCredentials(response: SipResponse, challenge: string): void {
    const invite = this.invite as SipRequest;
    const headers = invite.headers.clone();
    headers.delete('via');
    headers.set('cseq', `${cseqOf(invite).seq + 1} INVITE`);
    const header = response.status === 401 ? 'authorization' : 'proxy-authorization';
    headers.set(header, authorizationFor(challenge, this.options.credentials as { username: string; password: string }, 'INVITE', invite.uri));
    this.provisional = false;
    this.send({ ...invite, headers });
  }

  private async onAnswered(response: SipResponse): Promise<void> {
    // Forking is not supported: only the first 2xx sets up the dialog.
    if (this.dialog) return;
    const invite = this.invite as SipRequest;
    this.dialog = Dialog.asUac(invite, response);
    this.remoteSdp = response.body.length ? response.body.toString() : undefined;
    this.ua.bindDialog(this);
    this.state = 'confirmed';
    await this.sendAck(invite, response);
    if (this.cancelRequested) {
      await this.bye();
      this.settle({ error: new SipCallFailedError(487, 'Request Terminated') });
      return;
    }
    this.emit('answered', response);
    this.settle({ response });
  }

  private fail(status: number, reason: string): void {
    if (this.state === 'ended' || this.dialog) return;
    this.end({ reason: status === 487 ? 'cancelled' : status === 408 ? 'timeout' : 'failed', status });
    this.settle({ error: new SipCallFailedError(status, reason) });
  }

  private settle(outcome: { response?: SipResponse; error?: SipCallFailedError }): void {
    if (this.outcome) return;
    this.outcome = outcome;
    for (const waiter of this.waiters.splice(0)) {
      if (outcome.response) waiter.resolve(outcome.response);
      else waiter.reject(outcome.error as SipCallFailedError);
    }
  }
}
