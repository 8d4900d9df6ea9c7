import { badRequest } from './sip-parse-error';
import { formatParams, parseParams, quote, splitOutsideQuotes, type SipParams, unquote } from './sip-params';
import { formatUri, parseHostPort, parseUri, type SipUri } from './sip-uri';

/** From, To, Contact, Route, Record-Route value: `"Name" <uri>;params` or `uri;params`. */
export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  params: SipParams;
  /** `Contact: *` (REGISTER removing all bindings). */
  wildcard?: boolean;
}

export function parseNameAddr(text: string): NameAddr {
  const value = text.trim();
  if (value === '*') return { uri: { scheme: 'sip', host: '*', params: new Map() }, params: new Map(), wildcard: true };
  const lt = findUnquoted(value, '<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) throw badRequest('Bad Header', `unterminated <uri> in "${value}"`);
    const display = value.slice(0, lt).trim();
    return {
      displayName: display ? unquote(display) : undefined,
      uri: parseUri(value.slice(lt + 1, gt)),
      params: parseParams(value.slice(gt + 1)),
    };
  }
  // Without angle brackets every ";param" belongs to the header, not the URI (§20.10).
  const semi = value.indexOf(';');
  return {
    uri: parseUri(semi >= 0 ? value.slice(0, semi) : value),
    params: semi >= 0 ? parseParams(value.slice(semi + 1)) : new Map(),
  };
}

export function formatNameAddr(addr: NameAddr): string {
  if (addr.wildcard) return '*';
  const display = addr.displayName ? `${quote(addr.displayName)} ` : '';
  return `${display}<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
}

function findUnquoted(text: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (quoted) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') quoted = false;
    } else if (text[i] === '"') quoted = true;
    else if (text[i] === ch) return i;
  }
  return -1;
}

export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: SipParams;
}

export function parseVia(text: string): Via {
  const value = text.trim();
  const match = /^([A-Za-z0-9.\-]+)\s*\/\s*([0-9.]+)\s*\/\s*([A-Za-z0-9\-]+)\s+([^;]+)(.*)$/.exec(value);
  if (!match) throw badRequest('Bad Via', `bad Via "${value}"`);
  const { host, port } = parseHostPort(match[4].trim());
  return { protocol: `${match[1]}/${match[2]}`, transport: match[3].toUpperCase(), host, port, params: parseParams(match[5]) };
}

export function formatVia(via: Via): string {
  return `${via.protocol}/${via.transport} ${via.host}${via.port ? `:${via.port}` : ''}${formatParams(via.params)}`;
}

export const BRANCH_COOKIE = 'z9hG4bK';

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(text: string): CSeq {
  const match = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(text);
  if (!match) throw badRequest('Bad CSeq', `bad CSeq "${text}"`);
  const seq = Number(match[1]);
  if (seq > 2 ** 31 - 1) throw badRequest('Bad CSeq', 'CSeq number out of range');
  return { seq, method: match[2] };
}

/** `Digest realm="x", nonce="y", ...` from WWW-/Proxy-Authenticate and (Proxy-)Authorization. */
export interface AuthHeader {
  scheme: string;
  params: Map<string, string>;
}

export function parseAuthHeader(text: string): AuthHeader {
  const value = text.trim();
  const space = value.search(/\s/);
  if (space <= 0) throw badRequest('Bad Authorization', `bad auth header "${value}"`);
  const params = new Map<string, string>();
  for (const raw of splitOutsideQuotes(value.slice(space + 1), ',')) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw badRequest('Bad Authorization', `bad auth parameter "${part}"`);
    params.set(part.slice(0, eq).trim().toLowerCase(), unquote(part.slice(eq + 1).trim()));
  }
  return { scheme: value.slice(0, space), params };
}

/** Parameters whose values are tokens, not quoted strings (RFC 7616 §3.3/3.4). */
const UNQUOTED_AUTH = new Set(['algorithm', 'stale', 'nc', 'qop']);

export function formatAuthHeader(header: AuthHeader, quotedQop = false): string {
  const parts = [...header.params].map(([name, value]) =>
    UNQUOTED_AUTH.has(name) && !(name === 'qop' && quotedQop) ? `${name}=${value}` : `${name}=${quote(value)}`,
  );
  return `${header.scheme} ${parts.join(', ')}`;
}
