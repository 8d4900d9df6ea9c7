import { parseAuthHeader, parseCSeq, parseNameAddr, parseVia } from './header-values';
import { SipHeaders } from './sip-headers';
import type { SipMessage } from './sip-message';
import { badRequest, SipParseError } from './sip-parse-error';
import { parseUri } from './sip-uri';

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const MAX_HEADER_BYTES = 64 * 1024;

export interface ParseOptions {
  /** Over streams the framer has already cut the body by Content-Length. */
  stream?: boolean;
}

/**
 * Parses one SIP message from a datagram (or a frame cut by {@link SipStreamFramer}). Throws
 * only {@link SipParseError}, carrying the response status to send and the headers read so far.
 */
export function parseMessage(data: Buffer, options: ParseOptions = {}): SipMessage {
  try {
    return parseUnsafe(data, options);
  } catch (error) {
    if (error instanceof SipParseError) throw error;
    // A bug in a sub-parser must still surface as "bad input", never crash the transport.
    throw badRequest('Bad Request', `unparseable message: ${(error as Error).message}`);
  }
}

function parseUnsafe(data: Buffer, options: ParseOptions): SipMessage {
  let start = 0;
  // RFC 3261 §7.5: ignore CRLFs before the start line (keep-alives on streams).
  while (start < data.length && (data[start] === 0x0d || data[start] === 0x0a)) start++;
  const headerEnd = findHeaderEnd(data, start);
  if (headerEnd.index < 0) {
    if (data.length - start > MAX_HEADER_BYTES) throw new SipParseError(513, 'Message Too Large', 'header section too large');
    throw badRequest('Bad Request', 'no end of header section');
  }
  const head = data.subarray(start, headerEnd.index).toString('latin1');
  const lines = unfold(head.split(/\r?\n/));
  const startLine = lines.shift() ?? '';
  const headers = new SipHeaders();
  // Start-line and header-line errors are reported only after all headers are read, so the
  // error response can still carry the Via/Call-ID/CSeq that come after the broken line.
  let broken: SipParseError | undefined;
  let firstLine: { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };
  const response = /^SIP\/(\d+\.\d+) (\d{3}) ?(.*)$/.exec(startLine);
  const request = /^(\S+) (\S+) SIP\/(\d+\.\d+)$/.exec(startLine);
  const isRequest = !response && !startLine.startsWith('SIP/');
  if (response) {
    const status = Number(response[2]);
    if (response[1] !== '2.0') broken = new SipParseError(505, 'Version Not Supported', `SIP/${response[1]}`);
    else if (status < 100 || status > 699) broken = badRequest('Bad Status', `status ${status}`);
    firstLine = { kind: 'response', status, reason: response[3] };
  } else if (request && TOKEN.test(request[1])) {
    firstLine = { kind: 'request', method: request[1], uri: request[2] };
    if (request[3] !== '2.0') broken = new SipParseError(505, 'Version Not Supported', `SIP/${request[3]}`);
  } else {
    broken = badRequest('Bad Request Line', `bad start line "${startLine.slice(0, 80)}"`);
    firstLine = { kind: 'request', method: '', uri: '' };
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) {
      broken ??= badRequest('Bad Header', `bad header line "${line.slice(0, 80)}"`);
      continue;
    }
    headers.append(name, line.slice(colon + 1));
  }
  try {
    if (broken) throw broken;
    validate(firstLine, headers);
  } catch (error) {
    if (error instanceof SipParseError) throw error.withContext(headers, isRequest);
    throw error;
  }
  let body = data.subarray(headerEnd.index + headerEnd.length);
  const lengthHeader = headers.get('content-length');
  if (lengthHeader !== undefined) {
    const length = Number(lengthHeader);
    if (!/^\d+$/.test(lengthHeader) || !Number.isSafeInteger(length)) {
      throw badRequest('Bad Content-Length', `Content-Length "${lengthHeader}"`).withContext(headers, isRequest);
    }
    if (length > body.length) {
      throw badRequest('Bad Content-Length', `Content-Length ${length} exceeds body of ${body.length} bytes`).withContext(headers, isRequest);
    }
    // §18.3: over datagrams, octets after Content-Length are discarded.
    body = body.subarray(0, length);
  } else if (options.stream) {
    throw badRequest('Missing Content-Length', 'Content-Length is required over streams').withContext(headers, isRequest);
  }
  const copy = Buffer.from(body);
  return firstLine.kind === 'request'
    ? { kind: 'request', method: firstLine.method, uri: firstLine.uri, headers, body: copy }
    : { kind: 'response', status: firstLine.status, reason: firstLine.reason, headers, body: copy };
}

function validate(
  firstLine: { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number },
  headers: SipHeaders,
): void {
  const vias = headers.getAll('via');
  if (!vias.length) throw badRequest('Missing Via');
  vias.forEach(parseVia);
  for (const name of ['from', 'to', 'call-id', 'cseq']) {
    if (!headers.get(name)) throw badRequest(`Missing ${name === 'call-id' ? 'Call-ID' : name === 'cseq' ? 'CSeq' : name[0].toUpperCase() + name.slice(1)}`);
  }
  parseNameAddr(headers.get('from') as string);
  parseNameAddr(headers.get('to') as string);
  if (headers.getAll('from').length > 1 || headers.getAll('to').length > 1 || headers.getAll('call-id').length > 1 || headers.getAll('cseq').length > 1) {
    throw badRequest('Duplicate Header', 'From, To, Call-ID and CSeq appear once');
  }
  const cseq = parseCSeq(headers.get('cseq') as string);
  for (const contact of headers.getAll('contact')) parseNameAddr(contact);
  for (const route of [...headers.getAll('route'), ...headers.getAll('record-route')]) parseNameAddr(route);
  for (const name of ['www-authenticate', 'proxy-authenticate', 'authorization', 'proxy-authorization']) {
    for (const value of headers.getAll(name)) parseAuthHeader(value);
  }
  const maxForwards = headers.get('max-forwards');
  if (maxForwards !== undefined && !/^\d{1,3}$/.test(maxForwards)) throw badRequest('Bad Max-Forwards', `Max-Forwards "${maxForwards}"`);
  const expires = headers.get('expires');
  if (expires !== undefined && !/^\d{1,10}$/.test(expires)) throw badRequest('Bad Expires', `Expires "${expires}"`);
  if (firstLine.kind === 'request') {
    parseUri(firstLine.uri);
    if (cseq.method !== firstLine.method) throw badRequest('CSeq Method Mismatch', `CSeq ${cseq.method} for ${firstLine.method}`);
  }
}

function findHeaderEnd(data: Buffer, from: number): { index: number; length: number } {
  const crlf = data.indexOf('\r\n\r\n', from, 'latin1');
  const lf = data.indexOf('\n\n', from, 'latin1');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return { index: -1, length: 0 };
}

/** Joins continuation lines (leading whitespace) to the header before them (§7.3.1). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 1) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line);
  }
  return out;
}
