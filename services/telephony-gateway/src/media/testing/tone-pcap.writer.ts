import { writeFileSync } from 'node:fs';
import { encodeG711, G711_CLOCK_RATE, G711_PAYLOAD_TYPES, type G711Codec } from '../g711.codec';
import { serializeRtp } from '../rtp/rtp-packet';
import { FRAME_MS, SAMPLES_PER_FRAME } from '../rtp/rtp-packetizer';

export interface TonePcapOptions {
  readonly frequencyHz: number;
  readonly amplitude: number;
  readonly seconds: number;
  readonly codec?: G711Codec;
}

/**
 * Writes a classic pcap (Ethernet/IPv4/UDP) of a G.711 RTP stream carrying one sine tone,
 * 20 ms a packet, for sipp's `play_pcap_audio`: a party whose audio is known exactly, so a
 * test can tell by frequency who is heard where. Only for tests.
 */
export function writeTonePcap(path: string, options: TonePcapOptions): void {
  const codec = options.codec ?? 'PCMA';
  const frames = Math.round((options.seconds * 1000) / FRAME_MS);
  const records: Buffer[] = [globalHeader()];
  const ssrc = 0x746f6e00 + Math.round(options.frequencyHz);
  for (let i = 0; i < frames; i++) {
    const pcm = new Int16Array(SAMPLES_PER_FRAME);
    for (let s = 0; s < SAMPLES_PER_FRAME; s++) {
      const n = i * SAMPLES_PER_FRAME + s;
      pcm[s] = Math.round(options.amplitude * Math.sin((2 * Math.PI * options.frequencyHz * n) / G711_CLOCK_RATE));
    }
    const rtp = serializeRtp({
      payloadType: G711_PAYLOAD_TYPES[codec],
      sequenceNumber: i & 0xffff,
      timestamp: i * SAMPLES_PER_FRAME,
      ssrc,
      marker: i === 0,
      payload: Buffer.from(encodeG711(codec, pcm)),
    });
    records.push(record(i * FRAME_MS * 1000, udpFrame(rtp)));
  }
  writeFileSync(path, Buffer.concat(records));
}

function globalHeader(): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  return header;
}

function record(atMicros: number, frame: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(Math.floor(atMicros / 1e6), 0);
  header.writeUInt32LE(atMicros % 1e6, 4);
  header.writeUInt32LE(frame.length, 8);
  header.writeUInt32LE(frame.length, 12);
  return Buffer.concat([header, frame]);
}

/** Ethernet + IPv4 + UDP around a payload; sipp replaces addresses and ports when it plays. */
function udpFrame(payload: Buffer): Buffer {
  const ethernet = Buffer.alloc(14);
  ethernet.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.writeUInt32BE(0x7f000001, 12);
  ip.writeUInt32BE(0x7f000001, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40000, 0);
  udp.writeUInt16BE(40000, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([ethernet, ip, udp, payload]);
}

/** The amplitude of `frequencyHz` in `samples` (single-bin DFT), comparable to the tone's amplitude. */
export function toneAmplitude(samples: Int16Array, frequencyHz: number): number {
  let re = 0;
  let im = 0;
  for (let n = 0; n < samples.length; n++) {
    const angle = (2 * Math.PI * frequencyHz * n) / G711_CLOCK_RATE;
    re += samples[n] * Math.cos(angle);
    im -= samples[n] * Math.sin(angle);
  }
  return samples.length === 0 ? 0 : (2 * Math.hypot(re, im)) / samples.length;
}
