import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request as the middleware leaves it for the webhook controller. */
export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
  rawBodyTooLarge?: boolean;
}

function answer(res: ServerResponse, status: number, reason: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ error: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', reason, message }));
}

/**
 * Reads webhook bodies as raw bytes before the framework's JSON/form parsers see them:
 * signatures cover the exact bytes, and an invalid signature must be refused before anything
 * is parsed. A fully read request is skipped by the body parsers. Over `maxBytes` → 413.
 */
export function webhookRawBody(pathPrefix: string, maxBytes: number) {
  return (req: RawBodyRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (!req.url?.startsWith(pathPrefix) || req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBytes) {
      answer(res, 413, 'body-too-large', `the body is over ${maxBytes} bytes`);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        answer(res, 413, 'body-too-large', `the body is over ${maxBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      req.rawBody = Buffer.concat(chunks, size);
      next();
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      answer(res, 400, 'body-unreadable', (error as Error).message);
    });
  };
}
