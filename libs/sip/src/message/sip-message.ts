import { parseCSeq, parseNameAddr, parseVia, type CSeq, type NameAddr, type Via } from './header-values';
import { SipHeaders } from './sip-headers';

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Typed readers over the raw headers; the parser has already checked they parse. */
export const topVia = (msg: SipMessage): Via => parseVia(msg.headers.get('via') ?? '');
export const vias = (msg: SipMessage): Via[] => msg.headers.getAll('via').map(parseVia);
export const cseqOf = (msg: SipMessage): CSeq => parseCSeq(msg.headers.get('cseq') ?? '');
export const callIdOf = (msg: SipMessage): string => msg.headers.get('call-id') ?? '';
export const fromOf = (msg: SipMessage): NameAddr => parseNameAddr(msg.headers.get('from') ?? '');
export const toOf = (msg: SipMessage): NameAddr => parseNameAddr(msg.headers.get('to') ?? '');
export const fromTag = (msg: SipMessage): string | undefined => fromOf(msg).params.get('tag') ?? undefined;
export const toTag = (msg: SipMessage): string | undefined => toOf(msg).params.get('tag') ?? undefined;
export const contactsOf = (msg: SipMessage): NameAddr[] => msg.headers.getAll('contact').map(parseNameAddr);

export const REASON_PHRASES: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
};

export const reasonPhrase = (status: number): string => REASON_PHRASES[status] ?? (status < 300 ? 'OK' : 'Error');

/**
 * A response to `request` per RFC 3261 §8.2.6.2: Via, From, To, Call-ID and CSeq copied,
 * and a To tag added when the response is not 100 and the request had none.
 */
export function createResponse(
  request: Pick<SipRequest, 'headers'>,
  status: number,
  options: { reason?: string; toTag?: string; headers?: Record<string, string | string[]>; body?: Buffer | string } = {},
): SipResponse {
  const headers = new SipHeaders();
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    const values = request.headers.getAll(name);
    if (values.length) headers.set(name, values);
  }
  const to = headers.get('to');
  if (status !== 100 && to && options.toTag && !/;\s*tag=/i.test(to)) headers.set('to', `${to};tag=${options.toTag}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : (options.body ?? Buffer.alloc(0));
  return { kind: 'response', status, reason: options.reason ?? reasonPhrase(status), headers, body };
}
