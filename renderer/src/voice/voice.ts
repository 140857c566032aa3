// The screen's half of voice: while the panel is bound it listens (the shared microphone → the
// 16 kHz worklet → the recognizer), keeps the recognizer on the grammar of the host's dialog
// context, reports what it heard (voice.heard, with the context the grammar was for), plays the
// panel's speech and stops it when the resident speaks over it. The host decides what a sentence
// means; this only listens, shows and plays. Lives for the page, like the call's media.
//
// Two recognizers sit on the same pipeline: vosk-browser when the host serves a model that loads,
// and the scripted one, always, for the debug panel (语音调试) and the tests.
import type { HostRequestResult, VoiceContext } from '@contract';
import { computed, inject, readonly, ref, watch, type InjectionKey, type Ref } from 'vue';
import type { ScreenBridge } from '../host';
import type { CallAudio } from '../media/call-audio';
import type { CallMedia } from '../media/call-media';
import { errorMessage } from '../state/format';
import type { PanelStore } from '../state/panel-store';
import { voiceCaptureTap } from './capture';
import { meaningfulText, RecognizerLoadError, ScriptedRecognizer, type Heard, type Recognizer } from './recognizer';
import { SpeechPlayer } from './speech-player';
import { voiceStats } from './stats';
import { loadVoskRecognizer } from './vosk';

export interface Voice {
  /** What the recognizer is hearing right now (a partial result), for the bar; null when quiet. */
  readonly partial: Readonly<Ref<string | null>>;
  /** The context of the grammar in use; null before the first grammar arrives. */
  readonly grammarContext: Readonly<Ref<VoiceContext | null>>;
  /** A real recognizer listens to the microphone (vosk loaded, microphone open). */
  readonly listening: Readonly<Ref<boolean>>;
  /** The debug panel (语音调试) is shown; remembered across reloads. */
  readonly debug: Readonly<Ref<boolean>>;
  setDebug(on: boolean): void;
  /** The scripted recognizer "hears" a sentence: a partial result, then the final one. */
  hear(text: string, confidence: number): void;
  /** The scripted recognizer "is hearing" something: a partial result only. */
  hearPartial(text: string): void;
}

export const voiceKey: InjectionKey<Voice> = Symbol('voice');

export function useVoice(): Voice {
  const voice = inject(voiceKey);
  if (!voice) throw new Error('useVoice() outside the app: provide voiceKey first');
  return voice;
}

type Grammar = HostRequestResult<'voice.grammar'>;
type ModelReport = { status: 'loading' | 'ready' | 'missing' | 'failed'; detail: string };

const DEBUG_KEY = 'lintel.voiceDebug';
/** A partial result stays in the bar this long after the last one (the final result replaces it). */
const PARTIAL_SHOWN_MS = 2500;

