import { randomBytes } from 'node:crypto';
import { Dialog } from '../dialog/dialog';
import { createResponse, cseqOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { ServerTransaction } from '../transaction/server-transactions';
import type { TimerHandle } from '../transaction/timer-scheduler';
import type { SipEndpoint, SipProtocol } from '../transport/sip-endpoint';
import { TypedEmitter } from './typed-emitter';
import type { UaCore } from './ua-core';

export type CallEndReason =
  | 'local-bye'
  | 'remote-bye'
  | 'cancelled'
  | 'rejected'
  | 'ack-timeout'
  | 'timeout'
  | 'failed';

export interface CallEnded {
  reason: CallEndReason;
  /** Final status for calls that never connected. */
  status?: number;
}

/** A re-INVITE from the peer; answer it exactly once. Unanswered, we repeat our last SDP. */
export interface IncomingReinvite {
  request: SipRequest;
  sdp: string;
  accept(sdp: string): void;
  reject(status: number, reason?: string): void;
}

export interface SipCallEvents {
  /** ACK for our 2xx (initial INVITE or re-INVITE). */
  ack: (request: SipRequest) => void;
  bye: (request: SipRequest) => void;
  cancel: (request: SipRequest) => void;
  info: (request: SipRequest) => void;
  reinvite: (reinvite: IncomingReinvite) => void;
  /** UAC only: 1xx. */
  progress: (response: SipResponse) => void;
  /** UAC only: the 2xx that set up the dialog. */
  answered: (response: SipResponse) => void;
  ended: (ended: CallEnded) => void;
}

export type CallState = 'calling' | 'incoming' | 'early' | 'answered' | 'confirmed' | 'ended';

export const newTag = (): string => randomBytes(6).toString('hex');

/** A response we keep sending until its ACK arrives (§13.3.1.4). */
interface Pending2xx {
  response: SipResponse;
  seq: number;
  retransmit?: TimerHandle;
  giveUp: TimerHandle;
}

/**
 * What both call directions share once a dialog exists: in-dialog requests in both
 * directions, reliable 2xx for INVITEs we answer, and the end of the call.
 */
export abstract class SipCall extends TypedEmitter<SipCallEvents> {
  state: CallState;
  dialog?: Dialog;
  localSdp?: string;
  remoteSdp?: string;
  protected pending2xx?: Pending2xx;
  protected lastAck?: { ack: SipRequest; destination: SipEndpoint; seq: number };
  private reinviteInProgress = false;

  protected constructor(
    protected readonly ua: UaCore,
    public protocol: SipProtocol,
    initial: CallState,
  ) {
    super();
    this.state = initial;
  }

  abstract readonly callId: string;

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Hangs up an established call (BYE); resolves with the peer's final response status. */
  async bye(): Promise<number> {
    if (!this.dialog || this.state === 'ended') return 0;
    this.clearPending2xx();
    const request = this.dialog.createRequest('BYE');
    this.end({ reason: 'local-bye' });
    const response = await this.sendInDialog(request);
    return response.status;
  }

  /**
   * Offers new SDP in the dialog (hold/resume). Resolves with the final response; a 491 means
   * an offer is already under way in either direction (glare), so try again later.
   */
  async reinvite(sdp: string): Promise<SipResponse> {
    if (!this.dialog || this.state === 'ended') throw new Error('no established dialog');
    if (this.reinviteInProgress) return createResponse(this.dialog.createRequest('INVITE', { seq: this.dialog.localSeq }), 491);
    const request = this.dialog.createRequest('INVITE', { body: Buffer.from(sdp), contentType: 'application/sdp' });
    this.reinviteInProgress = true;
    const response = await this.sendInDialog(request).finally(() => (this.reinviteInProgress = false));
    if (response.status >= 200 && response.status < 300) {
      this.localSdp = sdp;
      this.dialog.refreshTarget(response);
      if (response.body.length) this.remoteSdp = response.body.toString();
      await this.sendAck(request, response);
    }
    return response;
  }

  async info(body: string, contentType: string): Promise<SipResponse> {
    if (!this.dialog || this.state === 'ended') throw new Error('no established dialog');
    return this.sendInDialog(this.dialog.createRequest('INFO', { body: Buffer.from(body), contentType }));
  }

  /** In-dialog request from the peer, already matched to this call's dialog. */
  handleRequest(tx: ServerTransaction): void {
    const { request } = tx;
    const dialog = this.dialog as Dialog;
    if (!dialog.acceptRemoteSeq(request)) {
      tx.respond(createResponse(request, 500, { reason: 'CSeq Out Of Order' }));
      return;
    }
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200));
        this.clearPending2xx();
        try {
          this.emit('bye', request);
        } finally {
          this.end({ reason: 'remote-bye' });
        }
        return;
      case 'INFO':
        tx.respond(createResponse(request, 200));
        this.emit('info', request);
        return;
      case 'OPTIONS':
        tx.respond(createResponse(request, 200));
        return;
      case 'INVITE':
        this.handleReinvite(tx);
        return;
      default:
        tx.respond(createResponse(request, 501));
    }
  }

  /** An ACK for a 2xx we sent in this dialog. */
  handleAck(request: SipRequest): void {
    const pending = this.pending2xx;
    if (!pending || cseqOf(request).seq !== pending.seq) return;
    this.clearPending2xx();
    if (request.body.length) this.remoteSdp = request.body.toString();
    if (this.state === 'answered') this.state = 'confirmed';
    this.emit('ack', request);
  }

  /** A retransmitted 2xx to an INVITE we sent means our ACK was lost: send it again (§13.2.2.4). */
  handleRetransmitted2xx(response: SipResponse): void {
    if (this.lastAck && cseqOf(response).seq === this.lastAck.seq) this.ua.sendRaw(this.lastAck.ack, this.lastAck.destination);
  }

  private handleReinvite(tx: ServerTransaction): void {
    const { request } = tx;
    // §14.2: an offer while ours is pending → 491; before the ACK of our last 2xx → 500.
    if (this.reinviteInProgress) {
      tx.respond(createResponse(request, 491));
      return;
    }
    if (this.pending2xx) {
      tx.respond(createResponse(request, 500, { headers: { 'retry-after': String(Math.ceil(Math.random() * 10)) } }));
      return;
    }
    this.reinviteInProgress = true;
    this.dialog?.refreshTarget(request);
    let answered = false;
    const reinvite: IncomingReinvite = {
      request,
      sdp: request.body.toString(),
      accept: (sdp) => {
        if (answered) return;
        answered = true;
        this.reinviteInProgress = false;
        this.localSdp = sdp;
        this.remoteSdp = request.body.toString();
        this.send2xx(tx, this.withContact(createResponse(request, 200, { body: sdp, headers: { 'content-type': 'application/sdp' } })));
      },
      reject: (status, reason) => {
        if (answered) return;
        answered = true;
        this.reinviteInProgress = false;
        tx.respond(createResponse(request, status, { reason }));
      },
    };
    if (this.listenerCount('reinvite')) this.emit('reinvite', reinvite);
    else reinvite.accept(this.localSdp ?? '');
  }

  protected withContact(response: SipResponse): SipResponse {
    response.headers.set('contact', this.ua.contact(this.protocol));
    response.headers.set('allow', ALLOW);
    response.headers.set('server', this.ua.userAgentName);
    return response;
  }

  /** Sends a 2xx to an INVITE and keeps resending it at T1, 2T1 … T2 until ACKed (§13.3.1.4). */
  protected send2xx(tx: ServerTransaction, response: SipResponse): void {
    tx.respond(response);
    const { destination } = tx;
    const { t1, t2 } = this.ua.timers;
    const seq = cseqOf(response).seq;
    const pending: Pending2xx = {
      response,
      seq,
      giveUp: this.ua.scheduler.schedule(64 * t1, () => {
        if (this.pending2xx !== pending) return;
        this.clearPending2xx();
        // §13.3.1.4: no ACK means the session is not established; end it with a BYE.
        void this.byeAfterAckTimeout();
      }),
    };
    const retransmit = (interval: number): void => {
      pending.retransmit = this.ua.scheduler.schedule(interval, () => {
        if (this.pending2xx !== pending) return;
        this.ua.sendRaw(response, destination);
        retransmit(Math.min(interval * 2, t2));
      });
    };
    this.pending2xx = pending;
    if (this.protocol === 'udp') retransmit(t1);
  }

  private async byeAfterAckTimeout(): Promise<void> {
    if (!this.dialog || this.state === 'ended') return;
    const request = this.dialog.createRequest('BYE');
    this.end({ reason: 'ack-timeout' });
    await this.sendInDialog(request).catch(() => undefined);
  }

  protected clearPending2xx(): void {
    this.pending2xx?.retransmit?.cancel();
    this.pending2xx?.giveUp.cancel();
    this.pending2xx = undefined;
  }

  protected async sendAck(invite: SipRequest, response: SipResponse): Promise<void> {
    const dialog = this.dialog as Dialog;
    const ack = dialog.createRequest('ACK', { seq: cseqOf(invite).seq });
    const destination = await this.ua.resolve(dialog.nextHop(), this.protocol);
    ack.headers.prepend('via', this.ua.via(destination.protocol, `z9hG4bK${newTag()}${newTag()}`));
    this.lastAck = { ack, destination, seq: cseqOf(response).seq };
    this.ua.sendRaw(ack, destination);
  }

  /** Sends an in-dialog request in its own client transaction; a timeout reads as 408. */
  protected async sendInDialog(request: SipRequest): Promise<SipResponse> {
    const dialog = this.dialog as Dialog;
    const destination = await this.ua.resolve(dialog.nextHop(), this.protocol);
    if (request.method === 'INVITE') request.headers.set('contact', this.ua.contact(this.protocol));
    request.headers.set('user-agent', this.ua.userAgentName);
    return new Promise((resolve) => {
      this.ua.sendRequest(request, destination, {
        onResponse: (response) => {
          if (response.status >= 200) resolve(response);
        },
        onTimeout: () => resolve(createResponse(request, 408)),
        onTransportError: () => resolve(createResponse(request, 503)),
      });
    });
  }

  protected end(ended: CallEnded): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.clearPending2xx();
    this.ua.unbindDialog(this);
    this.emit('ended', ended);
  }
}

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REGISTER';
