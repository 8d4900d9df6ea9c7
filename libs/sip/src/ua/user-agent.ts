import { randomBytes } from 'node:crypto';
import { DigestAuthenticator, type DigestAuthenticatorOptions } from '../auth/digest';
import { addressOfRecord, Registrar, type ContactBinding } from '../auth/registrar';
import { dialogIdOfRequest, dialogIdOfResponse, dialogKey } from '../dialog/dialog';
import { createResponse, contactsOf, cseqOf, toOf, toTag, type SipMessage, type SipRequest, type SipResponse } from '../message/sip-message';
import type { SipParseError } from '../message/sip-parse-error';
import type { SipUri } from '../message/sip-uri';
import { checkOffer, SdpError, type G711Codec } from '../sdp/sdp-negotiation';
import type { ClientTransactionUser } from '../transaction/client-transactions';
import type { ServerTransaction } from '../transaction/server-transactions';
import { DEFAULT_TIMERS, realTimers, type SipTimers, type TimerScheduler } from '../transaction/timer-scheduler';
import { newBranch, TransactionLayer } from '../transaction/transaction-layer';
import type { SipEndpoint, SipProtocol } from '../transport/sip-endpoint';
import { SipTransport } from '../transport/sip-transport';
import { responseDestination } from '../transport/via-received';
import { ClientCall, type InviteOptions } from './client-call';
import { resolveUri } from './destination';
import { ServerCall } from './server-call';
import { ALLOW, newTag, type SipCall } from './sip-call';
import { TypedEmitter } from './typed-emitter';
import type { UaCore } from './ua-core';

export interface RegistrarConfig extends DigestAuthenticatorOptions {
  registrar?: Registrar;
}

export interface UserAgentOptions {
  host: string;
  /** UDP and TCP port; 0 picks a free one. */
  port: number;
  protocols?: SipProtocol[];
  /** Address written in Via/Contact/SDP when it differs from the bound one. */
  publicAddress?: string;
  userAgentName?: string;
  scheduler?: TimerScheduler;
  timers?: Partial<SipTimers>;
  /** Codecs an initial offer must contain (one of) to reach the INVITE handler; else 488. */
  codecs?: G711Codec[];
  /** Enables REGISTER with digest authentication for agent phones. */
  registrar?: RegistrarConfig;
}

export interface UserAgentEvents {
  /** Malformed input the transport answered (or dropped). */
  invalid: (error: SipParseError, source: SipEndpoint) => void;
  registered: (event: { aor: string; username: string; bindings: ContactBinding[] }) => void;
  /** A handler threw; a request it was handling got 500 so the peer is not left waiting. */
  internalError: (error: unknown, msg: SipMessage) => void;
}

/** Returns true when a new INVITE must be refused with 503 (capacity, draining). */
export type OverloadGuard = (request: SipRequest) => boolean;

/**
 * SIP user agent for the gateway: incoming calls (`onInvite`), outgoing calls (`invite`),
 * OPTIONS, REGISTER with digest authentication, and an overload guard answering 503.
 */
export class UserAgent extends TypedEmitter<UserAgentEvents> implements UaCore {
  readonly scheduler: TimerScheduler;
  readonly timers: SipTimers;
  readonly userAgentName: string;
  readonly registrar?: Registrar;
  private readonly layer: TransactionLayer;
  private readonly calls = new Map<string, SipCall>();
  private readonly pendingInvites = new Map<ServerTransaction, ServerCall>();
  private readonly authenticator?: DigestAuthenticator;
  private inviteHandler?: (call: ServerCall) => void;
  private overloadGuard: OverloadGuard = () => false;

  private constructor(
    private readonly transport: SipTransport,
    private readonly options: UserAgentOptions,
  ) {
    super();
    this.scheduler = options.scheduler ?? realTimers;
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.userAgentName = options.userAgentName ?? 'contactcenter-sip';
    this.layer = new TransactionLayer(
      { scheduler: this.scheduler, timers: this.timers, send: (msg, destination) => this.sendRaw(msg, destination) },
      {
        onRequest: (tx) => this.onRequest(tx),
        onAck: (request) => this.onAck(request),
        onStrayResponse: (response) => this.onStrayResponse(response),
      },
    );
    if (options.registrar) {
      this.authenticator = new DigestAuthenticator(options.registrar);
      this.registrar = options.registrar.registrar ?? new Registrar();
    }
    transport.onMessage((msg, source) => this.receive(msg, source));
    transport.onInvalid((error, source) => this.emit('invalid', error, source));
    transport.onTransportError((destination) => this.layer.transportError(destination));
  }

