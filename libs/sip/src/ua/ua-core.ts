import type { SipMessage, SipRequest } from '../message/sip-message';
import type { SipUri } from '../message/sip-uri';
import type { SipTimers, TimerScheduler } from '../transaction/timer-scheduler';
import type { ClientTransactionUser } from '../transaction/client-transactions';
import type { SipEndpoint, SipProtocol } from '../transport/sip-endpoint';
import type { SipCall } from './sip-call';

/** What calls need from their user agent; keeps the call classes free of socket code. */
export interface UaCore {
  readonly scheduler: TimerScheduler;
  readonly timers: SipTimers;
  readonly userAgentName: string;
  /** Sends outside any transaction (2xx retransmissions, ACK for 2xx). */
  sendRaw(msg: SipMessage, destination: SipEndpoint): void;
  /** Adds our Via (fresh branch) and sends the request in a client transaction. */
  sendRequest(request: SipRequest, destination: SipEndpoint, user: ClientTransactionUser): void;
  /** Top Via for a request we originate. */
  via(protocol: SipProtocol, branch: string): string;
  contact(protocol: SipProtocol, user?: string): string;
  localUri(user: string): string;
  resolve(uri: SipUri, defaultProtocol: SipProtocol): Promise<SipEndpoint>;
  bindDialog(call: SipCall): void;
  unbindDialog(call: SipCall): void;
}
