import { MAX_REFERENCES, outboundMessageId, replyHeaders, replyReferences, replySubject } from './email-reply.policy';

describe(replySubject.name, () => {
  it.each([
    ['Where is my parcel?', 'Re: Where is my parcel? [#7K2M9QXD]'],
    ['Re: RE: Fwd: Where is my parcel?', 'Re: Fwd: Where is my parcel? [#7K2M9QXD]'],
    ['Re: Where is my parcel? [#7K2M9QXD]', 'Re: Where is my parcel? [#7K2M9QXD]'],
    ['AW: Re[2]: Lieferung', 'Re: Lieferung [#7K2M9QXD]'],
    ['Trả lời: Đổi địa chỉ giao hàng', 'Re: Đổi địa chỉ giao hàng [#7K2M9QXD]'],
    ['Відп: Повернення коштів', 'Re: Повернення коштів [#7K2M9QXD]'],
    ['پاسخ: پیگیری سفارش', 'Re: پیگیری سفارش [#7K2M9QXD]'],
    ['ตอบกลับ: สอบถามเรื่องคำสั่งซื้อ', 'Re: สอบถามเรื่องคำสั่งซื้อ [#7K2M9QXD]'],
    ['', 'Re: [#7K2M9QXD]'],
  ])('%j becomes %j', (subject, expected) => {
    expect(replySubject(subject, '7K2M9QXD')).toBe(expected);
  });
});

describe(replyReferences.name, () => {
  it('appends the parent to its References', () => {
    expect(replyReferences({ messageId: '<c>', references: ['<a>', '<b>'] })).toEqual(['<a>', '<b>', '<c>']);
  });

  it('keeps the root and the newest ids when the chain grows long', () => {
    const references = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
    const sut = replyReferences({ messageId: '<parent@x>', references });
    expect(sut).toHaveLength(MAX_REFERENCES);
    expect(sut[0]).toBe('<m0@x>');
    expect(sut[sut.length - 1]).toBe('<parent@x>');
    expect(sut[1]).toBe(`<m${40 - (MAX_REFERENCES - 2)}@x>`);
  });
});

describe(replyHeaders.name, () => {
  it('threads the reply under its parent with a Message-ID derived from our outbound id', () => {
    const sut = replyHeaders(
      { messageId: '<in-2@customer.example>', references: ['<in-1@customer.example>'], subject: 'Parcel' },
      { outboundId: '0b9c7d7e-5a43-4c1e-9a52-6f1f6a0c2d11', domain: 'Mail.ACME.test', referenceToken: '7K2M9QXD' },
    );
    expect(sut).toEqual({
      messageId: '<0b9c7d7e-5a43-4c1e-9a52-6f1f6a0c2d11@mail.acme.test>',
      inReplyTo: '<in-2@customer.example>',
      references: ['<in-1@customer.example>', '<in-2@customer.example>'],
      subject: 'Re: Parcel [#7K2M9QXD]',
    });
  });

  it('keeps Message-IDs valid whatever the outbound id contains', () => {
    expect(outboundMessageId('a b<c>@d', 'x.test')).toBe('<a-b-c--d@x.test>');
  });
});
