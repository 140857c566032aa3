// What the SIP layer and the screen need from the media engine, and nothing of how it works.
// The SIP session-description handler drives a MediaSession; the host forwards its frames to the
// screen over the contract's media channel.

export interface MediaEndpoint {
  address: string;
  port: number;
}

/** 8 kHz mono PCM, 20 ms (160 samples) per frame: what G.711 carries. */
export interface AudioFrame {
  samples: Int16Array;
  /** RTP timestamp (8 kHz clock). */
  timestamp: number;
}

/** One H.264 access unit, Annex-B (start codes), ready for WebCodecs' VideoDecoder. */
export interface VideoAccessUnit {
  data: Uint8Array;
  /** An IDR with its SPS and PPS in front: a decoder can start here. */
  key: boolean;
  /** RTP timestamp (90 kHz clock). */
  timestamp: number;
  /** Host clock (ms) when the last packet of the unit arrived. */
  receivedAt: number;
}

export interface MediaStats {
  audioPacketsIn: number;
  audioPacketsOut: number;
  videoPacketsIn: number;
  videoAccessUnits: number;
  /** Packets missing by sequence number, audio and video together. */
  packetsLost: number;
  keyFrameRequests: number;
  telephoneEventsOut: number;
}

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface MediaSessionEvents {
  audio: (frame: AudioFrame) => void;
  video: (unit: VideoAccessUnit) => void;
  /** A DTMF / telephone-event received from the far end (RFC 4733), once per event. */
  dtmf: (digit: string) => void;
  error: (error: Error) => void;
}

export interface MediaSession {
  /** Local SDP offer (panel calls out: monitor, property desk). */
  createOffer(): string;
  /**
   * Local SDP answer to a remote offer (a door calls in). Receiving starts at once, so early
   * media (183) flows before the call is answered. Throws NoCommonCodecError when nothing fits.
   */
  answer(remoteOffer: string): string;
  /** Apply the far end's answer to our offer. */
  acceptAnswer(remoteAnswer: string): void;
  /** Start sending our microphone (after answer); until then the panel only listens. */
  setSending(on: boolean): void;
  /** Microphone audio in, 8 kHz mono; encoded with the negotiated G.711 law and sent. */
  sendAudio(samples: Int16Array): void;
  /** RFC 4733 telephone-event (e.g. '*' = event 10, the door-open key). Resolves when the end packets went out. */
  sendDtmf(digit: string, durationMs?: number): Promise<void>;
  /** RTCP PLI (and FIR) to the video sender. */
  requestKeyFrame(): void;
  stats(): MediaStats;
  /** The far end agreed to send us H.264 (so the screen should expect a picture). */
  receivesVideo(): boolean;
  on<K extends keyof MediaSessionEvents>(event: K, listener: MediaSessionEvents[K]): this;
  off<K extends keyof MediaSessionEvents>(event: K, listener: MediaSessionEvents[K]): this;
  close(): Promise<void>;
}

export interface MediaSessionOptions {
  /** The address to bind and to write into SDP (c=, o=). */
  localAddress: string;
  /** Inclusive RTP port range to pick even ports from (the platform uses 10000-20000). */
  portRange?: [number, number];
  /** Offer/accept video (H.264). Audio is always negotiated. */
  video: boolean;
}

export interface MediaEngine {
  createSession(options: MediaSessionOptions): Promise<MediaSession>;
}

export class NoCommonCodecError extends Error {
  constructor(detail: string) {
    super(`no common codec: ${detail}`);
    this.name = 'NoCommonCodecError';
  }
}
