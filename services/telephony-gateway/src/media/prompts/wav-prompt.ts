import { WaveFile } from 'wavefile';
import { encodeG711, G711_CLOCK_RATE, G711_SILENCE, G711Codec, transcodeG711 } from '../g711.codec';
import { RtpError } from '../rtp/rtp-error';
import { splitFrames } from '../rtp/rtp-packetizer';

/** A prompt ready to stream: G.711 in one law, cut into 20 ms frames. */
export interface Prompt {
  readonly id: string;
  readonly codec: G711Codec;
  readonly frames: readonly Uint8Array[];
  readonly durationMs: number;
}

interface WavFormat {
  readonly audioFormat: number;
  readonly numChannels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const nativeLaw: Readonly<Record<number, G711Codec>> = { [WAVE_FORMAT_MULAW]: 'PCMU', [WAVE_FORMAT_ALAW]: 'PCMA' };

/**
 * Reads a WAV into `codec`. 8 kHz mono G.711 is used as stored; anything else wavefile can
 * read (PCM of any depth and rate, float, the other law, several channels) is converted to
 * 16-bit 8 kHz, mixed down to mono and encoded.
 */
export function promptFromWav(id: string, bytes: Uint8Array, codec: G711Codec = 'PCMU'): Prompt {
  let wav: WaveFile;
  try {
    wav = new WaveFile(bytes);
  } catch (error) {
    throw new RtpError('UNSUPPORTED_AUDIO', `prompt "${id}" is not a WAV file: ${(error as Error).message}`);
  }
  const format = wav.fmt as WavFormat;
  const law = nativeLaw[format.audioFormat];
  let audio: Uint8Array;
  if (law && format.sampleRate === G711_CLOCK_RATE && format.numChannels === 1) {
    audio = transcodeG711(law, codec, (wav.data as { samples: Uint8Array }).samples);
  } else {
    if (![WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_ALAW, WAVE_FORMAT_MULAW].includes(format.audioFormat)) {
      throw new RtpError('UNSUPPORTED_AUDIO', `prompt "${id}" has WAV format ${format.audioFormat}; use PCM or G.711`);
    }
    if (format.audioFormat === WAVE_FORMAT_MULAW) wav.fromMuLaw();
    else if (format.audioFormat === WAVE_FORMAT_ALAW) wav.fromALaw();
    else if (wav.bitDepth !== '16') wav.toBitDepth('16');
    if (format.sampleRate !== G711_CLOCK_RATE) wav.toSampleRate(G711_CLOCK_RATE);
    audio = encodeG711(codec, mixDown(wav.getSamples(false) as unknown as Float64Array | Float64Array[], format.numChannels));
  }
  return {
    id,
    codec,
    frames: splitFrames(audio, G711_SILENCE[codec]),
    durationMs: (audio.length * 1000) / G711_CLOCK_RATE,
  };
}

function mixDown(samples: Float64Array | Float64Array[], channels: number): Int16Array {
  if (channels === 1) return Int16Array.from(samples as Float64Array, clamp);
  const perChannel = samples as Float64Array[];
  const mono = new Int16Array(perChannel[0].length);
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (const channel of perChannel) sum += channel[i];
    mono[i] = clamp(sum / perChannel.length);
  }
  return mono;
}

function clamp(sample: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(sample)));
}
