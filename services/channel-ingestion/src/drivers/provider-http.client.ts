import type { IncomingMessage } from 'node:http';
import { ProviderError } from '../domain/channel.errors';
import { ForbiddenFetchTargetError, type GuardedFetchClient, PUBLIC_ONLY_FETCH } from './guarded-fetch.client';

export interface ProviderRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ProviderResponse {
  readonly status: number;
  readonly json: unknown;
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  readonly attempts: number;
  /** First backoff; doubles per attempt, with jitter (default 200 ms). */
  readonly backoffMs: number;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, backoffMs: 200, timeoutMs: 10_000 };

/** A provider's answer is small; more than this is cut (only its start is ever reported). */
const MAX_ANSWER_BYTES = 1024 * 1024;

async function readText(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 429 and 5xx may succeed later; other 4xx will not, whatever we do. */
const retryable = (status: number) => status === 429 || status >= 500;

/**
 * Sends one provider request with bounded retries. The caller builds the request once, so
 * every attempt carries the same idempotency key where the provider has one.
 */
export async function sendWithRetries(provider: string, request: ProviderRequest, options: RetryOptions = DEFAULT_RETRY, client: GuardedFetchClient = PUBLIC_ONLY_FETCH): Promise<ProviderResponse> {
  let lastError: ProviderError | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    let status: number;
    let text: string;
    try {
      const signal = AbortSignal.timeout(options.timeoutMs);
      const response = await client.post(request.url, { headers: request.headers, body: request.body, signal });
      status = response.status;
      text = await readText(response.body);
    } catch (error) {
      // An account pointed at an inward address is refused, not retried.
      if (error instanceof ForbiddenFetchTargetError) throw error;
      lastError = new ProviderError(`${provider}-unreachable`, (error as Error).message, true);
      continue;
    }
    const response = { ok: status >= 200 && status <= 299, status };
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) return { status: response.status, json };
    lastError = new ProviderError(`${provider}-http-${response.status}`, text.slice(0, 300), retryable(response.status));
    if (!lastError.retryable) throw lastError;
  }
  throw lastError ?? new ProviderError(`${provider}-failed`, 'no attempt made', true);
}

/** The provider's id of the message it accepted, or a ProviderError naming what was missing. */
export function providerIdFrom(provider: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ProviderError(`${provider}-response-invalid`, 'the provider accepted the message but returned no id', false);
}

/** A secret the provider call needs; missing means the account cannot send, not that a caller is unauthenticated. */
export function sendingSecret(secrets: Readonly<Record<string, string>>, name: string): string {
  const value = secrets[name];
  if (!value) throw new ProviderError('account-secret-missing', `the channel account has no ${name}`, false);
  return value;
}