  static async start(options: UserAgentOptions): Promise<UserAgent> {
    const transport = await SipTransport.listen({
      host: options.host,
      port: options.port,
      protocols: options.protocols,
      publicAddress: options.publicAddress,
    });
    return new UserAgent(transport, options);
  }

  get port(): number {
    return this.transport.port;
  }

  get address(): string {
    return this.transport.address;
  }

  get activeCalls(): number {
    return this.calls.size + this.pendingInvites.size;
  }

  onInvite(handler: (call: ServerCall) => void): void {
    this.inviteHandler = handler;
  }

  setOverloadGuard(guard: OverloadGuard): void {
    this.overloadGuard = guard;
  }

  /** Starts an outgoing call; follow it with `whenAnswered()` or the call's events. */
  invite(target: string, sdp: string, options: InviteOptions = {}): ClientCall {
    const call = new ClientCall(this, target, sdp, options, `${randomBytes(12).toString('hex')}@${this.address}`);
    void call.start();
    return call;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  sendRaw(msg: SipMessage, destination: SipEndpoint): void {
    this.transport.send(msg, destination);
  }

  sendRequest(request: SipRequest, destination: SipEndpoint, user: ClientTransactionUser): void {
    if (!request.headers.has('via')) request.headers.set('via', this.via(destination.protocol, newBranch()));
    try {
      this.layer.sendRequest(request, destination, user);
    } catch {
      user.onTimeout();
    }
  }

  via(protocol: SipProtocol, branch: string): string {
    return `SIP/2.0/${protocol.toUpperCase()} ${this.hostPort()};branch=${branch};rport`;
  }

  contact(protocol: SipProtocol, user = 'gateway'): string {
    return `<sip:${user}@${this.hostPort()}${protocol === 'tcp' ? ';transport=tcp' : ''}>`;
  }

  localUri(user: string): string {
    return `sip:${user}@${this.hostPort()}`;
  }

  resolve(uri: SipUri, defaultProtocol: SipProtocol): Promise<SipEndpoint> {
    return resolveUri(uri, defaultProtocol);
  }

  bindDialog(call: SipCall): void {
    if (call.dialog) this.calls.set(call.dialog.key, call);
  }

  unbindDialog(call: SipCall): void {
    if (call.dialog && this.calls.get(call.dialog.key) === call) this.calls.delete(call.dialog.key);
  }

  private receive(msg: SipMessage, source: SipEndpoint): void {
    try {
      this.layer.receive(msg, source);
    } catch (error) {
      this.fail(error, msg, source);
    }
  }

  /** A bug or a throwing listener must cost one message, never the process. */
  private fail(error: unknown, msg: SipMessage, source: SipEndpoint): void {
    this.emit('internalError', error, msg);
    if (msg.kind !== 'request' || msg.method === 'ACK') return;
    try {
      this.sendRaw(createResponse(msg, 500, { toTag: newTag() }), responseDestination(msg.headers.get('via') as string, source));
    } catch {
      // The error was reported; there is no one left to tell.
    }
  }

  private hostPort(): string {
    const host = this.address.includes(':') ? `[${this.address}]` : this.address;
    return `${host}:${this.port}`;
  }

  private onRequest(tx: ServerTransaction): void {
    try {
      this.dispatchRequest(tx);
    } catch (error) {
      this.emit('internalError', error, tx.request);
      tx.respond(createResponse(tx.request, 500, { toTag: newTag() }));
    }
  }

  private dispatchRequest(tx: ServerTransaction): void {
    const { request } = tx;
    if (request.method === 'CANCEL') {
      this.onCancel(tx);
      return;
    }
    if (toTag(request)) {
      const call = this.calls.get(dialogKey(dialogIdOfRequest(request)));
      if (call) call.handleRequest(tx);
      else tx.respond(createResponse(request, 481));
      return;
    }
    // We implement no extensions (100rel, timer, ...), so any Require is refused (§8.2.2.3).
    const unsupported = request.headers.getAll('require');
    if (unsupported.length) {
      tx.respond(createResponse(request, 420, { toTag: newTag(), headers: { unsupported: unsupported.join(', ') } }));
      return;
    }
    switch (request.method) {
      case 'INVITE':
        this.onInitialInvite(tx);
        return;
      case 'OPTIONS':
        tx.respond(
          createResponse(request, 200, {
            toTag: newTag(),
            headers: { allow: ALLOW, accept: 'application/sdp', 'accept-encoding': 'identity', server: this.userAgentName },
          }),
        );
        return;
      case 'REGISTER':
        this.onRegister(tx).catch((error: unknown) => {
          this.emit('internalError', error, request);
          tx.respond(createResponse(request, 500, { toTag: newTag() }));
        });
        return;
      case 'BYE':
      case 'INFO':
        tx.respond(createResponse(request, 481, { toTag: newTag() }));
        return;
      default:
        tx.respond(createResponse(request, 405, { toTag: newTag(), headers: { allow: ALLOW } }));
    }
  }

  private onInitialInvite(tx: ServerTransaction): void {
    const { request } = tx;
    tx.respond(createResponse(request, 100));
    const reject = (status: number, headers: Record<string, string> = {}, reason?: string): void =>
      tx.respond(createResponse(request, status, { toTag: newTag(), headers, reason }));
    if (!this.inviteHandler || this.overloadGuard(request)) {
      reject(503, { 'retry-after': '5' });
      return;
    }
    if (request.body.length) {
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/sdp') {
        reject(415, { accept: 'application/sdp' });
        return;
      }
      try {
        checkOffer(request.body.toString(), this.options.codecs);
      } catch (error) {
        if (!(error instanceof SdpError)) throw error;
        reject(error.status, { warning: `399 ${this.address} "${error.message.replace(/"/g, "'")}"` }, error.status === 400 ? 'Bad SDP' : undefined);
        return;
      }
    }
    const call = new ServerCall(this, tx, newTag());
    this.pendingInvites.set(tx, call);
    const settle = (): void => void this.pendingInvites.delete(tx);
    call.once('ended', settle);
    call.once('ack', settle);
    // Without an ACK the call is settled by its ack-timeout BYE, which ends it.
    try {
      this.inviteHandler(call);
    } catch (error) {
      call.reject(500);
      throw error;
    }
  }

