import { RtpPacketFields } from './rtp/rtp-packet';
import { RtpEndpoint } from './rtp-endpoint';

export type BridgeLeg = 'a' | 'b';

export type RelayListener = (from: BridgeLeg, packet: RtpPacketFields, arrivalMs: number) => void;

export interface RtpBridgeStats {
  /** Packets received on A and sent out of B. */
  readonly aToB: number;
  readonly bToA: number;
}

/**
 * Relays RTP between two endpoints of a call (caller leg and agent leg) datagram by datagram,
 * unchanged: both peers negotiated the same codec, so there is nothing to transcode, and SSRC
 * changes are legal RTP. Listeners see each relayed packet (the recorder taps here).
 */
export class RtpBridge {
  private readonly listeners = new Set<RelayListener>();
  private readonly detach: (() => void)[] = [];
  private aToB = 0;
  private bToA = 0;

  constructor(
    private readonly a: RtpEndpoint,
    private readonly b: RtpEndpoint,
  ) {}

  get active(): boolean {
    return this.detach.length > 0;
  }

  /** Stops anything either endpoint was playing and starts relaying. */
  start(): void {
    if (this.active) return;
    this.a.stopPlayback();
    this.b.stopPlayback();
    this.detach.push(
      this.a.onPacket((packet, datagram, arrivalMs) => {
        this.aToB++;
        this.b.send(datagram);
        for (const listener of this.listeners) listener('a', packet, arrivalMs);
      }),
      this.b.onPacket((packet, datagram, arrivalMs) => {
        this.bToA++;
        this.a.send(datagram);
        for (const listener of this.listeners) listener('b', packet, arrivalMs);
      }),
    );
  }

  /** Stops relaying (hold, transfer, hang-up); the endpoints stay open. */
  stop(): void {
    for (const undo of this.detach.splice(0)) undo();
  }

  onRelay(listener: RelayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): RtpBridgeStats {
    return { aToB: this.aToB, bToA: this.bToA };
  }
}
