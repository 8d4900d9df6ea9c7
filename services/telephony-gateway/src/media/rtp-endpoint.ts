import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { BlockList, isIPv6 } from 'node:net';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DtmfDigit } from '../domain/ivr';
import { DetectedDigit, DtmfDetector } from './dtmf/dtmf-detector';
import { TELEPHONE_EVENT_PAYLOAD_TYPE, telephoneEventPackets } from './dtmf/telephone-event';
import { FrameClock, sharedFrameClock } from './frame-clock';
import { G711_PAYLOAD_TYPES, G711Codec } from './g711.codec';
import { parseRtp, RtpPacketFields } from './rtp/rtp-packet';
import { RtpPacketizer, SAMPLES_PER_FRAME } from './rtp/rtp-packetizer';
import { RtpReceiveStats, RtpReceiveStatsSnapshot } from './rtp/rtp-receive-stats';

export interface RtpEndpointOptions {
  /** Address to bind; 127.0.0.1 unless given. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** What this side sends: frames given to `play` are in this law. */
  readonly codec?: G711Codec;
  readonly telephoneEventPayloadType?: number;
  /** Send to whoever sent the first packet when no remote is set (symmetric RTP behind NAT). */
  readonly latch?: boolean;
  /**
   * Take media from the peer only: the first source that fits the remote (its address, or any
   * address when the remote's is a private one, as behind NAT) is locked in, and datagrams from
   * anywhere else are dropped, so nobody can inject audio into a call (strict RTP).
   */
  readonly strictSource?: boolean;
  readonly lateThresholdMs?: number;
  readonly clock?: FrameClock;
}

export interface RtpEndpointStats extends RtpReceiveStatsSnapshot {
  readonly sent: number;
  /** Datagrams that were not RTP. */
  readonly malformed: number;
  /** Datagrams dropped because they came from another source than the peer (strict RTP). */
  readonly foreign: number;
  /** Datagrams sent before a remote address was known. */
  readonly unrouted: number;
  /** Datagrams the socket failed to send. */
  readonly sendErrors: number;
  /** Sources (SSRCs) heard. */
  readonly sources: number;
}

export type PacketListener = (packet: RtpPacketFields, datagram: Buffer, arrivalMs: number) => void;
export type DigitListener = (digit: DetectedDigit) => void;

export type PlaybackOutcome = 'ended' | 'stopped';

interface Playback {
  readonly frames: readonly Uint8Array[];
  readonly loop: boolean;
  next: number;
  readonly done: (outcome: PlaybackOutcome) => void;
}

interface DigitSending {
  /** Set when the first packet leaves: every packet of one event carries its start time. */
  timestamp: number | undefined;
  readonly packets: readonly { payload: Buffer; marker: boolean }[];
  next: number;
  readonly done: () => void;
}

/**
 * One UDP port of RTP: plays 20 ms G.711 frames paced by the frame clock, sends RFC 4733 key
 * presses in the same stream, and counts what it receives per source (loss, jitter, late).
 */
