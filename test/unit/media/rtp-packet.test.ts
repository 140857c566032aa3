import { describe, expect, it } from 'vitest';
import { looksLikeRtcp, parseRtpPacket, serializeRtpPacket } from '../../../electron/host/media/rtp-packet.js';
import { mulberry32 as prng } from '../../support/prng.js';


describe('RTP packet', () => {
  it('round-trips header fields, CSRCs and an extension', () => {
    const payload = Uint8Array.from({ length: 160 }, (_, i) => i);
    const buf = serializeRtpPacket({
      marker: true,
      payloadType: 96,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      csrcs: [1, 2],
      extensionProfile: 0xbede,
      extensionData: Uint8Array.of(0x10, 0xaa, 0, 0),
      payload,
    });
    const p = parseRtpPacket(buf)!;
    expect(p).not.toBeNull();
    expect(p.version).toBe(2);
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(96);
    expect(p.sequenceNumber).toBe(65535);
    expect(p.timestamp).toBe(0xfffffff0);
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrcs).toEqual([1, 2]);
    expect(p.extensionProfile).toBe(0xbede);
    expect([...p.extensionData!]).toEqual([0x10, 0xaa, 0, 0]);
    expect([...p.payload]).toEqual([...payload]);
  });

  it('strips padding and rejects impossible padding', () => {
    const base = serializeRtpPacket({ payloadType: 8, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Uint8Array.of(9, 9) });
    const padded = Buffer.concat([base, Buffer.from([0, 0, 3])]);
    padded[0] = padded[0]! | 0x20;
    expect([...parseRtpPacket(padded)!.payload]).toEqual([9, 9]);
    padded[padded.length - 1] = 200;
    expect(parseRtpPacket(padded)).toBeNull();
    padded[padded.length - 1] = 0;
    expect(parseRtpPacket(padded)).toBeNull();
  });

  it('returns null, never throws, on truncated, wrong-version and random datagrams', () => {
    const good = serializeRtpPacket({
      payloadType: 0,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      csrcs: [4, 5, 6],
      extensionData: new Uint8Array(8),
      payload: new Uint8Array(20),
    });
    for (let n = 0; n < good.length; n++) {
      const cut = good.subarray(0, n);
      expect(() => parseRtpPacket(cut)).not.toThrow();
      if (n < 12 + 12 + 4 + 8) expect(parseRtpPacket(cut)).toBeNull();
    }
    const random = prng(42);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(random() * 64);
      const buf = Uint8Array.from({ length: len }, () => Math.floor(random() * 256));
      if (random() < 0.5 && len > 0) buf[0] = (buf[0]! & 0x3f) | 0x80; // make many look like v2
      let p: ReturnType<typeof parseRtpPacket> = null;
      expect(() => (p = parseRtpPacket(buf))).not.toThrow();
      if (p) {
        parsed++;
        const pkt = p as NonNullable<ReturnType<typeof parseRtpPacket>>;
        expect(pkt.payload.byteOffset + pkt.payload.length).toBeLessThanOrEqual(buf.byteOffset + buf.length);
      }
    }
    expect(parsed).toBeGreaterThan(0);
    expect(parseRtpPacket(Buffer.alloc(0))).toBeNull();
  });

  it('tells RTCP from RTP by the packet type byte', () => {
    expect(looksLikeRtcp(Uint8Array.of(0x80, 200))).toBe(true);
    expect(looksLikeRtcp(Uint8Array.of(0x80, 0x60))).toBe(false);
    expect(looksLikeRtcp(Uint8Array.of(0x80))).toBe(false);
  });
});
