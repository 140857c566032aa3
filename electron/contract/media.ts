// The media channel between host and screen: binary frames, one per message, the same bytes over
// the WebSocket (path MEDIA_WS_PATH) and Electron IPC. Pure functions, no Node or DOM APIs.
//
//   offset  size  field
//   0       1     kind: 1 video access unit, 2 far-end audio, 3 microphone, 4 speech (the panel's
//                 own voice: one whole utterance per frame; mediaTag = VoiceState.speaking.id)
//   1       1     flags: bit 0 = key frame (video)
//   2       2     reserved, 0
//   4       4     mediaTag (uint32): the call's Call.mediaTag; frames of other calls are stale
//   8       4     RTP timestamp (uint32; 90 kHz video, 8 kHz audio; 0 for microphone)
//   12      8     receivedAt (float64, host clock ms; 0 for microphone)
//   20      ...   payload: video = H.264 Annex-B access unit (SPS+PPS+IDR in a key unit);
//                 audio / microphone = 16-bit signed little-endian PCM, 8 kHz mono;
//                 speech = the same at MEDIA_SPEECH_RATE
// Header fields are little-endian.

export const MEDIA_WS_PATH = '/media';
export const MEDIA_HEADER_BYTES = 20;
/** The rate of every PCM payload on the channel: G.711's. */
export const MEDIA_PCM_RATE = 8000;
/** The panel's synthesised speech: wider band than a phone line, for elderly ears. */
export const MEDIA_SPEECH_RATE = 16000;

export type MediaFrameKind = 'video' | 'audio' | 'microphone' | 'speech';
const KIND_CODES: Record<MediaFrameKind, number> = { video: 1, audio: 2, microphone: 3, speech: 4 };

export interface VideoFrameMessage {
  kind: 'video';
  mediaTag: number;
  key: boolean;
  timestamp: number;
  receivedAt: number;
  /** Annex-B bytes (a view into the message). */
  data: Uint8Array;
}

export interface PcmFrameMessage {
  kind: 'audio' | 'microphone' | 'speech';
  mediaTag: number;
  timestamp: number;
  receivedAt: number;
  /** Mono samples: 8 kHz (audio, microphone) or MEDIA_SPEECH_RATE (speech). */
  samples: Int16Array;
}

export type MediaFrameMessage = VideoFrameMessage | PcmFrameMessage;

export class MediaFrameError extends Error {}

export function encodeMediaFrame(frame: MediaFrameMessage): ArrayBuffer {
  const payload = frame.kind === 'video' ? frame.data : new Uint8Array(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  const out = new ArrayBuffer(MEDIA_HEADER_BYTES + payload.byteLength);
  const view = new DataView(out);
  view.setUint8(0, KIND_CODES[frame.kind]);
  view.setUint8(1, frame.kind === 'video' && frame.key ? 1 : 0);
  view.setUint32(4, frame.mediaTag >>> 0, true);
  view.setUint32(8, frame.timestamp >>> 0, true);
  view.setFloat64(12, frame.receivedAt, true);
  if (frame.kind === 'video') {
    new Uint8Array(out, MEDIA_HEADER_BYTES).set(payload);
  } else {
    // PCM goes little-endian whatever the machine's byte order.
    const pcm = new DataView(out, MEDIA_HEADER_BYTES);
    frame.samples.forEach((s, i) => pcm.setInt16(i * 2, s, true));
  }
  return out;
}

/**
 * Whether a frame is a video access unit, and a key one, read from its first two bytes without
 * decoding it: for the host's send path, which must pick where to resume after dropping frames.
 */
export function peekVideoFrame(buffer: ArrayBuffer): { video: boolean; key: boolean } {
  const head = new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength));
  const video = head[0] === KIND_CODES.video;
  return { video, key: video && ((head[1] ?? 0) & 1) === 1 };
}

/** Throws MediaFrameError on anything that is not a well-formed frame. */
export function decodeMediaFrame(buffer: ArrayBuffer): MediaFrameMessage {
  if (buffer.byteLength < MEDIA_HEADER_BYTES) throw new MediaFrameError(`media frame too short (${buffer.byteLength} bytes)`);
  const view = new DataView(buffer);
  const code = view.getUint8(0);
  const mediaTag = view.getUint32(4, true);
  const timestamp = view.getUint32(8, true);
  const receivedAt = view.getFloat64(12, true);
  const payloadBytes = buffer.byteLength - MEDIA_HEADER_BYTES;
  if (code === KIND_CODES.video) {
    return { kind: 'video', mediaTag, key: (view.getUint8(1) & 1) === 1, timestamp, receivedAt, data: new Uint8Array(buffer, MEDIA_HEADER_BYTES) };
  }
  if (code === KIND_CODES.audio || code === KIND_CODES.microphone || code === KIND_CODES.speech) {
    if (payloadBytes % 2 !== 0) throw new MediaFrameError('PCM payload has an odd number of bytes');
    const samples = new Int16Array(payloadBytes / 2);
    const pcm = new DataView(buffer, MEDIA_HEADER_BYTES);
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.getInt16(i * 2, true);
    const kind = code === KIND_CODES.audio ? 'audio' : code === KIND_CODES.speech ? 'speech' : 'microphone';
    return { kind, mediaTag, timestamp, receivedAt, samples };
  }
  throw new MediaFrameError(`unknown media frame kind ${code}`);
}
