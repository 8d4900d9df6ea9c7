import { PayloadTooLargeError, ProviderError } from '../domain/channel.errors';
import { ForbiddenFetchTargetError, type GuardedFetchClient, type GuardedResponse } from './guarded-fetch.client';

export interface MediaRequest {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A provider's file as we fetched it; the content type is the server's when it names one. */
export interface DownloadedMedia {
  readonly content: Uint8Array;
  readonly contentType?: string;
}

const TIMEOUT_MS = 15_000;
/** A media lookup answers a small JSON object. */
const LOOKUP_MAX_BYTES = 256 * 1024;

const tooLarge = (size: number, maxBytes: number) => new PayloadTooLargeError('attachment-too-large', `${size} bytes, at most ${maxBytes}`);

async function get(client: GuardedFetchClient, provider: string, request: MediaRequest): Promise<GuardedResponse> {
  let response: GuardedResponse;
  try {
    // Redirects are followed (Twilio sends media from a CDN), each hop under the address policy.
    response = await client.get(request.url, { headers: request.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof ForbiddenFetchTargetError) throw error;
    throw new ProviderError(`${provider}-media-unreachable`, (error as Error).message, true);
  }
  if (response.status < 200 || response.status > 299) {
    response.body.destroy();
    throw new ProviderError(`${provider}-media-http-${response.status}`, `GET media answered ${response.status}`, response.status === 429 || response.status >= 500);
  }
  return response;
}

/** The body, never holding more than `maxBytes`: a larger declared length or a body that runs past it is refused without reading the rest. */
async function readCapped(response: GuardedResponse, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge(declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      response.body.destroy();
      throw tooLarge(size, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The JSON a provider's media lookup answers (WhatsApp's media URL, Telegram's file path). */
export async function fetchMediaJson(client: GuardedFetchClient, provider: string, request: MediaRequest): Promise<Record<string, unknown>> {
  const response = await get(client, provider, request);
  const text = (await readCapped(response, LOOKUP_MAX_BYTES).catch(() => Buffer.alloc(0))).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProviderError(`${provider}-media-lookup-invalid`, 'the media lookup did not answer a JSON object', false);
  return body as Record<string, unknown>;
}

/** GETs one file within `maxBytes` (413 at the webhook edge past it). */
export async function downloadMedia(client: GuardedFetchClient, provider: string, request: MediaRequest, maxBytes: number): Promise<DownloadedMedia> {
  const response = await get(client, provider, request);
  const content = await readCapped(response, maxBytes);
  const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return { content, ...(contentType ? { contentType } : {}) };
}
