import { performance } from 'node:perf_hooks';
import { FrameClock, sharedFrameClock } from './frame-clock';
import { decodeG711, encodeG711, type G711Codec, g711CodecOf } from './g711.codec';
import type { RtpPacketFields } from './rtp/rtp-packet';
import { SAMPLES_PER_FRAME } from './rtp/rtp-packetizer';
import type { RtpEndpoint } from './rtp-endpoint';

/**
 * Mix-minus: each input hears the sum of all the others (never itself), clipped to 16 bits.
 * A missing input is silence. One frame, pure.
 */
export function mixMinusOwn(inputs: readonly (Int16Array | undefined)[], frameSamples = SAMPLES_PER_FRAME): Int16Array[] {
  const total = new Int32Array(frameSamples);
  for (const input of inputs) if (input) for (let s = 0; s < frameSamples; s++) total[s] += input[s];
  return inputs.map((input) => {
    const out = new Int16Array(frameSamples);
    for (let s = 0; s < frameSamples; s++) {
      const sum = total[s] - (input ? input[s] : 0);
      out[s] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
    }
    return out;
  });
}

/**
 * A party's received audio, decoded, waiting for the next tick. It starts handing out frames
 * once `primeSamples` are buffered (absorbing the phase between the peer's packets and our
 * ticks), starts over after running dry, and drops the oldest audio beyond `maxSamples` so a
 * peer sending fast cannot build up delay.
 */
export class PartyJitterBuffer {
  private readonly chunks: Int16Array[] = [];
  private offset = 0;
  private buffered = 0;
  private primed = false;

  constructor(
    private readonly primeSamples = 2 * SAMPLES_PER_FRAME,
    private readonly maxSamples = 10 * SAMPLES_PER_FRAME,
  ) {}

  get size(): number {
    return this.buffered;
  }

  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.chunks.push(samples);
    this.buffered += samples.length;
    if (this.buffered > this.maxSamples) this.drop(this.buffered - this.maxSamples);
  }

  /** The next `count` samples, or undefined (silence) while priming or after running dry. */
  take(count = SAMPLES_PER_FRAME): Int16Array | undefined {
    if (!this.primed) {
      if (this.buffered < this.primeSamples) return undefined;
      this.primed = true;
    }
    if (this.buffered < count) {
      this.primed = false;
      return undefined;
    }
    const out = new Int16Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      const n = Math.min(count - filled, chunk.length - this.offset);
      out.set(chunk.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.consume(n);
    }
    return out;
  }

  private drop(count: number): void {
    while (count > 0) {
      const n = Math.min(count, this.chunks[0].length - this.offset);
      this.consume(n);
      count -= n;
    }
  }

  private consume(n: number): void {
    this.offset += n;
    this.buffered -= n;
    if (this.offset === this.chunks[0].length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

/** What one party was sent on one tick: encoded in its law, with a running frame timestamp. */
export interface HeardFrame {
  readonly codec: G711Codec;
  readonly payload: Uint8Array;
  /** Samples since the mixer started (an RTP-like timestamp for recording). */
  readonly timestamp: number;
  readonly atMs: number;
}

export type HeardListener = (partyId: string, frame: HeardFrame) => void;
export type ReceivedListener = (partyId: string, packet: RtpPacketFields, arrivalMs: number) => void;

interface Party {
  readonly endpoint: RtpEndpoint;
  readonly input: PartyJitterBuffer;
  readonly detach: () => void;
  received: number;
  sent: number;
}

export interface ConferenceMixerOptions {
  readonly clock?: FrameClock;
  readonly now?: () => number;
}

/**
 * An N-way G.711 conference on the gateway's RTP legs. Every 20 ms (the shared frame clock)
 * it takes one frame from each party's jitter buffer, gives each party the clipped sum of the
 * others, encoded in that party's law, and sends it from the party's endpoint. Telephone
 * events are not audio and are not mixed. Listeners see what came in and what went out (the
 * recorder taps the caller's side of both).
 */
export class ConferenceMixer {
  private readonly parties = new Map<string, Party>();
  private readonly heardListeners = new Set<HeardListener>();
  private readonly receivedListeners = new Set<ReceivedListener>();
  private readonly clock: FrameClock;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private samples = 0;

  constructor(options: ConferenceMixerOptions = {}) {
    this.clock = options.clock ?? sharedFrameClock;
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.parties.size;
  }

  has(partyId: string): boolean {
    return this.parties.has(partyId);
  }

  /** Adds a party: whatever its endpoint was playing stops, and it hears the mix from the next tick. */
  add(partyId: string, endpoint: RtpEndpoint): void {
    if (this.parties.has(partyId)) return;
    endpoint.stopPlayback();
    const input = new PartyJitterBuffer();
    const party: Party = {
      endpoint,
      input,
      received: 0,
      sent: 0,
      detach: endpoint.onPacket((packet, _datagram, arrivalMs) => {
        const codec = g711CodecOf(packet.payloadType);
        if (!codec) return;
        party.received++;
        input.push(decodeG711(codec, packet.payload));
        for (const listener of this.receivedListeners) listener(partyId, packet, arrivalMs);
      }),
    };
    this.parties.set(partyId, party);
    this.unsubscribe ??= this.clock.subscribe(() => this.tick());
  }

  /** Takes a party out (it left); the others go on. Its endpoint stays open. */
  remove(partyId: string): boolean {
    const party = this.parties.get(partyId);
    if (!party) return false;
    party.detach();
    this.parties.delete(partyId);
    if (this.parties.size === 0) this.stopTicking();
    return true;
  }

  stop(): void {
    for (const partyId of [...this.parties.keys()]) this.remove(partyId);
  }

  onHeard(listener: HeardListener): () => void {
    this.heardListeners.add(listener);
    return () => this.heardListeners.delete(listener);
  }

  onReceived(listener: ReceivedListener): () => void {
    this.receivedListeners.add(listener);
    return () => this.receivedListeners.delete(listener);
  }

  stats(partyId: string): { received: number; sent: number } | undefined {
    const party = this.parties.get(partyId);
    return party && { received: party.received, sent: party.sent };
  }

  private tick(): void {
    const ids = [...this.parties.keys()];
    const parties = ids.map((id) => this.parties.get(id) as Party);
    const mixed = mixMinusOwn(parties.map((p) => p.input.take(SAMPLES_PER_FRAME)));
    const atMs = this.now();
    const timestamp = this.samples;
    this.samples += SAMPLES_PER_FRAME;
    parties.forEach((party, i) => {
      const payload = encodeG711(party.endpoint.codec, mixed[i]);
      if (!party.endpoint.sendAudio(payload)) return;
      party.sent++;
      for (const listener of this.heardListeners) listener(ids[i], { codec: party.endpoint.codec, payload, timestamp, atMs });
    });
  }

  private stopTicking(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
