import { RtpError } from '../rtp/rtp-error';
import { decodeTelephoneEvent, digitOfEvent, encodeTelephoneEvent, eventOfDigit, telephoneEventPackets } from './telephone-event';

describe('RFC 4733 telephone-event', () => {
  it('decodes the end packet of sipp’s capture of key 1 (end bit, volume 10, 2240 units)', () => {
    expect(decodeTelephoneEvent(Buffer.from('018a08c0', 'hex'))).toEqual({ event: 1, end: true, volume: 10, duration: 2240 });
  });

  it('round-trips an event', () => {
    const event = { event: 11, end: false, volume: 63, duration: 65535 };

    expect(decodeTelephoneEvent(encodeTelephoneEvent(event))).toEqual(event);
    expect(encodeTelephoneEvent(event).toString('hex')).toBe('0b3fffff');
  });

  it('maps keys to event codes (* = 10, # = 11, A–D = 12–15)', () => {
    expect(['0', '9', '*', '#', 'A', 'D'].map((d) => eventOfDigit(d as '0'))).toEqual([0, 9, 10, 11, 12, 15]);
    expect([0, 10, 11, 15, 16].map(digitOfEvent)).toEqual(['0', '*', '#', 'D', undefined]);
  });

  it.each([
    [{ event: 256, end: false, volume: 0, duration: 0 }, 'event 256 is not 0–255'],
    [{ event: 1, end: false, volume: 64, duration: 0 }, 'volume 64 is not 0–63'],
    [{ event: 1, end: false, volume: 1, duration: 70000 }, 'duration 70000 is not 0–65535'],
  ])('refuses to encode %o', (event, message) => {
    expect(() => encodeTelephoneEvent(event)).toThrow(new RtpError('MALFORMED_TELEPHONE_EVENT', message));
  });

  it('refuses a payload shorter than 4 bytes', () => {
    expect(() => decodeTelephoneEvent(Uint8Array.of(1, 2, 3))).toThrow('3 bytes, expected 4');
  });

  it('builds a press as growing durations then three end packets, marker on the first', () => {
    const packets = telephoneEventPackets('#', { durationMs: 100 }).map((p) => ({ ...decodeTelephoneEvent(p.payload), marker: p.marker }));

    expect(packets.map((p) => [p.duration, p.end, p.marker])).toEqual([
      [160, false, true],
      [320, false, false],
      [480, false, false],
      [640, false, false],
      [800, true, false],
      [800, true, false],
      [800, true, false],
    ]);
    expect(new Set(packets.map((p) => p.event))).toEqual(new Set([11]));
  });
});
