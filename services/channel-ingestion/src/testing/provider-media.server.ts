import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MediaFile {
  readonly content: Buffer;
  readonly contentType: string;
  /** Sent without Content-Length (chunked), so only the streamed size tells. */
  readonly chunked?: boolean;
}

export interface MediaCredentials {
  readonly whatsappToken: string;
  readonly lineToken: string;
  readonly telegramBotToken: string;
  readonly twilioAccountSid: string;
  readonly twilioAuthToken: string;
}

/**
 * A local stand-in for the providers' documented media endpoints, checking their auth:
 * WhatsApp `GET /{version}/{media-id}` (Bearer) → `{ url, mime_type, file_size, ... }`, then the
 * URL (Bearer); Messenger's public attachment URLs; LINE `GET /v2/bot/message/{id}/content`
 * (Bearer); Telegram `getFile` → `file_path`, then `GET /file/bot<token>/<file_path>`; Twilio
 * `GET /2010-04-01/Accounts/{sid}/Messages/{sid}/Media/{sid}` (Basic). Unknown ids answer 404;
 * `/redirect?to=<url>` answers 302 to that URL (a CDN hop).
 */
export class ProviderMediaServer {
  readonly files = new Map<string, MediaFile>();
  readonly seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly credentials: MediaCredentials) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '';
      this.seen.push({ path, headers: req.headers });
      const url = new URL(path, 'http://media.test');
      if (url.pathname === '/redirect') {
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      }
      const answer = this.route(url, req.headers);
      if ('json' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
        return;
      }
      const { file } = answer;
      res.writeHead(200, { 'content-type': file.contentType, ...(file.chunked ? {} : { 'content-length': String(file.content.byteLength) }) });
      if (!file.chunked) {
        res.end(file.content);
        return;
      }
      for (let i = 0; i < file.content.byteLength; i += 64 * 1024) res.write(file.content.subarray(i, i + 64 * 1024));
      res.end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(url: URL, headers: IncomingHttpHeaders): { file: MediaFile } | { status: number; json: unknown } {
    const c = this.credentials;
    const bearer = (token: string) => headers.authorization === `Bearer ${token}`;
    const file = (id: string) => this.files.get(id);
    const found = (id: string) => {
      const f = file(id);
      return f ? { file: f } : { status: 404, json: { error: { message: 'unknown media' } } };
    };
    const denied = { status: 401, json: { error: { message: 'bad credentials' } } };
    let m: RegExpExecArray | null;
    if ((m = /^\/v\d+\.\d+\/([^/]+)$/.exec(url.pathname))) {
      if (!bearer(c.whatsappToken)) return denied;
      const f = file(m[1]);
      if (!f) return found(m[1]);
      return { status: 200, json: { messaging_product: 'whatsapp', url: `${this.url}/whatsapp-cdn/${m[1]}`, mime_type: f.contentType, sha256: 'not-checked', file_size: f.content.byteLength, id: m[1] } };
    }
    if ((m = /^\/whatsapp-cdn\/([^/]+)$/.exec(url.pathname))) return bearer(c.whatsappToken) ? found(m[1]) : denied;
    if ((m = /^\/fb-cdn\/([^/]+)$/.exec(url.pathname))) return found(m[1]);
    if ((m = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(url.pathname))) return bearer(c.lineToken) ? found(m[1]) : denied;
    if (url.pathname === `/bot${c.telegramBotToken}/getFile`) {
      const id = url.searchParams.get('file_id') ?? '';
      const f = file(id);
      if (!f) return { status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } };
      return { status: 200, json: { ok: true, result: { file_id: id, file_unique_id: `u${id}`, file_size: f.content.byteLength, file_path: `documents/${id}.bin` } } };
    }
    if ((m = new RegExp(`^/file/bot${c.telegramBotToken}/documents/([^/]+)\\.bin$`).exec(url.pathname))) return found(m[1]);
    if ((m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/([^/]+)$/.exec(url.pathname))) {
      const basic = `Basic ${Buffer.from(`${c.twilioAccountSid}:${c.twilioAuthToken}`).toString('base64')}`;
      return m[1] === c.twilioAccountSid && headers.authorization === basic ? found(m[2]) : denied;
    }
    return { status: 404, json: { error: 'no such endpoint' } };
  }
}
