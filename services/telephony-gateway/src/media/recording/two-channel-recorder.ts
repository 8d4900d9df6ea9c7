import { decodeG711, G711_CLOCK_RATE, type G711Codec, g711CodecOf } from '../g711.codec';

/** Caller on the left channel, agent on the right. */
export type RecordingLeg = 'caller' | 'agent';

export interface RecordedPacket {
  readonly payloadType: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

export interface RecorderOptions {
  /** 1 records the caller only (a voicemail message); 2 (the default) both legs. */
  readonly channels?: 1 | 2;
  /** A timestamp further than this from the packet's arrival re-anchors the source (a peer's clock jumped). */
  readonly maxDriftMs?: number;
}

export interface FinishedRecording {
  readonly wav: Uint8Array;
  readonly durationMs: number;
  /** Spans [from, to) in ms since the recording started, silent in both channels. */
  readonly paused: readonly (readonly [number, number])[];
}

interface Anchor {
  readonly timestamp: number;
  readonly sample: number;
}

const CHUNK = G711_CLOCK_RATE;
const DECODED: Record<G711Codec, Int16Array> = {
  PCMU: decodeG711('PCMU', Uint8Array.from({ length: 256 }, (_, i) => i)),
  PCMA: decodeG711('PCMA', Uint8Array.from({ length: 256 }, (_, i) => i)),
};

/**
 * One second of one leg as it arrived: G.711 bytes plus a bit per sample saying it was written
 * (every byte value is a valid G.711 code, so silence needs its own mark). Hundreds of calls
 * record at once in one process: a copy per packet costs less than a decoding loop, a second
 * holds half the memory of decoded samples, and decoding happens once, into the WAV. A chunk
 * that receives a second law falls back to decoded samples, so law changes stay exact.
 */
class Chunk {
  private readonly bytes = new Uint8Array(CHUNK);
  private readonly written = new Uint8Array(CHUNK / 8);
  private pcm: Int16Array | undefined;

  constructor(private readonly codec: G711Codec) {}

  write(offset: number, codec: G711Codec, payload: Uint8Array, from: number, run: number): void {
    if (!this.pcm && codec !== this.codec) {
      const pcm = new Int16Array(CHUNK);
      this.decodeInto(pcm, 0, CHUNK, 1, 0);
      this.pcm = pcm;
    }
    if (this.pcm) {
      const table = DECODED[codec];
      for (let k = 0; k < run; k++) this.pcm[offset + k] = table[payload[from + k]];
      return;
    }
    this.bytes.set(from === 0 && run === payload.length ? payload : payload.subarray(from, from + run), offset);
    markWritten(this.written, offset, offset + run);
  }

  /**
   * Writes the first `count` samples as frames `at`… of `out` (`stride` samples a frame, this
   * channel at `lane`), leaving unwritten ones as they are (0).
   */
  decodeInto(out: Int16Array, at: number, count: number, stride: number, lane: number): void {
    const first = at * stride + lane;
    const pcm = this.pcm;
    if (pcm) {
      for (let i = 0, o = first; i < count; i++, o += stride) out[o] = pcm[i];
      return;
    }
    const table = DECODED[this.codec];
    const { bytes, written } = this;
    for (let byte = 0, base = 0; base < count; byte++, base += 8) {
      const bits = written[byte];
      if (bits === 0) continue;
      const end = Math.min(base + 8, count);
      if (bits === 0xff) for (let i = base, o = first + base * stride; i < end; i++, o += stride) out[o] = table[bytes[i]];
      else for (let i = base, o = first + base * stride; i < end; i++, o += stride) if (bits & (1 << (i - base))) out[o] = table[bytes[i]];
    }
  }
}

/** Sets the bits of samples [from, to). */
function markWritten(bits: Uint8Array, from: number, to: number): void {
  let i = from;
  for (; i < to && i & 7; i++) bits[i >> 3] |= 1 << (i & 7);
  const whole = (to - i) >> 3;
  if (whole > 0) {
    bits.fill(0xff, i >> 3, (i >> 3) + whole);
    i += whole * 8;
  }
  for (; i < to; i++) bits[i >> 3] |= 1 << (i & 7);
}

class Channel {
  // One-second chunks, never copied or regrown: copying one growing array per call stalled
  // every call's media while the copies ran.
  private readonly chunks: (Chunk | undefined)[] = [];
  readonly anchors = new Map<number, Anchor>();

