import type { SipRequest, SipResponse } from '../message/sip-message';
import { SipHeaders } from '../message/sip-headers';
import { isReliable, type SipEndpoint } from '../transport/sip-endpoint';
import { TransactionTimers, type TransactionContext } from './transaction-context';

export type ClientTransactionState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface ClientTransactionUser {
  /** Provisional and final responses, each passed once (retransmissions are absorbed). */
  onResponse(response: SipResponse): void;
  /** Timer B/F fired: the TU treats it as a 408 (§8.1.3.1). */
  onTimeout(): void;
  /** The transport could not deliver the request: the TU treats it as a 503 (§8.1.3.1). */
  onTransportError?(): void;
}

export interface ClientTransaction {
  readonly request: SipRequest;
  readonly destination: SipEndpoint;
  readonly state: ClientTransactionState;
  start(): void;
  receive(response: SipResponse): void;
  transportError(): void;
}

/**
 * What both client transactions share: the request goes out at start, is retransmitted over
 * unreliable transports until a response (timer A/E), and the transaction times out after
 * 64·T1 without a final response (timer B/F). The subclasses differ in their states and in
 * how responses move them.
 */
abstract class BaseClientTransaction implements ClientTransaction {
  abstract state: ClientTransactionState;
  protected readonly timers: TransactionTimers;

  constructor(
    protected readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: SipEndpoint,
    protected readonly tu: ClientTransactionUser,
    private readonly onTerminated: () => void,
    /** The retransmission and the timeout timer's names (A and B, or E and F). */
    private readonly timerNames: { readonly retransmit: string; readonly timeout: string },
  ) {
    this.timers = new TransactionTimers(ctx.scheduler);
  }

  /** No final response yet. */
  protected abstract get awaitingFinal(): boolean;

  /** The next retransmission interval after one of `interval`. */
  protected abstract nextInterval(interval: number): number;

  /** Whether a retransmission timer that fires still sends. */
  protected abstract get retransmitting(): boolean;

  abstract receive(response: SipResponse): void;

  start(): void {
    this.ctx.send(this.request, this.destination);
    const { t1 } = this.ctx.timers;
    if (!isReliable(this.destination.protocol)) this.scheduleRetransmit(t1);
    this.timers.start(this.timerNames.timeout, 64 * t1, () => {
      if (!this.awaitingFinal) return;
      this.terminate();
      this.tu.onTimeout();
    });
  }

  transportError(): void {
    if (!this.awaitingFinal) return;
    this.terminate();
    (this.tu.onTransportError ?? this.tu.onTimeout).call(this.tu);
  }

  protected stopRetransmitting(): void {
    this.timers.stop(this.timerNames.retransmit);
  }

  protected stopTimeout(): void {
    this.timers.stop(this.timerNames.timeout);
  }

  protected terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.onTerminated();
  }

  private scheduleRetransmit(interval: number): void {
    this.timers.start(this.timerNames.retransmit, interval, () => {
      if (!this.retransmitting) return;
      this.ctx.send(this.request, this.destination);
      this.scheduleRetransmit(this.nextInterval(interval));
    });
  }
}

/** INVITE client transaction, RFC 3261 §17.1.1 (Figure 5). */
export class InviteClientTransaction extends BaseClientTransaction {
  state: ClientTransactionState = 'calling';
  private ack?: SipRequest;

  constructor(ctx: TransactionContext, request: SipRequest, destination: SipEndpoint, tu: ClientTransactionUser, onTerminated: () => void) {
    super(ctx, request, destination, tu, onTerminated, { retransmit: 'A', timeout: 'B' });
  }

  protected get awaitingFinal(): boolean {
    return this.state === 'calling' || this.state === 'proceeding';
  }

  /** Timer A doubles without bound and stops at the first response (§17.1.1.2). */
  protected get retransmitting(): boolean {
    return this.state === 'calling';
  }

  protected nextInterval(interval: number): number {
    return interval * 2;
  }

  receive(response: SipResponse): void {
    const { status } = response;
    if (this.awaitingFinal) {
      if (status < 200) {
        this.state = 'proceeding';
        this.stopRetransmitting();
        this.tu.onResponse(response);
      } else if (status < 300) {
        // The TU (dialog layer) acknowledges 2xx and absorbs its retransmissions (§13.2.2.4).
        this.terminate();
        this.tu.onResponse(response);
      } else {
        this.state = 'completed';
        this.stopRetransmitting();
        this.stopTimeout();
        this.ack = buildNon2xxAck(this.request, response);
        this.ctx.send(this.ack, this.destination);
        this.tu.onResponse(response);
        this.timers.start('D', isReliable(this.destination.protocol) ? 0 : 32_000, () => this.terminate());
      }
    } else if (this.state === 'completed' && status >= 300 && this.ack) {
      this.ctx.send(this.ack, this.destination);
    }
  }
}

/** Non-INVITE client transaction, RFC 3261 §17.1.2 (Figure 6). */
export class NonInviteClientTransaction extends BaseClientTransaction {
  state: ClientTransactionState = 'trying';

  constructor(ctx: TransactionContext, request: SipRequest, destination: SipEndpoint, tu: ClientTransactionUser, onTerminated: () => void) {
    super(ctx, request, destination, tu, onTerminated, { retransmit: 'E', timeout: 'F' });
  }

  protected get awaitingFinal(): boolean {
    return this.state === 'trying' || this.state === 'proceeding';
  }

  /** Timer E goes on after a provisional response, at T2 (§17.1.2.2). */
  protected get retransmitting(): boolean {
    return this.awaitingFinal;
  }

  protected nextInterval(interval: number): number {
    const { t2 } = this.ctx.timers;
    return this.state === 'proceeding' ? t2 : Math.min(interval * 2, t2);
  }

  receive(response: SipResponse): void {
    if (!this.awaitingFinal) return;
    if (response.status < 200) {
      this.state = 'proceeding';
      this.tu.onResponse(response);
      return;
    }
    this.state = 'completed';
    this.stopRetransmitting();
    this.stopTimeout();
    this.tu.onResponse(response);
    this.timers.start('K', isReliable(this.destination.protocol) ? 0 : this.ctx.timers.t4, () => this.terminate());
  }
}

/** ACK for a non-2xx final response, built by the transaction (§17.1.1.3). */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  headers.set('via', invite.headers.getAll('via')[0]);
  headers.set('max-forwards', '70');
  headers.set('from', invite.headers.get('from') as string);
  headers.set('to', response.headers.get('to') ?? (invite.headers.get('to') as string));
  headers.set('call-id', invite.headers.get('call-id') as string);
  headers.set('cseq', `${(invite.headers.get('cseq') as string).trim().split(/\s+/)[0]} ACK`);
  const routes = invite.headers.getAll('route');
  if (routes.length) headers.set('route', routes);
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}
