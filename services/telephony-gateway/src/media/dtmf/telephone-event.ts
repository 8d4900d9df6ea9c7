import { DtmfDigit } from '../../domain/ivr';
import { RtpError } from '../rtp/rtp-error';

/** RFC 4733 §3.2 telephone-event payload. */
export interface TelephoneEvent {
  /** 0–9, 10 = *, 11 = #, 12–15 = A–D. */
  readonly event: number;
  readonly end: boolean;
  /** Power level in −dBm0 (0–63). */
  readonly volume: number;
  /** In RTP timestamp units since the event's timestamp. */
  readonly duration: number;
}

export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
const EVENT_DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

export function digitOfEvent(event: number): DtmfDigit | undefined {
  return EVENT_DIGITS[event];
}

export function eventOfDigit(digit: DtmfDigit): number {
  return EVENT_DIGITS.indexOf(digit);
}

export function encodeTelephoneEvent(event: TelephoneEvent): Buffer {
  if (!Number.isInteger(event.event) || event.event < 0 || event.event > 255) {
    throw new RtpError('MALFORMED_TELEPHONE_EVENT', `event ${event.event} is not 0–255`);
  }
  if (!Number.isInteger(event.volume) || event.volume < 0 || event.volume > 63) {
    throw new RtpError('MALFORMED_TELEPHONE_EVENT', `volume ${event.volume} is not 0–63`);
  }
  if (!Number.isInteger(event.duration) || event.duration < 0 || event.duration > 0xffff) {
    throw new RtpError('MALFORMED_TELEPHONE_EVENT', `duration ${event.duration} is not 0–65535`);
  }
  const payload = Buffer.alloc(4);
  payload[0] = event.event;
  payload[1] = (event.end ? 0x80 : 0) | event.volume;
  payload.writeUInt16BE(event.duration, 2);
  return payload;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4) throw new RtpError('MALFORMED_TELEPHONE_EVENT', `${payload.length} bytes, expected 4`);
  return {
    event: payload[0],
    end: (payload[1] & 0x80) !== 0,
    volume: payload[1] & 0x3f,
    duration: (payload[2] << 8) | payload[3],
  };
}

export interface TelephoneEventPacket {
  readonly payload: Buffer;
  /** Set on the first packet of the event (RFC 4733 §2.5.1.1). */
  readonly marker: boolean;
}

/**
 * The packets announcing one key press, one per `packetMs`: growing durations, then the
 * final duration with the end bit sent three times, as RFC 4733 §2.5.1.4 recommends.
 */
export function telephoneEventPackets(
  digit: DtmfDigit,
  options: { durationMs?: number; volume?: number; packetMs?: number; clockRate?: number } = {},
): TelephoneEventPacket[] {
  const { durationMs = 100, volume = 10, packetMs = 20, clockRate = 8000 } = options;
  const unit = (packetMs * clockRate) / 1000;
  const total = Math.max(unit, Math.round((durationMs * clockRate) / 1000));
  const event = eventOfDigit(digit);
  const packets: TelephoneEventPacket[] = [];
  for (let duration = unit; duration < total; duration += unit) {
    packets.push({ payload: encodeTelephoneEvent({ event, end: false, volume, duration }), marker: packets.length === 0 });
  }
  for (let copy = 0; copy < 3; copy++) {
    packets.push({ payload: encodeTelephoneEvent({ event, end: true, volume, duration: total }), marker: packets.length === 0 });
  }
  return packets;
}
