// vosk-browser as the screen's Recognizer: Kaldi in WASM in its own Worker, on the model the host
// serves (an install-time asset), one grammar per dialog context.
import type { VoiceContext } from '@contract';
import { Listeners, RECOGNIZER_RATE, RecognizerLoadError, type Heard, type Recognizer } from './recognizer';

/** What the screen uses of vosk-browser's Model (its own typings know no 'kaldi' event). */
interface VoskModule {
  Model: new (url: string, logLevel?: number) => VoskModel;
}
interface VoskModel {
  on(event: 'load', listener: (message: { result: boolean }) => void): void;
  on(event: 'error', listener: (message: { error?: unknown }) => void): void;
  /** Kaldi's ERROR / WARNING lines, forwarded by build/vosk-csp.ts's patch of the worker. */
  on(event: 'kaldi', listener: (message: { line: string }) => void): void;
  KaldiRecognizer: new (sampleRate: number, grammar?: string) => VoskKaldi;
  terminate(): void;
}
/** vosk-browser keeps its Worker private; a crash of it is only seen there. */
interface VoskModelInternals {
  worker?: Worker;
}
interface VoskKaldi {
  on(event: 'result' | 'partialresult', listener: (message: { result: { text?: string; partial?: string; result?: { conf: number }[] } }) => void): void;
  on(event: 'error', listener: (message: { error?: unknown }) => void): void;
  setWords(words: boolean): void;
  acceptWaveformFloat(buffer: Float32Array, sampleRate: number): void;
  remove(): void;
}

/**
 * A model that neither loads nor fails within this long is reported failed. Generous: the first
 * load on a panel downloads, unpacks and stores ~40 MB before Kaldi reads it; a broken model fails
 * with an error long before (the corrupt test model in about 3 s).
 */
export const MODEL_LOAD_TIMEOUT_MS = 30_000;

/**
 * vosk-browser: Kaldi in WASM, in its own Worker (a blob: worker, allowed by the CSP's worker-src;
 * build/vosk-csp.ts makes its glue code run without eval). `createModel()` never rejects when the
 * model is bad, so the model is built with `new Model()` and its 'load' / 'error' events (and the
 * worker's own crash) are raced against a timeout. A failure says what Kaldi said, for
 * `lintel status`.
 */
export async function loadVoskRecognizer(modelUrl: string, timeoutMs = MODEL_LOAD_TIMEOUT_MS): Promise<Recognizer> {
  const imported = (await import('vosk-browser')) as unknown as VoskModule | { default: VoskModule };
  const vosk = 'Model' in imported ? imported : imported.default;
  // The worker is a blob: URL, against which a relative URL would not resolve.
  const model = new vosk.Model(new URL(modelUrl, location.href).href, -1);
  const worker = (model as unknown as VoskModelInternals).worker;
  const kaldiErrors: string[] = [];
  model.on('kaldi', (m) => {
    if (m.line.startsWith('ERROR')) kaldiErrors.push(m.line);
  });
  await new Promise<void>((resolve, reject) => {
    // Only the load is raced here: what the model says after it is the recognizers' business.
    let settled = false;
    const fail = (what: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // terminate() asks the worker to clean up, which a failed load leaves it unable to do: end it.
      model.terminate();
      worker?.terminate();
      const kaldi = kaldiErrors.at(-1);
      reject(new RecognizerLoadError('failed', kaldi ? `${what}: ${kaldi}` : what));
    };
    const timer = setTimeout(() => fail(`the model did not load within ${timeoutMs / 1000} s`), timeoutMs);
    model.on('load', (m) => {
      if (!m.result) return fail('vosk reported that the model did not load');
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    });
    model.on('error', (m) => fail(`the model did not load${typeof m.error === 'string' && m.error ? ` (${m.error})` : ''}`));
    worker?.addEventListener('error', (e) => fail(`the recognizer worker failed: ${e.message}`));
  });
  return new VoskRecognizer(model);
}

class VoskRecognizer implements Recognizer {
  readonly kind = 'vosk';
  private kaldi: VoskKaldi | null = null;
  private readonly partials = new Listeners<string>();
  private readonly results = new Listeners<Heard>();

  constructor(private readonly model: VoskModel) {}

  setGrammar(context: VoiceContext, phrases: readonly string[]): void {
    // A recognizer's grammar is fixed at creation: switching context means a new recognizer.
    this.kaldi?.remove();
    const kaldi = new this.model.KaldiRecognizer(RECOGNIZER_RATE, JSON.stringify(phrases));
    // Per-word confidences: without them a result carries none, and the host would take every
    // sentence as not understood.
    kaldi.setWords(true);
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
    kaldi.on('error', (m) => console.error(`recognizer (${context}) failed`, m.error));
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
