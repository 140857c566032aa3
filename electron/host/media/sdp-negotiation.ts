// Offer/answer (RFC 3264) for the panel: audio is G.711 (PCMA, PCMU) plus telephone-event,
// video is H.264 that we only receive. When a door offers, its codec order wins (the door
// knows what its DSP does best); we answer with exactly one audio codec so both ends agree
// on what flows, and reject (port 0) any stream we cannot handle instead of failing the call.

import type { G711Law } from './g711.js';
import {
  effectiveAddress,
  effectiveDirection,
  parseFmtpParameters,
  parseSdp,
  rtpMapFor,
  writeSdp,
  type LocalMediaDescription,
  type SdpMedia,
  type SessionDescription,
} from './sdp.js';
import { NoCommonCodecError, type MediaDirection } from './types.js';

export const OFFER_PCMA_PT = 8;
export const OFFER_PCMU_PT = 0;
export const OFFER_TELEPHONE_EVENT_PT = 101;
export const OFFER_H264_PT = 96;
export const H264_PROFILE_LEVEL_ID = '42e01f';
const SUPPORTED_PROTOS = ['RTP/AVP', 'RTP/AVPF'];

export interface RemoteEndpoint {
  address: string;
  rtpPort: number;
  rtcpAddress: string;
  rtcpPort: number;
}

export interface NegotiatedAudio {
  /** Payload types we accept, by G.711 law. */
  receiveCodecs: Map<number, G711Law>;
  receiveTelephoneEventPt?: number;
  /** What we send; undefined before an answer to our offer arrived. */
  sendPt?: number;
  sendLaw?: G711Law;
  sendTelephoneEventPt?: number;
  /** Where the SDP says to send; undefined when on hold or not yet known. */
  remote?: RemoteEndpoint;
  direction: MediaDirection;
}

export interface NegotiatedVideo {
  receivePayloadTypes: Set<number>;
  packetizationMode: number;
  spropParameterSets?: string;
  remote?: RemoteEndpoint;
  direction: MediaDirection;
}

export interface Negotiated {
  audio: NegotiatedAudio;
  video?: NegotiatedVideo;
}

export interface LocalParameters {
  address: string;
  sessionId: string;
  version: number;
  audioPort: number;
  /** Set when the session has video ports; undefined means audio only. */
  videoPort?: number;
}

