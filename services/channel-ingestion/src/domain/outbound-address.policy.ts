/**
 * Which network addresses the service may fetch URLs from (provider media, attachments by URL).
 * Those URLs come from webhooks and agents, so without this check they could reach the cluster's
 * own services or the cloud metadata endpoint. Public unicast only, unless an operator names the
 * private host explicitly.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

type Range = readonly [base: number, prefixBits: number, kind: Exclude<AddressClass, 'public'>];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const IPV4_RANGES: readonly Range[] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  // Carrier-grade NAT: not routable from the internet, often a provider's internal network.
  [v4(100, 64, 0, 0), 10, 'private'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

/** The address as a 32-bit number, or undefined when it is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The eight 16-bit groups, or undefined when it is not IPv6 (a zone id `%eth0` is ignored). */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.replace(/^\[|\]$/g, '').split('%')[0];
  if (!address.includes(':')) return undefined;
  let address6 = address;
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted quad (::ffff:10.0.0.1) is the last two groups.
    const embedded = parseIPv4(last);
    if (embedded === undefined) return undefined;
    address6 = `${address.slice(0, lastColon + 1)}${(embedded >>> 16).toString(16)}:${(embedded & 0xffff).toString(16)}`;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const halves = address6.split('::');
  if (halves.length > 2) return undefined;
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (!left || !right) return undefined;
  const known = left.length + right.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined;
  return [...left, ...new Array<number>(8 - known).fill(0), ...right];
}

function classifyIPv4(value: number): AddressClass {
  for (const [base, bits, kind] of IPV4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((value & mask) >>> 0) === base) return kind;
  }
  return 'public';
}

function classifyIPv6(g: readonly number[]): AddressClass {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = (hi: number, lo: number) => classifyIPv4(((hi << 16) | lo) >>> 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) reach the IPv4 address.
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6], g[7]);
  if (zeroUpTo(6)) return embedded(g[6], g[7]);
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway would reach.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6], g[7]);
  if (g[0] === 0x2002) return embedded(g[1], g[2]);
  if ((g[0] & 0xfe00) === 0xfc00) return 'private';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  // Site-local, deprecated but still routed inside some networks.
  if ((g[0] & 0xffc0) === 0xfec0) return 'private';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** What kind of address an IP literal is; anything that does not parse is `reserved` (refused). */
export function classifyAddress(address: string): AddressClass {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== undefined) return classifyIPv4(ipv4);
  const ipv6 = parseIPv6(address);
  return ipv6 ? classifyIPv6(ipv6) : 'reserved';
}

/** `host` or `host:port` (IPv6 as `[::1]:8080`), lower-cased; a port-less entry allows every port of the host. */
export interface AllowedHost {
  readonly host: string;
  readonly port?: number;
}

export function parseAllowedHosts(entries: readonly string[]): AllowedHost[] {
  return entries.map((entry) => {
    const text = entry.trim().toLowerCase();
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
    if (bracketed) return { host: bracketed[1], ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
    const named = /^([a-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text);
    if (named) return { host: named[1], ...(named[2] ? { port: Number(named[2]) } : {}) };
    if (parseIPv6(text)) return { host: text };
    throw new Error(`"${entry}" is not host or host:port`);
  });
}

/** The fetch rules: http(s) only, public addresses only, unless the URL's host (and port) is allowed by name. */
export class OutboundAddressPolicy {
  private readonly allowed: readonly AllowedHost[];

  constructor(allowPrivateHosts: readonly string[] = []) {
    this.allowed = parseAllowedHosts(allowPrivateHosts);
  }

  /** Why the URL cannot be fetched at all, before any lookup; undefined when it may be. */
  refuseUrl(url: URL): string | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http(s)`;
    if (url.username || url.password) return 'credentials in the URL';
    return undefined;
  }

  /** Whether the operator allowed this host (by the name in the URL) to be private. */
  allowsPrivate(url: URL): boolean {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return this.allowed.some((a) => a.host === host && (a.port === undefined || a.port === port));
  }

  /** Why a resolved address may not be connected to for this URL; undefined when it may. */
  refuseAddress(url: URL, address: string): string | undefined {
    const kind = classifyAddress(address);
    if (kind === 'public' || this.allowsPrivate(url)) return undefined;
    return `${url.hostname} resolves to ${address}, a ${kind} address`;
  }
}
