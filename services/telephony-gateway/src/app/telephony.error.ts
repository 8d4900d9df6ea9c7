import type { IvrFlowProblem } from '../domain/ivr';

export type TelephonyErrorCode =
  | 'INVALID_NUMBER'
  | 'INVALID_IVR_FLOW'
  | 'INVALID_ENDPOINT'
  | 'FLOW_NOT_FOUND'
  | 'DID_NOT_FOUND'
  | 'DID_TAKEN'
  | 'SIP_USERNAME_TAKEN'
  | 'ENDPOINT_NOT_FOUND'
  | 'CALL_NOT_FOUND'
  | 'CALL_NOT_CONNECTED'
  | 'INVALID_TRANSFER_TARGET'
  | 'NO_TRUNK'
  | 'CONFERENCE_FULL'
  | 'CONFERENCE_ACTIVE'
  | 'PARTY_UNREACHABLE'
  | 'ROUTING_UNAVAILABLE';

/** A refused telephony command; mapped to a gRPC status only at the edge. */
export class TelephonyError extends Error {
  constructor(
    readonly code: TelephonyErrorCode,
    message: string,
    readonly problems: readonly IvrFlowProblem[] = [],
  ) {
    super(message);
    this.name = TelephonyError.name;
  }
}
