import { MalformedPayloadError } from '../domain/channel.errors';

/** Reads untrusted JSON with precise 400 reasons instead of TypeErrors. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function parseJson(raw: Buffer): Json {
  try {
    return JSON.parse(raw.toString('utf8')) as Json;
  } catch {
    throw new MalformedPayloadError('json-invalid', 'the body is not JSON');
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new MalformedPayloadError(`${path}-invalid`, `${path} must be an object`);
  return value;
}

export function array(value: unknown, path: string, optional = false): Json[] {
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) throw new MalformedPayloadError(`${path}-invalid`, `${path} must be an array`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value === '') throw new MalformedPayloadError(`${path}-invalid`, `${path} must be a non-empty string`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedPayloadError(`${path}-invalid`, `${path} must be a string`);
  return value;
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new MalformedPayloadError(`${path}-invalid`, `${path} must be a number`);
  return n;
}

/** A provider time in seconds or milliseconds since the epoch; undefined when absent. */
export function epoch(value: unknown, path: string, unit: 's' | 'ms'): Date | undefined {
  const n = optionalNumber(value, path);
  if (n === undefined) return undefined;
  const date = new Date(unit === 's' ? n * 1000 : n);
  if (Number.isNaN(date.getTime())) throw new MalformedPayloadError(`${path}-invalid`, `${path} is not a time`);
  return date;
}

/** application/x-www-form-urlencoded, as Twilio posts; repeated names keep their order. */
export function parseForm(raw: Buffer, strict = true): [string, string][] {
  const text = raw.toString('utf8');
  if (strict && text.includes('\uFFFD')) throw new MalformedPayloadError('form-invalid', 'the body is not UTF-8');
  return [...new URLSearchParams(text).entries()];
}
