// The door's H.264 on a canvas: access units from the media channel into WebCodecs' VideoDecoder,
// decoded frames drawn as soon as they come out (a door camera is about now, not smoothness).
import type { VideoFrameMessage } from '@contract';
import { codecOf } from './h264';
import { KEY_LATENCY_SAMPLES, videoStatsFor, type VideoStats } from './stats';

// When the codec string cannot be read (a key unit without SPS), constrained baseline is what
// doors send; Chromium's decoder reads the real profile from the stream anyway.
const FALLBACK_CODEC = 'avc1.42E01E';
// More than this many chunks waiting means the decoder is behind (a busy panel): catching up frame
// by frame would show an ever older picture, so skip to the next key frame instead.
const MAX_DECODE_QUEUE = 8;

interface Pending {
  receivedAt: number;
  key: boolean;
}

export class VideoPlayer {
  private decoder: VideoDecoder | null = null;
  private codec: string | null = null;
  private waitingForKey = true;
  private chunkIndex = 0;
  /** What the host said about each chunk in the decoder, by the chunk's timestamp. */
  private readonly pending = new Map<number, Pending>();
  private readonly context: CanvasRenderingContext2D;
  private readonly stats: VideoStats;
  private closed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    mediaTag: number,
    private readonly onPaint: () => void,
  ) {
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('no 2D context for the video canvas');
    this.context = context;
    this.stats = videoStatsFor(mediaTag);
  }

  push(frame: VideoFrameMessage): void {
    if (this.closed) return;
    this.stats.framesReceived++;
    if (frame.key) this.stats.keyFramesReceived++;
    if (this.decoder && this.decoder.decodeQueueSize > MAX_DECODE_QUEUE && !frame.key) this.startOver();
    if (this.waitingForKey && !frame.key) {
      this.stats.framesDroppedBeforeKey++;
      return;
    }
    if (frame.key) this.configureFor(frame.data);
    const decoder = this.decoder;
    if (!decoder) return;
    // Timestamps only have to be unique and increasing: they carry the chunk back to its metadata.
    const timestamp = this.chunkIndex++;
    this.pending.set(timestamp, { receivedAt: frame.receivedAt, key: frame.key });
    // A chunk the decoder skipped never comes out: forget old entries rather than leak them.
    this.pending.delete(timestamp - 64);
    try {
      decoder.decode(new EncodedVideoChunk({ type: frame.key ? 'key' : 'delta', timestamp, data: frame.data }));
      this.waitingForKey = false;
    } catch (error) {
      console.warn('video decode refused a chunk', error);
      this.startOver();
    }
  }

  close(): void {
    this.closed = true;
    this.dropDecoder();
  }

  /** Annex-B as sent (no `description`): SPS and PPS travel in-band in every key unit. */
  private configureFor(keyUnit: Uint8Array): void {
    const codec = codecOf(keyUnit) ?? this.codec ?? FALLBACK_CODEC;
    if (this.decoder?.state === 'configured' && codec === this.codec) return;
    this.dropDecoder();
    const decoder = new VideoDecoder({
      output: (frame) => this.paint(frame),
      error: (error) => {
        // The decoder is closed now; the next key frame starts a new one.
        console.warn('video decoder failed', error);
        this.stats.decoderErrors++;
        if (this.decoder === decoder) this.startOver();
      },
    });
    decoder.configure({ codec, optimizeForLatency: true });
    this.decoder = decoder;
    this.codec = codec;
    this.stats.codec = codec;
  }

  private paint(frame: VideoFrame): void {
    try {
      if (this.closed) return;
      const { displayWidth: width, displayHeight: height } = frame;
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
        this.stats.width = width;
        this.stats.height = height;
      }
      this.context.drawImage(frame, 0, 0, width, height);
      const now = Date.now();
      const meta = this.pending.get(frame.timestamp);
      this.pending.delete(frame.timestamp);
      this.stats.framesPainted++;
      this.stats.firstPaintAt ??= now;
      this.stats.lastPaintAt = now;
      if (meta?.key) {
        this.stats.keyFrameLatencyMs.push(now - meta.receivedAt);
        if (this.stats.keyFrameLatencyMs.length > KEY_LATENCY_SAMPLES) this.stats.keyFrameLatencyMs.shift();
      }
      this.onPaint();
    } finally {
      frame.close();
    }
  }

  private startOver(): void {
    this.dropDecoder();
    this.waitingForKey = true;
  }

  private dropDecoder(): void {
    const decoder = this.decoder;
    this.decoder = null;
    this.codec = null;
    this.pending.clear();
    if (decoder && decoder.state !== 'closed') decoder.close();
  }
}
