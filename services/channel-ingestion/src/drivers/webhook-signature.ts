import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from '../domain/channel.errors';

/**
 * Constant-time string equality. Both sides are hashed first, so neither their contents nor
 * their lengths leak through timing.
 */
export function constantTimeEqual(expected: string, actual: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(actual).digest();
  return timingSafeEqual(a, b) && expected.length === actual.length;
}

export function hmac(algorithm: 'sha1' | 'sha256', key: string, data: Buffer | string): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/** Fails with 401 unless the header is present and equals the expected value. */
export function requireSignature(header: string | undefined, expected: string, what: string): void {
  if (!header) throw new InvalidSignatureError('signature-missing', `${what} header missing`);
  if (!constantTimeEqual(expected, header)) throw new InvalidSignatureError('signature-mismatch', `${what} does not match`);
}

/**
 * Fails with 401 unless the header equals the expected HMAC encoding. The encoding's length is
 * public (it depends only on the algorithm), so the bytes are compared directly in constant time.
 */
export function requireHmacSignature(header: string | undefined, expected: string, what: string): void {
  if (!header) throw new InvalidSignatureError('signature-missing', `${what} header missing`);
  const actual = Buffer.from(header);
  const wanted = Buffer.from(expected);
  if (actual.length !== wanted.length || !timingSafeEqual(actual, wanted)) throw new InvalidSignatureError('signature-mismatch', `${what} does not match`);
}

/** The secret a driver needs; a missing one can only mean the request cannot be trusted. */
export function secretOf(secrets: Readonly<Record<string, string>>, name: string): string {
  const value = secrets[name];
  if (!value) throw new InvalidSignatureError('account-secret-missing', `the channel account has no ${name}`);
  return value;
}
