import { MalformedPayloadError, PayloadTooLargeError } from './channel.errors';
import { conversationEffect } from './conversation.policy';
import { InboundRatePolicy, TokenBucket } from './inbound-rate.policy';
import { renderTemplate, templateVariables } from './message-template';
import { checkInboundMessage, DEFAULT_MESSAGE_LIMITS } from './normalized-message';
import { checkRoutingRules, chooseQueue } from './routing-rules.policy';
import { identityLabel, senderIdentity } from './sender-identity';

describe('senderIdentity', () => {
  it('normalises phones to E.164, WhatsApp ids likewise, e-mail to lower case', () => {
    expect(senderIdentity('phone', '+66 81 234 5678').value).toBe('+66812345678');
    expect(senderIdentity('phone', '081 234 5678', { defaultRegion: 'TH' }).value).toBe('+66812345678');
    expect(senderIdentity('whatsapp', '380441234567').value).toBe('+380441234567');
    expect(identityLabel(senderIdentity('email', ' Olena.K@Example.UA '))).toBe('email:olena.k@example.ua');
  });

  it('refuses what is not an identity, with a reason', () => {
    expect(() => senderIdentity('phone', 'hello')).toThrow(MalformedPayloadError);
    expect(() => senderIdentity('phone', '0812345678')).toThrow(/phone-sender-invalid/);
    expect(() => senderIdentity('email', 'nobody')).toThrow(/email-sender-invalid/);
    expect(() => senderIdentity('line', 'has space')).toThrow(/line-sender-invalid/);
    expect(() => senderIdentity('telegram', '  ')).toThrow(/sender-missing/);
  });
});

describe('checkInboundMessage', () => {
  const sender = senderIdentity('telegram', '42');
  const message = { providerMessageId: 'p1', conversationKey: '42', sender, text: 'hi', attachments: [] };

  it('accepts a message within the limits and cleans attachment names', () => {
    const checked = checkInboundMessage({ ...message, attachments: [{ fileName: '../etc/passwd', contentType: 'Text/Plain', sizeBytes: 0, content: new Uint8Array(3) }] }, DEFAULT_MESSAGE_LIMITS);
    expect(checked.attachments[0]).toMatchObject({ fileName: '.._etc_passwd', contentType: 'text/plain', sizeBytes: 3 });
  });

  it('answers oversize with PayloadTooLargeError and the rest with MalformedPayloadError', () => {
    const limits = { ...DEFAULT_MESSAGE_LIMITS, maxAttachmentBytes: 2, maxTextChars: 5 };
    expect(() => checkInboundMessage({ ...message, text: 'too long' }, limits)).toThrow(PayloadTooLargeError);
    expect(() => checkInboundMessage({ ...message, attachments: [{ fileName: 'a', contentType: 'image/png', sizeBytes: 3 }] }, limits)).toThrow(PayloadTooLargeError);
    expect(() => checkInboundMessage({ ...message, attachments: [{ fileName: 'a', contentType: 'png', sizeBytes: 1 }] }, limits)).toThrow(/attachment-content-type-invalid/);
    expect(() => checkInboundMessage({ ...message, text: ' ' }, limits)).toThrow(/message-empty/);
    expect(() => checkInboundMessage({ ...message, providerMessageId: '' }, limits)).toThrow(/provider-message-id-invalid/);
  });
});

describe('chooseQueue', () => {
  const routing = checkRoutingRules({
    defaultQueueId: 'general',
    rules: [
      { queueId: 'billing', textContains: 'Invoice', senderPrefix: '', priority: 5 },
      { queueId: 'thai', textContains: '', senderPrefix: 'phone:+66', priority: 1 },
    ],
  });

  it('takes the first matching rule, else the default queue', () => {
    expect(chooseQueue(routing, { text: 'my INVOICE is wrong', senderLabel: 'phone:+66812345678' })).toEqual({ queueId: 'billing', priority: 5 });
    expect(chooseQueue(routing, { text: 'hello', senderLabel: 'phone:+66812345678' })).toEqual({ queueId: 'thai', priority: 1 });
    expect(chooseQueue(routing, { text: 'hello', senderLabel: 'email:a@b.c' })).toEqual({ queueId: 'general', priority: 0 });
  });

  it('refuses rules that match everything or name no queue', () => {
    expect(() => checkRoutingRules({ defaultQueueId: 'q', rules: [{ queueId: 'x', textContains: '', senderPrefix: '', priority: 0 }] })).toThrow(/rule-matches-all/);
    expect(() => checkRoutingRules({ defaultQueueId: '', rules: [] })).toThrow(/default-queue-missing/);
  });
});

describe('conversationEffect', () => {
  it('assigns open conversations and closes them when routing is done; closed stays closed', () => {
    expect(conversationEffect('waiting', 'assigned', 'a1')).toEqual({ kind: 'assign', agentId: 'a1' });
    expect(conversationEffect('assigned', 'completed')).toEqual({ kind: 'close' });
    expect(conversationEffect('waiting', 'abandoned')).toEqual({ kind: 'close' });
    expect(conversationEffect('closed', 'assigned', 'a1')).toEqual({ kind: 'none' });
    expect(conversationEffect(undefined, 'completed')).toEqual({ kind: 'none' });
  });
});

describe('templates', () => {
  it('lists and fills variables, refusing missing ones', () => {
    expect(templateVariables('Hi {{ name }}, {{agent}} here, {{name}}')).toEqual(['name', 'agent']);
    expect(renderTemplate('Hi {{ name }}', { name: 'Somchai' })).toBe('Hi Somchai');
    expect(() => renderTemplate('Hi {{name}} {{order}}', { name: 'x' })).toThrow(/order/);
  });
});

describe(TokenBucket.name, () => {
  it('allows the burst, then the rate, and says when to retry', () => {
    const sut = new TokenBucket(2, 2, 0);
    expect(sut.take(0).allowed).toBe(true);
    expect(sut.take(0).allowed).toBe(true);
    expect(sut.take(0)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(sut.take(500).allowed).toBe(true);
  });

  it('keeps tenants and accounts apart', () => {
    const sut = new InboundRatePolicy();
    expect(sut.take('t1', 'a', 1, 0).allowed).toBe(true);
    expect(sut.take('t1', 'a', 1, 0).allowed).toBe(true);
    expect(sut.take('t1', 'a', 1, 0).allowed).toBe(false);
    expect(sut.take('t2', 'a', 1, 0).allowed).toBe(true);
  });
});
