// The voice dialog: what a heard sentence means now, and doing it. The screen's recognizer only
// reports text; the host decides, because the host knows the call, the far end's audio and the
// rules, and because a screen reload must not lose a pending question.
//
// Rules (grammar/README.md has the wake-word policy as data):
// - The context comes from the panel's state (ringing, in call, monitoring…) or from a question the
//   dialog asked (floor setup, choosing); the recognizer uses that context's grammar.
// - A phrase valid but not now gets a short spoken "现在不能…" and does nothing; at home, where
//   every command needs the wake word, a phrase without it is room noise and gets silence.
// - 开门 while a door rings needs the wake word or a touch confirmation.
// - Far-end safety: 开门 without the wake word is refused while the far end has been speaking in the
//   last `farEndGuardMs` (the visitor's voice from the loudspeaker must not open the door).
// - Voice unlocks are rate-limited; every sentence is logged with text, confidence, context,
//   intent and result.
import { randomUUID } from 'node:crypto';
import { compileGrammar, resolveIntent, type CompiledGrammar, type Context, type Resolution } from '../../../grammar/index.js';
import type { Call, UnlockOutcome, VoiceContext, VoiceState } from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';

/** What the dialog can make the panel do. Services that are not there yet are left out. */
export interface VoiceActions {
  call(): Call | null;
  answer(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  unlockCall(callId: string): Promise<UnlockOutcome>;
  monitor(): Promise<void>;
  callDesk(): Promise<void>;
  /** When the far end last sounded like speech (host clock ms), for the unlock guard. */
  farEndSpeechAt(): number;
}

export interface VoiceLogEntry {
  at: number;
  text: string;
  confidence: number;
  context: VoiceContext;
  intent: string | null;
  wakeWord: boolean;
  outcome: HeardOutcome['outcome'];
  detail: string | null;
}

export interface HeardOutcome {
  outcome: 'done' | 'failed' | 'refused' | 'ignored' | 'not-now' | 'not-understood' | 'confirm';
  intent: string | null;
  message: string | null;
}

export interface VoiceDialogOptions {
  actions: VoiceActions;
  logger: Logger;
  log: (entry: VoiceLogEntry) => void;
  /** Speak a short confirmation (resolves when synthesis is queued; never throws). */
  speak: (text: string) => void;
  onChange: () => void;
  wakeWord?: string;
  vocabulary?: ReadonlySet<string>;
  /** Below this the sentence counts as not understood (default 0.5). */
  minConfidence?: number;
  /** 开门 without the wake word is refused this long after far-end speech (default 2 s). */
  farEndGuardMs?: number;
  /** Voice unlocks: at most one per this interval (default 5 s). */
  unlockIntervalMs?: number;
  /** How long a touch confirmation stays on screen (default 15 s). */
  confirmMs?: number;
  now?: () => number;
}

const WORKING: Partial<Record<string, string>> = {
  answer: '正在接听',
  hangup: '正在挂断',
  openDoor: '正在开门',
  viewVideo: '正在打开门口视频',
  callProperty: '正在呼叫物业',
};

export class VoiceDialog {
  readonly grammar: CompiledGrammar;
  private current: VoiceState = {
    context: 'home',
    phase: 'idle',
    heard: null,
    message: null,
    at: null,
    confirm: null,
    speaking: null,
    model: { status: 'unknown', message: null },
  };
  private lastVoiceUnlockAt = -Infinity;
  private confirmTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly o: VoiceDialogOptions) {
    this.now = o.now ?? Date.now;
    this.grammar = compileGrammar({ ...(o.wakeWord ? { wakeWord: o.wakeWord } : {}), ...(o.vocabulary ? { vocabulary: o.vocabulary } : {}) });
    if (this.grammar.unknownWords.length > 0) {
      o.logger.warn({ phrases: this.grammar.unknownWords.map((u) => u.phrase) }, 'voice: phrases the model cannot recognise were left out of the grammar');
    }
  }

