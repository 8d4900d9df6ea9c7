import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipUri } from '../message/sip-uri';
import type { SipEndpoint, SipProtocol } from '../transport/sip-endpoint';

/**
 * Where to send a request for a URI (a much reduced RFC 3263: transport parameter, then the
 * default; A/AAAA lookup, no NAPTR/SRV).
 */
export async function resolveUri(uri: SipUri, defaultProtocol: SipProtocol): Promise<SipEndpoint> {
  const transport = uri.params.get('transport')?.toLowerCase();
  const protocol: SipProtocol = transport === 'tcp' ? 'tcp' : transport === 'udp' ? 'udp' : defaultProtocol;
  const host = uri.host.replace(/^\[(.*)\]$/, '$1');
  const address = isIP(host) ? host : (await lookup(host)).address;
  return { protocol, address, port: uri.port ?? 5060 };
}
