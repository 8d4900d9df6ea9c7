import { alaw, mulaw } from 'alawmulaw';

/** The two G.711 laws, named as in SDP (RFC 3551). */
export type G711Codec = 'PCMU' | 'PCMA';

export const G711_CLOCK_RATE = 8000;
/** Static RTP payload types of RFC 3551. */
export const G711_PAYLOAD_TYPES: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };
/** The byte each law uses for digital silence (linear 0). */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = { PCMU: 0xff, PCMA: 0xd5 };

export function g711CodecOf(payloadType: number): G711Codec | undefined {
  return payloadType === 0 ? 'PCMU' : payloadType === 8 ? 'PCMA' : undefined;
}

export function encodeG711(codec: G711Codec, pcm: Int16Array): Uint8Array {
  return codec === 'PCMU' ? mulaw.encode(pcm) : alaw.encode(pcm);
}

export function decodeG711(codec: G711Codec, payload: Uint8Array): Int16Array {
  return codec === 'PCMU' ? mulaw.decode(payload) : alaw.decode(payload);
}

/** Re-encodes between the laws (prompts are stored µ-law; a trunk may want A-law). */
export function transcodeG711(from: G711Codec, to: G711Codec, payload: Uint8Array): Uint8Array {
  return from === to ? payload : encodeG711(to, decodeG711(from, payload));
}
