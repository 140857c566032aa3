// SDP (RFC 4566) parsing and writing, only as much as plain RTP/AVP voice + video needs.
// Remote SDP comes from door stations of many vendors: unknown lines are ignored and bad ones
// skipped, never thrown on. Offer/answer decisions live in sdp-negotiation.ts.

import type { MediaDirection } from './types.js';

export interface SdpRtpMap {
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number;
}

export interface SdpMedia {
  kind: string;
  /** 0 means the stream is rejected or disabled. */
  port: number;
  proto: string;
  /** Format list exactly as written (payload types for RTP). */
  formats: string[];
  connectionAddress?: string;
  rtpmaps: Map<number, SdpRtpMap>;
  /** Raw fmtp parameter strings by payload type. */
  fmtps: Map<number, string>;
  direction?: MediaDirection;
  rtcpPort?: number;
  rtcpAddress?: string;
  rtcpMux: boolean;
}

export interface SessionDescription {
  originAddress?: string;
  connectionAddress?: string;
  direction?: MediaDirection;
  media: SdpMedia[];
}

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** RFC 3551 static payload types a peer may use without an rtpmap line. */
const STATIC_PAYLOAD_TYPES: Record<number, SdpRtpMap> = {
  0: { payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: 1 },
  3: { payloadType: 3, encoding: 'GSM', clockRate: 8000, channels: 1 },
  4: { payloadType: 4, encoding: 'G723', clockRate: 8000, channels: 1 },
  8: { payloadType: 8, encoding: 'PCMA', clockRate: 8000, channels: 1 },
  9: { payloadType: 9, encoding: 'G722', clockRate: 8000, channels: 1 },
  13: { payloadType: 13, encoding: 'CN', clockRate: 8000, channels: 1 },
  18: { payloadType: 18, encoding: 'G729', clockRate: 8000, channels: 1 },
  34: { payloadType: 34, encoding: 'H263', clockRate: 90000 },
};

function connectionAddress(value: string): string | undefined {
  // "IN IP4 192.0.2.1" or "IN IP4 224.2.1.1/127" (TTL suffix on multicast).
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3 || parts[0] !== 'IN') return undefined;
  return parts[2]!.split('/')[0];
}

export function parseSdp(text: string): SessionDescription {
  const session: SessionDescription = { media: [] };
  let media: SdpMedia | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.length < 2 || line[1] !== '=') continue;
    const type = line[0];
    const value = line.slice(2);
    if (type === 'm') {
      const parts = value.trim().split(/\s+/);
      const port = Number.parseInt(parts[1]?.split('/')[0] ?? '', 10);
      if (parts.length < 3 || !Number.isFinite(port)) {
        media = undefined;
        continue;
      }
      media = {
        kind: parts[0]!,
        port,
        proto: parts[2]!,
        formats: parts.slice(3),
        rtpmaps: new Map(),
        fmtps: new Map(),
        rtcpMux: false,
      };
      session.media.push(media);
    } else if (type === 'o' && !media) {
      const parts = value.trim().split(/\s+/);
      if (parts.length >= 6) session.originAddress = parts[5];
    } else if (type === 'c') {
      const address = connectionAddress(value);
      if (address === undefined) continue;
      if (media) media.connectionAddress = address;
      else session.connectionAddress = address;
    } else if (type === 'a') {
      parseAttribute(value, session, media);
    }
  }
  return session;
}

function parseAttribute(value: string, session: SessionDescription, media: SdpMedia | undefined): void {
  const colon = value.indexOf(':');
  const name = (colon < 0 ? value : value.slice(0, colon)).trim().toLowerCase();
  const arg = colon < 0 ? '' : value.slice(colon + 1).trim();
  if (DIRECTIONS.includes(name)) {
    if (media) media.direction = name as MediaDirection;
    else session.direction = name as MediaDirection;
    return;
  }
  if (!media) return;
  if (name === 'rtpmap') {
    const m = /^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(arg);
    if (!m) return;
    const map: SdpRtpMap = { payloadType: Number(m[1]), encoding: m[2]!, clockRate: Number(m[3]) };
    if (m[4] !== undefined) map.channels = Number(m[4]);
    media.rtpmaps.set(map.payloadType, map);
  } else if (name === 'fmtp') {
    const m = /^(\d+)\s+(.*)$/.exec(arg);
    if (m) media.fmtps.set(Number(m[1]), m[2]!.trim());
  } else if (name === 'rtcp') {
    // "a=rtcp:53020" or "a=rtcp:53020 IN IP4 126.16.64.4" (RFC 3605).
    const parts = arg.split(/\s+/);
    const port = Number.parseInt(parts[0] ?? '', 10);
    if (Number.isFinite(port) && port > 0 && port < 65536) media.rtcpPort = port;
    if (parts.length >= 4 && parts[1] === 'IN') media.rtcpAddress = parts[3];
  } else if (name === 'rtcp-mux') {
    media.rtcpMux = true;
  }
}

/** The rtpmap for a payload type, falling back to the RFC 3551 static assignments. */
export function rtpMapFor(media: SdpMedia, payloadType: number): SdpRtpMap | undefined {
  return media.rtpmaps.get(payloadType) ?? STATIC_PAYLOAD_TYPES[payloadType];
}

/** "packetization-mode=1;profile-level-id=42e01f" → Map with lower-case keys. */
export function parseFmtpParameters(fmtp: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!fmtp) return out;
  for (const part of fmtp.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim()) out.set(part.trim().toLowerCase(), '');
      continue;
    }
    out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

export function effectiveDirection(session: SessionDescription, media: SdpMedia): MediaDirection {
  return media.direction ?? session.direction ?? 'sendrecv';
}

export function effectiveAddress(session: SessionDescription, media: SdpMedia): string | undefined {
  return media.connectionAddress ?? session.connectionAddress;
}

// ---- writing ----

export interface LocalMediaDescription {
  kind: string;
  port: number;
  proto: string;
  formats: string[];
  /** Attribute lines without the "a=" prefix, in order. Ignored when port is 0. */
  attributes: string[];
}

export interface LocalSessionDescription {
  sessionId: string;
  version: number;
  address: string;
  media: LocalMediaDescription[];
}

export function addressType(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** Compact SDP: the whole SIP message has to fit one UDP datagram below the MTU. */
export function writeSdp(d: LocalSessionDescription): string {
  const net = `IN ${addressType(d.address)} ${d.address}`;
  const lines = ['v=0', `o=lintel ${d.sessionId} ${d.version} ${net}`, 's=-', `c=${net}`, 't=0 0'];
  for (const m of d.media) {
    lines.push(`m=${m.kind} ${m.port} ${m.proto} ${m.formats.join(' ')}`);
    if (m.port !== 0) for (const a of m.attributes) lines.push(`a=${a}`);
  }
  return lines.join('\r\n') + '\r\n';
}
