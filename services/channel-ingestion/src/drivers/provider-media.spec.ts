import type { ChannelAccountWithSecrets } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import { PayloadTooLargeError, ProviderError } from '../domain/channel.errors';
import type { MessageAttachment } from '../domain/normalized-message';
import { ProviderMediaServer } from '../testing/provider-media.server';
import { OutboundAddressPolicy } from '../domain/outbound-address.policy';
import type { ChannelDriver } from './channel-driver.port';
import { ForbiddenFetchTargetError, GuardedFetchClient } from './guarded-fetch.client';
import { downloadMedia } from './media-download';
import { LineDriver } from './line/line.driver';
import { MessengerDriver } from './messenger/messenger.driver';
import { TwilioSmsDriver } from './sms/twilio-sms.driver';
import { TelegramDriver } from './telegram/telegram.driver';
import { WhatsAppCloudDriver } from './whatsapp/whatsapp-cloud.driver';

const CREDENTIALS = { whatsappToken: 'wa-token', lineToken: 'line-token', telegramBotToken: '123:abc', twilioAccountSid: 'AC0123', twilioAuthToken: 'tw-token' };
const MAX = 64 * 1024;
/** The stand-in listens on 127.0.0.1, which the operator would have to allow. */
const LOCAL = new GuardedFetchClient(new OutboundAddressPolicy(['127.0.0.1']));

