import { parseRtp, RtpPacketFields } from '../rtp/rtp-packet';
import { readUdpFromPcap } from '../testing/pcap.reader';
import { DtmfDetector } from './dtmf-detector';
import { encodeTelephoneEvent } from './telephone-event';

const SIPP = '/usr/share/sip-tester';

function event(timestamp: number, code: number, duration: number, end: boolean, ssrc = 1): RtpPacketFields {
  return {
    payloadType: 101,
    sequenceNumber: 0,
    timestamp,
    ssrc,
    marker: false,
    payload: encodeTelephoneEvent({ event: code, end, volume: 10, duration }),
  };
}

describe(DtmfDetector.name, () => {
  it.each([
    ['dtmf_2833_1.pcap', '1'],
    ['dtmf_2833_5.pcap', '5'],
    ['dtmf_2833_star.pcap', '*'],
    ['dtmf_2833_pound.pcap', '#'],
  ])('detects exactly one key in sipp’s %s', (file, digit) => {
    const sut = new DtmfDetector(101);

    const detected = readUdpFromPcap(`${SIPP}/${file}`).flatMap((d) => sut.push(parseRtp(d.payload)));

    expect(detected).toEqual([{ digit, durationMs: 280, ssrc: expect.any(Number), timestamp: expect.any(Number) }]);
    expect(sut.flush()).toEqual([]);
  });

  it('reports a press once although its end packet is repeated, and ignores late copies', () => {
    const sut = new DtmfDetector(101);
    const packets = [event(1000, 4, 160, false), event(1000, 4, 320, false), event(1000, 4, 480, true), event(1000, 4, 480, true)];

    const detected = packets.flatMap((p) => sut.push(p));
    const late = sut.push(event(1000, 4, 320, false));

    expect(detected.map((d) => [d.digit, d.durationMs])).toEqual([['4', 60]]);
    expect(late).toEqual([]);
  });

  it('reports a press whose end packets were lost when the next press starts', () => {
    const sut = new DtmfDetector(101);
    sut.push(event(1000, 1, 160, false));
    sut.push(event(1000, 1, 320, false));

    const detected = sut.push(event(3000, 2, 160, false));

    expect(detected.map((d) => d.digit)).toEqual(['1']);
    expect(sut.flush().map((d) => d.digit)).toEqual(['2']);
  });

  it('keeps sources apart and ignores other payload types and unknown events', () => {
    const sut = new DtmfDetector(101);

    const detected = [
      event(1000, 7, 800, true, 1),
      event(1000, 8, 800, true, 2),
      { ...event(2000, 9, 800, true), payloadType: 0 },
      event(3000, 200, 800, true),
      { ...event(4000, 1, 800, true), payload: Buffer.alloc(2) },
    ].flatMap((p) => sut.push(p));

    expect(detected.map((d) => [d.digit, d.ssrc])).toEqual([
      ['7', 1],
      ['8', 2],
    ]);
  });
});
