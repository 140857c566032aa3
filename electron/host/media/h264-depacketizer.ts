// RTP → H.264 access units (RFC 6184), shaped for WebCodecs' VideoDecoder: Annex-B with 4-byte
// start codes, one chunk per picture, and key chunks that a fresh decoder can start from
// (SPS + PPS + IDR). Supports single NAL unit packets, STAP-A and FU-A (packetization-mode 0
// and 1); STAP-B, MTAP and FU-B are interleaved-mode only and are dropped with a counter.
//
// Loss policy: a P-frame after a lost packet references a picture the decoder never got, and
// Chromium's decoder shows smeared garbage or errors out. So after any sequence gap every
// access unit is dropped until the next complete IDR, and a key frame is asked for.
// Packets must arrive in sequence order (the reorder buffer does that); a gap here is a loss.

export interface H264RtpPacket {
  payload: Uint8Array;
  marker: boolean;
  timestamp: number;
  sequenceNumber: number;
}

export interface H264AccessUnit {
  data: Uint8Array;
  key: boolean;
  timestamp: number;
  receivedAt: number;
}

export interface H264DepacketizerOptions {
  /** The fmtp sprop-parameter-sets (base64 SPS and PPS, comma separated), if the SDP had one. */
  spropParameterSets?: string;
  onAccessUnit: (unit: H264AccessUnit) => void;
  /** Called whenever only a key frame can get the picture going again (rate-limit upstream). */
  onKeyFrameNeeded?: () => void;
}

export interface H264DepacketizerStats {
  packets: number;
  accessUnits: number;
  keyUnits: number;
  droppedAccessUnits: number;
  gaps: number;
  malformedPackets: number;
  /** STAP-B, MTAP16/24, FU-B and reserved types: not used in modes 0/1. */
  unsupportedPackets: number;
  keyFrameRequests: number;
}

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
const NAL_AUD = 9;
const STAP_A = 24;
const FU_A = 28;
const START_CODE = Uint8Array.of(0, 0, 0, 1);

interface UnitInProgress {
  timestamp: number;
  nals: Uint8Array[];
  corrupt: boolean;
  /** Packets may have been lost just before this unit began: its start must be proven intact. */
  startSuspect: boolean;
  receivedAt: number;
}

export function nalType(nal: Uint8Array): number {
  return nal.length > 0 ? nal[0]! & 0x1f : 0;
}

function isVcl(type: number): boolean {
  return type >= NAL_SLICE && type <= NAL_IDR;
}

export function parseSpropParameterSets(sprop: string | undefined): Uint8Array[] {
  if (!sprop) return [];
  return sprop
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => new Uint8Array(Buffer.from(s, 'base64')))
    .filter((n) => n.length > 0);
}

export function toAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const n of nals) length += 4 + n.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const n of nals) {
    out.set(START_CODE, offset);
    out.set(n, offset + 4);
    offset += 4 + n.length;
  }
  return out;
}

export class H264Depacketizer {
  readonly stats: H264DepacketizerStats = {
    packets: 0,
    accessUnits: 0,
    keyUnits: 0,
    droppedAccessUnits: 0,
    gaps: 0,
    malformedPackets: 0,
    unsupportedPackets: 0,
    keyFrameRequests: 0,
  };
  private current: UnitInProgress | null = null;
  private fragments: Uint8Array[] | null = null;
  private lastSeq: number | undefined;
  /** The first packet we ever see may be mid-picture (we joined a running stream). */
  private nextStartSuspect = true;
  /** True until a complete IDR has been delivered, and again after every loss. */
  private waitingForKey = true;
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;

  constructor(private readonly options: H264DepacketizerOptions) {
    for (const nal of parseSpropParameterSets(options.spropParameterSets)) this.rememberParameterSet(nal);
  }

  push(packet: H264RtpPacket, receivedAt: number): void {
    this.stats.packets++;
    const seq = packet.sequenceNumber & 0xffff;
    const gap = this.lastSeq !== undefined && seq !== ((this.lastSeq + 1) & 0xffff);
    this.lastSeq = seq;

    if (this.current && this.current.timestamp !== packet.timestamp) this.finishUnit();
    if (gap) {
      this.stats.gaps++;
      if (this.current) this.current.corrupt = true;
      else this.nextStartSuspect = true;
      this.fragments = null;
      this.waitingForKey = true;
      this.requestKeyFrame();
    }
    if (!this.current) {
      this.current = {
        timestamp: packet.timestamp,
        nals: [],
        corrupt: false,
        startSuspect: this.nextStartSuspect,
        receivedAt,
      };
      this.nextStartSuspect = false;
    }
    this.current.receivedAt = receivedAt;
    this.addPayload(this.current, packet.payload);
    if (packet.marker) this.finishUnit();
  }

  /** Finish the unit in progress without waiting for a marker (end of stream). */
  flush(): void {
    if (this.current) this.finishUnit();
  }

  /** Forget the sequence position, e.g. when the sender's SSRC changes. */
  reset(): void {
    this.current = null;
    this.fragments = null;
    this.lastSeq = undefined;
    this.nextStartSuspect = true;
    this.waitingForKey = true;
  }