function reverse(d: MediaDirection): MediaDirection {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

function receives(d: MediaDirection): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

function lawOf(encoding: string, clockRate: number): G711Law | undefined {
  if (clockRate !== 8000) return undefined;
  const e = encoding.toUpperCase();
  return e === 'PCMA' ? 'alaw' : e === 'PCMU' ? 'ulaw' : undefined;
}

function payloadTypes(media: SdpMedia): number[] {
  return media.formats.map((f) => Number.parseInt(f, 10)).filter((n) => Number.isInteger(n) && n >= 0 && n < 128);
}

function isUnroutable(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function remoteEndpoint(session: SessionDescription, media: SdpMedia): RemoteEndpoint | undefined {
  const address = effectiveAddress(session, media);
  if (!address || isUnroutable(address) || media.port === 0) return undefined;
  const rtcpPort = media.rtcpMux ? media.port : (media.rtcpPort ?? media.port + 1);
  return { address, rtpPort: media.port, rtcpAddress: media.rtcpAddress ?? address, rtcpPort };
}

function findTelephoneEvent(media: SdpMedia): { pt: number; fmtp?: string } | undefined {
  for (const pt of payloadTypes(media)) {
    const map = rtpMapFor(media, pt);
    if (map && map.encoding.toLowerCase() === 'telephone-event' && map.clockRate === 8000) {
      const fmtp = media.fmtps.get(pt);
      return fmtp === undefined ? { pt } : { pt, fmtp };
    }
  }
  return undefined;
}

interface H264Choice {
  pt: number;
  mode: number;
  profileLevelId?: string;
  sprop?: string;
}

/** H.264 formats we can depacketize (mode 1, then mode 0), in the order the peer listed them. */
function findH264(media: SdpMedia): H264Choice | undefined {
  const candidates: H264Choice[] = [];
  for (const pt of payloadTypes(media)) {
    const map = rtpMapFor(media, pt);
    if (!map || map.encoding.toUpperCase() !== 'H264' || map.clockRate !== 90000) continue;
    const params = parseFmtpParameters(media.fmtps.get(pt));
    const mode = Number.parseInt(params.get('packetization-mode') ?? '0', 10);
    if (mode !== 0 && mode !== 1) continue;
    const choice: H264Choice = { pt, mode };
    const profile = params.get('profile-level-id');
    if (profile) choice.profileLevelId = profile;
    const sprop = params.get('sprop-parameter-sets');
    if (sprop) choice.sprop = sprop;
    candidates.push(choice);
  }
  return candidates.find((c) => c.mode === 1) ?? candidates[0];
}

function rejected(media: SdpMedia): LocalMediaDescription {
  return { kind: media.kind, port: 0, proto: media.proto, formats: media.formats.length ? media.formats : ['0'], attributes: [] };
}

function h264Fmtp(mode: number, profileLevelId: string | undefined): string {
  return `packetization-mode=${mode}` + (profileLevelId ? `;profile-level-id=${profileLevelId}` : '');
}

// ---- our offer (the panel calls out) ----

export function buildOffer(local: LocalParameters): { sdp: string; negotiated: Negotiated } {
  const media: LocalMediaDescription[] = [
    {
      kind: 'audio',
      port: local.audioPort,
      proto: 'RTP/AVP',
      formats: [String(OFFER_PCMA_PT), String(OFFER_PCMU_PT), String(OFFER_TELEPHONE_EVENT_PT)],
      attributes: [
        `rtpmap:${OFFER_PCMA_PT} PCMA/8000`,
        `rtpmap:${OFFER_PCMU_PT} PCMU/8000`,
        `rtpmap:${OFFER_TELEPHONE_EVENT_PT} telephone-event/8000`,
        `fmtp:${OFFER_TELEPHONE_EVENT_PT} 0-16`,
        'ptime:20',
        'sendrecv',
      ],
    },
  ];
  const negotiated: Negotiated = {
    audio: {
      receiveCodecs: new Map([
        [OFFER_PCMA_PT, 'alaw'],
        [OFFER_PCMU_PT, 'ulaw'],
      ]),
      receiveTelephoneEventPt: OFFER_TELEPHONE_EVENT_PT,
      direction: 'sendrecv',
    },
  };
  if (local.videoPort !== undefined) {
    media.push({
      kind: 'video',
      port: local.videoPort,
      proto: 'RTP/AVP',
      formats: [String(OFFER_H264_PT)],
      attributes: [
        `rtpmap:${OFFER_H264_PT} H264/90000`,
        `fmtp:${OFFER_H264_PT} ${h264Fmtp(1, H264_PROFILE_LEVEL_ID)}`,
        'recvonly',
      ],
    });
    negotiated.video = { receivePayloadTypes: new Set([OFFER_H264_PT]), packetizationMode: 1, direction: 'recvonly' };
  }
  return { sdp: writeSdp({ sessionId: local.sessionId, version: local.version, address: local.address, media }), negotiated };
}

/** The far end's answer to buildOffer(). Throws NoCommonCodecError when it picked no G.711. */
export function applyAnswer(answerText: string, offered: Negotiated): Negotiated {
  const session = parseSdp(answerText);
  const audioMedia = session.media.find((m) => m.kind === 'audio' && m.port !== 0);
  if (!audioMedia) throw new NoCommonCodecError('the answer rejected audio');
  let sendPt: number | undefined;
  let sendLaw: G711Law | undefined;
  for (const pt of payloadTypes(audioMedia)) {
    const map = rtpMapFor(audioMedia, pt);
    const law = map && lawOf(map.encoding, map.clockRate);
    if (law) {
      sendPt = pt;
      sendLaw = law;
      break;
    }
  }
  if (sendPt === undefined || !sendLaw) throw new NoCommonCodecError(`answer audio formats ${audioMedia.formats.join(' ')}`);
  const te = findTelephoneEvent(audioMedia);
  const audio: NegotiatedAudio = {
    ...offered.audio,
    sendPt,
    sendLaw,
    direction: reverse(effectiveDirection(session, audioMedia)),
  };
  if (te) audio.sendTelephoneEventPt = te.pt;
  const remote = remoteEndpoint(session, audioMedia);
  if (remote) audio.remote = remote;
  const result: Negotiated = { audio };
  if (offered.video) {
    const videoMedia = session.media.find((m) => m.kind === 'video');
    const h264 = videoMedia && videoMedia.port !== 0 ? findH264(videoMedia) : undefined;
    if (videoMedia && h264) {
      const video: NegotiatedVideo = {
        receivePayloadTypes: new Set([...offered.video.receivePayloadTypes, h264.pt]),
        packetizationMode: h264.mode,
        direction: receives(reverse(effectiveDirection(session, videoMedia))) ? 'recvonly' : 'inactive',
      };
      if (h264.sprop) video.spropParameterSets = h264.sprop;
      const vr = remoteEndpoint(session, videoMedia);
      if (vr) video.remote = vr;
      result.video = video;
    }
  }
  return result;
}

// ---- answering a door's offer ----

export function buildAnswer(offerText: string, local: LocalParameters): { sdp: string; negotiated: Negotiated } {
  const session = parseSdp(offerText);
  const media: LocalMediaDescription[] = [];
  let audio: NegotiatedAudio | undefined;
  let video: NegotiatedVideo | undefined;
  const audioFormatsSeen: string[] = [];

  for (const m of session.media) {
    const usable = m.port !== 0 && SUPPORTED_PROTOS.includes(m.proto.toUpperCase());
    if (m.kind === 'audio' && !audio && usable) {
      audioFormatsSeen.push(...m.formats);
      const answered = answerAudio(session, m, local.audioPort);
      if (answered) {
        audio = answered.negotiated;
        media.push(answered.description);
        continue;
      }
    } else if (m.kind === 'audio' && !audio) {
      audioFormatsSeen.push(`${m.proto}:${m.formats.join(' ')}`);
    }
    if (m.kind === 'video' && !video && usable && local.videoPort !== undefined) {
      const answered = answerVideo(session, m, local.videoPort);
      if (answered) {
        video = answered.negotiated;
        media.push(answered.description);
        continue;
      }
    }
    media.push(rejected(m));
  }
  if (!audio) throw new NoCommonCodecError(`offer audio formats: ${audioFormatsSeen.join(' ') || 'none'}`);
  const negotiated: Negotiated = video ? { audio, video } : { audio };
  return { sdp: writeSdp({ sessionId: local.sessionId, version: local.version, address: local.address, media }), negotiated };
}

function answerAudio(
  session: SessionDescription,
  m: SdpMedia,
  port: number,
): { description: LocalMediaDescription; negotiated: NegotiatedAudio } | undefined {
  let chosen: { pt: number; law: G711Law; encoding: string } | undefined;
  for (const pt of payloadTypes(m)) {
    const map = rtpMapFor(m, pt);
    const law = map && lawOf(map.encoding, map.clockRate);
    if (map && law) {
      chosen = { pt, law, encoding: map.encoding.toUpperCase() };
      break;
    }
  }
  if (!chosen) return undefined;
  const te = findTelephoneEvent(m);
  const direction = reverse(effectiveDirection(session, m));
  const formats = [String(chosen.pt)];
  const attributes = [`rtpmap:${chosen.pt} ${chosen.encoding}/8000`];
  if (te) {
    formats.push(String(te.pt));
    attributes.push(`rtpmap:${te.pt} telephone-event/8000`, `fmtp:${te.pt} ${te.fmtp ?? '0-16'}`);
  }
  attributes.push('ptime:20', direction);
  const negotiated: NegotiatedAudio = {
    receiveCodecs: new Map([[chosen.pt, chosen.law]]),
    sendPt: chosen.pt,
    sendLaw: chosen.law,
    direction,
  };
  if (te) {
    negotiated.receiveTelephoneEventPt = te.pt;
    negotiated.sendTelephoneEventPt = te.pt;
  }
  const remote = remoteEndpoint(session, m);
  if (remote) negotiated.remote = remote;
  return { description: { kind: 'audio', port, proto: m.proto, formats, attributes }, negotiated };
}

function answerVideo(
  session: SessionDescription,
  m: SdpMedia,
  port: number,
): { description: LocalMediaDescription; negotiated: NegotiatedVideo } | undefined {
  const h264 = findH264(m);
  if (!h264) return undefined;
  const offered = effectiveDirection(session, m);
  // We never send video: receive what the door sends, otherwise keep the stream but idle.
  const direction: MediaDirection = offered === 'sendrecv' || offered === 'sendonly' ? 'recvonly' : 'inactive';
  const negotiated: NegotiatedVideo = {
    receivePayloadTypes: new Set([h264.pt]),
    packetizationMode: h264.mode,
    direction,
  };
  if (h264.sprop) negotiated.spropParameterSets = h264.sprop;
  const remote = remoteEndpoint(session, m);
  if (remote) negotiated.remote = remote;
  return {
    description: {
      kind: 'video',
      port,
      proto: m.proto,
      formats: [String(h264.pt)],
      attributes: [`rtpmap:${h264.pt} H264/90000`, `fmtp:${h264.pt} ${h264Fmtp(h264.mode, h264.profileLevelId)}`, direction],
    },
    negotiated,
  };
}
