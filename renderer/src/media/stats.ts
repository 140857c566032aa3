// What the call screen measures about itself, for the end-to-end tests and the bench: they read
// these objects from the page (window[VIDEO_STATS_KEY], window[AUDIO_STATS_KEY]) instead of
// guessing from pixels when a frame was painted. Pure data, no DOM: the tests import the types.

export const VIDEO_STATS_KEY = '__lintelVideoStats';
export const AUDIO_STATS_KEY = '__lintelAudioStats';

/** How many key-frame latencies are kept (newest last); a long call must not grow the page. */
export const KEY_LATENCY_SAMPLES = 200;

export interface VideoStats {
  /** The call whose picture these numbers are about (Call.mediaTag); null before any call. */
  mediaTag: number | null;
  codec: string | null;
  width: number;
  height: number;
  framesReceived: number;
  keyFramesReceived: number;
  /** Frames dropped while waiting for a key frame (start, after a decoder error, when behind). */
  framesDroppedBeforeKey: number;
  framesPainted: number;
  /** Date.now() when the first frame of this call was drawn on the canvas. */
  firstPaintAt: number | null;
  /** Date.now() when the latest frame was drawn. */
  lastPaintAt: number | null;
  /** Per key frame: the host's receivedAt (its Date.now, same machine) → drawn on the canvas, ms. */
  keyFrameLatencyMs: number[];
  decoderErrors: number;
}

export interface AudioStats {
  /** The AudioContext's state ('none' before one is made). */
  contextState: string;
  sampleRate: number;
  ringing: boolean;
  /** Far-end PCM frames given to the playback worklet. */
  farFramesPlayed: number;
  /** What the playback worklet last reported: its buffer depth and how often it ran dry. */
  playbackBufferedMs: number;
  playbackUnderruns: number;
  microphoneActive: boolean;
  /** 20 ms microphone frames sent to the host. */
  microphoneFramesSent: number;
  microphoneError: string | null;
}

export function emptyVideoStats(mediaTag: number | null): VideoStats {
  return {
    mediaTag,
    codec: null,
    width: 0,
    height: 0,
    framesReceived: 0,
    keyFramesReceived: 0,
    framesDroppedBeforeKey: 0,
    framesPainted: 0,
    firstPaintAt: null,
    lastPaintAt: null,
    keyFrameLatencyMs: [],
    decoderErrors: 0,
  };
}

export function emptyAudioStats(): AudioStats {
  return {
    contextState: 'none',
    sampleRate: 0,
    ringing: false,
    farFramesPlayed: 0,
    playbackBufferedMs: 0,
    playbackUnderruns: 0,
    microphoneActive: false,
    microphoneFramesSent: 0,
    microphoneError: null,
  };
}

/** The live objects the screen updates (module-level so every component writes the same ones). */
export const videoStats: VideoStats = emptyVideoStats(null);
export const audioStats: AudioStats = emptyAudioStats();

/** Start counting for another call's picture; the same call (a remount) keeps its numbers. */
export function videoStatsFor(mediaTag: number): VideoStats {
  if (videoStats.mediaTag !== mediaTag) Object.assign(videoStats, emptyVideoStats(mediaTag));
  return videoStats;
}
