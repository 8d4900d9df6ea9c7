import { WaveFile } from 'wavefile';
import { decodeG711, encodeG711 } from '../g711.codec';
import { RtpError } from '../rtp/rtp-error';
import { promptFromWav } from './wav-prompt';

function wavOf(channels: number, rate: number, depth: string, samples: number[][] | number[] | Uint8Array): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(channels, rate, depth, samples as number[]);
  return wav.toBuffer();
}

const tone = (rate: number, seconds: number) =>
  Array.from({ length: rate * seconds }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 400 * i) / rate)));

describe(promptFromWav.name, () => {
  it('uses 8 kHz mono µ-law as stored, in 20 ms frames', () => {
    const mulaw = encodeG711('PCMU', Int16Array.from(tone(8000, 1)));

    const prompt = promptFromWav('hello', wavOf(1, 8000, '8m', mulaw));

    expect(prompt.durationMs).toBe(1000);
    expect(prompt.frames).toHaveLength(50);
    expect(Buffer.concat(prompt.frames)).toEqual(Buffer.from(mulaw));
  });

  it('transcodes a µ-law file for an A-law leg', () => {
    const mulaw = encodeG711('PCMU', Int16Array.from(tone(8000, 1)));

    const prompt = promptFromWav('hello', wavOf(1, 8000, '8m', mulaw), 'PCMA');
    const decoded = decodeG711('PCMA', Buffer.concat(prompt.frames));

    expect(prompt.codec).toBe('PCMA');
    expect(Math.max(...decoded)).toBeGreaterThan(5000);
  });

  it('converts 16 kHz stereo PCM to 8 kHz mono, padding the last frame', () => {
    const left = tone(16000, 0.51);
    const prompt = promptFromWav('stereo', wavOf(2, 16000, '16', [left, left]));
    const decoded = decodeG711('PCMU', Buffer.concat(prompt.frames));

    expect(prompt.durationMs).toBeCloseTo(510, 0);
    expect(prompt.frames).toHaveLength(26);
    expect(Math.max(...decoded)).toBeGreaterThan(5000);
    expect(decoded[decoded.length - 1]).toBe(0);
  });

  it('rejects bytes that are not a WAV file with a precise error', () => {
    expect(() => promptFromWav('junk', Buffer.from('not a wav'))).toThrow(RtpError);
    expect(() => promptFromWav('junk', Buffer.from('not a wav'))).toThrow(/^prompt "junk" is not a WAV file/);
  });
});
