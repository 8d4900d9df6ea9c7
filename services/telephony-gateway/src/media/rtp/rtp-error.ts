export type RtpErrorCode = 'MALFORMED_RTP' | 'MALFORMED_TELEPHONE_EVENT' | 'UNSUPPORTED_AUDIO';

export class RtpError extends Error {
  constructor(
    readonly code: RtpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = RtpError.name;
  }
}
