import { MalformedPayloadError, PayloadTooLargeError } from '../../domain/channel.errors';
import { emailRejection, toInboundMessage } from './email-inbound.mapper';
import { EmailRejectedError, type InboundEmail } from './email.types';

const email = (overrides: Partial<InboundEmail> = {}): InboundEmail => ({
  messageId: '<m-1@customer.example>',
  messageIdSynthesized: false,
  inReplyTo: [],
  references: [],
  from: { address: 'huong@example.vn', name: 'Nguyễn Thị Hương' },
  replyTo: [],
  to: [{ address: 'help@acme.test' }],
  cc: [],
  subject: 'Đổi địa chỉ',
  text: 'Xin chào',
  attachments: [],
  date: new Date('2026-11-22T08:00:00Z'),
  ...overrides,
});

describe(toInboundMessage.name, () => {
  it('maps a mail to the normalized inbound message', () => {
    const content = Buffer.from('pdf');
    const sut = toInboundMessage(
      email({ attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', size: 3, inline: false, sha256: 'x', content }] }),
      'email-key',
    );
    expect(sut).toEqual({
      providerMessageId: '<m-1@customer.example>',
      conversationKey: 'email-key',
      sender: { kind: 'email', value: 'huong@example.vn', displayName: 'Nguyễn Thị Hương' },
      text: 'Xin chào',
      attachments: [{ fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 3, content }],
      sentAt: new Date('2026-11-22T08:00:00Z'),
      subject: 'Đổi địa chỉ',
    });
  });

  it('keeps the subject as text when the body is empty', () => {
    expect(toInboundMessage(email({ text: '' }), 'k').text).toBe('Đổi địa chỉ');
  });

  it('rejects mail without a sender for good', () => {
    expect(() => toInboundMessage(email({ from: null }), 'k')).toThrow(EmailRejectedError);
  });
});

describe(emailRejection.name, () => {
  it('turns permanent refusals into SMTP 5xx rejections and leaves the rest temporary', () => {
    expect(emailRejection(new PayloadTooLargeError('attachment-too-large', 'x'))).toMatchObject({ smtpCode: 552 });
    expect(emailRejection(new MalformedPayloadError('message-empty', 'x'))).toMatchObject({ smtpCode: 554 });
    const other = new Error('db down');
    expect(emailRejection(other)).toBe(other);
  });
});
