import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { locateWidgetScript } from './webchat-assets.controller';
import type { WebChatMessage } from './webchat-frames';
import { WebChatGateway, DEFAULT_WEBCHAT_GATEWAY_OPTIONS } from './webchat.gateway';
import { WebChatSessionCodec } from './webchat-session.codec';
import type { WebChatBackend, WebChatProfile, WebChatVisitor, WebChatWidget } from './webchat.port';

/**
 * The widget in a real browser against the real gateway. The backend here only records what the
 * gateway hands it; the ingestion service's own backend is proven with Postgres and Kafka in the
 * service's end-to-end test.
 */
class RecordingBackend implements WebChatBackend {
  readonly widget: WebChatWidget = { tenantId: 't1', channelAccountId: 'acc-1', widgetId: 'w-demo', allowedOrigins: [] };
  readonly profiles = new Map<string, WebChatProfile>();
  readonly log: WebChatMessage[] = [];
  readonly typing: boolean[] = [];
  readonly reads: number[] = [];
  acceptCalls = 0;

  async resolveWidget(widgetId: string) {
    return widgetId === this.widget.widgetId ? this.widget : null;
  }
  async profile(visitor: WebChatVisitor) {
    return this.profiles.get(visitor.visitorId) ?? null;
  }
  async saveProfile(visitor: WebChatVisitor, profile: WebChatProfile) {
    this.profiles.set(visitor.visitorId, profile);
  }
  async acceptCustomerMessage(_visitor: WebChatVisitor, message: { clientMessageId: string; text: string; at: Date }) {
    this.acceptCalls += 1;
    const existing = this.log.find((m) => m.clientMessageId === message.clientMessageId);
    if (existing) return existing;
    return this.append('customer', message.text, message.clientMessageId);
  }
  async messagesAfter(_visitor: WebChatVisitor, afterSeq: number) {
    return this.log.filter((m) => m.seq > afterSeq);
  }
  async customerTyping(_visitor: WebChatVisitor, on: boolean) {
    this.typing.push(on);
  }
  async customerRead(_visitor: WebChatVisitor, upToSeq: number) {
    this.reads.push(upToSeq);
  }
  append(from: 'customer' | 'agent', text: string, clientMessageId?: string): WebChatMessage {
    const message = { seq: this.log.length + 1, messageId: `m${this.log.length + 1}`, from, text, at: new Date().toISOString(), ...(clientMessageId ? { clientMessageId } : {}) };
    this.log.push(message);
    return message;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('web-chat widget in Chromium', () => {
  const backend = new RecordingBackend();
  const sessions = new WebChatSessionCodec('a-test-secret-that-is-long-enough-000');
  let gateway: WebChatGateway;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    const script = readFileSync(locateWidgetScript(), 'utf8');
    server = createServer((request, response) => {
      if (request.url === '/webchat/widget.js') {
        response.writeHead(200, { 'Content-Type': 'application/javascript' }).end(script);
      } else {
        response
          .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
          .end('<!doctype html><html><head><meta charset="utf-8"></head><body><script src="/webchat/widget.js" data-widget-id="w-demo"></script></body></html>');
      }
    });
    gateway = new WebChatGateway(backend, sessions, { ...DEFAULT_WEBCHAT_GATEWAY_OPTIONS, heartbeatMs: 1000 });
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  function visitorId(): string {
    return [...backend.profiles.keys()][0]!;
  }

  it('asks for name and e-mail before the first message, then stores the message once', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('cc-prechat').waitFor({ state: 'visible' });
    expect(await page.getByTestId('cc-composer').isHidden()).toBe(true);
    await page.fill('[data-testid=cc-prechat] input[name=name]', 'Олена Коваленко');
    await page.fill('[data-testid=cc-prechat] input[name=email]', 'Olena@Example.UA');
    await page.click('[data-testid=cc-prechat] button');
    await page.getByTestId('cc-composer').waitFor({ state: 'visible' });
    expect([...backend.profiles.values()]).toEqual([{ name: 'Олена Коваленко', email: 'olena@example.ua' }]);

    await page.fill('[data-testid=cc-composer] input', 'Привіт! Де моє замовлення?');
    await page.click('[data-testid=cc-composer] button');
    await page.locator('[data-testid=cc-log] [data-seq="1"][data-from=customer]').waitFor();
    expect(await page.locator('[data-pending]').count()).toBe(0);
    expect(backend.log.map((m) => m.text)).toEqual(['Привіт! Де моє замовлення?']);
  });

  it('shows the agent reply, typing and read receipts, the queue position, and reports what the customer read', async () => {
    const address = { widgetId: 'w-demo', visitorId: visitorId() };
    expect(gateway.deliver(address, { type: 'queue', position: 3, estimatedWaitSeconds: 150 })).toBe(true);
    await eventually(async () => (await page.getByTestId('cc-queue').textContent())?.includes('number 3') ?? false, 'queue position');
    gateway.deliver(address, { type: 'typing', from: 'agent', on: true });
    await eventually(async () => (await page.getByTestId('cc-typing').textContent()) === 'Agent is typing…', 'typing indicator');
    gateway.deliver(address, { type: 'read', by: 'agent', upToSeq: 1 });
    await eventually(async () => (await page.getByTestId('cc-read').textContent()) === 'Read', 'read receipt');

    const reply = backend.append('agent', 'Вітаю! Замовлення вже в дорозі.');
    gateway.deliver(address, { type: 'message', ...reply });
    await page.locator('[data-testid=cc-log] [data-seq="2"][data-from=agent]').waitFor();
    expect(await page.getByTestId('cc-typing').textContent()).toBe('');
    await eventually(() => backend.reads.includes(2), 'the read report');

    await page.fill('[data-testid=cc-composer] input', 'Д');
    await eventually(() => backend.typing.includes(true), 'the typing report');
    await page.fill('[data-testid=cc-composer] input', '');
  });

  it('loses nothing across a dropped connection: pending messages are resent once, missed replies replayed', async () => {
    const address = { widgetId: 'w-demo', visitorId: visitorId() };
    // The socket server goes away (a redeploy) while an agent reply is stored and the customer types on.
    const reconnected = new Promise<void>((resolve) => server.once('upgrade', () => resolve()));
    await gateway.close();
    gateway = new WebChatGateway(backend, sessions, { ...DEFAULT_WEBCHAT_GATEWAY_OPTIONS, heartbeatMs: 1000 });
    const missed = backend.append('agent', 'Ви ще тут?');
    await eventually(async () => (await page.getByTestId('cc-connection').textContent()) === 'Reconnecting…', 'the widget noticing the drop');
    await page.fill('[data-testid=cc-composer] input', 'Так, я тут');
    await page.click('[data-testid=cc-composer] button');
    expect(await page.locator('[data-pending]').count()).toBe(1);

    gateway.attach(server);
    await reconnected;
    await page.locator(`[data-testid=cc-log] [data-seq="${missed.seq}"][data-from=agent]`).waitFor();
    await page.locator(`[data-testid=cc-log] [data-seq="${missed.seq + 1}"][data-from=customer]`).waitFor();
    expect(await page.locator('[data-pending]').count()).toBe(0);
    expect(backend.log.filter((m) => m.text === 'Так, я тут')).toHaveLength(1);
    expect(gateway.isConnected(address)).toBe(true);
  });

  it('keeps the conversation across a page reload without asking for the pre-chat form again', async () => {
    await page.reload();
    await page.getByTestId('cc-composer').waitFor({ state: 'visible' });
    expect(await page.getByTestId('cc-prechat').isHidden()).toBe(true);
    const texts = await page.locator('[data-testid=cc-log] [data-seq]').allTextContents();
    expect(texts).toEqual(backend.log.map((m) => m.text));
    expect(backend.profiles.size).toBe(1);
  });

  it('forwards only changes of typing, within a budget of their own that never costs a message its place', async () => {
    const before = backend.typing.length;
    const frames = await page.evaluate(async (url) => {
      const socket = new WebSocket(url);
      const received: { type: string; code?: string }[] = [];
      socket.onmessage = (event) => received.push(JSON.parse(String(event.data)));
      await new Promise((resolve) => (socket.onopen = resolve));
      socket.send(JSON.stringify({ type: 'hello', lastSeq: 0 }));
      socket.send(JSON.stringify({ type: 'prechat', name: 'Typist', email: 'typist@example.test' }));
      // on, on, off, ...: 40 changes in 60 frames.
      for (let i = 0; i < 60; i++) socket.send(JSON.stringify({ type: 'typing', on: i % 3 !== 2 }));
      socket.send(JSON.stringify({ type: 'message', clientMessageId: 'after-typing', text: 'done typing' }));
      const deadline = Date.now() + 10_000;
      while (!received.some((f) => f.type === 'ack' || f.type === 'error') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      socket.close();
      return received.map((f) => f.code ?? f.type);
    }, `${baseUrl.replace('http', 'ws')}/webchat/ws?widget=w-demo`);

    expect(frames).toContain('ack');
    expect(frames).not.toContain('RATE_LIMITED');
    // The socket's budget (20 per window) lets the first 20 changes through.
    expect(backend.typing.slice(before)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 0));
  });

  it('refuses an unknown widget before upgrading', async () => {
    const status = await page.evaluate(async (url) => {
      return await new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => resolve('open');
        socket.onerror = () => resolve('refused');
      });
    }, `${baseUrl.replace('http', 'ws')}/webchat/ws?widget=nope`);
    expect(status).toBe('refused');
  });
});
