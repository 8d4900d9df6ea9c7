import { WaveFile } from 'wavefile';
import { encodeG711 } from '../g711.codec';
import { pcm16Wav, TwoChannelRecorder } from './two-channel-recorder';

const T0 = 1_000_000;
const loud = (codec: 'PCMU' | 'PCMA', value: number) => encodeG711(codec, new Int16Array(160).fill(value));

/** Samples of one channel, as numbers. */
function channel(wav: Uint8Array, index: 0 | 1): number[] {
  const file = new WaveFile(wav);
  return Array.from((file.getSamples(false) as unknown as Float64Array[])[index]);
}

describe(TwoChannelRecorder.name, () => {
  it('writes caller left and agent right at 8 kHz, for the recording’s duration', () => {
    const sut = new TwoChannelRecorder(T0);
    for (let i = 0; i < 50; i++) {
      sut.add('caller', { payloadType: 0, timestamp: 5000 + i * 160, ssrc: 1, payload: loud('PCMU', 1000) }, T0 + 20 + i * 20);
      sut.add('agent', { payloadType: 8, timestamp: 90 + i * 160, ssrc: 2, payload: loud('PCMA', -2000) }, T0 + 20 + i * 20);
    }

    const { wav, durationMs } = sut.finish(T0 + 1500);
    const file = new WaveFile(wav);
    const fmt = file.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };

    expect([fmt.numChannels, fmt.sampleRate, fmt.bitsPerSample]).toEqual([2, 8000, 16]);
    expect(durationMs).toBe(1500);
    const left = channel(wav, 0);
    const right = channel(wav, 1);
    expect(left).toHaveLength(12_000);
    expect(new Set(left.slice(0, 8000))).toEqual(new Set([left[0]]));
    expect(Math.abs(left[100] - 1000)).toBeLessThan(40);
    expect(Math.abs(right[100] + 2000)).toBeLessThan(70);
    expect(left.slice(8000).every((s) => s === 0)).toBe(true);
  });

  it('keeps each packet’s law, and silence between packets, when a source switches law within a second', () => {
    const sut = new TwoChannelRecorder(T0);
    // An odd-length packet leaves the next one off the 8-sample boundary of the written-sample marks.
    sut.add('caller', { payloadType: 0, timestamp: 0, ssrc: 1, payload: encodeG711('PCMU', new Int16Array(163).fill(1000)) }, T0 + 163 / 8);
    sut.add('caller', { payloadType: 8, timestamp: 1000, ssrc: 1, payload: loud('PCMA', -2000) }, T0 + 163 / 8 + 125);

    const left = channel(sut.finish(T0 + 500).wav, 0);

    expect(left.slice(0, 163).every((s) => Math.abs(s - 1000) < 40)).toBe(true);
    expect(left.slice(163, 1000).every((s) => s === 0)).toBe(true);
    expect(left.slice(1000, 1160).every((s) => Math.abs(s + 2000) < 70)).toBe(true);
    expect(left.slice(1160).every((s) => s === 0)).toBe(true);
  });

  it('places packets by RTP timestamp, so jittered arrivals neither overlap nor leave holes', () => {
    const sut = new TwoChannelRecorder(T0);
    const jitter = [0, 15, -5, 12, 0, 18, -3, 9, 0, 0];
    jitter.forEach((j, i) => sut.add('caller', { payloadType: 0, timestamp: i * 160, ssrc: 9, payload: loud('PCMU', 3000) }, T0 + 20 + i * 20 + j));

    const left = channel(sut.finish(T0 + 220).wav, 0);

    expect(left.slice(0, 1600).every((s) => Math.abs(s - 3000) < 100)).toBe(true);
    expect(left.slice(1600).every((s) => s === 0)).toBe(true);
  });

  it('fills a gap of lost packets with silence', () => {
    const sut = new TwoChannelRecorder(T0);
    for (const i of [0, 1, 5, 6]) sut.add('agent', { payloadType: 0, timestamp: i * 160, ssrc: 3, payload: loud('PCMU', 3000) }, T0 + 20 + i * 20);

    const right = channel(sut.finish(T0 + 140).wav, 1);

    expect(right.slice(320, 800).every((s) => s === 0)).toBe(true);
    expect(right.slice(800, 1120).every((s) => s !== 0)).toBe(true);
  });

  it('re-anchors a new source by arrival time (the bridge switched from a prompt to the caller)', () => {
    const sut = new TwoChannelRecorder(T0);
    sut.add('caller', { payloadType: 0, timestamp: 0, ssrc: 1, payload: loud('PCMU', 3000) }, T0 + 20);
    sut.add('caller', { payloadType: 0, timestamp: 123_456, ssrc: 2, payload: loud('PCMU', 3000) }, T0 + 520);

    const left = channel(sut.finish(T0 + 600).wav, 0);

    // Arrived at 520 ms: its 160 samples end there.
    expect(left.slice(4000, 4160).every((s) => s !== 0)).toBe(true);
    expect(left.slice(160, 4000).every((s) => s === 0)).toBe(true);
  });

  it('keeps the paused span silent in both channels and resumes on finish', () => {
    const sut = new TwoChannelRecorder(T0);
    for (let i = 0; i < 150; i++) {
      const at = T0 + 20 + i * 20;
      if (i === 50) sut.pause(T0 + 1000);
      if (i === 100) sut.resume(T0 + 2000);
      sut.add('caller', { payloadType: 0, timestamp: i * 160, ssrc: 1, payload: loud('PCMU', 2500) }, at);
      sut.add('agent', { payloadType: 0, timestamp: i * 160, ssrc: 2, payload: loud('PCMU', -2500) }, at);
    }
    sut.pause(T0 + 2800);

    const { wav, paused, durationMs } = sut.finish(T0 + 3000);
    const left = channel(wav, 0);
    const right = channel(wav, 1);

    expect(durationMs).toBe(3000);
    expect(paused).toEqual([
      [1000, 2000],
      [2800, 3000],
    ]);
    for (const samples of [left, right]) {
      expect(samples.slice(8000, 16_000).every((s) => s === 0)).toBe(true);
      expect(samples.slice(22_400).every((s) => s === 0)).toBe(true);
      expect(samples.slice(0, 8000).filter((s) => s !== 0).length).toBe(8000);
      expect(samples.slice(16_000, 22_400).filter((s) => s !== 0).length).toBe(6400);
    }
  });

  it('ignores telephone events and packets after finish', () => {
    const sut = new TwoChannelRecorder(T0);
    sut.add('caller', { payloadType: 101, timestamp: 0, ssrc: 1, payload: Buffer.from('018a00a0', 'hex') }, T0 + 20);

    const { wav } = sut.finish(T0 + 100);
    sut.add('caller', { payloadType: 0, timestamp: 0, ssrc: 1, payload: loud('PCMU', 3000) }, T0 + 20);

    expect(channel(wav, 0).every((s) => s === 0)).toBe(true);
  });

  it('finishes in slices with the same bytes, letting the event loop run between them', async () => {
    // 10.5 s, both legs, a law change, a gap, a pause, a second source: every path of the decoding.
    const feed = (sut: TwoChannelRecorder) => {
      for (let i = 0; i < 525; i++) {
        const at = T0 + 20 + i * 20;
        if (i === 100) sut.pause(T0 + 2000);
        if (i === 150) sut.resume(T0 + 3000);
        if (i % 37 !== 0) sut.add('caller', { payloadType: i < 300 ? 0 : 8, timestamp: i * 160, ssrc: 1, payload: loud(i < 300 ? 'PCMU' : 'PCMA', 1500 + i) }, at);
        sut.add('agent', { payloadType: 8, timestamp: 7 + i * 160, ssrc: i < 400 ? 2 : 3, payload: loud('PCMA', -900 - i) }, at);
      }
      sut.pause(T0 + 10_400);
    };
    const [whole, sliced] = [new TwoChannelRecorder(T0), new TwoChannelRecorder(T0)];
    feed(whole);
    feed(sliced);
    const expected = whole.finish(T0 + 10_500);
    const finishing = sliced.finishInSlices(T0 + 10_500, 2);
    // Queued while the first slice waits for its turn: it runs before the last slice is done.
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    const actual = await finishing;

    expect(Buffer.from(actual.wav).equals(Buffer.from(expected.wav))).toBe(true);
    expect([actual.durationMs, actual.paused]).toEqual([expected.durationMs, expected.paused]);
    expect(ranBetween).toBe(true);
  });

  it('records the caller alone as a mono file when asked (a voicemail message)', () => {
    const sut = new TwoChannelRecorder(T0, { channels: 1 });
    sut.add('caller', { payloadType: 0, timestamp: 0, ssrc: 1, payload: loud('PCMU', 3000) }, T0 + 20);
    sut.add('agent', { payloadType: 0, timestamp: 0, ssrc: 2, payload: loud('PCMU', 3000) }, T0 + 20);

    const file = new WaveFile(sut.finish(T0 + 100).wav);

    expect((file.fmt as { numChannels: number }).numChannels).toBe(1);
    expect(Array.from(file.getSamples(false) as unknown as Float64Array).filter((s) => s !== 0)).toHaveLength(160);
  });
});

describe(pcm16Wav.name, () => {
  it('writes a PCM WAV that wavefile reads back sample for sample, interleaved and mono', () => {
    const left = Int16Array.from([0, 1, -1, 32767, -32768]);
    const right = Int16Array.from([5, -5, 300, -300, 7]);
    const stereo = new WaveFile(pcm16Wav([left, right], 8000));
    const mono = new WaveFile(pcm16Wav([left], 16000));

    expect(stereo.fmt).toMatchObject({ numChannels: 2, sampleRate: 8000, bitsPerSample: 16, audioFormat: 1 });
    expect((stereo.getSamples(false, Int16Array) as unknown as Int16Array[]).map((c) => [...c])).toEqual([[...left], [...right]]);
    expect(mono.fmt).toMatchObject({ numChannels: 1, sampleRate: 16000 });
    expect([...(mono.getSamples(false, Int16Array) as unknown as Int16Array)]).toEqual([...left]);
  });
});
