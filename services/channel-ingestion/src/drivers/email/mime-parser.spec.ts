import { extractMessageIds, parseMime } from './mime-parser';

// Hand-built messages: the single-byte charsets are encoded by these tables rather than by a
// library, so the test does not share a decoder with the code under test.
function tis620(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x0e01 && code <= 0x0e5b) return code - 0x0e01 + 0xa1;
      throw new Error(`no TIS-620 byte for ${ch}`);
    }),
  );
}

const CP1251: Record<string, number> = { Ґ: 0xa5, ґ: 0xb4, Є: 0xaa, є: 0xba, І: 0xb2, і: 0xb3, Ї: 0xaf, ї: 0xbf, '№': 0xb9 };
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x0410 && code <= 0x044f) return code - 0x0410 + 0xc0;
      const byte = CP1251[ch];
      if (byte === undefined) throw new Error(`no windows-1251 byte for ${ch}`);
      return byte;
    }),
  );
}

/** Quoted-printable with soft line breaks, every non-ASCII byte escaped. */
function qp(bytes: Buffer): string {
  const lines: string[] = [];
  for (const line of bytes.toString('latin1').split('\n')) {
    let out = '';
    let width = 0;
    for (const ch of line) {
      const code = ch.charCodeAt(0);
      const piece = code >= 0x80 || ch === '=' ? `=${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
      if (width + piece.length > 75) {
        out += '=\r\n';
        width = 0;
      }
      out += piece;
      width += piece.length;
    }
    lines.push(out);
  }
  return lines.join('\r\n');
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
const encodedWord = (charset: string, bytes: Buffer) => `=?${charset}?B?${bytes.toString('base64')}?=`;
// Lines of 8-bit bytes stay bytes; a line with wider characters is a raw UTF-8 header (RFC 6532).
const mime = (...lines: string[]) =>
  Buffer.concat(lines.map((line) => Buffer.from(`${line}\r\n`, /[^\u0000-\u00ff]/.test(line) ? 'utf8' : 'latin1')));

describe(parseMime.name, () => {
  it('decodes a Thai TIS-620 mail with quoted-printable body and base64 encoded-word subject', async () => {
    const subject = 'สอบถามเรื่องคำสั่งซื้อ';
    const body = 'สวัสดีครับ\nพัสดุของผมยังไม่มาถึงเลยครับ ช่วยตรวจสอบให้หน่อย\nขอบคุณครับ';
    const sut = await parseMime(
      mime(
        `From: =?TIS-620?B?${tis620('สมชาย ใจดี').toString('base64')}?= <Somchai@Example.CO.TH>`,
        'To: support@acme.test',
        `Subject: ${encodedWord('TIS-620', tis620(subject))}`,
        'Date: Tue, 03 Nov 2026 09:15:00 +0700',
        'Message-ID: <th-1@example.co.th>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=TIS-620',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        qp(tis620(body)),
        '',
      ),
    );
    expect(sut).toMatchObject({
      messageId: '<th-1@example.co.th>',
      messageIdSynthesized: false,
      from: { address: 'somchai@example.co.th', name: 'สมชาย ใจดี' },
      to: [{ address: 'support@acme.test' }],
      subject,
      text: body,
      attachments: [],
      inReplyTo: [],
      references: [],
    });
    expect(sut.date?.toISOString()).toBe('2026-11-03T02:15:00.000Z');
    expect(sut.html).toBeUndefined();
  });

  it('decodes a Vietnamese UTF-8 multipart mail with text, HTML, a base64 attachment and threading headers', async () => {
    const text = 'Chào anh/chị,\nTôi muốn đổi địa chỉ giao hàng cho đơn hàng số 4521.\nTrân trọng,\nNguyễn Thị Hương';
    const pdf = Buffer.from('%PDF-1.4\n% hóa đơn\n%%EOF\n', 'utf8');
    const sut = await parseMime(
      mime(
        'From: =?UTF-8?Q?Nguy=E1=BB=85n_Th=E1=BB=8B_H=C6=B0=C6=A1ng?= <huong.nguyen@example.vn>',
        'To: "Hỗ trợ" <support@acme.test>, sales@acme.test',
        'Cc: Group: a@example.vn, B@Example.vn;',
        `Subject: =?UTF-8?B?${Buffer.from('Re: Đổi địa chỉ giao hàng [#7K2M9QXD]').toString('base64')}?=`,
        'Message-ID: <vi-2@example.vn>',
        'In-Reply-To: <out-1@mail.acme.test> (message from support)',
        'References: <vi-1@example.vn>',
        ' <out-1@mail.acme.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="mixed"',
        '',
        '--mixed',
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        qp(Buffer.from(text, 'utf8')),
        '--alt',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        b64(Buffer.from(`<p>${text.replace(/\n/g, '<br>')}</p>`, 'utf8')),
        '--alt--',
        '--mixed',
        'Content-Type: application/pdf; name="hoa-don.pdf"',
        'Content-Disposition: attachment; filename="hoa-don.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        b64(pdf),
        '--mixed--',
        '',
      ),
    );
    expect(sut).toMatchObject({
      messageId: '<vi-2@example.vn>',
      inReplyTo: ['<out-1@mail.acme.test>'],
      references: ['<vi-1@example.vn>', '<out-1@mail.acme.test>'],
      from: { address: 'huong.nguyen@example.vn', name: 'Nguyễn Thị Hương' },
      to: [{ address: 'support@acme.test', name: 'Hỗ trợ' }, { address: 'sales@acme.test' }],
      cc: [{ address: 'a@example.vn' }, { address: 'b@example.vn' }],
      subject: 'Re: Đổi địa chỉ giao hàng [#7K2M9QXD]',
      text,
    });
    expect(sut.html).toContain('Tôi muốn đổi địa chỉ giao hàng');
    expect(sut.attachments).toEqual([
      expect.objectContaining({ filename: 'hoa-don.pdf', contentType: 'application/pdf', size: pdf.length, inline: false }),
    ]);
    expect(sut.attachments[0].content.equals(pdf)).toBe(true);
    expect(sut.attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('converts a Persian HTML-only mail (base64 UTF-8) to text', async () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body dir="rtl">' +
      '<p>سلام،</p><p>سفارش شماره&nbsp;۱۲۳۴ هنوز نرسیده است.</p><p>با تشکر<br>مریم احمدی</p></body></html>';
    const sut = await parseMime(
      mime(
        `From: ${encodedWord('UTF-8', Buffer.from('مریم احمدی'))} <maryam@example.ir>`,
        'To: support@acme.test',
        `Subject: ${encodedWord('UTF-8', Buffer.from('پیگیری سفارش'))}`,
        'Message-ID: <fa-1@example.ir>',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        b64(Buffer.from(html, 'utf8')),
        '',
      ),
    );
    expect(sut.subject).toBe('پیگیری سفارش');
    expect(sut.from).toEqual({ address: 'maryam@example.ir', name: 'مریم احمدی' });
    expect(sut.html).toBe(html);
    expect(sut.text).not.toMatch(/[<>]|color:red/);
    expect(sut.text.split('\n').filter(Boolean)).toEqual(['سلام،', 'سفارش شماره ۱۲۳۴ هنوز نرسیده است.', 'با تشکر', 'مریم احمدی']);
  });

  it('decodes a Ukrainian windows-1251 mail with an RFC 2231 file name', async () => {
    const body = 'Добрий день!\nПрошу повернути кошти за замовлення №771.\nЇжак, ґанок, єнот, ірис.\nЗ повагою, Олена';
    const sut = await parseMime(
      mime(
        `From: ${encodedWord('windows-1251', cp1251('Олена Коваленко'))} <Olena.Kovalenko@Example.UA>`,
        'To: support@acme.test',
        `Subject: ${encodedWord('windows-1251', cp1251('Повернення коштів'))}`,
        'Message-ID: <uk-1@example.ua>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=windows-1251',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        qp(cp1251(body)),
        '--b1',
        'Content-Type: image/png',
        `Content-Disposition: attachment; filename*=utf-8''${encodeURIComponent('чек.png')}`,
        'Content-Transfer-Encoding: base64',
        '',
        b64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
        '--b1--',
        '',
      ),
    );
    expect(sut).toMatchObject({
      from: { address: 'olena.kovalenko@example.ua', name: 'Олена Коваленко' },
      subject: 'Повернення коштів',
      text: body,
    });
    expect(sut.attachments).toEqual([expect.objectContaining({ filename: 'чек.png', contentType: 'image/png', size: 8 })]);
  });

  it('derives a stable Message-ID for mail without one', async () => {
    const raw = mime('From: a@example.com', 'To: support@acme.test', 'Subject: hi', '', 'hello', '');
    const first = await parseMime(raw);
    const again = await parseMime(Buffer.from(raw));
    expect(first.messageIdSynthesized).toBe(true);
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@message-id\.invalid>$/);
    expect(again.messageId).toBe(first.messageId);
    expect(first.date).toBeUndefined();
    expect(first.text).toBe('hello');
  });
});

describe(extractMessageIds.name, () => {
  it('keeps bracketed ids in order without duplicates and accepts bare ids when there are none', () => {
    expect(extractMessageIds('<a@x> (comment) <b@y>\r\n <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(extractMessageIds(['<a@x>', '<c@z>'])).toEqual(['<a@x>', '<c@z>']);
    expect(extractMessageIds('a@x, b@y')).toEqual(['<a@x>', '<b@y>']);
    expect(extractMessageIds('garbage')).toEqual([]);
    expect(extractMessageIds(undefined)).toEqual([]);
  });
});
