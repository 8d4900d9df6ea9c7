import {
  formatReferenceToken,
  newConversationKey,
  referenceTokenFor,
  resolveEmailThread,
  stripReferenceTokens,
  subjectReferenceTokens,
  threadLookupIds,
  type KnownEmailConversation,
  type ThreadedEmail,
} from './email-threading.policy';

const mail = (overrides: Partial<ThreadedEmail> = {}): ThreadedEmail => ({
  messageId: '<new@customer.example>',
  inReplyTo: [],
  references: [],
  subject: 'Where is my parcel?',
  from: { address: 'customer@example.com' },
  ...overrides,
});

const open: KnownEmailConversation = {
  conversationKey: 'email-open',
  messageIds: ['<first@customer.example>', '<reply-1@mail.acme.test>'],
  referenceToken: referenceTokenFor('email-open'),
  customerAddress: 'customer@example.com',
};
const other: KnownEmailConversation = {
  conversationKey: 'email-other',
  messageIds: ['<other@someone.example>', '<reply-9@mail.acme.test>'],
  referenceToken: referenceTokenFor('email-other'),
};

describe(resolveEmailThread.name, () => {
  it('continues the conversation the In-Reply-To points at', () => {
    expect(resolveEmailThread(mail({ inReplyTo: ['<reply-1@mail.acme.test>'] }), [other, open])).toEqual({
      kind: 'existing',
      conversationKey: 'email-open',
      matchedBy: 'in-reply-to',
    });
  });

  it('falls back to References, newest first, when In-Reply-To is unknown or missing', () => {
    const sut = resolveEmailThread(
      mail({ inReplyTo: ['<lost@elsewhere>'], references: ['<other@someone.example>', '<first@customer.example>'] }),
      [other, open],
    );
    expect(sut).toEqual({ kind: 'existing', conversationKey: 'email-open', matchedBy: 'references' });
  });

  it('prefers headers over a subject token pointing elsewhere', () => {
    const subject = `Re: parcel ${formatReferenceToken(other.referenceToken)}`;
    expect(resolveEmailThread(mail({ subject, inReplyTo: ['<reply-1@mail.acme.test>'] }), [other, open])).toMatchObject({
      conversationKey: 'email-open',
    });
  });

  it('uses the subject token when the client dropped the threading headers, case-insensitively', () => {
    const subject = `RE: parcel [#${open.referenceToken.toLowerCase()}]`;
    expect(resolveEmailThread(mail({ subject }), [other, open])).toEqual({
      kind: 'existing',
      conversationKey: 'email-open',
      matchedBy: 'subject-token',
    });
  });

  it('ignores a token in mail from someone other than the conversation customer', () => {
    const subject = `Re: ${formatReferenceToken(open.referenceToken)}`;
    const sut = resolveEmailThread(mail({ subject, from: { address: 'intruder@evil.example' } }), [open]);
    expect(sut.kind).toBe('new');
  });

  it('recognises a redelivered mail by its own Message-ID', () => {
    expect(resolveEmailThread(mail({ messageId: '<first@customer.example>' }), [open])).toMatchObject({
      conversationKey: 'email-open',
      matchedBy: 'message-id',
    });
  });

  it('starts a new conversation keyed by the thread root, with a token derived from the key', () => {
    const sut = resolveEmailThread(mail({ references: ['<root@x>', '<mid@x>'], inReplyTo: ['<mid@x>'] }), [open]);
    expect(sut).toEqual({
      kind: 'new',
      conversationKey: newConversationKey({ messageId: '<anything@x>', inReplyTo: [], references: ['<root@x>'] }),
      referenceToken: referenceTokenFor(sut.conversationKey),
    });
    expect(sut.conversationKey).toMatch(/^email-[0-9a-z]{26}$/);
  });
});

describe('reference tokens', () => {
  it('are 8 Crockford base32 characters, stable per key and distinct across keys', () => {
    const tokens = new Set(Array.from({ length: 2000 }, (_, i) => referenceTokenFor(`email-${i}`)));
    expect(tokens.size).toBe(2000);
    for (const token of tokens) expect(token).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
    expect(referenceTokenFor('email-1')).toBe(referenceTokenFor('email-1'));
  });

  it('are found in and stripped from subjects', () => {
    const subject = 'Re: Đổi địa chỉ [#7K2M9QXD] again [#abcdefgh]';
    expect(subjectReferenceTokens(subject)).toEqual(['7K2M9QXD', 'ABCDEFGH']);
    expect(stripReferenceTokens(subject)).toBe('Re: Đổi địa chỉ again');
    expect(subjectReferenceTokens('[#SHORT] [#ILLEGAL1]')).toEqual([]);
  });
});

describe(threadLookupIds.name, () => {
  it('lists own id, In-Reply-To, then References newest first, without duplicates', () => {
    expect(threadLookupIds({ messageId: '<m>', inReplyTo: ['<c>'], references: ['<a>', '<b>', '<c>'] })).toEqual([
      '<m>',
      '<c>',
      '<b>',
      '<a>',
    ]);
  });
});
