import { describe, expect, it } from 'vitest';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../../../electron/host/media/g711.js';

const enc = (f: (s: Int16Array) => Uint8Array, v: number): number => f(Int16Array.of(v))[0]!;
const dec = (f: (c: Uint8Array) => Int16Array, c: number): number => f(Uint8Array.of(c))[0]!;

describe('G.711 A-law', () => {
  it('codes the values around zero as 0xD5 / 0x55 (even bits inverted)', () => {
    expect(enc(encodeAlaw, 0)).toBe(0xd5);
    expect(enc(encodeAlaw, 7)).toBe(0xd5);
    expect(enc(encodeAlaw, -1)).toBe(0x55);
    expect(enc(encodeAlaw, -8)).toBe(0x55);
    expect(dec(decodeAlaw, 0xd5)).toBe(8);
    expect(dec(decodeAlaw, 0x55)).toBe(-8);
  });

  it('matches the reference decoder at the extremes and saturates', () => {
    expect(dec(decodeAlaw, 0xaa)).toBe(32256);
    expect(dec(decodeAlaw, 0x2a)).toBe(-32256);
    expect(enc(encodeAlaw, 32767)).toBe(0xaa);
    expect(enc(encodeAlaw, -32768)).toBe(0x2a);
  });

  it('round-trips every code exactly and every sample within the segment step', () => {
    for (let c = 0; c < 256; c++) expect(enc(encodeAlaw, dec(decodeAlaw, c))).toBe(c);
    for (let s = -32768; s <= 32767; s += 7) {
      const back = dec(decodeAlaw, enc(encodeAlaw, s));
      // Quantisation steps grow with the segment: the error stays below one step (≈ |s|/16).
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.abs(s) / 16 + 16);
    }
  });
});

describe('G.711 μ-law', () => {
  it('codes zero as 0xFF and decodes both zeros to 0', () => {
    expect(enc(encodeUlaw, 0)).toBe(0xff);
    expect(dec(decodeUlaw, 0xff)).toBe(0);
    expect(dec(decodeUlaw, 0x7f)).toBe(0);
    expect(enc(encodeUlaw, -4)).toBe(0x7e);
  });

  it('matches the reference decoder at the extremes and clips', () => {
    expect(dec(decodeUlaw, 0x80)).toBe(32124);
    expect(dec(decodeUlaw, 0x00)).toBe(-32124);
    expect(enc(encodeUlaw, 32767)).toBe(0x80);
    expect(enc(encodeUlaw, -32768)).toBe(0x00);
  });

  it('round-trips every code except the negative zero, and samples within the step', () => {
    for (let c = 0; c < 256; c++) {
      if (c === 0x7f) continue; // -0 decodes to 0, which encodes as +0 (0xFF)
      expect(enc(encodeUlaw, dec(decodeUlaw, c))).toBe(c);
    }
    for (let s = -32000; s <= 32000; s += 5) {
      const back = dec(decodeUlaw, enc(encodeUlaw, s));
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.abs(s) / 16 + 8);
    }
  });

  it('keeps a 1 kHz tone at ~38 dB SNR through both laws', () => {
    const tone = Int16Array.from({ length: 8000 }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 1000 * i) / 8000 + 0.3)));
    for (const [e, d] of [
      [encodeAlaw, decodeAlaw],
      [encodeUlaw, decodeUlaw],
    ] as const) {
      const back = d(e(tone));
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < tone.length; i++) {
        signal += tone[i]! ** 2;
        noise += (tone[i]! - back[i]!) ** 2;
      }
      expect(10 * Math.log10(signal / noise)).toBeGreaterThan(33);
    }
  });
});
