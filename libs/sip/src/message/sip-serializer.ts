import { displayHeaderName } from './sip-headers';
import type { SipMessage } from './sip-message';

/** Wire form of a message; Content-Length is always written from the body. */
export function serializeMessage(msg: SipMessage): Buffer {
  const startLine = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [startLine];
  for (const name of msg.headers.names()) {
    if (name === 'content-length') continue;
    const display = displayHeaderName(name);
    for (const value of msg.headers.getAll(name)) lines.push(`${display}: ${value}`);
  }
  lines.push(`Content-Length: ${msg.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return msg.body.length ? Buffer.concat([head, msg.body]) : head;
}
