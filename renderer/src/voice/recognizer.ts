// What the screen needs of a speech recognizer, and the scripted one (pure: no DOM, unit-tested).
// vosk-browser's is in vosk.ts.
import type { VoiceContext } from '@contract';
import { VOICE_RATE } from '../media/pcm';

/** A final result: the sentence and how sure the recognizer is (0..1). */
export interface Heard {
  text: string;
  confidence: number;
}

/**
 * What the screen needs of a speech recognizer. vosk-browser implements it for real; the
 * scripted recognizer implements it for tests and the debug panel (no Mandarin acoustic model
 * can be installed on the build machines).
 */
export interface Recognizer {
  readonly kind: 'vosk' | 'scripted';
  /** Restrict recognition to this context's phrases (the host's voice.grammar). */
  setGrammar(context: VoiceContext, phrases: readonly string[]): void;
  /** 16 kHz mono audio from the capture worklet. */
  acceptAudio(samples: Float32Array): void;
  onPartial(listener: (text: string) => void): () => void;
  onResult(listener: (heard: Heard) => void): () => void;
  close(): void;
}

export const RECOGNIZER_RATE = VOICE_RATE;

/**
 * What is left of a result once Vosk's "[unk]" (whatever the grammar does not cover: the TV, a
 * cough) is taken out; empty when nothing is, and then there is nothing to show or send.
 */
export function meaningfulText(text: string): string {
  return text
    .replace(/\[unk\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export class RecognizerLoadError extends Error {
  constructor(
    readonly status: 'missing' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'RecognizerLoadError';
  }
}

/** A tiny typed event list, so both recognizers share listener bookkeeping. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const l of this.set) {
      try {
        l(value);
      } catch (error) {
        console.error('recognizer listener failed', error);
      }
    }
  }
}

/** "Hears" what it is told: for tests and the debug panel. Counts the audio it is given. */
export class ScriptedRecognizer implements Recognizer {
  readonly kind = 'scripted';
  context: VoiceContext | null = null;
  phrases: readonly string[] = [];
  samplesReceived = 0;
  private readonly partials = new Listeners<string>();
  private readonly results = new Listeners<Heard>();

  setGrammar(context: VoiceContext, phrases: readonly string[]): void {
    this.context = context;
    this.phrases = phrases;
  }
  acceptAudio(samples: Float32Array): void {
    this.samplesReceived += samples.length;
  }
  onPartial(listener: (text: string) => void): () => void {
    return this.partials.add(listener);
  }
  onResult(listener: (heard: Heard) => void): () => void {
    return this.results.add(listener);
  }
  /** Pretend the resident said `text`: a partial result, then the final one. */
  hear(text: string, confidence = 0.95): void {
    this.partials.emit(text);
    this.results.emit({ text, confidence });
  }
  /** Pretend the resident is still speaking: a partial result only. */
  hearPartial(text: string): void {
    this.partials.emit(text);
  }
  close(): void {}
}
