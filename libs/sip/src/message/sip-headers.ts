/** Compact header forms (RFC 3261 §7.3.3 and later RFCs) mapped to their long names. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
};

/** Spellings used on the wire for well-known headers; others are title-cased. */
const DISPLAY: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'proxy-authenticate': 'Proxy-Authenticate',
  'proxy-authorization': 'Proxy-Authorization',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
};

/**
 * Headers whose comma-separated values are separate entries (RFC 3261 §7.3.1). Authentication
 * headers and dates contain commas inside one value, so they are never split.
 */
const LIST_HEADERS = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'allow-events',
]);

export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

export function displayHeaderName(canonical: string): string {
  return DISPLAY[canonical] ?? canonical.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
}

export function isListHeader(canonical: string): boolean {
  return LIST_HEADERS.has(canonical);
}

/** Splits on commas outside quotes and angle brackets. */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((part) => part.length > 0);
}

/** Ordered, case-insensitive header collection; list headers hold one entry per value. */
export class SipHeaders {
  private readonly entries = new Map<string, string[]>();

  static from(init: Record<string, string | string[]>): SipHeaders {
    const headers = new SipHeaders();
    for (const [name, value] of Object.entries(init)) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    return headers;
  }

  get(name: string): string | undefined {
    return this.entries.get(canonicalHeaderName(name))?.[0];
  }

  getAll(name: string): string[] {
    return [...(this.entries.get(canonicalHeaderName(name)) ?? [])];
  }

  has(name: string): boolean {
    return this.entries.has(canonicalHeaderName(name));
  }

  set(name: string, value: string | string[]): this {
    const values = Array.isArray(value) ? value : [value];
    this.entries.set(canonicalHeaderName(name), [...values]);
    return this;
  }

  append(name: string, value: string): this {
    const key = canonicalHeaderName(name);
    const values = isListHeader(key) ? splitHeaderList(value) : [value.trim()];
    const list = this.entries.get(key);
    if (list) list.push(...values);
    else this.entries.set(key, values);
    return this;
  }

  prepend(name: string, value: string): this {
    const key = canonicalHeaderName(name);
    this.entries.set(key, [value, ...(this.entries.get(key) ?? [])]);
    return this;
  }

  delete(name: string): this {
    this.entries.delete(canonicalHeaderName(name));
    return this;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  clone(): SipHeaders {
    const copy = new SipHeaders();
    for (const [name, values] of this.entries) copy.entries.set(name, [...values]);
    return copy;
  }
}
