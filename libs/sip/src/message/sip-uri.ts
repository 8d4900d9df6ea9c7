import { badRequest } from './sip-parse-error';
import { formatParams, parseParams, type SipParams } from './sip-params';

/** A SIP/SIPS URI (RFC 3261 §19.1); other schemes (tel:) keep only scheme and opaque text. */
export interface SipUri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: SipParams;
  headers?: string;
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)$/;

export function parseUri(text: string): SipUri {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0) throw badRequest('Bad URI', `not a URI: "${trimmed}"`);
  const scheme = trimmed.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+\-.]*$/.test(scheme)) throw badRequest('Bad URI', `bad scheme in "${trimmed}"`);
  let rest = trimmed.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') {
    if (!rest) throw badRequest('Bad URI', `empty ${scheme} URI`);
    return { scheme, host: rest, params: new Map() };
  }
  let headers: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc >= 0 ? userinfo.slice(0, pc) : userinfo;
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (!user) throw badRequest('Bad URI', `empty user in "${trimmed}"`);
  }
  const semi = rest.indexOf(';');
  const hostport = semi >= 0 ? rest.slice(0, semi) : rest;
  const params = semi >= 0 ? parseParams(rest.slice(semi + 1)) : new Map<string, string | null>();
  const { host, port } = parseHostPort(hostport);
  return { scheme, user, password, host, port, params, headers };
}

export function parseHostPort(text: string): { host: string; port?: number } {
  let host = text.trim();
  let port: number | undefined;
  const portMatch = /^(.*?):(\d+)$/.exec(host);
  if (portMatch && !(host.startsWith('[') && !host.includes(']:'))) {
    host = portMatch[1];
    port = Number(portMatch[2]);
    if (port < 1 || port > 65535) throw badRequest('Bad URI', `port out of range in "${text}"`);
  }
  if (!HOST.test(host)) throw badRequest('Bad URI', `bad host "${host}"`);
  return { host, port };
}

export function formatUri(uri: SipUri): string {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return `${uri.scheme}:${uri.host}`;
  const userinfo = uri.user ? `${uri.user}${uri.password !== undefined ? `:${uri.password}` : ''}@` : '';
  const port = uri.port ? `:${uri.port}` : '';
  const headers = uri.headers ? `?${uri.headers}` : '';
  return `${uri.scheme}:${userinfo}${uri.host}${port}${formatParams(uri.params)}${headers}`;
}
