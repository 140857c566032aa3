// RTCP (RFC 3550 section 6) as far as a receiving intercom needs it: receiver/sender reports
// so the door's encoder sees our loss, SDES CNAME because a compound packet must carry one,
// BYE on hang-up, and the key-frame requests video senders react to: PLI (RFC 4585, PSFB FMT 1)
// and FIR (RFC 5104, PSFB FMT 4; some older door firmware only honours FIR).
// Parsing is lenient and never throws: we only need who sent it and the SR timing for LSR/DLSR.

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, 0..255 (RFC 3550 6.4.1: 8-bit fixed point). */
  fractionLost: number;
  /** Cumulative packets lost; signed 24 bits (duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from this source, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s, 0 if none. */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

function header(out: Buffer, offset: number, count: number, type: number, lengthWords: number): void {
  out[offset] = 0x80 | (count & 0x1f);
  out[offset + 1] = type;
  out.writeUInt16BE(lengthWords - 1, offset + 2);
}

function writeBlock(out: Buffer, offset: number, b: ReportBlock): void {
  out.writeUInt32BE(b.ssrc >>> 0, offset);
  out[offset + 4] = Math.max(0, Math.min(255, b.fractionLost | 0));
  const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost | 0)) & 0xffffff;
  out[offset + 5] = (lost >> 16) & 0xff;
  out.writeUInt16BE(lost & 0xffff, offset + 6);
  out.writeUInt32BE(b.extendedHighestSeq >>> 0, offset + 8);
  out.writeUInt32BE(Math.max(0, Math.floor(b.jitter)) >>> 0, offset + 12);
  out.writeUInt32BE(b.lastSr >>> 0, offset + 16);
  out.writeUInt32BE(b.delaySinceLastSr >>> 0, offset + 20);
}

export function buildReceiverReport(senderSsrc: number, blocks: ReportBlock[]): Buffer {
  const list = blocks.slice(0, 31);
  const out = Buffer.alloc(8 + 24 * list.length);
  header(out, 0, list.length, RTCP_RR, out.length / 4);
  out.writeUInt32BE(senderSsrc >>> 0, 4);
  list.forEach((b, i) => writeBlock(out, 8 + 24 * i, b));
  return out;
}

export function buildSenderReport(senderSsrc: number, info: SenderInfo, blocks: ReportBlock[]): Buffer {
  const list = blocks.slice(0, 31);
  const out = Buffer.alloc(28 + 24 * list.length);
  header(out, 0, list.length, RTCP_SR, out.length / 4);
  out.writeUInt32BE(senderSsrc >>> 0, 4);
  out.writeUInt32BE(info.ntpSeconds >>> 0, 8);
  out.writeUInt32BE(info.ntpFraction >>> 0, 12);
  out.writeUInt32BE(info.rtpTimestamp >>> 0, 16);
  out.writeUInt32BE(info.packetCount >>> 0, 20);
  out.writeUInt32BE(info.octetCount >>> 0, 24);
  list.forEach((b, i) => writeBlock(out, 28 + 24 * i, b));
  return out;
}

export function buildSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8').subarray(0, 255);
  // ssrc + (type, length, text) + at least one null terminator, padded to 32 bits.
  const chunk = 4 + 2 + text.length;
  const padded = Math.ceil((chunk + 1) / 4) * 4;
  const out = Buffer.alloc(4 + padded);
  header(out, 0, 1, RTCP_SDES, out.length / 4);
  out.writeUInt32BE(ssrc >>> 0, 4);
  out[8] = 1; // CNAME
  out[9] = text.length;
  out.set(text, 10);
  return out;
}

export function buildBye(ssrc: number): Buffer {
  const out = Buffer.alloc(8);
  header(out, 0, 1, RTCP_BYE, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  return out;
}

/** Picture Loss Indication: RFC 4585 6.3.1, no FCI. */
export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const out = Buffer.alloc(12);
  header(out, 0, 1, RTCP_PSFB, 3);
  out.writeUInt32BE(senderSsrc >>> 0, 4);
  out.writeUInt32BE(mediaSsrc >>> 0, 8);
  return out;
}

