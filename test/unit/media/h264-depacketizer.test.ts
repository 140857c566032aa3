import { describe, expect, it } from 'vitest';
import {
  H264Depacketizer,
  type H264AccessUnit,
  type H264RtpPacket,
  toAnnexB,
} from '../../../electron/host/media/h264-depacketizer.js';

const SPS = Uint8Array.of(0x67, 0x42, 0xe0, 0x1f, 0xda, 0x02, 0x80, 0xf6, 0x80);
const PPS = Uint8Array.of(0x68, 0xce, 0x3c, 0x80);
const SPROP = `${Buffer.from(SPS).toString('base64')},${Buffer.from(PPS).toString('base64')}`;
/** Slices whose second byte starts with a 1 bit: first_mb_in_slice = 0 (a picture's first slice). */
const idr = (n = 40, fill = 0x11): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x65 : i === 1 ? 0x88 : fill));
const pSlice = (fill: number): Uint8Array => Uint8Array.of(0x41, 0x9a, fill, fill, fill);

function stapA(...nals: Uint8Array[]): Uint8Array {
  const parts: number[] = [0x18];
  for (const n of nals) parts.push(n.length >> 8, n.length & 0xff, ...n);
  return Uint8Array.from(parts);
}

function fuA(nal: Uint8Array, size: number): Uint8Array[] {
  const indicator = (nal[0]! & 0xe0) | 28;
  const body = nal.subarray(1);
  const out: Uint8Array[] = [];
  for (let o = 0; o < body.length; o += size) {
    const start = o === 0 ? 0x80 : 0;
    const end = o + size >= body.length ? 0x40 : 0;
    out.push(Uint8Array.from([indicator, start | end | (nal[0]! & 0x1f), ...body.subarray(o, o + size)]));
  }
  return out;
}

class Stream {
  seq = 65530; // crosses the wrap on purpose
  readonly packets: H264RtpPacket[] = [];
  frame(ts: number, payloads: Uint8Array[]): this {
    payloads.forEach((payload, i) =>
      this.packets.push({ payload, marker: i === payloads.length - 1, timestamp: ts, sequenceNumber: this.seq++ & 0xffff }),
    );
    return this;
  }
}

function run(packets: H264RtpPacket[], sprop?: string): { units: H264AccessUnit[]; keyRequests: number; d: H264Depacketizer } {
  const units: H264AccessUnit[] = [];
  let keyRequests = 0;
  const d = new H264Depacketizer({
    ...(sprop ? { spropParameterSets: sprop } : {}),
    onAccessUnit: (u) => units.push(u),
    onKeyFrameNeeded: () => keyRequests++,
  });
  packets.forEach((p, i) => d.push(p, 1000 + i));
  return { units, keyRequests, d };
}

describe('H.264 depacketizer', () => {
  it('joins a STAP-A (SPS+PPS) and a single-NAL IDR into one Annex-B key unit', () => {
    const s = new Stream().frame(3000, [stapA(SPS, PPS), idr()]);
    const { units } = run(s.packets);
    expect(units).toHaveLength(1);
    expect(units[0]!.key).toBe(true);
    expect(units[0]!.timestamp).toBe(3000);
    expect(units[0]!.receivedAt).toBe(1001);
    expect([...units[0]!.data]).toEqual([...toAnnexB([SPS, PPS, idr()])]);
    expect([...units[0]!.data.subarray(0, 4)]).toEqual([0, 0, 0, 1]);
  });

  it('reassembles FU-A fragments into the original NAL', () => {
    const big = idr(5000, 0x5a);
    const s = new Stream().frame(0, [SPS, PPS, ...fuA(big, 1100)]);
    expect(s.packets.length).toBe(2 + 5);
    const { units } = run(s.packets);
    expect(units).toHaveLength(1);
    expect([...units[0]!.data]).toEqual([...toAnnexB([SPS, PPS, big])]);
  });

  it('ends a unit on a timestamp change when the marker is missing', () => {
    const s = new Stream().frame(0, [SPS, PPS, idr()]).frame(6000, [pSlice(1)]).frame(12000, [pSlice(2)]);
    s.packets[2]!.marker = false;
    const { units } = run(s.packets);
    expect(units.map((u) => [u.timestamp, u.key])).toEqual([
      [0, true],
      [6000, false],
      [12000, false],
    ]);
  });

  it('after a loss drops everything until the next IDR, asks for a key frame, and re-adds SPS/PPS', () => {
    const s = new Stream()
      .frame(0, [stapA(SPS, PPS), ...fuA(idr(3000), 1000)])
      .frame(6000, [pSlice(1)])
      .frame(12000, [...fuA(Uint8Array.of(0x41, 0x9a, ...new Array(2500).fill(7)), 1000)])
      .frame(18000, [pSlice(3)])
      .frame(24000, fuA(idr(2000, 0x22), 1000)); // this IDR comes without parameter sets
    const lost = s.packets.findIndex((p) => p.timestamp === 12000) + 1; // the middle of the P frame
    const { units, keyRequests, d } = run(s.packets.filter((_, i) => i !== lost));
    expect(units.map((u) => [u.timestamp, u.key])).toEqual([
      [0, true],
      [6000, false],
      [24000, true],
    ]);
    expect(keyRequests).toBeGreaterThanOrEqual(1);
    expect(d.stats.gaps).toBe(1);
    expect(d.stats.droppedAccessUnits).toBe(2);
    expect([...units[2]!.data]).toEqual([...toAnnexB([SPS, PPS, idr(2000, 0x22)])]);
  });

  it('prepends sprop-parameter-sets when the stream never carries SPS/PPS', () => {
    const s = new Stream().frame(0, [idr()]).frame(6000, [pSlice(1)]);
    expect(run(s.packets).units).toHaveLength(0); // no parameter sets anywhere: nothing decodable
    const { units } = run(s.packets, SPROP);
    expect(units).toHaveLength(2);
    expect([...units[0]!.data]).toEqual([...toAnnexB([SPS, PPS, idr()])]);
  });

  it('waits for an intact IDR when it joins a stream mid-picture', () => {
    const s = new Stream().frame(0, [stapA(SPS, PPS), ...fuA(idr(3000), 1000)]).frame(6000, [pSlice(1)]);
    const { units, keyRequests } = run(s.packets.slice(2), SPROP); // first packets missed
    expect(units).toHaveLength(0);
    expect(keyRequests).toBeGreaterThan(0);
  });

  it('counts and drops FU-B, MTAP and STAP-B; never throws on malformed payloads', () => {
    const s = new Stream()
      .frame(0, [stapA(SPS, PPS), idr()])
      .frame(6000, [Uint8Array.of(29, 0x81, 1, 2, 3)])
      .frame(9000, [Uint8Array.of(26, 0, 1, 2)])
      .frame(12000, [Uint8Array.of(25, 0, 0, 0, 3, 1, 2, 3)]);
    const { units, d } = run(s.packets);
    expect(units).toHaveLength(1);
    expect(d.stats.unsupportedPackets).toBe(3);
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const fuzz = new H264Depacketizer({ onAccessUnit: () => undefined });
    for (let i = 0; i < 5000; i++) {
      const payload = Uint8Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256));
      expect(() =>
        fuzz.push({ payload, marker: rand() < 0.3, timestamp: Math.floor(rand() * 4) * 3000, sequenceNumber: i & 0xffff }, i),
      ).not.toThrow();
    }
    expect(fuzz.stats.malformedPackets).toBeGreaterThan(0);
  });
});
