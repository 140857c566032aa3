// RTP fixed header (RFC 3550 section 5.1). Everything here comes from the network, so parsing
// never throws: a malformed datagram yields null and the caller counts and drops it.

export interface RtpPacket {
  version: number;
  padding: boolean;
  extension: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** Header extension (RFC 3550 5.3.1), kept only so serialize() can round-trip it. */
  extensionProfile?: number;
  extensionData?: Uint8Array;
  /** The payload without padding; a view into the original datagram. */
  payload: Uint8Array;
}

const FIXED_HEADER = 12;

/** True when the second byte is an RTCP packet type (200-204, RFC 5761 section 4). */
export function looksLikeRtcp(data: Uint8Array): boolean {
  if (data.length < 2) return false;
  const pt = data[1]!;
  return pt >= 192 && pt <= 223;
}

export function parseRtpPacket(data: Uint8Array): RtpPacket | null {
  if (data.length < FIXED_HEADER) return null;
  const b0 = data[0]!;
  const b1 = data[1]!;
  const version = b0 >> 6;
  if (version !== 2) return null;
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = FIXED_HEADER;
  const csrcs: number[] = [];
  if (offset + csrcCount * 4 > data.length) return null;
  for (let i = 0; i < csrcCount; i++, offset += 4) csrcs.push(view.getUint32(offset));
  let extensionProfile: number | undefined;
  let extensionData: Uint8Array | undefined;
  if (extension) {
    if (offset + 4 > data.length) return null;
    extensionProfile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    offset += 4;
    if (offset + words * 4 > data.length) return null;
    extensionData = data.subarray(offset, offset + words * 4);
    offset += words * 4;
  }
  let end = data.length;
  if (padding) {
    const padLength = data[data.length - 1]!;
    if (padLength === 0 || end - padLength < offset) return null;
    end -= padLength;
  }
  const packet: RtpPacket = {
    version,
    padding,
    extension,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrcs,
    payload: data.subarray(offset, end),
  };
  if (extensionProfile !== undefined) packet.extensionProfile = extensionProfile;
  if (extensionData !== undefined) packet.extensionData = extensionData;
  return packet;
}

export interface RtpPacketInit {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs?: number[];
  extensionProfile?: number;
  extensionData?: Uint8Array;
  payload: Uint8Array;
}

/** Serialize without padding (we never need it: no SRTP, no block ciphers). */
export function serializeRtpPacket(p: RtpPacketInit): Buffer {
  const csrcs = (p.csrcs ?? []).slice(0, 15);
  const ext = p.extensionData;
  const extLength = ext ? 4 + Math.ceil(ext.length / 4) * 4 : 0;
  const out = Buffer.alloc(FIXED_HEADER + csrcs.length * 4 + extLength + p.payload.length);
  out[0] = 0x80 | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  let offset = FIXED_HEADER;
  for (const c of csrcs) {
    out.writeUInt32BE(c >>> 0, offset);
    offset += 4;
  }
  if (ext) {
    out.writeUInt16BE((p.extensionProfile ?? 0) & 0xffff, offset);
    out.writeUInt16BE((extLength - 4) / 4, offset + 2);
    out.set(ext, offset + 4);
    offset += extLength;
  }
  out.set(p.payload, offset);
  return out;
}
