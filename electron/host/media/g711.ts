// ITU-T G.711 A-law (PCMA) and μ-law (PCMU), table-driven.
// The door stations and the platform speak G.711 at 8 kHz; it is the one codec every peer has.
// Decoding is a 256-entry lookup; encoding is a lookup on the top bits of the 16-bit sample
// (A-law has 13 significant bits, μ-law 14), so both directions cost one array read per sample.
// The tables are built once from the reference algorithm (the classic Sun/CCITT g711.c).

const SEG_END_ALAW = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const SEG_END_ULAW = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ULAW_BIAS = 0x84;
const ULAW_CLIP = 8159;

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]!) return i;
  return ends.length;
}

/** Reference A-law encoder on a 13-bit sample (already shifted right by 3). */
function alawFrom13(pcm13: number): number {
  let mask: number;
  let v = pcm13;
  if (v >= 0) {
    mask = 0xd5; // sign bit set, even bits inverted
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_END_ALAW);
  if (seg >= 8) return 0x7f ^ mask;
  let aval = seg << 4;
  aval |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return aval ^ mask;
}

/** Reference μ-law encoder on a 14-bit sample (already shifted right by 2). */
function ulawFrom14(pcm14: number): number {
  let mask: number;
  let v = pcm14;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (v > ULAW_CLIP) v = ULAW_CLIP;
  v += ULAW_BIAS >> 2;
  const seg = segment(v, SEG_END_ULAW);
  if (seg >= 8) return 0x7f ^ mask;
  const uval = (seg << 4) | ((v >> (seg + 1)) & 0x0f);
  return uval ^ mask;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + ULAW_BIAS;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

const ALAW_DECODE = new Int16Array(256);
const ULAW_DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  ALAW_DECODE[i] = alawToLinear(i);
  ULAW_DECODE[i] = ulawToLinear(i);
}

// Indexed by (sample >> 3) + 4096 and (sample >> 2) + 8192: the low bits never change the code.
const ALAW_ENCODE = new Uint8Array(8192);
const ULAW_ENCODE = new Uint8Array(16384);
for (let i = 0; i < 8192; i++) ALAW_ENCODE[i] = alawFrom13(i - 4096);
for (let i = 0; i < 16384; i++) ULAW_ENCODE[i] = ulawFrom14(i - 8192);

export type G711Law = 'alaw' | 'ulaw';

export function encodeAlaw(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ALAW_ENCODE[(samples[i]! >> 3) + 4096]!;
  return out;
}

export function encodeUlaw(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ULAW_ENCODE[(samples[i]! >> 2) + 8192]!;
  return out;
}

export function decodeAlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = ALAW_DECODE[codes[i]!]!;
  return out;
}

export function decodeUlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = ULAW_DECODE[codes[i]!]!;
  return out;
}

export function encodeG711(law: G711Law, samples: Int16Array): Uint8Array {
  return law === 'alaw' ? encodeAlaw(samples) : encodeUlaw(samples);
}

export function decodeG711(law: G711Law, codes: Uint8Array): Int16Array {
  return law === 'alaw' ? decodeAlaw(codes) : decodeUlaw(codes);
}
