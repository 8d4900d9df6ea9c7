import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';

export type G711Codec = 'PCMU' | 'PCMA';
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Static RTP payload types of G.711 (RFC 3551 Table 4). */
const STATIC_PAYLOADS: Record<number, G711Codec> = { 0: 'PCMU', 8: 'PCMA' };
const DEFAULT_TELEPHONE_EVENT_PT = 101;

/** The SDP cannot be used: 400 when it does not parse, 488 when nothing in it is acceptable. */
export class SdpError extends Error {
  override readonly name = 'SdpError';

  constructor(
    readonly status: 400 | 488,
    message: string,
  ) {
    super(message);
  }
}

/** One negotiated audio stream: what we send to and how. */
export interface AudioSession {
  remoteAddress: string;
  remotePort: number;
  codec: G711Codec;
  payloadType: number;
  /** RFC 4733 telephone-event payload type, when both sides have it. */
  telephoneEventPayloadType?: number;
  /** Direction from our point of view. */
  direction: MediaDirection;
  ptimeMs: number;
}

export interface LocalMedia {
  address: string;
  port: number;
  /** Codecs we accept, most preferred first. */
  codecs?: G711Codec[];
  sessionId?: number;
  sessionVersion?: number;
  /** Our own wish (hold sends sendonly); combined with the offer's direction in an answer. */
  direction?: MediaDirection;
}

interface OfferedCodec {
  payloadType: number;
  name: string;
  rate: number;
}

/** Parses SDP and checks what an audio session needs; throws {@link SdpError} (400). */
export function parseSdp(text: string): SessionDescription {
  if (!/^v=0\r?$/m.test(text.split('\n')[0] ?? '')) throw new SdpError(400, 'SDP must start with v=0');
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (error) {
    throw new SdpError(400, `unparseable SDP: ${(error as Error).message}`);
  }
  if (!sdp.origin || !sdp.media?.length) throw new SdpError(400, 'SDP needs o= and at least one m= line');
  for (const media of sdp.media) {
    if (!Number.isInteger(media.port) || media.port < 0 || media.port > 65535) throw new SdpError(400, `bad media port in m=${media.type}`);
    if (media.port > 0 && media.type === 'audio' && !(media.connection?.ip ?? sdp.connection?.ip)) {
      throw new SdpError(400, 'audio stream without c= connection address');
    }
  }
  return sdp;
}

