import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { parseClientFrame, WebChatProtocolError, WEBCHAT_LIMITS, type ClientFrame, type ServerFrame } from './webchat-frames';
import type { WebChatSessionCodec } from './webchat-session.codec';
import type { WebChatBackend, WebChatVisitor, WebChatWidget } from './webchat.port';

export interface WebChatGatewayOptions {
  /** URL path of the socket; the widget id comes as `?widget=`. */
  readonly path: string;
  /** Messages one socket may send per `rateWindowMs` before it is told to slow down. */
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly heartbeatMs: number;
  readonly onError?: (error: unknown, context: string) => void;
}

export const DEFAULT_WEBCHAT_GATEWAY_OPTIONS: WebChatGatewayOptions = {
  path: '/webchat/ws',
  rateLimit: 20,
  rateWindowMs: 10_000,
  heartbeatMs: 30_000,
};

interface Connection {
  readonly socket: WebSocket;
  readonly widget: WebChatWidget;
  visitor?: WebChatVisitor;
  sent: number[];
  /** Typing changes forwarded, rate-limited apart from messages so typing never costs a message its place. */
  typed: number[];
  alive: boolean;
  typing: boolean;
}

/** Where an outbound frame goes: every open socket of one visitor on one widget. */
export interface WebChatAddress {
  readonly widgetId: string;
  readonly visitorId: string;
}

/**
 * The WebSocket edge of web chat: upgrades on one path of the service's HTTP server, speaks the
 * widget's frames and hands everything durable to the backend. A visitor may have several tabs
 * open; each gets every frame.
 */
