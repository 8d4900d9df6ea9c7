import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The widget keeps this token in the browser and presents it on reconnect. It binds a visitor id
 * to one widget, signed so that nobody can resume another visitor's conversation by guessing ids.
 */
export class WebChatSessionCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the web-chat session secret must have at least 32 characters');
    this.key = Buffer.from(secret, 'utf8');
  }

  issue(widgetId: string, visitorId: string = randomUUID()): { token: string; visitorId: string } {
    const payload = Buffer.from(JSON.stringify({ w: widgetId, v: visitorId }), 'utf8').toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, visitorId };
  }

  /** The visitor id when the token is genuine and was issued for this widget, else null. */
  verify(token: string, widgetId: string): string | null {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(payload), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { w?: unknown; v?: unknown };
      return claims.w === widgetId && typeof claims.v === 'string' && claims.v.length > 0 ? claims.v : null;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
