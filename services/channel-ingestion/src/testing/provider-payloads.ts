import { createHmac } from 'node:crypto';

// Payloads shaped as the providers document them, and signatures computed independently of
// the drivers (straight from the definitions in REFERENCE.md), for tests only.

export function twilioSign(authToken: string, url: string, form: Record<string, string>): string {
  const data = url + Object.keys(form).sort().map((k) => k + form[k]).join('');
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export const hubSign = (appSecret: string, body: string) => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
export const lineSign = (channelSecret: string, body: string) => createHmac('sha256', channelSecret).update(body).digest('base64');

export function twilioInbound(sid: string, from: string, to: string, body: string, accountSid = 'AC00000000000000000000000000000000'): Record<string, string> {
  return { ToCountry: 'TH', SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: body, To: to, NumSegments: '1', MessageSid: sid, AccountSid: accountSid, From: from, ApiVersion: '2010-04-01' };
}

export function twilioStatus(sid: string, status: string, accountSid = 'AC00000000000000000000000000000000'): Record<string, string> {
  return { SmsSid: sid, SmsStatus: status, MessageStatus: status, To: '+66812345678', MessageSid: sid, AccountSid: accountSid, From: '+15005550006', ApiVersion: '2010-04-01' };
}

export function whatsappInbound(phoneNumberId: string, waId: string, id: string, text: string, name = 'Somchai') {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: '102290129340398',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
          contacts: [{ profile: { name }, wa_id: waId }],
          messages: [{ from: waId, id, timestamp: '1749416383', type: 'text', text: { body: text } }],
        },
      }],
    }],
  };
}

export function messengerInbound(pageId: string, psid: string, mid: string, text: string) {
  return { object: 'page', entry: [{ id: pageId, time: 1458692752478, messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: 1458692752478, message: { mid, text } }] }] };
}

/** Messenger's `message_reads` event: everything the page sent before `watermark` (ms) was read. */
export function messengerRead(pageId: string, psid: string, watermark: number) {
  return { object: 'page', entry: [{ id: pageId, time: watermark + 100, messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: watermark + 100, read: { watermark } }] }] };
}

export function lineInbound(userId: string, messageId: string, text: string) {
  return {
    destination: 'U0123456789abcdef0123456789abcdef',
    events: [{
      type: 'message',
      mode: 'active',
      timestamp: 1462629479859,
      source: { type: 'user', userId },
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZR',
      deliveryContext: { isRedelivery: false },
      replyToken: 'b60d432864f44d079f6d8efe86cf404b',
      message: { id: messageId, type: 'text', quoteToken: 'q3Plxr4AgKd...', text },
    }],
  };
}

export function telegramInbound(updateId: number, chatId: number, messageId: number, text: string) {
  return {
    update_id: updateId,
    message: { message_id: messageId, from: { id: chatId, is_bot: false, first_name: 'Olena', language_code: 'uk' }, chat: { id: chatId, first_name: 'Olena', type: 'private' }, date: 1441645532, text },
  };
}
