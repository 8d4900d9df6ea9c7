import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { InvalidChannelRequestError } from '../domain/channel.errors';
import { OutboundAddressPolicy } from '../domain/outbound-address.policy';

/** A URL the address policy refuses (private, loopback, metadata, non-http(s)); never retried. */
export class ForbiddenFetchTargetError extends InvalidChannelRequestError {
  constructor(detail: string) {
    super('fetch-target-forbidden', detail);
  }
}

export interface GuardedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

export interface GuardedGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

export interface GuardedPostOptions extends GuardedGetOptions {
  readonly body: string;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/**
 * Fetches a URL for the service's own use (provider media, attachments by URL, provider API
 * calls) under the address policy. The host is resolved once, every address checked, and the
 * socket connects to the checked address only (the lookup handed to the socket answers it), so a
 * DNS answer that changes between check and connect cannot redirect us. GET redirects are
 * followed by hand, at most five, each hop checked the same way; Authorization is dropped when a
 * hop leaves the origin.
 */
export class GuardedFetchClient {
  constructor(
    private readonly policy: OutboundAddressPolicy,
    private readonly resolve: Resolve = systemResolve,
  ) {}

  /** One POST, redirects not followed (a provider API answers where it was asked). */
  async post(url: string, options: GuardedPostOptions): Promise<GuardedResponse> {
    const target = this.parse(url);
    const response = await this.once(target, 'POST', { ...options.headers }, options.signal, options.body);
    return { status: response.statusCode ?? 0, headers: response.headers, body: response, url: target.href };
  }

  async get(url: string, options: GuardedGetOptions): Promise<GuardedResponse> {
    let current = this.parse(url);
    let headers: Record<string, string> = { ...options.headers };
    for (let hop = 0; ; hop++) {
      const response = await this.once(current, 'GET', headers, options.signal);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
        return { status: response.statusCode ?? 0, headers: response.headers, body: response, url: current.href };
      }
      response.resume();
      if (hop === MAX_REDIRECTS) throw new ForbiddenFetchTargetError(`more than ${MAX_REDIRECTS} redirects from ${url}`);
      const next = this.parse(location, current);
      if (next.origin !== current.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
      current = next;
    }
  }

  /**
   * The one address to connect to for a tenant-given server (an account's IMAP or SMTP host),
   * under the same policy as fetched URLs: connect to the address returned, name the host for TLS.
   */
  async pinHost(host: string, port: number): Promise<string> {
    let target: URL;
    try {
      target = new URL(`tcp://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`);
    } catch {
      throw new ForbiddenFetchTargetError(`"${host.slice(0, 200)}" is not a host name`);
    }
    return (await this.pin(target)).address;
  }

  private parse(url: string, base?: URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(url, base);
    } catch {
      throw new ForbiddenFetchTargetError(`"${url.slice(0, 200)}" is not a URL`);
    }
    const refused = this.policy.refuseUrl(parsed);
    if (refused) throw new ForbiddenFetchTargetError(refused);
    return parsed;
  }

  /** The one address of `url`'s host we will connect to, after the policy saw every answer. */
  private async pin(url: URL): Promise<LookupAddress> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = await this.resolve(host);
    if (addresses.length === 0) throw new Error(`${host} has no address`);
    // Every answer must pass: a name that also points inward is refused, whichever answer a retry would get.
    for (const { address } of addresses) {
      const refused = this.policy.refuseAddress(url, address);
      if (refused) throw new ForbiddenFetchTargetError(refused);
    }
    return addresses[0];
  }

  private async once(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, signal: AbortSignal, body?: string): Promise<IncomingMessage> {
    // The request's deadline covers the lookup too: a resolver that does not answer cannot hold a webhook.
    const pinned = await Promise.race([
      this.pin(url),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, { method, headers, lookup, signal, agent: false }, resolve);
      request.on('socket', (socket) =>
        socket.once('connect', () => {
          // Belt and braces: the peer must be the address the policy passed.
          if (socket.remoteAddress !== undefined && socket.remoteAddress !== pinned.address) {
            request.destroy(new ForbiddenFetchTargetError(`connected to ${socket.remoteAddress}, not the checked ${pinned.address}`));
          }
        }),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** Public addresses only: what drivers use unless the operator allowed private hosts. */
export const PUBLIC_ONLY_FETCH = new GuardedFetchClient(new OutboundAddressPolicy());