export class RtpEndpoint {
  readonly codec: G711Codec;
  private readonly telephoneEvent: number;
  private readonly packetizer: RtpPacketizer;
  private readonly detector: DtmfDetector;
  private readonly sources = new Map<number, RtpReceiveStats>();
  private readonly packetListeners = new Set<PacketListener>();
  private readonly digitListeners = new Set<DigitListener>();
  private readonly clock: FrameClock;
  private remote: { address: string; port: number } | undefined;
  /** The source media is taken from, once learned (strict RTP). */
  private peer: { address: string; port: number } | undefined;
  /** The socket is connected to the remote: the kernel drops other sources and sends skip the address. */
  private connected = false;
  private connecting = false;
  private foreignCount = 0;
  private unsubscribe: (() => void) | undefined;
  private playback: Playback | undefined;
  private readonly digitQueue: DigitSending[] = [];
  private talkspurt = true;
  private sentCount = 0;
  private malformedCount = 0;
  private unroutedCount = 0;
  private sendErrorCount = 0;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RtpEndpointOptions,
  ) {
    this.codec = options.codec ?? 'PCMU';
    this.telephoneEvent = options.telephoneEventPayloadType ?? TELEPHONE_EVENT_PAYLOAD_TYPE;
    this.clock = options.clock ?? sharedFrameClock;
    this.packetizer = new RtpPacketizer({
      payloadType: G711_PAYLOAD_TYPES[this.codec],
      ssrc: randomInt(0, 2 ** 32 - 1),
      initialSequence: randomInt(0, 0x10000),
      initialTimestamp: randomInt(0, 2 ** 32 - 1),
    });
    this.detector = new DtmfDetector(this.telephoneEvent);
    socket.on('message', (datagram, from) => this.receive(datagram, from));
    // A UDP send can fail (no route, buffer full); media is loss-tolerant, so count and go on
    // rather than let an unhandled 'error' end the process and every call in it.
    socket.on('error', () => this.sendErrorCount++);
  }

  static async open(options: RtpEndpointOptions = {}): Promise<RtpEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpEndpoint(socket, options);
  }

  get local(): { address: string; port: number } {
    const { address, port } = this.socket.address();
    return { address, port };
  }

  get ssrc(): number {
    return this.packetizer.ssrc;
  }

  get remoteAddress(): { address: string; port: number } | undefined {
    return this.remote;
  }

  /** Where to send (from the peer's SDP). */
  setRemote(address: string, port: number): void {
    if (this.remote?.address === address && this.remote.port === port) return;
    this.remote = { address, port };
    // A new remote (re-INVITE, transfer) is learned afresh.
    this.peer = undefined;
    this.disconnect();
  }

  onPacket(listener: PacketListener): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  onDigit(listener: DigitListener): () => void {
    this.digitListeners.add(listener);
    return () => this.digitListeners.delete(listener);
  }

  /** Sends one datagram as is (the bridge relays this way). */
  send(datagram: Buffer): void {
    if (this.closed) return;
    if (!this.remote) {
      this.unroutedCount++;
      return;
    }
    this.sentCount++;
    if (this.connected) this.socket.send(datagram);
    else this.socket.send(datagram, this.remote.port, this.remote.address);
  }

  /**
   * Sends one audio frame (in this endpoint's law) now: the conference mixer paces these on
   * the frame clock. Skipped while a key press is going out in the same stream, so the two
   * never share a timestamp. Whether it was sent.
   */
  sendAudio(frame: Uint8Array): boolean {
    if (this.closed || this.digitQueue.length > 0) return false;
    this.send(this.packetizer.audio(frame, this.talkspurt));
    this.talkspurt = false;
    return true;
  }

  /**
   * Streams frames (in this endpoint's law) one per 20 ms, replacing what played before.
   * Resolves `ended` after the last frame, or `stopped`; a looped playback only stops.
   */
  play(frames: readonly Uint8Array[], options: { loop?: boolean } = {}): Promise<PlaybackOutcome> {
    this.stopPlayback();
    if (this.closed) return Promise.resolve('stopped');
    if (frames.length === 0) return Promise.resolve('ended');
    return new Promise((resolve) => {
      this.playback = { frames, loop: options.loop ?? false, next: 0, done: resolve };
      this.talkspurt = true;
      this.ensureTicking();
    });
  }

  stopPlayback(): void {
    const playback = this.playback;
    this.playback = undefined;
    playback?.done('stopped');
    this.idleCheck();
  }

  get playing(): boolean {
    return this.playback !== undefined;
  }

  /** Sends a key press as telephone events; audio pauses meanwhile. */
  sendDigit(digit: DtmfDigit, durationMs = 100): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.digitQueue.push({ timestamp: undefined, packets: telephoneEventPackets(digit, { durationMs }), next: 0, done: resolve });
      this.ensureTicking();
    });
  }

  stats(): RtpEndpointStats {
    let received = 0;
    let expected = 0;
    let lost = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let late = 0;
    let jitterMs = 0;
    for (const source of this.sources.values()) {
      const s = source.snapshot();
      received += s.received;
      expected += s.expected;
      lost += s.lost;
      duplicates += s.duplicates;
      outOfOrder += s.outOfOrder;
      late += s.late;
      jitterMs = Math.max(jitterMs, s.jitterMs);
    }
    return {
      sent: this.sentCount,
      received,
      expected,
      lost,
      duplicates,
      outOfOrder,
      late,
      jitterMs,
      malformed: this.malformedCount,
      foreign: this.foreignCount,
      unrouted: this.unroutedCount,
      sendErrors: this.sendErrorCount,
      sources: this.sources.size,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopPlayback();
    for (const sending of this.digitQueue.splice(0)) sending.done();
    this.idleCheck();
    this.closed = true;
    this.connected = false;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    const arrivalMs = performance.now();
    let packet: RtpPacketFields;
    try {
      packet = parseRtp(datagram);
    } catch {
      this.malformedCount++;
      return;
    }
    if (!this.remote && this.options.latch) this.remote = { address: from.address, port: from.port };
    if (this.options.strictSource && !this.fromPeer(from)) {
      this.foreignCount++;
      return;
    }
    let stats = this.sources.get(packet.ssrc);
    if (!stats) {
      stats = new RtpReceiveStats({ lateThresholdMs: this.options.lateThresholdMs });
      this.sources.set(packet.ssrc, stats);
    }
    const isEvent = packet.payloadType === this.telephoneEvent;
    stats.record(packet.sequenceNumber, packet.timestamp, arrivalMs, !isEvent);
    for (const listener of this.packetListeners) listener(packet, datagram, arrivalMs);
    if (isEvent) {
      for (const digit of this.detector.push(packet)) for (const listener of this.digitListeners) listener(digit);
    }
  }

  /** Whether the datagram comes from the peer, learning and locking the peer on its first packet. */
  private fromPeer(from: RemoteInfo): boolean {
    const peer = this.peer;
    if (peer) return peer.port === from.port && peer.address === from.address;
    const remote = this.remote;
    if (!remote || (remote.address !== from.address && !behindNat(remote.address))) return false;
    this.peer = { address: from.address, port: from.port };
    if (remote.address === from.address && remote.port === from.port) this.connect(remote);
    return true;
  }

  /** Connects the socket to the peer: the kernel then filters other sources and sends skip the address lookup. */
  private connect(remote: { address: string; port: number }): void {
    // One connect at a time (a second one throws): a peer learned meanwhile stays unconnected,
    // filtered here instead of by the kernel.
    if (this.connecting) return;
    this.connecting = true;
    this.socket.connect(remote.port, remote.address, (error?: Error) => {
      this.connecting = false;
      if (error || this.closed) return;
      // Still the same remote: sends go without an address from now on. Else it changed while
      // connecting, and the socket must take the new one's packets.
      if (this.remote === remote) this.connected = true;
      else this.socket.disconnect();
    });
  }

  private disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.socket.disconnect();
  }

  private ensureTicking(): void {
    if (!this.unsubscribe && !this.closed) this.unsubscribe = this.clock.subscribe((skipped) => this.tick(skipped));
  }

  private idleCheck(): void {
    if (this.unsubscribe && !this.playback && this.digitQueue.length === 0) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
  }

  private tick(skipped: number): void {
    if (skipped > 0) this.skip(skipped);
    const sending = this.digitQueue[0];
    if (sending) {
      sending.timestamp ??= this.packetizer.timestamp;
      const { payload, marker } = sending.packets[sending.next++];
      this.send(this.packetizer.packet(this.telephoneEvent, sending.timestamp, marker, payload));
      this.packetizer.advance(SAMPLES_PER_FRAME);
      if (sending.next === sending.packets.length) {
        this.digitQueue.shift();
        this.talkspurt = true;
        sending.done();
      }
    } else if (this.playback) {
      const playback = this.playback;
      this.send(this.packetizer.audio(playback.frames[playback.next++], this.talkspurt));
      this.talkspurt = false;
      if (playback.next === playback.frames.length) {
        if (playback.loop) playback.next = 0;
        else {
          this.playback = undefined;
          playback.done('ended');
        }
      }
    }
    this.idleCheck();
  }

  /** Frames the clock dropped: the stream's time moves on as if they had been sent. */
  private skip(frames: number): void {
    this.packetizer.advance(frames * SAMPLES_PER_FRAME);
    const playback = this.playback;
    if (!playback) return;
    playback.next += frames;
    if (playback.loop) playback.next %= playback.frames.length;
    else if (playback.next >= playback.frames.length) playback.next = playback.frames.length - 1;
  }
}

/** Addresses a peer behind NAT advertises in its SDP, which are not where its packets come from. */
const PRIVATE_ADDRESSES = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['169.254.0.0', 16]] as const) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of [['fc00::', 7], ['fe80::', 10]] as const) list.addSubnet(network, prefix, 'ipv6');
  return list;
})();

function behindNat(address: string): boolean {
  return PRIVATE_ADDRESSES.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}
