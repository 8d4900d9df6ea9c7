import { RtpError } from './rtp-error';
import { parseRtp, serializeRtp } from './rtp-packet';
import { RtpPacketizer, splitFrames } from './rtp-packetizer';

describe(parseRtp.name, () => {
  const fields = {
    payloadType: 8,
    sequenceNumber: 65535,
    timestamp: 0xffffffff,
    ssrc: 0xdeadbeef,
    marker: true,
    payload: Buffer.alloc(160, 0xd5),
  };

  it('round-trips every header field at its maximum', () => {
    const datagram = serializeRtp(fields);

    expect(datagram).toHaveLength(172);
    expect(datagram.subarray(0, 12).toString('hex')).toBe('8088ffffffffffffdeadbeef');
    expect(parseRtp(datagram)).toEqual(fields);
  });

  it('reads the RTP of sipp’s A-law capture header', () => {
    const datagram = Buffer.from('80080001000000a0000012340000', 'hex');

    expect(parseRtp(datagram)).toMatchObject({ payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234, marker: false });
  });

  it.each([
    ['a short datagram', Buffer.alloc(11, 0x80), '11 bytes is shorter than an RTP header'],
    ['version 1', Buffer.from('400000000000000000000000', 'hex'), 'RTP version 1, expected 2'],
    ['a CSRC count past the end', Buffer.from('830000000000000000000000', 'hex'), 'CSRC list runs past the datagram'],
    ['an extension past the end', Buffer.from('900000000000000000000000bede0004', 'hex'), 'header extension runs past the datagram'],
    ['padding longer than the packet', Buffer.from('a0000000000000000000000000000020', 'hex'), 'bad padding length 32'],
    ['zero padding', Buffer.from('a0000000000000000000000000000000', 'hex'), 'bad padding length 0'],
  ])('rejects %s', (_, datagram, message) => {
    expect(() => parseRtp(datagram)).toThrow(new RtpError('MALFORMED_RTP', message));
  });

  it('strips CSRCs, extensions and padding from the payload', () => {
    const datagram = Buffer.concat([
      Buffer.from('b1000001000000a000001234', 'hex'),
      Buffer.from('00000001', 'hex'),
      Buffer.from('bede000112345678', 'hex'),
      Buffer.from('aabb', 'hex'),
      Buffer.from('0002', 'hex'),
    ]);

    expect(parseRtp(datagram).payload.toString('hex')).toBe('aabb');
  });
});

describe(RtpPacketizer.name, () => {
  it('advances the sequence by one and the timestamp by the samples, wrapping both', () => {
    const sut = new RtpPacketizer({ payloadType: 0, ssrc: 7, initialSequence: 65535, initialTimestamp: 0xffffff60 });

    const first = parseRtp(sut.audio(new Uint8Array(160), true));
    const second = parseRtp(sut.audio(new Uint8Array(160)));

    expect([first.sequenceNumber, first.timestamp, first.marker]).toEqual([65535, 0xffffff60, true]);
    expect([second.sequenceNumber, second.timestamp, second.marker]).toEqual([0, 0, false]);
    expect(second.ssrc).toBe(7);
  });

  it('sends events at an explicit timestamp without moving the audio clock', () => {
    const sut = new RtpPacketizer({ payloadType: 0, ssrc: 7, initialSequence: 10, initialTimestamp: 1000 });

    const event = parseRtp(sut.packet(101, 1000, true, Buffer.alloc(4)));
    sut.advance(320);

    expect([event.payloadType, event.sequenceNumber, event.timestamp]).toEqual([101, 10, 1000]);
    expect(sut.timestamp).toBe(1320);
  });
});

describe(splitFrames.name, () => {
  it('cuts 20 ms frames and pads the last with the silence byte', () => {
    const frames = splitFrames(new Uint8Array(400).fill(1), 0xff);

    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect([...frames[2].subarray(75, 85)]).toEqual([1, 1, 1, 1, 1, 255, 255, 255, 255, 255]);
  });
});