/** Full Intra Request: RFC 5104 4.3.1; media source field 0, the target SSRC sits in the FCI. */
export function buildFir(senderSsrc: number, mediaSsrc: number, commandSeq: number): Buffer {
  const out = Buffer.alloc(20);
  header(out, 0, 4, RTCP_PSFB, 5);
  out.writeUInt32BE(senderSsrc >>> 0, 4);
  out.writeUInt32BE(0, 8);
  out.writeUInt32BE(mediaSsrc >>> 0, 12);
  out[16] = commandSeq & 0xff;
  return out;
}

export interface RtcpPacketSummary {
  type: number;
  /** Report count / SDES count / FMT, the low five bits of the first byte. */
  count: number;
  /** Sender SSRC (SR, RR, PSFB, RTPFB) or first SSRC (SDES, BYE); undefined when absent. */
  ssrc?: number;
  senderInfo?: SenderInfo;
  reportBlocks?: ReportBlock[];
  /** For PSFB/RTPFB: the media source the feedback is about. */
  mediaSsrc?: number;
}

function readBlock(view: DataView, offset: number): ReportBlock {
  const lostRaw = (view.getUint8(offset + 5) << 16) | view.getUint16(offset + 6);
  return {
    ssrc: view.getUint32(offset),
    fractionLost: view.getUint8(offset + 4),
    cumulativeLost: lostRaw & 0x800000 ? lostRaw - 0x1000000 : lostRaw,
    extendedHighestSeq: view.getUint32(offset + 8),
    jitter: view.getUint32(offset + 12),
    lastSr: view.getUint32(offset + 16),
    delaySinceLastSr: view.getUint32(offset + 20),
  };
}

/** Walk a compound RTCP datagram. Returns null when the first packet is not valid RTCP. */
export function parseRtcpCompound(data: Uint8Array): RtcpPacketSummary[] | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: RtcpPacketSummary[] = [];
  let offset = 0;
  while (offset + 4 <= data.length) {
    const b0 = data[offset]!;
    const type = data[offset + 1]!;
    if (b0 >> 6 !== 2 || type < 192 || type > 223) break;
    const length = (view.getUint16(offset + 2) + 1) * 4;
    if (offset + length > data.length) break;
    const count = b0 & 0x1f;
    const summary: RtcpPacketSummary = { type, count };
    if (length >= 8) summary.ssrc = view.getUint32(offset + 4);
    if (type === RTCP_SR && length >= 28) {
      summary.senderInfo = {
        ntpSeconds: view.getUint32(offset + 8),
        ntpFraction: view.getUint32(offset + 12),
        rtpTimestamp: view.getUint32(offset + 16),
        packetCount: view.getUint32(offset + 20),
        octetCount: view.getUint32(offset + 24),
      };
      summary.reportBlocks = [];
      for (let i = 0; i < count && offset + 28 + 24 * (i + 1) <= offset + length; i++) {
        summary.reportBlocks.push(readBlock(view, offset + 28 + 24 * i));
      }
    } else if (type === RTCP_RR) {
      summary.reportBlocks = [];
      for (let i = 0; i < count && 8 + 24 * (i + 1) <= length; i++) {
        summary.reportBlocks.push(readBlock(view, offset + 8 + 24 * i));
      }
    } else if ((type === RTCP_PSFB || type === RTCP_RTPFB) && length >= 12) {
      summary.mediaSsrc = view.getUint32(offset + 8);
    }
    out.push(summary);
    offset += length;
  }
  return out.length > 0 ? out : null;
}

/** NTP time (RFC 3550 4) from Unix milliseconds. */
export function ntpFromUnixMs(ms: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(ms / 1000) + 2208988800;
  const fraction = Math.floor(((ms % 1000) / 1000) * 0x100000000);
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** The middle 32 bits of an NTP timestamp, as LSR carries them. */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}
