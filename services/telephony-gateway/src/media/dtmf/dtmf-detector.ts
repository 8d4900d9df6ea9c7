import { DtmfDigit } from '../../domain/ivr';
import { RtpPacketFields } from '../rtp/rtp-packet';
import { decodeTelephoneEvent, digitOfEvent } from './telephone-event';

export interface DetectedDigit {
  readonly digit: DtmfDigit;
  readonly durationMs: number;
  readonly ssrc: number;
  /** The RTP timestamp of the event's start, which identifies it. */
  readonly timestamp: number;
}

interface OpenEvent {
  readonly timestamp: number;
  readonly digit: DtmfDigit;
  duration: number;
}

const RECENT = 8;

/**
 * Turns RFC 4733 telephone-event packets into key presses, once each: the retransmitted end
 * packets and late copies are dropped by the event's timestamp, and an event whose end
 * packets were all lost is reported when the next event starts, or on `flush()`.
 */
export class DtmfDetector {
  private readonly open = new Map<number, OpenEvent>();
  private readonly finished = new Map<number, number[]>();

  constructor(
    private readonly payloadType: number,
    private readonly clockRate = 8000,
  ) {}

  /** Returns the key presses this packet completes (usually none or one). */
  push(packet: RtpPacketFields): DetectedDigit[] {
    if (packet.payloadType !== this.payloadType || packet.payload.length < 4) return [];
    const event = decodeTelephoneEvent(packet.payload);
    const digit = digitOfEvent(event.event);
    if (!digit) return [];
    const { ssrc, timestamp } = packet;
    if (this.finished.get(ssrc)?.includes(timestamp)) return [];
    const detected: DetectedDigit[] = [];
    let current = this.open.get(ssrc);
    if (current && current.timestamp !== timestamp) {
      detected.push(this.close(ssrc, current));
      current = undefined;
    }
    if (!current) {
      current = { timestamp, digit, duration: event.duration };
      this.open.set(ssrc, current);
    }
    current.duration = Math.max(current.duration, event.duration);
    if (event.end) detected.push(this.close(ssrc, current));
    return detected;
  }

  /** Reports events still open (their end packets never came). */
  flush(): DetectedDigit[] {
    return [...this.open.entries()].map(([ssrc, event]) => this.close(ssrc, event));
  }

  private close(ssrc: number, event: OpenEvent): DetectedDigit {
    this.open.delete(ssrc);
    const recent = this.finished.get(ssrc) ?? [];
    recent.push(event.timestamp);
    if (recent.length > RECENT) recent.shift();
    this.finished.set(ssrc, recent);
    return { digit: event.digit, durationMs: (event.duration * 1000) / this.clockRate, ssrc, timestamp: event.timestamp };
  }
}
