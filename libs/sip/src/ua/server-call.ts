import { Dialog } from '../dialog/dialog';
import { createResponse, callIdOf, type SipRequest } from '../message/sip-message';
import type { ServerTransaction } from '../transaction/server-transactions';
import { SipCall } from './sip-call';
import type { UaCore } from './ua-core';

/**
 * An incoming call (UAS side of an INVITE): ring, answer with SDP or reject, then the dialog.
 * CANCEL before the answer ends it with 487; the ACK to our 2xx arrives as the `ack` event.
 */
export class ServerCall extends SipCall {
  readonly callId: string;
  readonly request: SipRequest;

  constructor(
    ua: UaCore,
    private readonly tx: ServerTransaction,
    private readonly toTag: string,
  ) {
    super(ua, tx.source.protocol, 'incoming');
    this.request = tx.request;
    this.callId = callIdOf(tx.request);
    this.remoteSdp = tx.request.body.length ? tx.request.body.toString() : undefined;
  }

  /** 180 Ringing (or another 1xx, e.g. 183 with early-media SDP). */
  ringing(status = 180, sdp?: string): void {
    if (this.state !== 'incoming' && this.state !== 'early') return;
    this.state = 'early';
    const response = createResponse(this.request, status, {
      toTag: this.toTag,
      body: sdp,
      headers: sdp ? { 'content-type': 'application/sdp' } : {},
    });
    this.tx.respond(this.withContact(response));
  }

  answer(sdp: string): void {
    if (this.state !== 'incoming' && this.state !== 'early') return;
    const response = this.withContact(
      createResponse(this.request, 200, { toTag: this.toTag, body: sdp, headers: { 'content-type': 'application/sdp' } }),
    );
    this.localSdp = sdp;
    this.dialog = Dialog.asUas(this.request, response);
    this.state = 'answered';
    this.ua.bindDialog(this);
    this.send2xx(this.tx, response);
  }

  reject(status: number, reason?: string, headers: Record<string, string> = {}): void {
    if (this.state !== 'incoming' && this.state !== 'early') return;
    this.tx.respond(createResponse(this.request, status, { toTag: this.toTag, reason, headers }));
    this.end({ reason: 'rejected', status });
  }

  /** CANCEL matched our INVITE: 487 unless we already answered (§9.2). */
  handleCancel(cancel: SipRequest): void {
    if (this.state !== 'incoming' && this.state !== 'early') return;
    this.tx.respond(createResponse(this.request, 487, { toTag: this.toTag }));
    this.emit('cancel', cancel);
    this.end({ reason: 'cancelled', status: 487 });
  }
}
