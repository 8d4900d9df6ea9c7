import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { parseVia } from '../message/header-values';
import { createResponse, type SipMessage } from '../message/sip-message';
import { SipParseError } from '../message/sip-parse-error';
import { parseMessage } from '../message/sip-parser';
import { serializeMessage } from '../message/sip-serializer';
import { SipStreamFramer } from '../message/sip-stream-framer';
import { endpointKey, type SipEndpoint, type SipProtocol } from './sip-endpoint';
import { stampReceived } from './via-received';

export interface SipTransportOptions {
  /** Address to bind; also written in Via/Contact unless `publicAddress` is given. */
  host: string;
  /** One port for UDP and TCP; 0 picks a free one (same number for both). */
  port: number;
  protocols?: SipProtocol[];
  publicAddress?: string;
  /** Closes TCP connections idle this long. */
  tcpIdleMs?: number;
}

export type MessageHandler = (msg: SipMessage, source: SipEndpoint) => void;
export type InvalidHandler = (error: SipParseError, source: SipEndpoint) => void;
export type TransportErrorHandler = (destination: SipEndpoint) => void;

/**
 * UDP and TCP on one port (RFC 3261 §18). Incoming requests get `received`/`rport` stamped;
 * malformed requests whose headers allow it are answered here with the parse error's status,
 * so callers only ever see well-formed messages.
 */
export class SipTransport {
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new Map<string, Socket>();
  private messageHandler: MessageHandler = () => undefined;
  private invalidHandler: InvalidHandler = () => undefined;
  private transportErrorHandler: TransportErrorHandler = () => undefined;
  readonly protocols: SipProtocol[];

  private constructor(
    private readonly options: SipTransportOptions,
    public port: number,
  ) {
    this.protocols = options.protocols ?? ['udp', 'tcp'];
  }

  static async listen(options: SipTransportOptions): Promise<SipTransport> {
    const transport = new SipTransport(options, options.port);
    await transport.start();
    return transport;
  }

  get address(): string {
    return this.options.publicAddress ?? this.options.host;
  }

  onMessage(handler: MessageHandler): void {
    this.messageHandler = handler;
  }

  onInvalid(handler: InvalidHandler): void {
    this.invalidHandler = handler;
  }

  /** A TCP connection we opened failed (refused, reset), so requests sent on it are lost. */
  onTransportError(handler: TransportErrorHandler): void {
    this.transportErrorHandler = handler;
  }

  send(msg: SipMessage, destination: SipEndpoint): void {
    const data = serializeMessage(msg);
    if (destination.protocol === 'udp') {
      // Datagram errors surface asynchronously on the socket, except a bad address which throws.
      try {
        this.udp?.send(data, destination.port, destination.address);
      } catch {
        // Unreachable destinations are the transaction's timeout to report.
      }
      return;
    }
    let socket = this.connections.get(endpointKey(destination));
    if (!socket || socket.destroyed) {
      socket = createConnection({ host: destination.address, port: destination.port });
      this.adopt(socket, destination);
      socket.once('error', () => this.transportErrorHandler(destination));
    }
    socket.write(data);
  }

  async close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await Promise.all([
      this.udp ? new Promise<void>((resolve) => this.udp?.close(() => resolve())) : undefined,
      this.tcp ? new Promise<void>((resolve) => this.tcp?.close(() => resolve())) : undefined,
    ]);
  }

  private async start(): Promise<void> {
    if (this.protocols.includes('tcp')) {
      this.tcp = createServer((socket) => {
        this.adopt(socket, { protocol: 'tcp', address: normalizeAddress(socket.remoteAddress), port: socket.remotePort ?? 0 });
      });
      await new Promise<void>((resolve, reject) => {
        this.tcp?.once('error', reject);
        this.tcp?.listen(this.port, this.options.host, () => resolve());
      });
      const address = this.tcp.address();
      if (address && typeof address === 'object') this.port = address.port;
    }
    if (this.protocols.includes('udp')) {
      const udp = createSocket(this.options.host.includes(':') ? 'udp6' : 'udp4');
      this.udp = udp;
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this.port, this.options.host, () => resolve());
      });
      this.port = udp.address().port;
      // A socket error on one datagram must not take the port down.
      udp.on('error', () => undefined);
      udp.on('message', (data, rinfo) => this.receive(data, { protocol: 'udp', address: rinfo.address, port: rinfo.port }, false));
    }
  }

  private adopt(socket: Socket, remote: SipEndpoint): void {
    const key = endpointKey(remote);
    this.connections.set(key, socket);
    const framer = new SipStreamFramer();
    socket.setNoDelay(true);
    socket.setTimeout(this.options.tcpIdleMs ?? 10 * 60_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = framer.push(chunk);
      } catch (error) {
        if (error instanceof SipParseError) this.invalidHandler(error, remote);
        socket.destroy();
        return;
      }
      for (const frame of frames) this.receive(frame, remote, true);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }

  private receive(data: Buffer, source: SipEndpoint, stream: boolean): void {
    // Single CRLF / double CRLF keep-alives (RFC 5626 §3.5.1).
    if (data.length <= 4 && data.every((byte) => byte === 0x0d || byte === 0x0a)) return;
    let msg: SipMessage;
    try {
      msg = parseMessage(data, { stream });
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.answerInvalid(error, source);
      this.invalidHandler(error, source);
      return;
    }
    if (msg.kind === 'request') {
      if (stream) this.aliasConnection(msg.headers.get('via') as string, source);
      stampReceived(msg, source);
    }
    this.messageHandler(msg, source);
  }

  /**
   * Requests back to a TCP peer reuse the connection it opened (RFC 5923 aliasing), since a
   * peer behind NAT or one that does not listen could not be reached otherwise.
   */
  private aliasConnection(topVia: string, source: SipEndpoint): void {
    const socket = this.connections.get(endpointKey(source));
    const via = parseVia(topVia);
    const alias = endpointKey({ protocol: 'tcp', address: via.host, port: via.port ?? 5060 });
    if (socket && !this.connections.get(alias)) this.connections.set(alias, socket);
  }

  /**
   * Answers a request we could not accept. Without a usable Via the response still goes back to
   * the source address, which is where every client we talk to listens.
   */
  private answerInvalid(error: SipParseError, source: SipEndpoint): void {
    if (!error.isRequest || !error.headers || /^ACK$/i.test(error.headers.get('cseq')?.split(/\s+/)[1] ?? '')) return;
    const response = createResponse({ headers: error.headers }, error.status, { reason: error.reason });
    try {
      this.send(response, source);
    } catch {
      // Nothing more we can do for a peer we cannot reach.
    }
  }
}

function normalizeAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}