export class WebChatGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: WEBCHAT_LIMITS.maxFrameBytes });
  private readonly byVisitor = new Map<string, Set<Connection>>();
  private readonly connections = new Set<Connection>();
  private heartbeat?: NodeJS.Timeout;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void this.upgrade(request, socket, head);
  };
  private httpServer?: Server;

  constructor(
    private readonly backend: WebChatBackend,
    private readonly sessions: WebChatSessionCodec,
    private readonly options: WebChatGatewayOptions = DEFAULT_WEBCHAT_GATEWAY_OPTIONS,
  ) {}

  attach(httpServer: Server): void {
    this.httpServer = httpServer;
    httpServer.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkAlive(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Sends a frame to every open socket of the visitor; false when none is open here. */
  deliver(address: WebChatAddress, frame: ServerFrame): boolean {
    const targets = this.byVisitor.get(key(address.widgetId, address.visitorId));
    if (!targets || targets.size === 0) return false;
    for (const connection of targets) send(connection.socket, frame);
    return true;
  }

  isConnected(address: WebChatAddress): boolean {
    return (this.byVisitor.get(key(address.widgetId, address.visitorId))?.size ?? 0) > 0;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.httpServer?.off('upgrade', this.onUpgrade);
    for (const connection of this.connections) connection.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.options.path) return; // another upgrade handler's path
    const widgetId = url.searchParams.get('widget');
    if (!widgetId) return refuse(socket, 400, 'the widget query parameter is required');
    let widget: WebChatWidget | null;
    try {
      widget = await this.backend.resolveWidget(widgetId);
    } catch (error) {
      this.options.onError?.(error, 'resolve widget');
      return refuse(socket, 503, 'web chat is unavailable, retry later');
    }
    if (!widget) return refuse(socket, 404, 'unknown widget');
    const origin = request.headers.origin;
    if (widget.allowedOrigins.length > 0 && (!origin || !widget.allowedOrigins.includes(origin))) {
      return refuse(socket, 403, 'this page may not open the widget');
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.open(ws, widget));
  }

  private open(socket: WebSocket, widget: WebChatWidget): void {
    const connection: Connection = { socket, widget, sent: [], typed: [], alive: true, typing: false };
    this.connections.add(connection);
    // Frames of one socket are handled one after another so a reply never overtakes its request.
    let chain = Promise.resolve();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      chain = chain.then(() => this.receive(connection, data, isBinary));
    });
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => this.forget(connection));
    socket.on('error', () => this.forget(connection));
  }

  private async receive(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) throw new WebChatProtocolError('BAD_FRAME', 'binary frames are not supported');
      const frame = parseClientFrame(rawText(data));
      if (frame.type !== 'hello' && !connection.visitor) throw new WebChatProtocolError('HELLO_REQUIRED', 'send hello first');
      await this.handle(connection, frame);
    } catch (error) {
      if (error instanceof WebChatProtocolError) {
        send(connection.socket, { type: 'error', code: error.code, message: error.message });
        return;
      }
      this.options.onError?.(error, 'handle frame');
      send(connection.socket, { type: 'error', code: 'UNAVAILABLE', message: 'temporarily unavailable, retry' });
    }
  }

  private async handle(connection: Connection, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'hello':
        return this.hello(connection, frame.sessionToken, frame.lastSeq);
      case 'prechat': {
        const visitor = connection.visitor!;
        await this.backend.saveProfile(visitor, { name: frame.name, email: frame.email });
        this.broadcast(visitor, { type: 'prechat-ok', name: frame.name });
        return;
      }
      case 'message': {
        const visitor = connection.visitor!;
        this.throttle(connection);
        if (!(await this.backend.profile(visitor))) {
          throw new WebChatProtocolError('PRECHAT_REQUIRED', 'fill in the pre-chat form first');
        }
        const stored = await this.backend.acceptCustomerMessage(visitor, {
          clientMessageId: frame.clientMessageId,
          text: frame.text,
          at: new Date(),
        });
        send(connection.socket, { ...stored, type: 'ack', clientMessageId: frame.clientMessageId });
        // Other tabs of the same visitor show the message too.
        for (const other of this.byVisitor.get(key(visitor.widget.widgetId, visitor.visitorId)) ?? []) {
          if (other !== connection) send(other.socket, { type: 'message', ...stored });
        }
        return;
      }
      case 'typing': {
        // Only changes go on, within a budget of their own: each one is an event for the agent side.
        if (frame.on === connection.typing || !this.withinBudget(connection.typed)) return;
        connection.typing = frame.on;
        return this.backend.customerTyping(connection.visitor!, frame.on);
      }
      case 'read':
        return this.backend.customerRead(connection.visitor!, frame.upToSeq);
    }
  }

  private async hello(connection: Connection, sessionToken: string | undefined, lastSeq: number): Promise<void> {
    if (connection.visitor) throw new WebChatProtocolError('BAD_FRAME', 'hello was already sent on this socket');
    const widgetId = connection.widget.widgetId;
    const known = sessionToken ? this.sessions.verify(sessionToken, widgetId) : null;
    // A forged or foreign token starts a fresh visitor rather than failing: the page just lost its state.
    const session = known ? { token: sessionToken!, visitorId: known } : this.sessions.issue(widgetId);
    const visitor: WebChatVisitor = { widget: connection.widget, visitorId: session.visitorId };
    connection.visitor = visitor;
    const visitorKey = key(widgetId, visitor.visitorId);
    const peers = this.byVisitor.get(visitorKey) ?? new Set<Connection>();
    peers.add(connection);
    this.byVisitor.set(visitorKey, peers);

    const profile = known ? await this.backend.profile(visitor) : null;
    send(connection.socket, {
      type: 'welcome',
      sessionToken: session.token,
      visitorId: visitor.visitorId,
      prechatRequired: profile === null,
      ...(profile ? { name: profile.name } : {}),
    });
    if (known) {
      for (const message of await this.backend.messagesAfter(visitor, lastSeq)) send(connection.socket, { type: 'message', ...message });
    }
  }

  private broadcast(visitor: WebChatVisitor, frame: ServerFrame): void {
    this.deliver({ widgetId: visitor.widget.widgetId, visitorId: visitor.visitorId }, frame);
  }

  private throttle(connection: Connection): void {
    if (!this.withinBudget(connection.sent)) throw new WebChatProtocolError('RATE_LIMITED', 'too many messages, slow down and resend');
  }

  /** Records one more use in `times` (the socket's recent ones, pruned in place) unless the window's budget is spent. */
  private withinBudget(times: number[]): boolean {
    const now = Date.now();
    const recent = times.filter((at) => now - at < this.options.rateWindowMs);
    times.splice(0, times.length, ...recent);
    if (times.length >= this.options.rateLimit) return false;
    times.push(now);
    return true;
  }

  private checkAlive(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  private forget(connection: Connection): void {
    this.connections.delete(connection);
    if (!connection.visitor) return;
    const visitorKey = key(connection.widget.widgetId, connection.visitor.visitorId);
    const peers = this.byVisitor.get(visitorKey);
    peers?.delete(connection);
    if (peers?.size === 0) this.byVisitor.delete(visitorKey);
  }
}

function key(widgetId: string, visitorId: string): string {
  return `${widgetId}\u0000${visitorId}`;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function send(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function refuse(socket: Duplex, status: 400 | 403 | 404 | 503, reason: string): void {
  const body = JSON.stringify({ error: reason });
  const statusText = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
