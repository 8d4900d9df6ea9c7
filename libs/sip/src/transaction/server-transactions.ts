import type { SipRequest, SipResponse } from '../message/sip-message';
import { isReliable, type SipEndpoint } from '../transport/sip-endpoint';
import { responseDestination } from '../transport/via-received';
import { TransactionTimers, type TransactionContext } from './transaction-context';

export type ServerTransactionState = 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export interface ServerTransactionEvents {
  /** Timer H fired: no ACK came for our non-2xx final response. */
  onAckTimeout?(): void;
  onTerminated(): void;
}

export interface ServerTransaction {
  readonly request: SipRequest;
  readonly source: SipEndpoint;
  /** Where responses go (§18.2.2: the connection, or received/rport for datagrams). */
  readonly destination: SipEndpoint;
  readonly state: ServerTransactionState;
  /** Sends a response from the TU; ignored once a final response went out. */
  respond(response: SipResponse): void;
  /** A retransmitted request (or the ACK) matched to this transaction. */
  receive(request: SipRequest): void;
  readonly finalResponse?: SipResponse;
}

/** What both server transactions share: where responses go, the last one sent, and termination. */
abstract class BaseServerTransaction implements ServerTransaction {
  abstract state: ServerTransactionState;
  finalResponse?: SipResponse;
  protected lastResponse?: SipResponse;
  protected readonly timers: TransactionTimers;
  readonly destination: SipEndpoint;

  constructor(
    protected readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly source: SipEndpoint,
    protected readonly events: ServerTransactionEvents,
  ) {
    this.timers = new TransactionTimers(ctx.scheduler);
    this.destination = responseDestination(request.headers.get('via') as string, source);
  }

  abstract respond(response: SipResponse): void;

  /** A retransmitted request gets the last response again (§17.2.1, §17.2.2). */
  receive(_request: SipRequest): void {
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) {
      this.ctx.send(this.lastResponse, this.destination);
    }
  }

  /** Sends a response of the TU and remembers it for retransmitted requests. */
  protected send(response: SipResponse): void {
    this.lastResponse = response;
    this.ctx.send(response, this.destination);
  }

  protected terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.events.onTerminated();
  }
}

/**
 * INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026's Accepted state: after a 2xx the
 * transaction stays for 64*T1 (timer L) so retransmitted INVITEs are absorbed instead of
 * looking like new calls; the 2xx itself is retransmitted by the UAS core (§13.3.1.4).
 */
export class InviteServerTransaction extends BaseServerTransaction {
  state: ServerTransactionState = 'proceeding';

  respond(response: SipResponse): void {
    if (this.state !== 'proceeding') return;
    this.send(response);
    if (response.status < 200) return;
    this.finalResponse = response;
    const { t1, t2 } = this.ctx.timers;
    if (response.status < 300) {
      this.state = 'accepted';
      this.timers.start('L', 64 * t1, () => this.terminate());
      return;
    }
    this.state = 'completed';
    const scheduleG = (interval: number): void =>
      this.timers.start('G', interval, () => {
        if (this.state !== 'completed') return;
        this.ctx.send(response, this.destination);
        scheduleG(Math.min(interval * 2, t2));
      });
    if (!isReliable(this.destination.protocol)) scheduleG(t1);
    this.timers.start('H', 64 * t1, () => {
      if (this.state !== 'completed') return;
      this.terminate();
      this.events.onAckTimeout?.();
    });
  }

  override receive(request: SipRequest): void {
    if (request.method !== 'ACK') return super.receive(request);
    if (this.state !== 'completed') return;
    this.state = 'confirmed';
    this.timers.stop('G');
    this.timers.stop('H');
    this.timers.start('I', isReliable(this.destination.protocol) ? 0 : this.ctx.timers.t4, () => this.terminate());
  }
}

/** Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8). */
export class NonInviteServerTransaction extends BaseServerTransaction {
  state: ServerTransactionState = 'trying';

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.send(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.finalResponse = response;
    this.state = 'completed';
    this.timers.start('J', isReliable(this.destination.protocol) ? 0 : 64 * this.ctx.timers.t1, () => this.terminate());
  }
}
