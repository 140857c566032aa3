// What the voice path measures about itself, for the end-to-end tests and the bench: they read
// window[VOICE_STATS_KEY] from the page (as they read the call screen's stats, media/stats.ts)
// instead of guessing from the bar. Pure data, no DOM: the tests import the types.

export const VOICE_STATS_KEY = '__lintelVoiceStats';

/** How many per-frame latencies are kept (newest last): a panel listens all day. */
export const CAPTURE_LATENCY_SAMPLES = 500;

export interface VoiceCaptureStats {
  /** The recognizer's microphone worklet is attached to the microphone. */
  active: boolean;
  /** The rate of the frames handed to the recognizer (what they claim to be). */
  sampleRate: number;
  /** The rate the worklet resampled from (the AudioContext's). */
  inputRate: number;
  framesDelivered: number;
  samplesDelivered: number;
  /** Date.now() when the first and the latest frame reached the recognizer. */
  firstFrameAt: number | null;
  lastFrameAt: number | null;
  /** Root mean square (full scale 1) of the last second of audio handed over. */
  rms: number;
  /** The same over everything handed over since the page loaded. */
  rmsAll: number;
  /** Per frame: the worklet's context time after its last sample → handed to the recognizer, ms. */
  latencyMs: number[];
}

export interface SpeechPlaybackStats {
  utterancesStarted: number;
  /** Played to their end. */
  utterancesFinished: number;
  /** Cut short: spoken over, or the host said the panel is no longer speaking. */
  utterancesStopped: number;
  /** Samples (at MEDIA_SPEECH_RATE) that actually played, finished or cut. */
  samplesPlayed: number;
  /** The utterance playing now (its mediaTag = VoiceState.speaking.id), if any. */
  playingTag: number | null;
  /** 'speech' frames that arrived for an utterance the panel was not (or no longer) speaking. */
  framesDropped: number;
}

export interface RecognizerStats {
  /** What listens to the microphone: vosk-browser once its model loaded, else nothing (touch). */
  engine: 'vosk' | 'none';
  model: 'unknown' | 'loading' | 'ready' | 'missing' | 'failed';
  modelDetail: string | null;
  /** performance.now() when the screen started loading the model, and how long it took to succeed or fail. */
  loadStartedAt: number | null;
  loadMs: number | null;
  /** The context of the grammar in use: final results are reported as heard in it. */
  grammarContext: string | null;
  partials: number;
  /** Final results sent to the host (voice.heard). */
  resultsSent: number;
  /** The latest final result that entered the pipeline: its text and Date.now(). */
  lastResult: { text: string; at: number } | null;
  /** Samples the scripted recognizer was given: it sits on the same pipeline as the real one. */
  scriptedSamples: number;
}

export interface VoiceStats {
  capture: VoiceCaptureStats;
  playback: SpeechPlaybackStats;
  recognizer: RecognizerStats;
}

export const voiceStats: VoiceStats = {
  capture: {
    active: false,
    sampleRate: 0,
    inputRate: 0,
    framesDelivered: 0,
    samplesDelivered: 0,
    firstFrameAt: null,
    lastFrameAt: null,
    rms: 0,
    rmsAll: 0,
    latencyMs: [],
  },
  playback: { utterancesStarted: 0, utterancesFinished: 0, utterancesStopped: 0, samplesPlayed: 0, playingTag: null, framesDropped: 0 },
  recognizer: {
    engine: 'none',
    model: 'unknown',
    modelDetail: null,
    loadStartedAt: null,
    loadMs: null,
    grammarContext: null,
    partials: 0,
    resultsSent: 0,
    lastResult: null,
    scriptedSamples: 0,
  },
};
