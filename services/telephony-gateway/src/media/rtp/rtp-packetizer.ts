import { serializeRtp } from './rtp-packet';

export interface RtpPacketizerOptions {
  readonly payloadType: number;
  readonly ssrc: number;
  /** Random per RFC 3550 §5.1; fixed in tests. */
  readonly initialSequence: number;
  readonly initialTimestamp: number;
}

/** Samples in one 20 ms frame at 8 kHz: also the G.711 payload size. */
export const SAMPLES_PER_FRAME = 160;
export const FRAME_MS = 20;

/**
 * Numbers the packets of one outgoing stream: sequence +1 per packet, timestamp +160 per
 * 20 ms of audio, both wrapping. Telephone events share the stream's SSRC and clock.
 */
export class RtpPacketizer {
  private sequence: number;
  private timestampValue: number;

  constructor(private readonly options: RtpPacketizerOptions) {
    this.sequence = options.initialSequence & 0xffff;
    this.timestampValue = options.initialTimestamp >>> 0;
  }

  get ssrc(): number {
    return this.options.ssrc;
  }

  /** The RTP timestamp the next audio frame will carry. */
  get timestamp(): number {
    return this.timestampValue;
  }

  /** One audio frame; advances the clock by the frame's samples. */
  audio(payload: Uint8Array, marker = false, payloadType = this.options.payloadType): Buffer {
    const packet = this.packet(payloadType, this.timestampValue, marker, payload);
    this.timestampValue = (this.timestampValue + payload.length) >>> 0;
    return packet;
  }

  /** A packet at an explicit timestamp (telephone events keep the event's start time). */
  packet(payloadType: number, timestamp: number, marker: boolean, payload: Uint8Array): Buffer {
    const packet = serializeRtp({
      payloadType,
      sequenceNumber: this.sequence,
      timestamp: timestamp >>> 0,
      ssrc: this.options.ssrc,
      marker,
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
    });
    this.sequence = (this.sequence + 1) & 0xffff;
    return packet;
  }

  /** Lets the clock run over time that produced no audio packets (a DTMF event, a pause). */
  advance(samples: number): void {
    this.timestampValue = (this.timestampValue + samples) >>> 0;
  }
}

/** Cuts G.711 audio into 20 ms payloads, padding the last with the law's silence byte. */
export function splitFrames(audio: Uint8Array, silence: number, frameBytes = SAMPLES_PER_FRAME): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < audio.length; offset += frameBytes) {
    if (offset + frameBytes <= audio.length) frames.push(audio.subarray(offset, offset + frameBytes));
    else {
      const last = new Uint8Array(frameBytes).fill(silence);
      last.set(audio.subarray(offset));
      frames.push(last);
    }
  }
  return frames;
}