  /** The state for PanelState.voice (the context follows the call). */
  get state(): VoiceState {
    const call = this.o.actions.call();
    // A confirmation belongs to its call: once that call is gone, so is the question.
    const confirm = this.current.confirm && call?.id === this.current.confirm.callId && call.state !== 'ended' ? this.current.confirm : null;
    return { ...this.current, confirm, context: this.context() };
  }

  context(): VoiceContext {
    const call = this.o.actions.call();
    if (call && call.state !== 'ended') {
      if (call.direction === 'incoming' && (call.state === 'ringing' || call.state === 'early')) return 'ringing';
      if (call.kind === 'monitor') return 'monitoring';
      return 'inCall';
    }
    return 'home';
  }

  phrases(context: VoiceContext): string[] {
    return this.grammar.contexts[context].voskGrammar;
  }

  setSpeaking(speaking: VoiceState['speaking']): void {
    this.patch({ speaking });
  }

  setModel(model: VoiceState['model']): void {
    this.patch({ model });
  }

  /** A final recognition result. `heardIn` is the context the screen's grammar was for. */
  async heard(text: string, confidence: number, heardIn: VoiceContext): Promise<HeardOutcome> {
    const context = this.context();
    const base = { at: this.now(), text, confidence, context };
    const finish = (outcome: HeardOutcome, wakeWord: boolean, detail: string | null = null): HeardOutcome => {
      try {
        this.o.log({ ...base, intent: outcome.intent, wakeWord, outcome: outcome.outcome, detail });
      } catch (e) {
        this.o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'voice: cannot log a heard sentence');
      }
      this.o.logger.info({ text, confidence, context, intent: outcome.intent, outcome: outcome.outcome, detail }, 'voice: heard');
      return outcome;
    };
    if (confidence < (this.o.minConfidence ?? 0.5)) {
      this.show('not-understood', text, '没听清，请再说一遍');
      return finish({ outcome: 'not-understood', intent: null, message: '没听清，请再说一遍' }, false, `confidence ${confidence}`);
    }
    // The context changed while the resident spoke (the door hung up, say): what they said was
    // meant for the old one, so it must not act on the new one.
    if (heardIn !== context) {
      this.show('refused', text, null);
      return finish({ outcome: 'ignored', intent: null, message: null }, false, `heard in ${heardIn}, now ${context}`);
    }
    const r: Resolution = resolveIntent(text, context as Context, this.grammar);
    if (r.kind === 'none') {
      if (r.reason === 'empty' && r.wakeWord) {
        this.show('heard', text, '我在听，请说');
        return finish({ outcome: 'ignored', intent: null, message: '我在听，请说' }, true, 'wake word alone');
      }
      this.show('not-understood', text, '没听懂');
      return finish({ outcome: 'not-understood', intent: null, message: '没听懂' }, r.wakeWord, r.reason);
    }
    if (r.kind === 'not-now') {
      if (r.needsWakeWord) return finish({ outcome: 'ignored', intent: r.intent, message: null }, false, 'not live here and no wake word');
      this.show('refused', text, r.speak);
      this.o.speak(r.speak);
      return finish({ outcome: 'not-now', intent: r.intent, message: r.speak }, r.wakeWord, `live in ${r.liveIn.join(',')}`);
    }
    if (r.needsWakeWord && r.wakeRule === 'wake') {
      return finish({ outcome: 'ignored', intent: r.intent, message: null }, false, 'needs the wake word');
    }
    const call = this.o.actions.call();
    if (r.intent === 'openDoor') {
      if (!r.wakeWord && this.now() - this.o.actions.farEndSpeechAt() < (this.o.farEndGuardMs ?? 2000)) {
        const message = '对方正在说话，请说“你好门楣，开门”或按开门键';
        this.show('refused', text, message);
        return finish({ outcome: 'refused', intent: r.intent, message }, false, 'far-end speech: unlock without the wake word refused');
      }
      if (this.now() - this.lastVoiceUnlockAt < (this.o.unlockIntervalMs ?? 5000)) {
        const message = '开门太频繁，请稍后再试';
        this.show('refused', text, message);
        return finish({ outcome: 'refused', intent: r.intent, message }, r.wakeWord, 'voice unlock rate limit');
      }
      if (r.needsWakeWord && r.wakeRule === 'wakeOrTouch' && call) {
        this.askConfirm(call.id);
        const message = '请在屏幕上确认开门';
        this.show('heard', text, message);
        this.o.speak(message);
        return finish({ outcome: 'confirm', intent: r.intent, message }, false, 'wakeOrTouch: asked for a touch');
      }
    }
    this.show('doing', text, WORKING[r.intent] ?? '正在处理');
    try {
      const message = await this.act(r, call);
      this.show('done', text, message);
      if (message) this.o.speak(message);
      return finish({ outcome: 'done', intent: r.intent, message }, r.wakeWord);
    } catch (e) {
      const message = e instanceof UserFacingError ? e.message : '操作失败';
      this.show('refused', text, message);
      this.o.speak(message);
      return finish({ outcome: 'failed', intent: r.intent, message }, r.wakeWord, e instanceof Error ? e.message : String(e));
    }
  }

  /** The resident's touch answer to "请在屏幕上确认开门". */
  async confirm(id: string, accept: boolean): Promise<void> {
    const pending = this.state.confirm;
    if (!pending || pending.id !== id) throw new UserFacingError('expired', '确认已过期');
    this.clearConfirm();
    if (!accept) {
      this.show('idle', null, null);
      return;
    }
    this.show('doing', this.current.heard, '正在开门');
    const outcome = await this.o.actions.unlockCall(pending.callId);
    this.lastVoiceUnlockAt = this.now();
    this.show(outcome.ok ? 'done' : 'refused', this.current.heard, outcome.message);
    this.o.speak(outcome.message);
  }

  close(): void {
    this.clearConfirm();
  }

  private async act(r: Extract<Resolution, { kind: 'intent' }>, call: Call | null): Promise<string | null> {
    const a = this.o.actions;
    const needCall = (): Call => {
      if (!call || call.state === 'ended') throw new UserFacingError('no-call', '现在没有通话');
      return call;
    };
    switch (r.intent) {
      case 'answer':
        await a.answer(needCall().id);
        return null; // the door's voice is the confirmation
      case 'hangup':
        await a.hangup(needCall().id);
        return '已挂断';
      case 'openDoor': {
        if (r.action === 'cloudOpenUnitDoor') throw new UserFacingError('not-yet', '在家开门需要先接入社区门禁服务');
        this.lastVoiceUnlockAt = this.now();
        const outcome = await a.unlockCall(needCall().id);
        if (!outcome.ok) throw new UserFacingError('unlock-failed', outcome.message);
        return outcome.message;
      }
      case 'viewVideo':
        await a.monitor();
        return null;
      case 'callProperty':
        await a.callDesk();
        return '正在呼叫物业';
      default:
        throw new UserFacingError('not-yet', '这项功能还不能用语音操作');
    }
  }

  private askConfirm(callId: string): void {
    this.clearConfirm();
    const ms = this.o.confirmMs ?? 15_000;
    this.current = { ...this.current, confirm: { id: randomUUID(), action: 'unlock', callId, expiresAt: this.now() + ms } };
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = undefined;
      this.patch({ confirm: null });
    }, ms);
    this.confirmTimer.unref?.();
  }

  private clearConfirm(): void {
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    if (this.current.confirm) this.current = { ...this.current, confirm: null };
  }

  private show(phase: VoiceState['phase'], heard: string | null, message: string | null): void {
    this.patch({ phase, heard, message, at: this.now() });
  }

  private patch(p: Partial<VoiceState>): void {
    this.current = { ...this.current, ...p };
    this.o.onChange();
  }
}
