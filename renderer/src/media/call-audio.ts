// The panel's sound: the far end through the playback worklet, the ringtone, the microphone
// (shared by the call's capture worklet and the recognizer's, see microphone.ts), and the output
// the panel's own speech plays through. One AudioContext for all of it, made on first use and kept
// for the life of the page (a kiosk page; contexts are a scarce resource in Chromium).
import captureWorkletUrl from './capture.worklet.ts?worker&url';
import playbackWorkletUrl from './playback.worklet.ts?worker&url';
import voiceCaptureWorkletUrl from './voice-capture.worklet.ts?worker&url';
import { SharedMicrophone, workletTap, type MicrophoneTap } from './microphone';
import type { CaptureFrame, PlaybackMessage, PlaybackReport } from './pcm';
import { audioStats } from './stats';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR } from './worklet-scope';

interface Graph {
  context: AudioContext;
  /** Everything the resident hears goes through this: the volume control. */
  volume: GainNode;
  playback: AudioWorkletNode;
}

/** What the panel's other sounds play through: the context, and the node behind the volume control. */
export interface AudioOutput {
  context: AudioContext;
  destination: AudioNode;
}

export class CallAudio {
  private graph: Promise<Graph> | null = null;
  private ringtone: { stop(): void } | null = null;
  /** The page's one microphone; the recognizer taps it too. */
  readonly microphone = new SharedMicrophone(
    () => this.ready().then((g) => g.context),
    (error) => (audioStats.microphoneError = error),
  );
  /** Who gets the call's microphone frames; null when the call's microphone should be off. */
  private micListener: ((samples: Int16Array) => void) | null = null;
  private readonly callTap: MicrophoneTap = callCaptureTap((samples) => {
    if (!this.micListener) return;
    audioStats.microphoneFramesSent++;
    this.micListener(samples);
  });
  private volumeLevel = 1;

  /** 0..1; applies to the far end and the ringtone alike. */
  setVolume(level: number): void {
    this.volumeLevel = Math.max(0, Math.min(1, level));
    void this.graph?.then((g) => g.volume.gain.setTargetAtTime(this.volumeLevel, g.context.currentTime, 0.02));
  }

  /** The far end's 8 kHz PCM (one media-channel frame). */
  play(samples: Int16Array): void {
    void this.ready().then((g) => {
      const message: PlaybackMessage = { type: 'pcm', samples };
      g.playback.port.postMessage(message, [samples.buffer]);
      audioStats.farFramesPlayed++;
    });
  }

  /** Forget buffered far-end audio (another call, or the far end should fall silent now). */
  resetPlayback(): void {
    const message: PlaybackMessage = { type: 'reset' };
    void this.graph?.then((g) => g.playback.port.postMessage(message));
  }

  startRingtone(): void {
    if (this.ringtone) return;
    let stopped = false;
    let stopInner: (() => void) | null = null;
    this.ringtone = {
      stop: () => {
        stopped = true;
        stopInner?.();
      },
    };
    audioStats.ringing = true;
    void this.ready().then((g) => {
      if (!stopped) stopInner = chime(g);
    });
  }

  stopRingtone(): void {
    this.ringtone?.stop();
    this.ringtone = null;
    audioStats.ringing = false;
  }

  /** The call's microphone: each 20 ms frame (8 kHz Int16) goes to `onFrame`. */
  startMicrophone(onFrame: (samples: Int16Array) => void): void {
    this.micListener = onFrame;
    this.microphone.add(this.callTap);
  }

  stopMicrophone(): void {
    this.micListener = null;
    this.microphone.remove(this.callTap);
  }

  /** Where the panel's speech plays: behind the volume control, like the far end. */
  async output(): Promise<AudioOutput> {
    const g = await this.ready();
    return { context: g.context, destination: g.volume };
  }

  private ready(): Promise<Graph> {
    this.graph ??= this.build();
    return this.graph;
  }

  private async build(): Promise<Graph> {
    const context = new AudioContext({ latencyHint: 'interactive' });
    audioStats.sampleRate = context.sampleRate;
    audioStats.contextState = context.state;
    context.addEventListener('statechange', () => (audioStats.contextState = context.state));
    // The kiosk allows sound without a gesture (Electron's autoplayPolicy, Chromium's
    // --autoplay-policy); anywhere else the first touch starts it.
    if (context.state === 'suspended') {
      const resume = (): void => void context.resume();
      window.addEventListener('pointerdown', resume, { once: true, capture: true });
      void context.resume();
    }
    await Promise.all([playbackWorkletUrl, captureWorkletUrl, voiceCaptureWorkletUrl].map((url) => context.audioWorklet.addModule(url)));
    const volume = context.createGain();
    volume.gain.value = this.volumeLevel;
    volume.connect(context.destination);
    const playback = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    playback.port.onmessage = (event: MessageEvent<PlaybackReport>) => {
      audioStats.playbackBufferedMs = event.data.bufferedMs;
      audioStats.playbackUnderruns = event.data.underruns;
    };
    playback.connect(volume);
    return { context, volume, playback };
  }
}

/** The call's capture worklet on the shared microphone: 8 kHz Int16 frames of 20 ms for the door. */
function callCaptureTap(onFrame: (samples: Int16Array) => void): MicrophoneTap {
  return workletTap<CaptureFrame>(
    CAPTURE_PROCESSOR,
    (frame) => onFrame(frame.samples),
    (active) => (audioStats.microphoneActive = active),
  );
}

/**
 * A door chime made on the spot (no audio asset to ship): two soft bell notes, a pause, again,
 * until stopped. Bell-like: a sine with its octave, fast attack, exponential decay.
 */
function chime(g: Graph): () => void {
  const { context } = g;
  const out = context.createGain();
  out.gain.value = 0.5;
  out.connect(g.volume);
  const PERIOD_S = 2.4;
  const NOTES: Array<{ at: number; freq: number }> = [
    { at: 0, freq: 659.25 }, // E5
    { at: 0.55, freq: 523.25 }, // C5
  ];
  let nextStart = context.currentTime + 0.05;
  const schedule = (): void => {
    // Keep a little more than one period scheduled ahead, so a busy main thread never gaps it.
    while (nextStart < context.currentTime + PERIOD_S * 1.5) {
      for (const note of NOTES) bell(context, out, note.freq, nextStart + note.at);
      nextStart += PERIOD_S;
    }
  };
  schedule();
  const timer = setInterval(schedule, 500);
  return () => {
    clearInterval(timer);
    out.gain.setTargetAtTime(0, context.currentTime, 0.03);
    setTimeout(() => out.disconnect(), 300);
  };
}

function bell(context: AudioContext, out: AudioNode, freq: number, at: number): void {
  const envelope = context.createGain();
  envelope.gain.setValueAtTime(0.0001, at);
  envelope.gain.exponentialRampToValueAtTime(0.8, at + 0.01);
  envelope.gain.exponentialRampToValueAtTime(0.0001, at + 1.4);
  envelope.connect(out);
  for (const [multiple, level] of [
    [1, 1],
    [2, 0.3],
  ] as const) {
    const osc = context.createOscillator();
    osc.frequency.value = freq * multiple;
    const partial = context.createGain();
    partial.gain.value = level;
    osc.connect(partial).connect(envelope);
    osc.start(at);
    osc.stop(at + 1.5);
    osc.onended = () => partial.disconnect();
  }
  setTimeout(() => envelope.disconnect(), (at - context.currentTime + 1.6) * 1000);
}