  private addPayload(unit: UnitInProgress, payload: Uint8Array): void {
    if (payload.length < 1) {
      this.malformed(unit);
      return;
    }
    const type = payload[0]! & 0x1f;
    if (type !== FU_A && this.fragments) {
      // A fragmented NAL was never finished: its end packet is gone.
      this.fragments = null;
      this.malformed(unit);
    }
    if (type >= 1 && type <= 23) {
      unit.nals.push(payload);
    } else if (type === STAP_A) {
      this.addStapA(unit, payload);
    } else if (type === FU_A) {
      this.addFuA(unit, payload);
    } else {
      // 25 STAP-B, 26 MTAP16, 27 MTAP24, 29 FU-B, 0/30/31 reserved. Dropping one loses a NAL.
      this.stats.unsupportedPackets++;
      unit.corrupt = true;
    }
  }

  private addStapA(unit: UnitInProgress, payload: Uint8Array): void {
    let offset = 1;
    const nals: Uint8Array[] = [];
    while (offset + 2 <= payload.length) {
      const size = (payload[offset]! << 8) | payload[offset + 1]!;
      offset += 2;
      if (size === 0 || offset + size > payload.length) {
        this.malformed(unit);
        return;
      }
      nals.push(payload.subarray(offset, offset + size));
      offset += size;
    }
    if (nals.length === 0 || offset !== payload.length) {
      this.malformed(unit);
      return;
    }
    unit.nals.push(...nals);
  }

  private addFuA(unit: UnitInProgress, payload: Uint8Array): void {
    if (payload.length < 3) {
      this.malformed(unit);
      return;
    }
    const indicator = payload[0]!;
    const header = payload[1]!;
    const start = (header & 0x80) !== 0;
    const end = (header & 0x40) !== 0;
    const data = payload.subarray(2);
    if (start) {
      if (this.fragments) this.malformed(unit);
      this.fragments = [Uint8Array.of((indicator & 0xe0) | (header & 0x1f)), data];
    } else if (!this.fragments) {
      // The start of this NAL was lost (or this is stray): the unit is missing a NAL.
      unit.corrupt = true;
      return;
    } else {
      this.fragments.push(data);
    }
    if (end) {
      const parts = this.fragments;
      this.fragments = null;
      let length = 0;
      for (const p of parts) length += p.length;
      const nal = new Uint8Array(length);
      let offset = 0;
      for (const p of parts) {
        nal.set(p, offset);
        offset += p.length;
      }
      unit.nals.push(nal);
    }
  }

  private malformed(unit: UnitInProgress): void {
    this.stats.malformedPackets++;
    unit.corrupt = true;
  }

  private finishUnit(): void {
    const unit = this.current;
    this.current = null;
    if (!unit) return;
    if (this.fragments) {
      this.fragments = null;
      unit.corrupt = true;
    }
    if (unit.corrupt || (unit.nals.length > 0 && unit.startSuspect && !this.startsIntact(unit.nals))) {
      this.drop();
      return;
    }
    if (unit.nals.length === 0) return;
    const types = unit.nals.map(nalType);
    for (const nal of unit.nals) this.rememberParameterSet(nal);
    const hasIdr = types.includes(NAL_IDR);
    if (!types.some(isVcl)) {
      // Parameter sets or SEI alone: remembered above, nothing to decode.
      return;
    }
    if (!hasIdr) {
      if (this.waitingForKey) {
        this.drop();
        this.requestKeyFrame();
        return;
      }
      this.emit(unit, unit.nals, false);
      return;
    }
    const nals = this.withParameterSets(unit.nals, types);
    if (!nals) {
      // An IDR without any SPS/PPS known: no decoder can start from it.
      this.drop();
      this.waitingForKey = true;
      this.requestKeyFrame();
      return;
    }
    this.waitingForKey = false;
    this.emit(unit, nals, true);
  }

  /** The first slice must start at macroblock 0 (first_mb_in_slice = ue(v) 0, a single 1 bit). */
  private startsIntact(nals: readonly Uint8Array[]): boolean {
    const firstSlice = nals.find((n) => isVcl(nalType(n)));
    if (firstSlice === undefined) return true; // parameter sets / SEI alone are self-contained
    return firstSlice.length > 1 && (firstSlice[1]! & 0x80) !== 0;
  }

  private withParameterSets(nals: Uint8Array[], types: number[]): Uint8Array[] | null {
    const hasSps = types.includes(NAL_SPS);
    const hasPps = types.includes(NAL_PPS);
    if (hasSps && hasPps) return nals;
    const sps = hasSps ? nals[types.indexOf(NAL_SPS)] : this.sps;
    const pps = hasPps ? nals[types.indexOf(NAL_PPS)] : this.pps;
    if (!sps || !pps) return null;
    let leadingAuds = 0;
    while (types[leadingAuds] === NAL_AUD) leadingAuds++;
    const rest = nals.slice(leadingAuds).filter((n) => {
      const t = nalType(n);
      return t !== NAL_SPS && t !== NAL_PPS;
    });
    return [...nals.slice(0, leadingAuds), sps, pps, ...rest];
  }

  private rememberParameterSet(nal: Uint8Array): void {
    const t = nalType(nal);
    if (t === NAL_SPS) this.sps = nal.slice();
    else if (t === NAL_PPS) this.pps = nal.slice();
  }

  private drop(): void {
    this.stats.droppedAccessUnits++;
  }

  private requestKeyFrame(): void {
    this.stats.keyFrameRequests++;
    this.options.onKeyFrameNeeded?.();
  }

  private emit(unit: UnitInProgress, nals: Uint8Array[], key: boolean): void {
    this.stats.accessUnits++;
    if (key) this.stats.keyUnits++;
    this.options.onAccessUnit({ data: toAnnexB(nals), key, timestamp: unit.timestamp, receivedAt: unit.receivedAt });
  }
}
