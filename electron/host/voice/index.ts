// The host's voice: the dialog (dialog.ts), the panel's spoken confirmations (espeak-ng, sent to
// the screen as 'speech' frames), the voice log, and what the screen's recognizer needs (the
// grammar of each context, the model archive's URL) and reports (the model's status).
import { encodeMediaFrame, MEDIA_SPEECH_RATE, type VoiceContext, type VoiceState } from '../../contract/index.js';
import { loadVocabulary } from '../../../grammar/index.js';
import type { Logger } from '../log/index.js';
import { checkModelLayout, modelFingerprint, modelSearchPath, vocabularyFileFor, type ModelLayout } from '../speech/model-files.js';
import { Tts } from '../speech/tts.js';
import type { Store } from '../store/index.js';
import { VoiceDialog, type HeardOutcome, type VoiceActions } from './dialog.js';

export { VoiceDialog } from './dialog.js';
export type { HeardOutcome, VoiceActions, VoiceDialogOptions, VoiceLogEntry } from './dialog.js';

/** Where the screen server (and Electron's scheme handler) serves the model archive. */
export const MODEL_ARCHIVE_PATH = '/model/vosk-model.tar.gz';
/** The screen's last report on the model, for `lintel status` (read while the host runs). */
export const VOICE_MODEL_SETTINGS_KEY = 'voiceModel';

export interface VoiceServiceOptions {
  store: Store;
  logger: Logger;
  dataDir: string;
  actions: VoiceActions;
  onChange: () => void;
  /** Frames of kind 'speech' for the screen. */
  emitFrame: (frame: ArrayBuffer) => void;
  wakeWord?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests (far-end guard, rate limit…). */
  dialog?: Partial<Pick<ConstructorParameters<typeof VoiceDialog>[0], 'farEndGuardMs' | 'unlockIntervalMs' | 'minConfidence' | 'confirmMs'>>;
}

export interface VoiceService {
  readonly state: VoiceState;
  readonly model: ModelLayout;
  grammar(context: VoiceContext): { context: VoiceContext; phrases: string[]; modelUrl: string | null };
  heard(text: string, confidence: number, context: VoiceContext): Promise<HeardOutcome>;
  confirm(id: string, accept: boolean): Promise<void>;
  speak(text: string): number;
  playNotice(messageId: number): Promise<void>;
  stopSpeaking(): void;
  reportModel(status: 'loading' | 'ready' | 'missing' | 'failed', detail: string): void;
  close(): void;
}

const MODEL_MESSAGES = {
  missing: '未安装语音模型，语音功能不可用，请用触摸操作',
  failed: '语音模型已损坏，语音功能不可用，请用触摸操作',
} as const;

export async function createVoiceService(o: VoiceServiceOptions): Promise<VoiceService> {
  const env = o.env ?? process.env;
  const model = checkModelLayout(modelSearchPath(o.dataDir, env));
  const vocabularyFile = vocabularyFileFor(model, o.dataDir, env);
  let vocabulary: Set<string> | undefined;
  if (vocabularyFile) {
    try {
      vocabulary = await loadVocabulary(vocabularyFile);
    } catch (e) {
      o.logger.warn({ file: vocabularyFile, err: e instanceof Error ? e.message : String(e) }, 'voice: cannot read the model vocabulary; grammars are not checked');
    }
  } else {
    o.logger.warn('voice: no model vocabulary found; grammars are not checked against the model');
  }
  const tts = new Tts({ logger: o.logger, sampleRate: MEDIA_SPEECH_RATE });
  let speechId = 0;
  // Speech is synthesised in a child process: one may finish after the host closed (and its store with it).
  let closed = false;
  const dialog = new VoiceDialog({
    ...o.dialog,
    actions: o.actions,
    logger: o.logger,
    onChange: o.onChange,
    ...(o.wakeWord ? { wakeWord: o.wakeWord } : {}),
    ...(vocabulary ? { vocabulary } : {}),
    log: (e) => o.store.voiceLog.record(e),
    speak: (text) => speak(text),
  });
  if (model.state !== 'ok') {
    dialog.setModel({ status: 'missing', message: MODEL_MESSAGES.missing });
  }
  // Versioned: the screen caches the unpacked model under its URL (see modelFingerprint).
  const modelUrl = model.state === 'ok' && model.dir ? `${MODEL_ARCHIVE_PATH}?v=${modelFingerprint(model.dir)}` : null;

  function speak(text: string): number {
    const id = ++speechId;
    dialog.setSpeaking({ id, text });
    tts.synthesize(text).then(
      (speech) => {
        // Spoken over already (stopSpeaking) or superseded by a newer sentence: drop it.
        if (closed || dialog.state.speaking?.id !== id) return;
        o.emitFrame(encodeMediaFrame({ kind: 'speech', mediaTag: id, timestamp: 0, receivedAt: Date.now(), samples: speech.samples }));
        const ms = (speech.samples.length / speech.sampleRate) * 1000;
        setTimeout(() => {
          if (!closed && dialog.state.speaking?.id === id) dialog.setSpeaking(null);
        }, ms + 300).unref?.();
      },
      (e: unknown) => {
        o.logger.debug({ err: e instanceof Error ? e.message : String(e) }, 'voice: not spoken');
        if (!closed && dialog.state.speaking?.id === id) dialog.setSpeaking(null);
      },
    );
    return id;
  }

  return {
    get state() {
      return dialog.state;
    },
    model,
    grammar: (context) => ({ context, phrases: dialog.phrases(context), modelUrl }),
    heard: (text, confidence, context) => dialog.heard(text, confidence, context),
    confirm: (id, accept) => dialog.confirm(id, accept),
    speak,
    playNotice: (messageId) => dialog.playNoticeById(messageId),
    stopSpeaking: () => dialog.setSpeaking(null),
    reportModel(status, detail) {
      const message = status === 'missing' ? MODEL_MESSAGES.missing : status === 'failed' ? MODEL_MESSAGES.failed : null;
      dialog.setModel({ status, message });
      const level = status === 'failed' || status === 'missing' ? 'warn' : 'info';
      o.logger[level]({ status, detail, dir: model.dir }, 'voice: the screen reports the recognizer model');
      try {
        o.store.settings.set(VOICE_MODEL_SETTINGS_KEY, JSON.stringify({ status, detail, at: Date.now() }));
      } catch (e) {
        o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'voice: cannot record the model status');
      }
    },
    close: () => {
      closed = true;
      dialog.close();
    },
  };
}
