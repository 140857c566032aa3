import type { VoiceContext } from '@contract';

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

export const RECOGNIZER_RATE = 16000;

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
class Listeners<T> {
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
  close(): void {}
}

interface VoskModule {
  Model: new (url: string, logLevel?: number) => VoskModel;
}
interface VoskModel {
  on(event: 'load' | 'error', listener: (message: { event: string; result?: boolean; error?: string }) => void): void;
  KaldiRecognizer: new (sampleRate: number, grammar?: string) => VoskKaldi;
  terminate(): void;
}
interface VoskKaldi {
  on(event: 'result' | 'partialresult', listener: (message: { result: { text?: string; partial?: string; result?: { conf: number }[] } }) => void): void;
  acceptWaveformFloat(buffer: Float32Array, sampleRate: number): void;
  remove(): void;
}

/**
 * vosk-browser: Kaldi in WASM, in its own Worker (a blob: worker, allowed by the CSP's
 * worker-src). `createModel()` never rejects when the model is bad, so the model is built with
 * `new Model()` and its 'load' / 'error' events raced against a timeout.
 */
export async function loadVoskRecognizer(modelUrl: string, timeoutMs = 10_000): Promise<Recognizer> {
  const vosk = (await import('vosk-browser')) as unknown as VoskModule;
  // The worker is a blob: URL, against which a relative URL would not resolve.
  const model = new vosk.Model(new URL(modelUrl, location.href).href, -1);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      model.terminate();
      reject(new RecognizerLoadError('failed', `语音模型在 ${timeoutMs / 1000} 秒内未能加载`));
    }, timeoutMs);
    model.on('load', (m) => {
      clearTimeout(timer);
      if (m.result) resolve();
      else {
        model.terminate();
        reject(new RecognizerLoadError('failed', 'the model did not load (vosk reported failure)'));
      }
    });
    model.on('error', (m) => {
      clearTimeout(timer);
      model.terminate();
      reject(new RecognizerLoadError('failed', m.error ?? 'the model did not load'));
    });
  });
  return new VoskRecognizer(model);
}

class VoskRecognizer implements Recognizer {
  readonly kind = 'vosk';
  private kaldi: VoskKaldi | null = null;
  private readonly partials = new Listeners<string>();
  private readonly results = new Listeners<Heard>();

  constructor(private readonly model: VoskModel) {}

  setGrammar(_context: VoiceContext, phrases: readonly string[]): void {
    // A recognizer's grammar is fixed at creation: switching context means a new recognizer.
    this.kaldi?.remove();
    const kaldi = new this.model.KaldiRecognizer(RECOGNIZER_RATE, JSON.stringify(phrases));
    kaldi.on('partialresult', (m) => {
      if (m.result.partial) this.partials.emit(m.result.partial);
    });
    kaldi.on('result', (m) => {
      const text = m.result.text ?? '';
      if (!text) return;
      const words = m.result.result ?? [];
      // The sentence is as sure as its least sure word.
      const confidence = words.length ? Math.min(...words.map((w) => w.conf)) : 0;
      this.results.emit({ text, confidence });
    });
    this.kaldi = kaldi;
  }
  acceptAudio(samples: Float32Array): void {
    this.kaldi?.acceptWaveformFloat(samples, RECOGNIZER_RATE);
  }
  onPartial(listener: (text: string) => void): () => void {
    return this.partials.add(listener);
  }
  onResult(listener: (heard: Heard) => void): () => void {
    return this.results.add(listener);
  }
  close(): void {
    this.kaldi?.remove();
    this.model.terminate();
  }
}