  /** Copies the packet's G.711 bytes into place, one chunk run at a time. */
  write(at: number, codec: G711Codec, payload: Uint8Array): void {
    for (let i = 0; i < payload.length; ) {
      const sample = at + i;
      const index = Math.floor(sample / CHUNK);
      while (this.chunks.length <= index) this.chunks.push(undefined);
      const chunk = (this.chunks[index] ??= new Chunk(codec));
      const offset = sample - index * CHUNK;
      const run = Math.min(payload.length - i, CHUNK - offset);
      chunk.write(offset, codec, payload, i, run);
      i += run;
    }
  }

  /**
   * Decodes the first `length` samples into lane `lane` of `out` (`stride` lanes), the seconds
   * [fromSecond, toSecond) of them only when given; unwritten ones stay 0.
   */
  decodeInto(out: Int16Array, length: number, stride: number, lane: number, fromSecond = 0, toSecond = Infinity): void {
    for (let i = fromSecond; i < toSecond && i < this.chunks.length && i * CHUNK < length; i++) {
      this.chunks[i]?.decodeInto(out, i * CHUNK, Math.min(CHUNK, length - i * CHUNK), stride, lane);
    }
  }
}

/** A finished recording's extent: samples per channel, paused spans in ms and in samples. */
interface Ending {
  readonly length: number;
  readonly durationMs: number;
  readonly paused: readonly (readonly [number, number])[];
  readonly legs: readonly Channel[];
  readonly silent: readonly (readonly [number, number])[];
}

/** Zeroes the paused spans in every channel of the interleaved samples. */
function silence(samples: Int16Array, { legs, silent }: Ending): void {
  for (const [first, end] of silent) samples.fill(0, first * legs.length, end * legs.length);
}

/**
 * Builds a two-channel 8 kHz 16-bit WAV from the G.711 packets of both legs. The first packet
 * of each source is placed by its arrival time, later ones by their RTP timestamp, so jitter
 * does not smear the audio; what no packet covers stays silence. While paused (PCI) packets are
 * dropped, and the paused spans are zeroed again at the end so no audio survives in them.
 */
export class TwoChannelRecorder {
  private readonly channels: Record<RecordingLeg, Channel> = { caller: new Channel(), agent: new Channel() };
  private readonly maxDriftSamples: number;
  private readonly channelCount: 1 | 2;
  private readonly pauses: [number, number | undefined][] = [];
  private finished = false;

  constructor(
    private readonly startedAtMs: number,
    options: RecorderOptions = {},
  ) {
    this.maxDriftSamples = ((options.maxDriftMs ?? 2000) * G711_CLOCK_RATE) / 1000;
    this.channelCount = options.channels ?? 2;
  }

  get paused(): boolean {
    const last = this.pauses[this.pauses.length - 1];
    return last !== undefined && last[1] === undefined;
  }

  /** Adds one packet of a leg; packets that are not G.711 audio (telephone events) are skipped. */
  add(leg: RecordingLeg, packet: RecordedPacket, arrivalMs: number): void {
    if (this.finished || this.paused || (leg === 'agent' && this.channelCount === 1)) return;
    const codec = g711CodecOf(packet.payloadType);
    if (!codec || packet.payload.length === 0) return;
    const channel = this.channels[leg];
    const arrivalSample = this.sampleAt(arrivalMs) - packet.payload.length;
    let anchor = channel.anchors.get(packet.ssrc);
    let at = anchor ? anchor.sample + ((packet.timestamp - anchor.timestamp) | 0) : arrivalSample;
    if (!anchor || Math.abs(at - arrivalSample) > this.maxDriftSamples) {
      anchor = { timestamp: packet.timestamp, sample: arrivalSample };
      channel.anchors.set(packet.ssrc, anchor);
      at = arrivalSample;
    }
    if (at < 0) return;
    channel.write(at, codec, packet.payload);
  }

  pause(atMs: number): void {
    if (!this.finished && !this.paused) this.pauses.push([this.msSinceStart(atMs), undefined]);
  }

  resume(atMs: number): void {
    const last = this.pauses[this.pauses.length - 1];
    if (!this.finished && last && last[1] === undefined) last[1] = Math.max(last[0], this.msSinceStart(atMs));
  }