const account = (kind: ChannelKind, base: string, secrets: Record<string, string>, settings: Record<string, string> = {}): ChannelAccountWithSecrets => ({
  tenantId: 't1',
  workspaceId: 'w1',
  accountId: '00000000-0000-4000-8000-000000000001',
  kind,
  name: kind,
  address: 'a',
  routing: { defaultQueueId: 'q', rules: [] },
  rateLimitPerSecond: 0,
  disabled: false,
  settings: { api_base_url: base, ...settings },
  secretNames: Object.keys(secrets),
  secrets,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const reference = (url: string, contentType = 'application/octet-stream'): MessageAttachment => ({ fileName: 'f', contentType, sizeBytes: 0, url });

describe('provider media downloads', () => {
  const server = new ProviderMediaServer(CREDENTIALS);
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  const pdf = Buffer.from('%PDF-1.7 Thai ภาษาไทย');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9]);

  beforeAll(async () => {
    await server.start();
    server.files.set('1037543291543636', { content: jpeg, contentType: 'image/jpeg' });
    server.files.set('photo-1.jpg', { content: jpeg, contentType: 'image/jpeg' });
    server.files.set('325708', { content: jpeg, contentType: 'image/jpeg' });
    server.files.set('BQACAgIAAxkBAAIB', { content: pdf, contentType: 'application/pdf' });
    server.files.set('ME0001', { content: png, contentType: 'image/png' });
    server.files.set('huge', { content: Buffer.alloc(MAX + 1), contentType: 'video/mp4' });
    server.files.set('huge-chunked', { content: Buffer.alloc(MAX * 3), contentType: 'video/mp4', chunked: true });
  });
  afterAll(() => server.close());

  const cases: [string, () => ChannelDriver, () => ChannelAccountWithSecrets, () => string, Buffer, string][] = [
    ['WhatsApp (media id → URL → file, Bearer both)', () => new WhatsAppCloudDriver(undefined, undefined, LOCAL), () => account('whatsapp', server.url, { access_token: 'wa-token' }), () => 'whatsapp-media:1037543291543636', jpeg, 'image/jpeg'],
    ['Messenger (public attachment URL)', () => new MessengerDriver(undefined, undefined, LOCAL), () => account('messenger', server.url, { page_access_token: 'p' }), () => `${server.url}/fb-cdn/photo-1.jpg`, jpeg, 'image/jpeg'],
    ['LINE (message content, Bearer)', () => new LineDriver(undefined, undefined, undefined, LOCAL), () => account('line', server.url, { channel_access_token: 'line-token' }), () => 'line-content:325708', jpeg, 'image/jpeg'],
    ['Telegram (getFile → file path)', () => new TelegramDriver(undefined, undefined, LOCAL), () => account('telegram', server.url, { bot_token: '123:abc' }), () => 'telegram-file:BQACAgIAAxkBAAIB', pdf, 'application/pdf'],
    [
      'Twilio (Media resource, Basic auth)',
      () => new TwilioSmsDriver(undefined, undefined, LOCAL),
      () => account('sms', server.url, { auth_token: 'tw-token' }, { account_sid: 'AC0123' }),
      () => `${server.url}/2010-04-01/Accounts/AC0123/Messages/MM0001/Media/ME0001`,
      png,
      'image/png',
    ],
  ];

  it.each(cases)('fetches %s', async (_name, driver, owner, url, content, contentType) => {
    const media = await driver().fetchMedia!(owner(), reference(url()), MAX);
    expect(Buffer.from(media.content)).toEqual(content);
    expect(media.contentType).toBe(contentType);
  });

  it('refuses files over the limit, declared or streamed, with 413', async () => {
    const messenger = new MessengerDriver(undefined, undefined, LOCAL);
    const owner = account('messenger', server.url, {});
    await expect(messenger.fetchMedia(owner, reference(`${server.url}/fb-cdn/huge`), MAX)).rejects.toThrow(PayloadTooLargeError);
    await expect(messenger.fetchMedia(owner, reference(`${server.url}/fb-cdn/huge-chunked`), MAX)).rejects.toThrow(PayloadTooLargeError);
    // WhatsApp's lookup states the size: the file itself is never requested.
    server.files.set('wa-huge', { content: Buffer.alloc(MAX + 1), contentType: 'video/mp4' });
    const before = server.seen.length;
    await expect(new WhatsAppCloudDriver(undefined, undefined, LOCAL).fetchMedia(account('whatsapp', server.url, { access_token: 'wa-token' }), reference('whatsapp-media:wa-huge'), MAX)).rejects.toThrow(PayloadTooLargeError);
    expect(server.seen.slice(before).map((s) => s.path)).toEqual(['/v21.0/wa-huge']);
  });

  it('reports missing media and refused credentials as provider errors that retrying will not fix', async () => {
    const missing = await new LineDriver(undefined, undefined, undefined, LOCAL).fetchMedia(account('line', server.url, { channel_access_token: 'line-token' }), reference('line-content:nope'), MAX).catch((e) => e);
    const refused = await new LineDriver(undefined, undefined, undefined, LOCAL).fetchMedia(account('line', server.url, { channel_access_token: 'stale' }), reference('line-content:325708'), MAX).catch((e) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({ reason: 'line-media-http-404', retryable: false });
    expect(refused).toMatchObject({ reason: 'line-media-http-401', retryable: false });
  });

  it('sends Twilio credentials only to the account API host', async () => {
    const before = server.seen.length;
    await new TwilioSmsDriver(undefined, undefined, LOCAL)
      .fetchMedia(account('sms', 'https://api.twilio.com', { auth_token: 'tw-token' }, { account_sid: 'AC0123' }), reference(`${server.url}/2010-04-01/Accounts/AC0123/Messages/MM0001/Media/ME0001`), MAX)
      .catch(() => undefined);
    expect(server.seen[before].headers.authorization).toBeUndefined();
  });

  it('refuses loopback, private and metadata targets unless the host is allowed by name', async () => {
    const strict = new MessengerDriver();
    const owner = account('messenger', server.url, {});
    const before = server.seen.length;

    for (const url of [`${server.url}/fb-cdn/photo-1.jpg`, 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:127.0.0.1]:1/x', 'http://10.0.0.1/x']) {
      await expect(strict.fetchMedia(owner, reference(url), MAX)).rejects.toMatchObject({ reason: 'fetch-target-forbidden' });
    }
    // "localhost" is not the allowed name, though it reaches the same server.
    const byOtherName = await new MessengerDriver(undefined, undefined, LOCAL).fetchMedia(owner, reference(`${server.url.replace('127.0.0.1', 'localhost')}/fb-cdn/photo-1.jpg`), MAX).catch((e) => e);
    expect(byOtherName).toBeInstanceOf(ForbiddenFetchTargetError);
    expect(byOtherName.message).toMatch(/localhost resolves to .*loopback/);
    expect(server.seen.length).toBe(before);
  });

  it('checks every redirect hop and caps the chain', async () => {
    const allowedPort = Number(new URL(server.url).port);
    const onlyThisPort = new GuardedFetchClient(new OutboundAddressPolicy([`127.0.0.1:${allowedPort}`]));
    const hop = (to: string) => `${server.url}/redirect?to=${encodeURIComponent(to)}`;

    const followed = await downloadMedia(onlyThisPort, 'cdn', { url: hop(hop(`${server.url}/fb-cdn/photo-1.jpg`)) }, MAX);
    expect(Buffer.from(followed.content)).toEqual(jpeg);
    await expect(downloadMedia(onlyThisPort, 'cdn', { url: hop('http://127.0.0.1:1/fb-cdn/photo-1.jpg') }, MAX)).rejects.toMatchObject({ reason: 'fetch-target-forbidden' });
    await expect(downloadMedia(onlyThisPort, 'cdn', { url: hop('http://169.254.169.254/latest/meta-data/') }, MAX)).rejects.toThrow(/169\.254\.169\.254, a link-local address/);
    await expect(downloadMedia(onlyThisPort, 'cdn', { url: hop('file:///etc/passwd') }, MAX)).rejects.toThrow(/not http/);
    let chain = `${server.url}/fb-cdn/photo-1.jpg`;
    for (let i = 0; i < 6; i++) chain = hop(chain);
    await expect(downloadMedia(onlyThisPort, 'cdn', { url: chain }, MAX)).rejects.toThrow(/more than 5 redirects/);
  });

  it('connects to the address it checked, resolving the name once per hop', async () => {
    const lookups: string[] = [];
    const pinned = new GuardedFetchClient(new OutboundAddressPolicy(['media.example']), async (host) => {
      lookups.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    });
    const port = new URL(server.url).port;
    const before = server.seen.length;

    const file = await downloadMedia(pinned, 'cdn', { url: `http://media.example:${port}/fb-cdn/photo-1.jpg` }, MAX);

    expect(Buffer.from(file.content)).toEqual(jpeg);
    expect(lookups).toEqual(['media.example']);
    expect(server.seen[before].headers.host).toBe(`media.example:${port}`);
    // A name with one inward answer among public ones is refused whichever answer the socket would take.
    const mixed = new GuardedFetchClient(new OutboundAddressPolicy(), async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]);
    await expect(downloadMedia(mixed, 'cdn', { url: 'https://cdn.example/a.jpg' }, MAX)).rejects.toThrow(/10\.0\.0\.7, a private address/);
    // A resolver that never answers is bounded by the request's deadline.
    const stuck = new GuardedFetchClient(new OutboundAddressPolicy(), () => new Promise(() => undefined));
    await expect(stuck.get('https://cdn.example/a.jpg', { signal: AbortSignal.timeout(50) })).rejects.toThrow(/timeout|aborted/i);
  });
});
