import { badRequest } from './sip-parse-error';

/** Header or URI parameters; a flag parameter (`;rport`, `;lr`) has the value null. */
export type SipParams = Map<string, string | null>;

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Parses `;a=b;c;d="quoted"` (leading separator optional), names lower-cased. */
export function parseParams(text: string, separator = ';'): SipParams {
  const params: SipParams = new Map();
  for (const raw of splitOutsideQuotes(text, separator)) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!TOKEN.test(name)) throw badRequest('Bad Parameter', `bad parameter name "${name}"`);
    if (eq < 0) {
      params.set(name, null);
      continue;
    }
    const value = part.slice(eq + 1).trim();
    params.set(name, unquote(value));
  }
  return params;
}

export function formatParams(params: SipParams): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

export function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

export function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

export function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw badRequest('Bad Parameter', 'unterminated quoted string');
  parts.push(text.slice(start));
  return parts;
}
