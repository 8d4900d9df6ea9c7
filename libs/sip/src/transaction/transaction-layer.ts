import { randomBytes } from 'node:crypto';
import { BRANCH_COOKIE, parseVia } from '../message/header-values';
import { callIdOf, cseqOf, fromTag, type SipMessage, type SipRequest, type SipResponse } from '../message/sip-message';
import { endpointKey, type SipEndpoint } from '../transport/sip-endpoint';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransaction,
  type ClientTransactionUser,
} from './client-transactions';
import { InviteServerTransaction, NonInviteServerTransaction, type ServerTransaction } from './server-transactions';
import type { TransactionContext } from './transaction-context';

/** The transaction user (UA core) above the layer. */
export interface TransactionUser {
  /** A new request (CANCEL included) with the server transaction that answers it. */
  onRequest(tx: ServerTransaction): void;
  /** An ACK no INVITE transaction absorbed: the ACK for a 2xx (§17.2.3, §13.3.1.4). */
  onAck(request: SipRequest, source: SipEndpoint): void;
  /** A response no client transaction matched: typically a retransmitted 2xx to an INVITE. */
  onStrayResponse(response: SipResponse, source: SipEndpoint): void;
  /** Timer H fired for a non-2xx final response to an INVITE. */
  onAckTimeout?(tx: ServerTransaction): void;
}

export const newBranch = (): string => `${BRANCH_COOKIE}${randomBytes(8).toString('hex')}`;

/**
 * Transaction matching and dispatch (RFC 3261 §17.1.3, §17.2.3): retransmissions go to their
 * transaction, which absorbs them; everything else goes up to the TU.
 */
export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(
    private readonly ctx: TransactionContext,
    private readonly tu: TransactionUser,
  ) {}

  get serverCount(): number {
    return this.servers.size;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  receive(msg: SipMessage, source: SipEndpoint): void {
    if (msg.kind === 'response') {
      const tx = this.clients.get(clientKey(msg));
      if (tx) tx.receive(msg);
      else this.tu.onStrayResponse(msg, source);
      return;
    }
    const key = serverKey(msg, msg.method === 'ACK' ? 'INVITE' : msg.method);
    const existing = this.servers.get(key);
    if (msg.method === 'ACK') {
      if (existing && existing.state === 'completed') existing.receive(msg);
      else if (!existing || existing.state !== 'confirmed') this.tu.onAck(msg, source);
      return;
    }
    if (existing) {
      existing.receive(msg);
      return;
    }
    const events = {
      onTerminated: () => {
        if (this.servers.get(key) === tx) this.servers.delete(key);
      },
      onAckTimeout: () => this.tu.onAckTimeout?.(tx),
    };
    const tx: ServerTransaction =
      msg.method === 'INVITE'
        ? new InviteServerTransaction(this.ctx, msg, source, events)
        : new NonInviteServerTransaction(this.ctx, msg, source, events);
    this.servers.set(key, tx);
    this.tu.onRequest(tx);
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2: same key but the method). */
  findInviteFor(cancel: SipRequest): ServerTransaction | undefined {
    const tx = this.servers.get(serverKey(cancel, 'INVITE'));
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /** A connection to `destination` failed: its pending client transactions fail with it. */
  transportError(destination: SipEndpoint): void {
    const key = endpointKey(destination);
    for (const tx of [...this.clients.values()]) if (endpointKey(tx.destination) === key) tx.transportError();
  }

  /** Starts a client transaction; the request's top Via must carry a fresh branch. */
  sendRequest(request: SipRequest, destination: SipEndpoint, user: ClientTransactionUser): ClientTransaction {
    const key = clientKey(request);
    const onTerminated = (): void => {
      if (this.clients.get(key) === tx) this.clients.delete(key);
    };
    const tx: ClientTransaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(this.ctx, request, destination, user, onTerminated)
        : new NonInviteClientTransaction(this.ctx, request, destination, user, onTerminated);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }
}

function serverKey(request: SipRequest, method: string): string {
  const via = parseVia(request.headers.get('via') as string);
  const branch = via.params.get('branch') ?? '';
  const sentBy = `${via.host}:${via.port ?? 5060}`;
  if (branch.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy}|${method}`;
  // RFC 2543 peers: match on the dialog-ish identifiers instead (§17.2.3, second half).
  return `2543|${callIdOf(request)}|${fromTag(request) ?? ''}|${cseqOf(request).seq}|${sentBy}|${branch}|${method}`;
}

function clientKey(msg: SipMessage): string {
  const via = parseVia(msg.headers.get('via') as string);
  return `${via.params.get('branch') ?? ''}|${cseqOf(msg).method === 'ACK' ? 'INVITE' : cseqOf(msg).method}`;
}
