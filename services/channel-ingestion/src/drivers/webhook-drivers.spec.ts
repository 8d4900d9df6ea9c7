import fc from 'fast-check';
import type { ChannelAccountWithSecrets } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import { ChannelError, InvalidSignatureError, MalformedPayloadError } from '../domain/channel.errors';
import { checkInboundMessage, DEFAULT_MESSAGE_LIMITS } from '../domain/normalized-message';
import { toHttpFailure } from '../http/http-error.mapper';
import { hubSign, lineInbound, lineSign, messengerInbound, messengerRead, telegramInbound, twilioInbound, twilioSign, twilioStatus, whatsappInbound } from '../testing/provider-payloads';
import type { WebhookRequest } from './channel-driver.port';
import { DriverRegistry } from './driver-registry';

const SECRETS: Record<string, Record<string, string>> = {
  sms: { auth_token: 'twilio-token' },
  whatsapp: { app_secret: 'meta-secret', access_token: 't', verify_token: 'v' },
  messenger: { app_secret: 'meta-secret', page_access_token: 't', verify_token: 'v' },
  line: { channel_secret: 'line-secret', channel_access_token: 't' },
  telegram: { bot_token: '1:a', secret_token: 'tg-secret' },
  api: { api_token: 'api-token' },
};

const account = (kind: ChannelKind): ChannelAccountWithSecrets => ({
  tenantId: 't1',
  workspaceId: 'w1',
  accountId: '00000000-0000-4000-8000-000000000001',
  kind,
  name: kind,
  address: '+15005550006',
  routing: { defaultQueueId: 'q', rules: [] },
  rateLimitPerSecond: 0,
  disabled: false,
  settings: {},
  secretNames: Object.keys(SECRETS[kind]),
  secrets: SECRETS[kind],
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const URL = 'https://cc.example.com/webhooks/sms/t1/00000000-0000-4000-8000-000000000001';
const request = (body: string | Buffer, headers: Record<string, string> = {}, query: Record<string, string> = {}): WebhookRequest => ({
  method: 'POST',
  url: URL,
  headers,
  query,
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

/** The headers that make a body authentic for each provider, computed from REFERENCE.md's definitions. */
function signed(kind: ChannelKind, body: string): Record<string, string> {
  switch (kind) {
    case 'sms':
      return { 'x-twilio-signature': twilioSign('twilio-token', URL, Object.fromEntries(new URLSearchParams(body))) };
    case 'whatsapp':
    case 'messenger':
      return { 'x-hub-signature-256': hubSign('meta-secret', body) };
    case 'line':
      return { 'x-line-signature': lineSign('line-secret', body) };
    case 'telegram':
      return { 'x-telegram-bot-api-secret-token': 'tg-secret' };
    default:
      return { authorization: 'Bearer api-token' };
  }
}

const drivers = new DriverRegistry();
const KINDS: ChannelKind[] = ['sms', 'whatsapp', 'messenger', 'line', 'telegram', 'api'];

describe('webhook drivers', () => {
  const documented: Record<string, string> = {
    sms: new URLSearchParams(twilioInbound('SM1', '+66812345678', '+15005550006', 'สวัสดี')).toString(),
    whatsapp: JSON.stringify(whatsappInbound('106540352242922', '66812345678', 'wamid.1', 'hello')),
    messenger: JSON.stringify(messengerInbound('1234567890', '6789012345', 'm_1', 'Xin chào')),
    line: JSON.stringify(lineInbound('U4af4980629aabbccddeeff0011223344', '325708', 'سلام')),
    telegram: JSON.stringify(telegramInbound(1, 1111111, 1365, 'Привіт')),
    api: JSON.stringify({ messageId: 'a1', sender: { phone: '+380441234567' }, text: 'hi' }),
  };
  const expected: Record<string, { id: string; sender: string; key: string; text: string }> = {
    sms: { id: 'SM1', sender: '+66812345678', key: '+66812345678', text: 'สวัสดี' },
    whatsapp: { id: 'wamid.1', sender: '+66812345678', key: '66812345678', text: 'hello' },
    messenger: { id: 'm_1', sender: '6789012345', key: '6789012345', text: 'Xin chào' },
    line: { id: '325708', sender: 'U4af4980629aabbccddeeff0011223344', key: 'U4af4980629aabbccddeeff0011223344', text: 'سلام' },
    telegram: { id: '1111111:1365', sender: '1111111', key: '1111111', text: 'Привіт' },
    api: { id: 'a1', sender: '+380441234567', key: 'phone:+380441234567', text: 'hi' },
  };

  it.each(KINDS)('%s: verifies the documented signature and parses the documented payload', (kind) => {
    const sut = drivers.get(kind);
    const body = documented[kind];
    const req = request(body, signed(kind, body));
    expect(() => sut.verify(req, account(kind))).not.toThrow();
    const [message] = sut.parse(req, account(kind)).messages;
    expect({ id: message.providerMessageId, sender: message.sender.value, key: message.conversationKey, text: message.text }).toEqual(expected[kind]);
  });

  it.each(KINDS)('%s: refuses a missing or wrong signature', (kind) => {
    const sut = drivers.get(kind);
    const body = documented[kind];
    expect(() => sut.verify(request(body), account(kind))).toThrow(InvalidSignatureError);
    const wrong = Object.fromEntries(Object.entries(signed(kind, body)).map(([k, v]) => [k, `${v.slice(0, -2)}xx`]));
    expect(() => sut.verify(request(body, wrong), account(kind))).toThrow(InvalidSignatureError);
    // Telegram and API tokens do not cover the body; every other signature does.
    if (kind !== 'telegram' && kind !== 'api') expect(() => sut.verify(request(`${body} `, signed(kind, body)), account(kind))).toThrow(InvalidSignatureError);
  });

  it('reads delivery statuses from Twilio, WhatsApp and Messenger', () => {
    const twilio = drivers.get('sms').parse(request(new URLSearchParams(twilioStatus('SM9', 'undelivered')).toString()), account('sms'));
    expect(twilio.statuses).toEqual([{ providerMessageId: 'SM9', status: 'failed', errorCode: undefined }]);
    const wa = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [{ id: 'wamid.9', status: 'read', timestamp: '1749416383', recipient_id: '66812345678' }] } }] }] };
    expect(drivers.get('whatsapp').parse(request(JSON.stringify(wa)), account('whatsapp')).statuses).toEqual([{ providerMessageId: 'wamid.9', status: 'read', errorCode: undefined, occurredAt: new Date(1749416383000) }]);
    const fb = { object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 5, delivery: { mids: ['m_9'], watermark: 5 } }] }] };
    expect(drivers.get('messenger').parse(request(JSON.stringify(fb)), account('messenger')).statuses).toMatchObject([{ providerMessageId: 'm_9', status: 'delivered' }]);
  });

  it('reads Messenger read receipts and id-less deliveries as watermarks of the conversation', () => {
    const read = drivers.get('messenger').parse(request(JSON.stringify(messengerRead('1', '6789012345', 1458668856253))), account('messenger'));
    expect(read).toEqual({ messages: [], statuses: [], watermarks: [{ conversationKey: '6789012345', status: 'read', upTo: new Date(1458668856253), occurredAt: new Date(1458668856353) }] });
    const delivered = { object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: '42' }, recipient: { id: '1' }, timestamp: 9, delivery: { watermark: 7 } }] }] };
    expect(drivers.get('messenger').parse(request(JSON.stringify(delivered)), account('messenger')).watermarks).toEqual([{ conversationKey: '42', status: 'delivered', upTo: new Date(7), occurredAt: new Date(9) }]);
    const noWatermark = { object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: '42' }, timestamp: 9, read: {} }] }] };
    expect(() => drivers.get('messenger').parse(request(JSON.stringify(noWatermark)), account('messenger'))).toThrow(MalformedPayloadError);
  });

  it('answers the Meta subscription check', () => {
    const sut = drivers.get('whatsapp');
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'v', 'hub.challenge': '1158201444' };
    expect(sut.challenge!({ ...request(''), method: 'GET', query }, account('whatsapp'))).toBe('1158201444');
    expect(() => sut.challenge!({ ...request(''), method: 'GET', query: { ...query, 'hub.verify_token': 'x' } }, account('whatsapp'))).toThrow(InvalidSignatureError);
  });

  // Whatever a provider (or an attacker holding a valid signature) posts, a parser either returns
  // messages or throws one of our errors, which the edge answers with a 4xx: no crash, no 5xx.
  describe('fuzz', () => {
    const json = fc.jsonValue({ maxDepth: 6 });
    const shaped: Record<string, fc.Arbitrary<unknown>> = {
      whatsapp: fc.record({ object: fc.constant('whatsapp_business_account'), entry: fc.array(fc.record({ changes: fc.array(fc.record({ value: fc.record({ contacts: json, messages: fc.array(fc.dictionary(fc.constantFrom('from', 'id', 'type', 'text', 'timestamp', 'image', 'interactive'), json)), statuses: json }, { requiredKeys: [] }) })) })) }),
      messenger: fc.record({ object: fc.constant('page'), entry: fc.array(fc.record({ messaging: fc.array(fc.dictionary(fc.constantFrom('sender', 'message', 'delivery', 'read', 'timestamp'), json)) })) }),
      line: fc.record({ events: fc.array(fc.record({ type: fc.constantFrom('message', 'follow', 'x'), message: json, source: fc.oneof(json, fc.record({ userId: fc.string() })), timestamp: json })) }),
      telegram: fc.record({ update_id: json, message: fc.dictionary(fc.constantFrom('message_id', 'from', 'chat', 'date', 'text', 'photo', 'document', 'caption'), json) }, { requiredKeys: [] }),
      api: fc.record({ messageId: json, sender: fc.dictionary(fc.constantFrom('phone', 'email', 'userId', 'name'), json), text: json, attachments: json, sentAt: json }, { requiredKeys: [] }),
    };

    function parseSafely(kind: ChannelKind, body: Buffer): void {
      try {
        const content = drivers.get(kind).parse(request(body), account(kind));
        for (const message of content.messages) checkInboundMessage(message, DEFAULT_MESSAGE_LIMITS);
      } catch (error) {
        expect(error).toBeInstanceOf(ChannelError);
        const status = toHttpFailure(error)?.status ?? 500;
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }
    }

    it.each(KINDS)('%s: random bytes', (kind) => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => parseSafely(kind, Buffer.from(bytes))), { numRuns: 300 });
    });

    it.each(KINDS)('%s: random JSON', (kind) => {
      fc.assert(fc.property(json, (value) => parseSafely(kind, Buffer.from(JSON.stringify(value) ?? 'null'))), { numRuns: 300 });
    });

    it.each(Object.keys(shaped))('%s: payloads shaped like the provider’s', (kind) => {
      fc.assert(fc.property(shaped[kind], (value) => parseSafely(kind as ChannelKind, Buffer.from(JSON.stringify(value)))), { numRuns: 500 });
    });

    it('sms: random forms', () => {
      const form = fc.dictionary(fc.constantFrom('MessageSid', 'From', 'Body', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'MessageStatus', 'ErrorCode'), fc.string());
      fc.assert(fc.property(form, (fields) => parseSafely('sms', Buffer.from(new URLSearchParams(fields).toString()))), { numRuns: 500 });
    });

    it.each(KINDS)('%s: signature check on random input only ever answers 401', (kind) => {
      const headers = fc.dictionary(fc.constantFrom('x-twilio-signature', 'x-hub-signature-256', 'x-line-signature', 'x-telegram-bot-api-secret-token', 'authorization'), fc.string());
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), headers, (bytes, h) => {
          try {
            drivers.get(kind).verify(request(Buffer.from(bytes), h), account(kind));
          } catch (error) {
            expect(toHttpFailure(error)?.status).toBe(401);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