export function createVoice(o: { bridge: ScreenBridge; store: PanelStore; audio: CallAudio; media: CallMedia }): Voice {
  const { bridge, store } = o;
  const stats = voiceStats.recognizer;
  const scripted = new ScriptedRecognizer();
  const recognizers: Recognizer[] = [scripted];
  const partial = ref<string | null>(null);
  const grammarContext = ref<VoiceContext | null>(null);
  const engineReady = ref(false);
  const microphoneOpen = ref(false);
  const debug = ref(localStorage.getItem(DEBUG_KEY) === '1');
  let grammars = new Map<VoiceContext, Promise<Grammar>>();
  let modelLoad: 'idle' | 'loading' | 'done' = 'idle';
  let lastReport: ModelReport | null = null;
  let partialTimer: ReturnType<typeof setTimeout> | undefined;
  let interruptedSpeech: number | null = null;

  const speech = new SpeechPlayer(() => o.audio.output());
  o.media.onSpeech((frame) => speech.offer(frame.mediaTag, frame.samples));
  const capture = voiceCaptureTap((samples) => {
    for (const r of recognizers) r.acceptAudio(samples);
    stats.scriptedSamples = scripted.samplesReceived;
    microphoneOpen.value = true;
  });
  listenTo(scripted);

  function listenTo(r: Recognizer): void {
    r.onPartial(onPartial);
    r.onResult(onResult);
  }

  function onPartial(text: string): void {
    const words = meaningfulText(text);
    if (!words) return;
    stats.partials++;
    partial.value = words;
    clearTimeout(partialTimer);
    partialTimer = setTimeout(() => (partial.value = null), PARTIAL_SHOWN_MS);
    // Speaking over the panel stops it: at once here, and in the host, which owns the utterance.
    const speaking = store.state.value?.voice.speaking;
    if (speaking && interruptedSpeech !== speaking.id) {
      interruptedSpeech = speaking.id;
      speech.stop();
      bridge.request('voice.stopSpeaking', {}).catch((error: unknown) => console.warn('voice.stopSpeaking failed', error));
    }
  }

  function onResult(heard: Heard): void {
    clearTimeout(partialTimer);
    partial.value = null;
    const text = meaningfulText(heard.text);
    // Silence, or only what the grammar does not cover: noise, not a sentence to act on.
    if (!text) return;
    const context = grammarContext.value;
    if (!context) return;
    stats.lastResult = { text, at: Date.now() };
    stats.resultsSent++;
    const confidence = Math.max(0, Math.min(1, heard.confidence));
    bridge.request('voice.heard', { text: text.slice(0, 200), confidence, context }).catch((error: unknown) => console.warn('voice.heard failed', error));
  }

  function grammarFor(context: VoiceContext): Promise<Grammar> {
    let g = grammars.get(context);
    if (!g) {
      g = bridge.request('voice.grammar', { context });
      grammars.set(context, g);
      // A failed request is not cached: the next context change or reconnect asks again.
      g.catch(() => grammars.delete(context));
    }
    return g;
  }

  /** Switch every recognizer to the grammar of `context` (the host's, when it changes). */
  async function useGrammar(context: VoiceContext): Promise<void> {
    let g: Grammar;
    try {
      g = await grammarFor(context);
    } catch (error) {
      console.warn(`no grammar for ${context}`, error);
      return;
    }
    // The context moved on while the grammar was on its way.
    if (store.state.value?.voice.context !== context) return;
    for (const r of recognizers) r.setGrammar(context, g.phrases);
    grammarContext.value = context;
    stats.grammarContext = context;
  }

  function report(r: ModelReport): void {
    lastReport = { status: r.status, detail: r.detail.slice(0, 500) };
    stats.model = r.status;
    stats.modelDetail = lastReport.detail;
    bridge.request('voice.model', lastReport).catch((error: unknown) => console.warn('voice.model not reported', error));
  }

  /** Once per page: load vosk-browser if the host serves a model, and say how that went. */
  async function loadRecognizer(context: VoiceContext): Promise<void> {
    if (modelLoad !== 'idle') return;
    modelLoad = 'loading';
    let modelUrl: string | null;
    try {
      modelUrl = (await grammarFor(context)).modelUrl;
    } catch {
      modelLoad = 'idle'; // not connected: tried again on reconnect
      return;
    }
    if (!modelUrl) {
      modelLoad = 'done';
      report({ status: 'missing', detail: 'the host serves no voice model (none installed where it looked: see lintel status)' });
      return;
    }
    const url = new URL(modelUrl, location.href).href;
    report({ status: 'loading', detail: `loading ${url}` });
    const started = performance.now();
    stats.loadStartedAt = started;
    try {
      const vosk = await loadVoskRecognizer(url);
      stats.loadMs = Math.round(performance.now() - started);
      recognizers.push(vosk);
      listenTo(vosk);
      const current = grammarContext.value;
      if (current) vosk.setGrammar(current, (await grammarFor(current)).phrases);
      stats.engine = 'vosk';
      engineReady.value = true;
      report({ status: 'ready', detail: `vosk-browser loaded ${url} in ${stats.loadMs} ms` });
    } catch (error) {
      stats.loadMs = Math.round(performance.now() - started);
      const status = error instanceof RecognizerLoadError ? error.status : 'failed';
      report({ status, detail: `vosk-browser, ${url}, after ${stats.loadMs} ms: ${errorMessage(error)}` });
    } finally {
      modelLoad = 'done';
    }
  }

  const bound = computed(() => store.state.value?.binding.status === 'bound');
  const context = computed(() => store.state.value?.voice.context ?? null);

  // A restarted host has new grammars (its wake word or vocabulary may have changed). Before the
  // watcher below, which asks for a grammar on the same reconnect.
  watch(store.connected, (connected) => {
    if (connected) grammars = new Map();
  });

  watch(
    [bound, context, store.connected],
    ([isBound, ctx, connected]) => {
      if (!isBound) {
        o.audio.microphone.remove(capture);
        microphoneOpen.value = false;
        return;
      }
      // Always listening while bound: the microphone opens once and stays open.
      o.audio.microphone.add(capture);
      if (!ctx || !connected) return;
      void useGrammar(ctx);
      void loadRecognizer(ctx);
    },
    { immediate: true },
  );

  // A restarted host has forgotten what the screen reported about the model.
  watch(
    () => store.state.value?.voice.model.status,
    (status) => {
      if (status === 'unknown' && lastReport && lastReport.status !== 'loading') report(lastReport);
    },
  );

  watch(
    () => store.state.value?.voice.speaking?.id ?? null,
    (id) => speech.follow(id),
    { immediate: true },
  );

  return {
    partial: readonly(partial),
    grammarContext: readonly(grammarContext),
    listening: computed(() => engineReady.value && microphoneOpen.value && bound.value),
    debug: readonly(debug),
    setDebug(on) {
      debug.value = on;
      localStorage.setItem(DEBUG_KEY, on ? '1' : '0');
    },
    hear: (text, confidence) => scripted.hear(text, confidence),
    hearPartial: (text) => scripted.hearPartial(text),
  };
}
