import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function udpFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const bound = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return bound;
}

/**
 * A port on 127.0.0.1 that was free a moment ago for both TCP and UDP, for servers that need a
 * fixed URL. SIP and RTP listen on UDP, where ephemeral ports of other processes (media
 * sockets, sipp) can hold a number that TCP still reports free.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (await udpFree(port)) return port;
  }
  throw new Error('no port on 127.0.0.1 is free for both TCP and UDP');
}
