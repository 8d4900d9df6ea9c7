import { parse } from 'sdp-transform';
import { answerOffer, createOffer, readAnswer, SdpError } from './sdp-negotiation';

const offer = (payloads: string, extra = '', direction = 'sendrecv'): string =>
  [
    'v=0',
    'o=user1 53655765 2353687637 IN IP4 192.0.2.7',
    's=-',
    'c=IN IP4 192.0.2.7',
    't=0 0',
    'm=video 7000 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    `m=audio 6000 RTP/AVP ${payloads}`,
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    extra,
    `a=${direction}`,
    '',
  ]
    .filter((line, i, all) => line !== '' || i === all.length - 1)
    .join('\r\n');

const local = { address: '198.51.100.1', port: 40000, sessionId: 1 };

describe(answerOffer.name, () => {
  it('picks PCMU before PCMA, keeps telephone-event and refuses the video stream', () => {
    const { answer, session } = answerOffer(offer('8 0 101'), local);
    const parsed = parse(answer);

    expect(session).toEqual({
      remoteAddress: '192.0.2.7',
      remotePort: 6000,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEventPayloadType: 101,
      direction: 'sendrecv',
      ptimeMs: 20,
    });
    expect(parsed.media.map((m) => [m.type, m.port])).toEqual([
      ['video', 0],
      ['audio', 40000],
    ]);
    expect(parsed.media[1].payloads).toBe('0 101');
    expect(parsed.connection?.ip).toBe('198.51.100.1');
  });

  it('honours a PCMA-only offer with a dynamic payload number and answers hold with recvonly', () => {
    const { session, answer } = answerOffer(offer('97', 'a=rtpmap:97 PCMA/8000', 'sendonly'), local);

    expect(session).toMatchObject({ codec: 'PCMA', payloadType: 97, direction: 'recvonly', telephoneEventPayloadType: undefined });
    expect(parse(answer).media[1].direction).toBe('recvonly');
  });

  it('answers 488 when only unsupported codecs are offered and 400 for unparseable SDP', () => {
    expect(() => answerOffer(offer('18 101', 'a=rtpmap:18 G729/8000'), local)).toThrow(expect.objectContaining({ status: 488 }));
    expect(() => answerOffer('hello', local)).toThrow(SdpError);
    expect(() => answerOffer('hello', local)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => answerOffer('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n', local)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

describe(createOffer.name, () => {
  it('offers G.711 and telephone-event, and reads the answer back', () => {
    const ours = createOffer(local);
    const { answer } = answerOffer(ours, { address: '192.0.2.9', port: 5004 });

    expect(parse(ours).media[0].payloads).toBe('0 8 101');
    expect(readAnswer(answer, local)).toMatchObject({ remoteAddress: '192.0.2.9', remotePort: 5004, codec: 'PCMU', telephoneEventPayloadType: 101 });
  });
});
