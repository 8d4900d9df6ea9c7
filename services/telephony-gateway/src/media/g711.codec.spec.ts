import { decodeG711, encodeG711, G711_PAYLOAD_TYPES, G711_SILENCE, g711CodecOf, transcodeG711 } from './g711.codec';

describe('G.711', () => {
  const tone = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));

  it.each(['PCMU', 'PCMA'] as const)('%s round-trips a tone within the law’s quantisation error', (codec) => {
    const decoded = decodeG711(codec, encodeG711(codec, tone));

    expect(decoded).toHaveLength(160);
    tone.forEach((sample, i) => expect(Math.abs(decoded[i] - sample)).toBeLessThanOrEqual(Math.max(16, Math.abs(sample) / 16)));
  });

  it.each(['PCMU', 'PCMA'] as const)('%s silence byte decodes to (near) zero', (codec) => {
    const [sample] = decodeG711(codec, Uint8Array.of(G711_SILENCE[codec]));

    expect(Math.abs(sample)).toBeLessThanOrEqual(8);
  });

  it('maps the static payload types both ways', () => {
    expect(G711_PAYLOAD_TYPES).toEqual({ PCMU: 0, PCMA: 8 });
    expect([0, 8, 101, 18].map(g711CodecOf)).toEqual(['PCMU', 'PCMA', undefined, undefined]);
  });

  it('transcodes µ-law to A-law keeping the signal', () => {
    const alaw = transcodeG711('PCMU', 'PCMA', encodeG711('PCMU', tone));
    const back = decodeG711('PCMA', alaw);

    tone.forEach((sample, i) => expect(Math.abs(back[i] - sample)).toBeLessThanOrEqual(Math.max(32, Math.abs(sample) / 8)));
  });
});