function offeredCodecs(media: MediaDescription): OfferedCodec[] {
  const payloads = String(media.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return payloads
    .filter((pt) => Number.isInteger(pt) && pt >= 0 && pt <= 127)
    .map((pt) => {
      const rtp = media.rtp?.find((r) => r.payload === pt);
      if (rtp) return { payloadType: pt, name: rtp.codec, rate: rtp.rate ?? 8000 };
      return { payloadType: pt, name: STATIC_PAYLOADS[pt] ?? '', rate: 8000 };
    });
}

const sessionDirection = (media: MediaDescription, sdp: SessionDescription): MediaDirection =>
  (media.direction ?? sdp.direction ?? 'sendrecv') as MediaDirection;

const reverse = (direction: MediaDirection): MediaDirection =>
  direction === 'sendonly' ? 'recvonly' : direction === 'recvonly' ? 'sendonly' : direction;

/** Intersection of the offer's direction (seen from our side) with what we want. */
function combine(theirs: MediaDirection, ours: MediaDirection): MediaDirection {
  const weSend = (theirs === 'sendrecv' || theirs === 'sendonly') && (ours === 'sendrecv' || ours === 'sendonly');
  const weReceive = (theirs === 'sendrecv' || theirs === 'recvonly') && (ours === 'sendrecv' || ours === 'recvonly');
  return weSend && weReceive ? 'sendrecv' : weSend ? 'sendonly' : weReceive ? 'recvonly' : 'inactive';
}

function pickAudio(sdp: SessionDescription, codecs: G711Codec[]): { index: number; codec: OfferedCodec; dtmf?: OfferedCodec } | undefined {
  for (const [index, media] of sdp.media.entries()) {
    if (media.type !== 'audio' || media.port === 0 || !/^RTP\/AVP$/i.test(media.protocol)) continue;
    const offered = offeredCodecs(media);
    const codec = codecs
      .map((name) => offered.find((o) => o.name.toUpperCase() === name && o.rate === 8000))
      .find((o): o is OfferedCodec => o !== undefined);
    if (!codec) continue;
    const dtmf = offered.find((o) => o.name.toLowerCase() === 'telephone-event' && o.rate === 8000);
    return { index, codec, dtmf };
  }
  return undefined;
}

/**
 * SDP answer to an offer (RFC 3264 §6): one G.711 codec plus telephone-event when offered,
 * every other stream refused with port 0. Throws {@link SdpError} 488 when no audio stream
 * has PCMU or PCMA over RTP/AVP.
 */
export function answerOffer(offerText: string, local: LocalMedia): { answer: string; session: AudioSession } {
  const offer = parseSdp(offerText);
  const chosen = pickAudio(offer, local.codecs ?? ['PCMU', 'PCMA']);
  if (!chosen) throw new SdpError(488, 'no audio stream with PCMU or PCMA over RTP/AVP');
  const offered = offer.media[chosen.index];
  const direction = combine(reverse(sessionDirection(offered, offer)), local.direction ?? 'sendrecv');
  const media = offer.media.map((m, index): MediaDescription => {
    if (index !== chosen.index) return { type: m.type, port: 0, protocol: m.protocol, payloads: String(m.payloads ?? '').split(/\s+/)[0] ?? '0', rtp: [], fmtp: [] };
    return audioMedia(local.port, chosen.codec.payloadType, chosen.codec.name.toUpperCase() as G711Codec, chosen.dtmf?.payloadType, direction);
  });
  const answer = write(sessionSkeleton(local, media));
  const remoteAddress = offered.connection?.ip ?? offer.connection?.ip ?? '0.0.0.0';
  return {
    answer,
    session: {
      remoteAddress,
      remotePort: offered.port,
      codec: chosen.codec.name.toUpperCase() as G711Codec,
      payloadType: chosen.codec.payloadType,
      telephoneEventPayloadType: chosen.dtmf?.payloadType,
      direction,
      ptimeMs: offered.ptime ?? 20,
    },
  };
}

/**
 * Checks an offer before a call is handed to the application, so unusable offers are refused
 * at the SIP edge (400 / 488) whatever the application does.
 */
export function checkOffer(offerText: string, codecs: G711Codec[] = ['PCMU', 'PCMA']): void {
  if (!pickAudio(parseSdp(offerText), codecs)) throw new SdpError(488, 'no audio stream with PCMU or PCMA over RTP/AVP');
}

/** An offer with our G.711 codecs and telephone-event (payload type 101). */
export function createOffer(local: LocalMedia): string {
  const codecs = local.codecs ?? ['PCMU', 'PCMA'];
  const payloads = codecs.map((c) => (c === 'PCMU' ? 0 : 8));
  const media: MediaDescription = {
    type: 'audio',
    port: local.port,
    protocol: 'RTP/AVP',
    payloads: [...payloads, DEFAULT_TELEPHONE_EVENT_PT].join(' '),
    rtp: [
      ...codecs.map((c, i) => ({ payload: payloads[i], codec: c, rate: 8000 })),
      { payload: DEFAULT_TELEPHONE_EVENT_PT, codec: 'telephone-event', rate: 8000 },
    ],
    fmtp: [{ payload: DEFAULT_TELEPHONE_EVENT_PT, config: '0-16' }],
    ptime: 20,
    direction: local.direction ?? 'sendrecv',
  };
  return write(sessionSkeleton(local, [media]));
}

/** Reads the answer to our offer; 488 when it chose nothing we offered. */
export function readAnswer(answerText: string, local: LocalMedia): AudioSession {
  const answer = parseSdp(answerText);
  const chosen = pickAudio(answer, local.codecs ?? ['PCMU', 'PCMA']);
  if (!chosen) throw new SdpError(488, 'answer has no PCMU or PCMA audio stream');
  const media = answer.media[chosen.index];
  return {
    remoteAddress: media.connection?.ip ?? answer.connection?.ip ?? '0.0.0.0',
    remotePort: media.port,
    codec: chosen.codec.name.toUpperCase() as G711Codec,
    payloadType: chosen.codec.payloadType,
    telephoneEventPayloadType: chosen.dtmf?.payloadType,
    direction: reverse(sessionDirection(media, answer)),
    ptimeMs: media.ptime ?? 20,
  };
}

function audioMedia(port: number, pt: number, codec: G711Codec, dtmfPt: number | undefined, direction: MediaDirection): MediaDescription {
  return {
    type: 'audio',
    port,
    protocol: 'RTP/AVP',
    payloads: dtmfPt === undefined ? String(pt) : `${pt} ${dtmfPt}`,
    rtp: [{ payload: pt, codec, rate: 8000 }, ...(dtmfPt === undefined ? [] : [{ payload: dtmfPt, codec: 'telephone-event', rate: 8000 }])],
    fmtp: dtmfPt === undefined ? [] : [{ payload: dtmfPt, config: '0-16' }],
    ptime: 20,
    direction,
  };
}

function sessionSkeleton(local: LocalMedia, media: MediaDescription[]): SessionDescription {
  const ipVer = local.address.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: {
      username: '-',
      sessionId: local.sessionId ?? Math.floor(Math.random() * 1e9),
      sessionVersion: local.sessionVersion ?? 1,
      netType: 'IN',
      ipVer,
      address: local.address,
    },
    name: 'contactcenter',
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}