  /** Ends the recording at `atMs` (resuming a pause first, as PCI requires on hang-up). */
  finish(atMs: number): FinishedRecording {
    const ending = this.end(atMs);
    if (!LITTLE_ENDIAN) return this.finishBigEndian(ending);
    const { length, legs, durationMs, paused } = ending;
    // Decoded straight into the file's interleaved samples: no per-channel arrays to copy at hang-up.
    const wav = pcm16WavHeader(length, legs.length, G711_CLOCK_RATE);
    const samples = new Int16Array(wav.buffer, 44, length * legs.length);
    legs.forEach((channel, lane) => channel.decodeInto(samples, length, legs.length, lane));
    silence(samples, ending);
    return { wav, durationMs, paused };
  }

  /**
   * As `finish`, ending the recording at `atMs` at once, but decodes `secondsPerSlice` of audio
   * at a time and lets the event loop run between slices: the hang-up of an hour-long call
   * (about 150 ms of decoding) then never holds the media of every other call in the process.
   */
  async finishInSlices(atMs: number, secondsPerSlice = 60): Promise<FinishedRecording> {
    const ending = this.end(atMs);
    if (!LITTLE_ENDIAN) return this.finishBigEndian(ending);
    const { length, legs, durationMs, paused } = ending;
    const wav = pcm16WavHeader(length, legs.length, G711_CLOCK_RATE);
    const samples = new Int16Array(wav.buffer, 44, length * legs.length);
    for (let from = 0; from * CHUNK < length; from += secondsPerSlice) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      legs.forEach((channel, lane) => channel.decodeInto(samples, length, legs.length, lane, from, from + secondsPerSlice));
    }
    silence(samples, ending);
    return { wav, durationMs, paused };
  }

  /** Stops taking packets (add, pause and resume do nothing after) and fixes what the file holds. */
  private end(atMs: number): Ending {
    this.resume(atMs);
    this.finished = true;
    const length = Math.max(0, this.sampleAt(atMs));
    const durationMs = (length * 1000) / G711_CLOCK_RATE;
    const paused = this.pauses.map(([from, to]) => [from, Math.min(to ?? durationMs, durationMs)] as const);
    const legs = this.channelCount === 1 ? [this.channels.caller] : [this.channels.caller, this.channels.agent];
    const silent = paused.map(([from, to]) => [Math.floor((from * G711_CLOCK_RATE) / 1000), Math.ceil((to * G711_CLOCK_RATE) / 1000)] as const);
    return { length, durationMs, paused, legs, silent };
  }

  private finishBigEndian({ length, legs, durationMs, paused, silent }: Ending): FinishedRecording {
    const channels = legs.map((channel) => {
      const samples = new Int16Array(length);
      channel.decodeInto(samples, length, 1, 0);
      for (const [first, end] of silent) samples.fill(0, first, end);
      return samples;
    });
    return { wav: pcm16Wav(channels, G711_CLOCK_RATE), durationMs, paused };
  }

  private msSinceStart(atMs: number): number {
    return Math.max(0, atMs - this.startedAtMs);
  }

  private sampleAt(atMs: number): number {
    return Math.round((this.msSinceStart(atMs) * G711_CLOCK_RATE) / 1000);
  }
}

/**
 * A canonical PCM WAV (44-byte RIFF header, 16-bit little-endian, channels interleaved). Written
 * directly rather than with wavefile, which packs sample by sample through a generic codec
 * (≈ 60 ms per minute of call, against ≈ 5 ms here): at a long call's hang-up that held the event
 * loop long enough to make every other call's RTP late.
 */
export function pcm16Wav(channels: readonly Int16Array[], sampleRate: number): Uint8Array {
  const count = channels.length;
  const frames = channels[0]?.length ?? 0;
  const bytes = pcm16WavHeader(frames, count, sampleRate);
  const view = new DataView(bytes.buffer);
  if (LITTLE_ENDIAN) {
    const samples = new Int16Array(bytes.buffer, 44, frames * count);
    for (let c = 0; c < count; c++) {
      const channel = channels[c];
      for (let i = 0, at = c; i < frames; i++, at += count) samples[at] = channel[i];
    }
    return bytes;
  }
  for (let c = 0; c < count; c++) {
    const channel = channels[c];
    for (let i = 0, offset = 44 + c * 2; i < frames; i++, offset += count * 2) view.setInt16(offset, channel[i], true);
  }
  return bytes;
}

/** A zeroed WAV of `frames` frames of `count` 16-bit channels, its 44-byte header written. */
function pcm16WavHeader(frames: number, count: number, sampleRate: number): Uint8Array {
  const dataBytes = frames * count * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, count, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * count * 2, true);
  view.setUint16(32, count * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return bytes;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
