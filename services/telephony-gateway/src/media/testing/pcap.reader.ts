import { readFileSync } from 'node:fs';

/** One UDP datagram captured in a pcap file. */
export interface CapturedDatagram {
  /** Seconds since the first captured packet. */
  readonly atSeconds: number;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;

/**
 * The UDP payloads of a classic little-endian pcap file of Ethernet/IPv4 frames, which is
 * what sipp's sample media captures are. Only for tests replaying those captures.
 */
export function readUdpFromPcap(path: string): CapturedDatagram[] {
  const file = readFileSync(path);
  if (file.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${path} is not a little-endian pcap file`);
  if (file.readUInt32LE(20) !== LINKTYPE_ETHERNET) throw new Error(`${path} is not an Ethernet capture`);
  const datagrams: CapturedDatagram[] = [];
  let first: number | undefined;
  for (let offset = 24; offset + 16 <= file.length; ) {
    const seconds = file.readUInt32LE(offset) + file.readUInt32LE(offset + 4) / 1e6;
    const captured = file.readUInt32LE(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + captured);
    offset += 16 + captured;
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    if (ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0] & 0x0f) * 4);
    first ??= seconds;
    datagrams.push({
      atSeconds: seconds - first,
      sourcePort: udp.readUInt16BE(0),
      destinationPort: udp.readUInt16BE(2),
      payload: Buffer.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return datagrams;
}
