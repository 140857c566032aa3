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
import type { Call, HostApi, NoticeAlert, UnlockOutcome, VoiceContext, VoiceState } from '../../contract/index.js';
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
  /** The community services (notices, doors, elevator) while the panel is bound to a community. */
  community?: () => CommunityVoiceApi | null;
  /** The "有新公告" alert on screen, if any. */
  noticeAlert?: () => NoticeAlert | null;
  /** The Akuvox residence's relays, when the panel is configured for one (issue 7). */
  akuvox?: () => AkuvoxVoiceApi | null;
}

export type AkuvoxVoiceApi = Pick<HostApi, 'akuvox.devices' | 'akuvox.openRelay'>;

export type CommunityVoiceApi = Pick<
  HostApi,
  'notices.list' | 'notices.get' | 'notices.markRead' | 'notices.dismissAlert' | 'doors.list' | 'doors.open' | 'elevator.call' | 'elevator.floor.set'
>;

/** A question the panel asked and waits to hear answered (its own dialog context). */
type Pending =
  | { kind: 'floor'; elevatorId: string | undefined }
  | { kind: 'choose'; what: 'door' | 'elevator'; choices: Choice[] };

/** One answer to "which one?": its name (as the cloud gave it) and what choosing it does. */
interface Choice {
  name: string;
  act: () => Promise<string | null>;
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
  /** Speak (synthesis is queued; never throws); returns the utterance's id (VoiceState.speaking.id). */
  speak: (text: string) => number;
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
  /** The recognizer's confidence in the sentence being acted on (kept with a relay open's evidence). */
  private lastConfidence = 0;
  private pending: Pending | null = null;
  /** The utterance reading a notice aloud: while it plays, the context is noticePlaying. */
  private noticeSpeechId: number | null = null;
  private choiceGrammar: { key: string; grammar: CompiledGrammar } | null = null;
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
    if (this.pending?.kind === 'floor') return 'floorSetup';
    if (this.pending?.kind === 'choose') return 'choosing';
    if (this.noticeSpeechId !== null && this.current.speaking?.id === this.noticeSpeechId) return 'noticePlaying';
    if (this.o.actions.noticeAlert?.()) return 'noticeAlert';
    return 'home';
  }

  phrases(context: VoiceContext): string[] {
    return this.grammarFor(context).contexts[context].voskGrammar;
  }

  /** Choosing among the cloud's doors or elevators needs their names in the grammar. */
  private grammarFor(context: VoiceContext): CompiledGrammar {
    if (context !== 'choosing' || this.pending?.kind !== 'choose') return this.grammar;
    const names = this.pending.choices.map((c) => c.name);
    const key = names.join('\u0000');
    if (this.choiceGrammar?.key !== key) {
      this.choiceGrammar = {
        key,
        grammar: compileGrammar({
          ...(this.o.wakeWord ? { wakeWord: this.o.wakeWord } : {}),
          ...(this.o.vocabulary ? { vocabulary: this.o.vocabulary } : {}),
          extraChoices: names,
        }),
      };
    }
    return this.choiceGrammar.grammar;
  }

  setSpeaking(speaking: VoiceState['speaking']): void {
    if (!speaking) this.noticeSpeechId = null;
    this.patch({ speaking });
  }

  setModel(model: VoiceState['model']): void {
    this.patch({ model });
  }

  /** A final recognition result. `heardIn` is the context the screen's grammar was for. */
  async heard(text: string, confidence: number, heardIn: VoiceContext): Promise<HeardOutcome> {
    const context = this.context();
    this.lastConfidence = confidence;
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
    const r: Resolution = resolveIntent(text, context as Context, this.grammarFor(context));
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
        if (r.action === 'cloudOpenUnitDoor') {
          this.lastVoiceUnlockAt = this.now();
          return this.openHomeDoor(undefined);
        }
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
      case 'playNotice':
        return this.playNotice();
      case 'dismissNotice':
        await this.community()['notices.dismissAlert']({});
        return '好的，不播放';
      case 'stopNotice':
        this.noticeSpeechId = null;
        this.setSpeaking(null);
        return null;
      case 'confirm':
        if (this.context() === 'noticeAlert') return this.playNotice();
        throw new UserFacingError('nothing-to-confirm', '现在没有需要确认的事');
      case 'deny':
        if (this.context() === 'noticeAlert') {
          await this.community()['notices.dismissAlert']({});
          return '好的，不播放';
        }
        this.pending = null;
        return '已取消';
      case 'callElevator':
        return this.callElevator(undefined);
      case 'setFloor': {
        const pending = this.pending;
        if (r.slots.floor === undefined || pending?.kind !== 'floor') throw new UserFacingError('no-floor', '请说您住几楼');
        await this.community()['elevator.floor.set']({ floor: String(r.slots.floor) });
        this.pending = null;
        return this.callElevator(pending.elevatorId);
      }
      case 'choose': {
        const pending = this.pending;
        if (pending?.kind !== 'choose') throw new UserFacingError('no-choice', '现在没有需要选择的');
        const chosen = r.slots.name !== undefined ? pending.choices.find((c) => c.name === r.slots.name) : r.slots.ordinal !== undefined ? pending.choices[r.slots.ordinal - 1] : undefined;
        if (!chosen) throw new UserFacingError('no-such-choice', `请说第一个到第${pending.choices.length}个`);
        this.pending = null;
        return chosen.act();
      }
      default:
        throw new UserFacingError('not-yet', '这项功能还不能用语音操作');
    }
  }

  private community(): CommunityVoiceApi {
    const api = this.o.actions.community?.() ?? null;
    if (!api) throw new UserFacingError('not-bound', '本机尚未接入社区服务');
    return api;
  }

  /**
   * 开门 at home: every door this panel may open, the community's (cloud open) and an Akuvox
   * residence's relays alike. One is opened at once; several are named and the resident picks.
   */
  private async openHomeDoor(iotId: string | undefined): Promise<string | null> {
    const akuvox = this.o.actions.akuvox?.() ?? null;
    if (iotId !== undefined || !akuvox) {
      const outcome = await this.community()['doors.open']({ ...(iotId ? { iotId } : {}), via: 'voice' });
      if (outcome.status === 'opened') return outcome.message;
      if (outcome.status === 'failed') throw new UserFacingError('door-failed', outcome.message);
      return this.ask('door', outcome.choices.map((d) => ({ name: d.name, act: () => this.openHomeDoor(d.iotId) })));
    }
    const community = this.o.actions.community?.() ?? null;
    const doors: Choice[] = community
      ? await community['doors.list']({}).then(
          ({ doors: list }) => list.map((d) => ({ name: d.name, act: () => this.openHomeDoor(d.iotId) })),
          () => [], // the cloud being down must not keep the residence's own relays shut
        )
      : [];
    const relays: Choice[] = (await akuvox['akuvox.devices']({})).devices.flatMap((device) =>
      device.relays.map((relay) => ({ name: relay.name, act: () => this.openRelay(akuvox, device.mac, relay.relayId) })),
    );
    const all = [...doors, ...relays];
    if (all.length === 0) throw new UserFacingError('no-door', '没有可以打开的门');
    if (all.length === 1) return all[0]!.act();
    return this.ask('door', all);
  }

  private async openRelay(akuvox: AkuvoxVoiceApi, mac: string, relayId: string): Promise<string | null> {
    const heard = this.current.heard;
    const outcome = await akuvox['akuvox.openRelay']({ mac, relayId, via: 'voice', ...(heard ? { transcript: heard.slice(0, 200) } : {}), confidence: this.lastConfidence });
    if (!outcome.ok) throw new UserFacingError('relay-failed', outcome.message);
    return outcome.message;
  }

  private async callElevator(iotId: string | undefined): Promise<string | null> {
    const outcome = await this.community()['elevator.call']({ ...(iotId ? { iotId } : {}), via: 'voice' });
    switch (outcome.status) {
      case 'calling':
        return outcome.message;
      case 'failed':
        throw new UserFacingError('elevator-failed', outcome.message);
      case 'need-floor':
        this.pending = { kind: 'floor', elevatorId: iotId };
        return outcome.suggested ? `请问您住几楼？比如“我住${outcome.suggested}楼”` : '请问您住几楼？';
      case 'choose':
        return this.ask('elevator', outcome.choices.map((e) => ({ name: e.name, act: () => this.callElevator(e.iotId) })));
    }
  }

  private ask(what: 'door' | 'elevator', choices: Choice[]): string {
    this.pending = { kind: 'choose', what, choices };
    const list = choices.map((c, i) => `第${'一二三四五六七八九'[i] ?? i + 1}个${c.name}`).join('，');
    return `有${choices.length}个${what === 'door' ? '门' : '电梯'}：${list}。请说第几个`;
  }

  /** 播放 by touch (the alert's button): read this notice aloud. */
  async playNoticeById(messageId: number): Promise<void> {
    await this.playNotice(messageId);
  }

  /** Reads a notice aloud (the given one, the alert's, the newest unread, else the newest): title, then text. */
  private async playNotice(messageId?: number): Promise<string | null> {
    const api = this.community();
    let id = messageId ?? this.o.actions.noticeAlert?.()?.messageId ?? null;
    if (id === null) {
      const { notices } = await api['notices.list']({ limit: 50 });
      id = (notices.find((n) => !n.read) ?? [...notices].sort((a, b) => b.publishedAt - a.publishedAt)[0])?.messageId ?? null;
    }
    if (id === null) throw new UserFacingError('no-notice', '现在没有公告');
    const notice = await api['notices.get']({ messageId: id });
    await api['notices.markRead']({ messageId: id });
    this.noticeSpeechId = this.o.speak(`${notice.title}。${notice.text}`);
    return null; // the notice itself is what is spoken
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
