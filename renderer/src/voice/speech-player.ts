// The panel's own voice: each 'speech' frame from the host is one whole utterance (espeak-ng, 16
// kHz), played through WebAudio only while the host says the panel is speaking it
// (VoiceState.speaking.id = the frame's mediaTag) and stopped the moment it says otherwise, or
// the moment the resident speaks over it.
import { MEDIA_SPEECH_RATE } from '@contract';
import type { AudioOutput } from '../media/call-audio';
import { voiceStats } from './stats';

/** A frame can overtake the state that announces it (two sockets); it waits this long for it. */
const EARLY_FRAME_MS = 2000;

interface Playing {
  tag: number;
  source: AudioBufferSourceNode;
  context: AudioContext;
  startedAt: number;
  samples: number;
}

export class SpeechPlayer {
  private speakingId: number | null = null;
  private playing: Playing | null = null;
  private early: { tag: number; samples: Int16Array; at: number } | null = null;
  private readonly stats = voiceStats.playback;

  constructor(private readonly output: () => Promise<AudioOutput>) {}

  /** A 'speech' frame from the media channel. */
  offer(tag: number, samples: Int16Array): void {
    if (tag === this.speakingId) {
      void this.play(tag, samples);
    } else if (this.speakingId === null || tag > this.speakingId) {
      this.early = { tag, samples, at: Date.now() };
    } else {
      this.stats.framesDropped++; // an utterance the host has already moved past
    }
  }

  /** The host's VoiceState.speaking changed. */
  follow(id: number | null): void {
    this.speakingId = id;
    if (this.playing && this.playing.tag !== id) this.stop();
    const early = this.early;
    if (early && id !== null && early.tag <= id) {
      this.early = null;
      if (early.tag === id && Date.now() - early.at < EARLY_FRAME_MS) void this.play(early.tag, early.samples);
      else this.stats.framesDropped++;
    }
  }

  /** Cut the utterance playing now, if any. */
  stop(): void {
    const p = this.playing;
    if (!p) return;
    this.playing = null;
    p.source.onended = null;
    p.source.stop();
    p.source.disconnect();
    this.stats.utterancesStopped++;
    this.stats.samplesPlayed += Math.min(p.samples, Math.round(Math.max(0, p.context.currentTime - p.startedAt) * MEDIA_SPEECH_RATE));
    this.stats.playingTag = null;
  }

  private async play(tag: number, samples: Int16Array): Promise<void> {
    const { context, destination } = await this.output();
    // Spoken over or superseded while the output was being made ready.
    if (this.speakingId !== tag || samples.length === 0) return;
    this.stop();
    const buffer = context.createBuffer(1, samples.length, MEDIA_SPEECH_RATE);
    buffer.getChannelData(0).set(Float32Array.from(samples, (s) => s / 32768));
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(destination);
    const playing: Playing = { tag, source, context, startedAt: context.currentTime, samples: samples.length };
    source.onended = () => {
      if (this.playing !== playing) return;
      this.playing = null;
      this.stats.utterancesFinished++;
      this.stats.samplesPlayed += playing.samples;
      this.stats.playingTag = null;
      source.disconnect();
    };
    source.start();
    this.playing = playing;
    this.stats.utterancesStarted++;
    this.stats.playingTag = tag;
  }
}
