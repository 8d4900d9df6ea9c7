import { formatVia, parseVia } from '../message/header-values';
import type { SipRequest } from '../message/sip-message';
import type { SipEndpoint } from './sip-endpoint';

/**
 * RFC 3261 §18.2.1 and RFC 3581: stamps the top Via of an incoming request with the address
 * (`received`) and port (`rport`) it really came from, so responses cross NATs.
 */
export function stampReceived(request: SipRequest, source: SipEndpoint): void {
  const values = request.headers.getAll('via');
  const via = parseVia(values[0]);
  if (via.host !== source.address) via.params.set('received', source.address);
  if (via.params.has('rport')) {
    via.params.set('rport', String(source.port));
    if (!via.params.has('received')) via.params.set('received', source.address);
  }
  values[0] = formatVia(via);
  request.headers.set('via', values);
}

/** RFC 3261 §18.2.2 / RFC 3581 §4: where a response to a request from `source` goes. */
export function responseDestination(topViaValue: string, source: SipEndpoint): SipEndpoint {
  if (source.protocol === 'tcp') return source;
  const via = parseVia(topViaValue);
  const rport = via.params.get('rport');
  const address = via.params.get('received') ?? via.host;
  const port = rport ? Number(rport) : (via.port ?? 5060);
  return { protocol: source.protocol, address, port };
}
