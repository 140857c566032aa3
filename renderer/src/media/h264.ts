// What the screen needs to know about an H.264 Annex-B access unit before handing it to WebCodecs:
// the codec string, which VideoDecoder.configure() wants and which the SPS alone tells. Pure code
// (no DOM), so the unit tests run it under Node.

const NAL_SPS = 7;

/** The first SPS NAL unit of an Annex-B access unit (a view into it), or null. */
export function findSps(annexB: Uint8Array): Uint8Array | null {
  for (let i = 0; i + 3 < annexB.length; i++) {
    // A start code is 00 00 01 (the 4-byte form ends with the same three bytes).
    if (annexB[i] !== 0 || annexB[i + 1] !== 0 || annexB[i + 2] !== 1) continue;
    const start = i + 3;
    if (((annexB[start] ?? 0) & 0x1f) !== NAL_SPS) continue;
    let end = start + 1;
    while (end + 2 < annexB.length && !(annexB[end] === 0 && annexB[end + 1] === 0 && (annexB[end + 2] === 1 || annexB[end + 2] === 0))) end++;
    return annexB.subarray(start, end + 2 < annexB.length ? end : annexB.length);
  }
  return null;
}

/**
 * RFC 6381's codec string from an SPS: avc1.PPCCLL (profile_idc, the constraint flags byte,
 * level_idc), e.g. avc1.42E01E for constrained baseline level 3.0. Null for a truncated SPS.
 */
export function codecFromSps(sps: Uint8Array): string | null {
  if (sps.length < 4) return null;
  const hex = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();
  return `avc1.${hex(sps[1]!)}${hex(sps[2]!)}${hex(sps[3]!)}`;
}

/** The codec string of a key access unit, or null when it carries no (usable) SPS. */
export function codecOf(annexB: Uint8Array): string | null {
  const sps = findSps(annexB);
  return sps ? codecFromSps(sps) : null;
}
