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

const recentBlocks: [from: number, to: number][] = [];

/**
 * The first of `count` consecutive UDP ports on 127.0.0.1 that were free a moment ago, for
 * peers that bind a block from one base (sipp's `-mp` takes the audio port and the video port
 * two above it). Drawn below Linux's ephemeral range (32768+), where sockets bound to port 0
 * (media relays, clients) never land, and below the 20000+ the benchmarks use.
 */
export async function freeUdpPortBlock(count = 4): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + 2 * Math.floor(Math.random() * 4_990);
    // A block handed out here a moment ago may not be bound yet by the peer it went to.
    if (recentBlocks.some(([from, to]) => base < to && from < base + count)) continue;
    let free = true;
    for (let port = base; free && port < base + count; port++) free = await udpFree(port);
    if (!free) continue;
    recentBlocks.push([base, base + count]);
    if (recentBlocks.length > 64) recentBlocks.shift();
    return base;
  }
  throw new Error(`no ${count} consecutive free UDP ports on 127.0.0.1`);
}
