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

/** INVITE client transaction, RFC 3261 §17.1.1 (Figure 5). */
export class InviteClientTransaction implements ClientTransaction {
  state: ClientTransactionState = 'calling';
  private readonly timers: TransactionTimers;
  private ack?: SipRequest;

  constructor(
    private readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: SipEndpoint,
    private readonly tu: ClientTransactionUser,
    private readonly onTerminated: () => void,
  ) {
    this.timers = new TransactionTimers(ctx.scheduler);
  }

  start(): void {
    this.ctx.send(this.request, this.destination);
    const { t1 } = this.ctx.timers;
    if (!isReliable(this.destination.protocol)) this.scheduleA(t1);
    this.timers.start('B', 64 * t1, () => {
      if (this.state !== 'calling' && this.state !== 'proceeding') return;
      this.terminate();
      this.tu.onTimeout();
    });
  }

  private scheduleA(interval: number): void {
    this.timers.start('A', interval, () => {
      if (this.state !== 'calling') return;
      this.ctx.send(this.request, this.destination);
      this.scheduleA(interval * 2);
    });
  }

  receive(response: SipResponse): void {
    const { status } = response;
    if (this.state === 'calling' || this.state === 'proceeding') {
      if (status < 200) {
        this.state = 'proceeding';
        this.timers.stop('A');
        this.tu.onResponse(response);
      } else if (status < 300) {
        // The TU (dialog layer) acknowledges 2xx and absorbs its retransmissions (§13.2.2.4).
        this.terminate();
        this.tu.onResponse(response);
      } else {
        this.state = 'completed';
        this.timers.stop('A');
        this.timers.stop('B');
        this.ack = buildNon2xxAck(this.request, response);
        this.ctx.send(this.ack, this.destination);
        this.tu.onResponse(response);
        this.timers.start('D', isReliable(this.destination.protocol) ? 0 : 32_000, () => this.terminate());
      }
    } else if (this.state === 'completed' && status >= 300 && this.ack) {
      this.ctx.send(this.ack, this.destination);
    }
  }

  transportError(): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.terminate();
    (this.tu.onTransportError ?? this.tu.onTimeout).call(this.tu);
  }

  private terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.onTerminated();
  }
}

/** Non-INVITE client transaction, RFC 3261 §17.1.2 (Figure 6). */
export class NonInviteClientTransaction implements ClientTransaction {
  state: ClientTransactionState = 'trying';
  private readonly timers: TransactionTimers;

  constructor(
    private readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: SipEndpoint,
    private readonly tu: ClientTransactionUser,
    private readonly onTerminated: () => void,
  ) {
    this.timers = new TransactionTimers(ctx.scheduler);
  }

  start(): void {
    this.ctx.send(this.request, this.destination);
    const { t1 } = this.ctx.timers;
    if (!isReliable(this.destination.protocol)) this.scheduleE(t1);
    this.timers.start('F', 64 * t1, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.terminate();
      this.tu.onTimeout();
    });
  }

  private scheduleE(interval: number): void {
    this.timers.start('E', interval, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.ctx.send(this.request, this.destination);
      const { t2 } = this.ctx.timers;
      this.scheduleE(this.state === 'proceeding' ? t2 : Math.min(interval * 2, t2));
    });
  }

  receive(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.state = 'proceeding';
      this.tu.onResponse(response);
      return;
    }
    this.state = 'completed';
    this.timers.stop('E');
    this.timers.stop('F');
    this.tu.onResponse(response);
    this.timers.start('K', isReliable(this.destination.protocol) ? 0 : this.ctx.timers.t4, () => this.terminate());
  }

  transportError(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.terminate();
    (this.tu.onTransportError ?? this.tu.onTimeout).call(this.tu);
  }

  private terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.onTerminated();
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
