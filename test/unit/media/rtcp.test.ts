import { describe, expect, it } from 'vitest';
import { ReceptionStats } from '../../../electron/host/media/reception-stats.js';
import {
  RTCP_BYE,
  RTCP_PSFB,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  buildBye,
  buildFir,
  buildPli,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  parseRtcpCompound,
} from '../../../electron/host/media/rtcp.js';

describe('RTCP', () => {
  it('writes an RR that parses back with loss, sequence and jitter', () => {
    const rr = buildReceiverReport(0x11111111, [
      { ssrc: 0x22222222, fractionLost: 64, cumulativeLost: -3, extendedHighestSeq: 0x1fffe, jitter: 37, lastSr: 5, delaySinceLastSr: 6 },
    ]);
    expect(rr.length).toBe(32);
    expect(rr.readUInt16BE(2)).toBe(7);
    const [p] = parseRtcpCompound(rr)!;
    expect(p!.type).toBe(RTCP_RR);
    expect(p!.ssrc).toBe(0x11111111);
    expect(p!.reportBlocks).toEqual([
      { ssrc: 0x22222222, fractionLost: 64, cumulativeLost: -3, extendedHighestSeq: 0x1fffe, jitter: 37, lastSr: 5, delaySinceLastSr: 6 },
    ]);
  });

  it('writes PLI (PSFB FMT 1) and FIR (PSFB FMT 4) as RFC 4585/5104 lay them out', () => {
    const pli = buildPli(1, 2);
    expect([...pli.subarray(0, 4)]).toEqual([0x81, 206, 0, 2]);
    expect(pli.readUInt32BE(4)).toBe(1);
    expect(pli.readUInt32BE(8)).toBe(2);
    const fir = buildFir(1, 2, 7);
    expect([...fir.subarray(0, 4)]).toEqual([0x84, 206, 0, 4]);
    expect(fir.readUInt32BE(8)).toBe(0);
    expect(fir.readUInt32BE(12)).toBe(2);
    expect(fir[16]).toBe(7);
  });

  it('walks an SR + SDES + BYE compound and reports each sender SSRC', () => {
    const compound = Buffer.concat([
      buildSenderReport(0xabc, { ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 }, []),
      buildSdesCname(0xabc, 'door@10.0.0.9'),
      buildBye(0xabc),
      buildPli(0xabc, 0xdef),
    ]);
    const parsed = parseRtcpCompound(compound)!;
    expect(parsed.map((p) => p.type)).toEqual([RTCP_SR, RTCP_SDES, RTCP_BYE, RTCP_PSFB]);
    expect(parsed.every((p) => p.ssrc === 0xabc)).toBe(true);
    expect(parsed[0]!.senderInfo).toEqual({ ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 });
    expect(parsed[3]!.mediaSsrc).toBe(0xdef);
    expect(buildSdesCname(1, 'x').length % 4).toBe(0);
  });

  it('never throws on truncated or random input', () => {
    const good = Buffer.concat([buildReceiverReport(1, []), buildSdesCname(1, 'abc')]);
    for (let n = 0; n <= good.length; n++) expect(() => parseRtcpCompound(good.subarray(0, n))).not.toThrow();
    expect(parseRtcpCompound(Buffer.from([0x80, 0x60, 0, 1]))).toBeNull();
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(Array.from({ length: i % 50 }, (_, j) => (i * 31 + j * 17) & 0xff));
      expect(() => parseRtcpCompound(b)).not.toThrow();
    }
  });
});

describe('reception statistics', () => {
  it('counts loss across the sequence wrap and computes fraction lost per interval', () => {
    const stats = new ReceptionStats(9, 8000);
    let seq = 65530;
    for (let i = 0; i < 20; i++, seq = (seq + 1) & 0xffff) {
      if (i === 8 || i === 9) continue; // two lost, after the wrap
      stats.onPacket(seq, i * 160, i * 20);
    }
    const block = stats.report(1000);
    expect(block.cumulativeLost).toBe(2);
    expect(block.extendedHighestSeq).toBe(0x10000 + ((65530 + 19) & 0xffff));
    expect(block.fractionLost).toBe(Math.floor((2 * 256) / 20));
    expect(block.jitter).toBe(0); // perfectly paced
    expect(stats.report(2000).fractionLost).toBe(0);
  });
});
