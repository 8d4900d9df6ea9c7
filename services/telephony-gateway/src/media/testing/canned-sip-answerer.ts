import { createSocket, Socket } from 'node:dgram';

/**
 * Answers every INVITE with 200 OK and an SDP naming `mediaPort`, and every BYE with 200 OK,
 * over UDP. Not a SIP implementation (that is libs/sip): just enough for sipp to start its
 * pcap media towards an endpoint under test.
 */
export class CannedSipAnswerer {
  private constructor(
    private readonly socket: Socket,
    private readonly mediaPort: number,
  ) {
    socket.on('message', (message, from) => {
      const reply = this.reply(message.toString('latin1'));
      if (reply) socket.send(reply, from.port, from.address);
    });
  }

  static async listen(mediaPort: number): Promise<CannedSipAnswerer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new CannedSipAnswerer(socket, mediaPort);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private reply(request: string): string | undefined {
    const method = request.slice(0, request.indexOf(' '));
    if (method !== 'INVITE' && method !== 'BYE') return undefined;
    const headers = request.split('\r\n\r\n')[0].split('\r\n');
    const copy = (name: string) => headers.filter((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const to = copy('To').map((h) => (method === 'INVITE' && !/;tag=/.test(h) ? `${h};tag=answerer` : h));
    const body =
      method === 'INVITE'
        ? ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${this.mediaPort} RTP/AVP 8 101`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', ''].join('\r\n')
        : '';
    return [
      'SIP/2.0 200 OK',
      ...copy('Via'),
      ...copy('From'),
      ...to,
      ...copy('Call-ID'),
      ...copy('CSeq'),
      `Contact: <sip:answerer@127.0.0.1:${this.port}>`,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }
}
