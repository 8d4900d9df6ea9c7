import { RtpHeader, RtpPacket } from 'werift-rtp';
import { RtpError } from './rtp-error';

/** The RTP fields the media layer uses (RFC 3550 §5.1). */
export interface RtpPacketFields {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payload: Buffer;
}

const FIXED_HEADER = 12;

/**
 * Parses one datagram: the version, CSRC count, extension and padding are checked against its
 * length, then the fixed header is read in place and the payload is a view of the datagram.
 * Done by hand rather than with werift-rtp's decoder: this runs for every relayed packet, and
 * werift builds a header object bit by bit (and trusts the lengths it reads).
 */
export function parseRtp(datagram: Buffer): RtpPacketFields {
  if (datagram.length < FIXED_HEADER) throw new RtpError('MALFORMED_RTP', `${datagram.length} bytes is shorter than an RTP header`);
  const first = datagram[0];
  if (first >> 6 !== 2) throw new RtpError('MALFORMED_RTP', `RTP version ${first >> 6}, expected 2`);
  let headerLength = FIXED_HEADER + (first & 0x0f) * 4;
  if (datagram.length < headerLength) throw new RtpError('MALFORMED_RTP', 'CSRC list runs past the datagram');
  if (first & 0x10) {
    if (datagram.length < headerLength + 4) throw new RtpError('MALFORMED_RTP', 'header extension runs past the datagram');
    headerLength += 4 + datagram.readUInt16BE(headerLength + 2) * 4;
    if (datagram.length < headerLength) throw new RtpError('MALFORMED_RTP', 'header extension runs past the datagram');
  }
  let padding = 0;
  if (first & 0x20) {
    padding = datagram[datagram.length - 1];
    if (padding === 0 || headerLength + padding > datagram.length) throw new RtpError('MALFORMED_RTP', `bad padding length ${padding}`);
  }
  const second = datagram[1];
  return {
    payloadType: second & 0x7f,
    sequenceNumber: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    marker: (second & 0x80) !== 0,
    payload: datagram.subarray(headerLength, datagram.length - padding),
  };
}

export function serializeRtp(fields: RtpPacketFields): Buffer {
  const header = new RtpHeader({
    payloadType: fields.payloadType,
    sequenceNumber: fields.sequenceNumber,
    timestamp: fields.timestamp,
    ssrc: fields.ssrc,
    marker: fields.marker,
  });
  return new RtpPacket(header, fields.payload).serialize();
}