  private onCancel(tx: ServerTransaction): void {
    const invite = this.layer.findInviteFor(tx.request);
    if (!invite) {
      tx.respond(createResponse(tx.request, 481));
      return;
    }
    tx.respond(createResponse(tx.request, 200));
    this.pendingInvites.get(invite)?.handleCancel(tx.request);
  }

  private onAck(request: SipRequest): void {
    this.calls.get(dialogKey(dialogIdOfRequest(request)))?.handleAck(request);
  }

  private onStrayResponse(response: SipResponse): void {
    if (response.status < 200 || response.status >= 300 || cseqOf(response).method !== 'INVITE') return;
    this.calls.get(dialogKey(dialogIdOfResponse(response)))?.handleRetransmitted2xx(response);
  }

  private async onRegister(tx: ServerTransaction): Promise<void> {
    const { request } = tx;
    const authenticator = this.authenticator;
    const registrar = this.registrar;
    if (!authenticator || !registrar) {
      tx.respond(createResponse(request, 405, { toTag: newTag(), headers: { allow: ALLOW.replace(', REGISTER', '') } }));
      return;
    }
    const now = this.scheduler.now();
    const verdict = await authenticator.verify(request, now);
    if (verdict.outcome === 'challenge') {
      tx.respond(createResponse(request, 401, { toTag: newTag(), headers: { 'www-authenticate': verdict.challenge } }));
      return;
    }
    const to = toOf(request);
    if (verdict.outcome === 'forbidden' || to.uri.user !== verdict.username) {
      tx.respond(createResponse(request, 403, { toTag: newTag() }));
      return;
    }
    const aor = addressOfRecord(to.uri);
    const expires = request.headers.get('expires');
    const outcome = registrar.register({
      aor,
      contacts: contactsOf(request),
      expiresHeader: expires === undefined ? undefined : Number(expires),
      callId: request.headers.get('call-id') as string,
      cseq: cseqOf(request).seq,
      now,
    });
    switch (outcome.outcome) {
      case 'ok': {
        const contact = outcome.bindings.map((b) => `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`);
        const headers: Record<string, string | string[]> = contact.length ? { contact } : {};
        tx.respond(createResponse(request, 200, { toTag: newTag(), headers }));
        this.emit('registered', { aor, username: verdict.username, bindings: outcome.bindings });
        return;
      }
      case 'interval-too-brief':
        tx.respond(createResponse(request, 423, { toTag: newTag(), headers: { 'min-expires': String(outcome.minExpiresSec) } }));
        return;
      case 'invalid':
        tx.respond(createResponse(request, 400, { toTag: newTag(), reason: 'Invalid Contact' }));
        return;
      case 'out-of-order':
        tx.respond(createResponse(request, 500, { toTag: newTag(), reason: 'Out Of Order', headers: { 'retry-after': '1' } }));
    }
  }
}
