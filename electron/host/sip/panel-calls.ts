// The calls as the screen sees them: one contract `Call` (the live one, or the one that just
// ended, for a few seconds), the requests the screen makes of it, the media channel's frames and
// the call history with its snapshots. The CallManager underneath comes and goes with the SIP
// account (IntercomLine); this object stays for the life of the host.
import { EventEmitter } from 'node:events';
import {
  encodeMediaFrame,
  decodeMediaFrame,
  MediaFrameError,
  type Call,
  type CallHistoryEntry,
  type CallKind,
  type UnlockOutcome,
} from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import type { StoredCall, Store } from '../store/index.js';
import { ANSWERED_ELSEWHERE, CallError, DECLINED_BY_RESIDENT, type CallManager, type CallManagerEvents, type CallView, type UnlockResult } from './calls/index.js';

export interface PanelCallsOptions {
  store: Store;
  logger: Logger;
  onChange: () => void;
  /** How long the call-ended view stays unless dismissed (default 6 s). */
  endedLingerMs?: number;
  /** The property desk's number or group (呼叫物业), looked up at each call; null: not configured. */
  deskNumber?: () => string | null;
  /** The door 查看视频 watches when none is named (default: the last door that called). */
  monitorDoor?: string | null;
  /** 查看视频 ends after this many seconds (default 60, the platform's limit). */
  monitorSeconds?: number;
}

type Listener = (frame: ArrayBuffer) => void;

interface CallEntry {
  call: Call;
  lingerTimer: NodeJS.Timeout | undefined;
  /** The Chinese reason an outgoing call failed with, when the CallError arrives before or after the end. */
  failure: string | undefined;
}

const SILENCE = new Int16Array(160);
/**
 * A 20 ms frame louder than this (RMS of 32767) counts as far-end speech: well above line noise
 * and comfort noise, below a voice at normal level through a door station's microphone.
 */
const FAR_END_SPEECH_RMS = 500;

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * Whether the screen plays this call's far end through the loudspeaker (renderer/src/media/
 * call-media.ts, soundPlan): only that can reach the panel's microphone. A ringing door's early
 * audio (its chime) is not played, so it is no far-end speech for the voice unlock guard, which
 * would otherwise refuse every 开门 said while a door rings.
 */
function audible(call: Call): boolean {
  return call.state === 'active' || (call.direction === 'outgoing' && call.state === 'calling');
}

export class PanelCalls {
  private manager: CallManager | null = null;
  private detach: (() => void) | null = null;
  /** Live calls, and the one that just ended while its view lingers. Insertion order = arrival. */
  private readonly records = new Map<string, CallEntry>();
  private nextTag = 1;
  private farEndSpeech = -Infinity;
  private readonly media = new EventEmitter();
  private readonly linger: number;

  constructor(private readonly o: PanelCallsOptions) {
    this.linger = o.endedLingerMs ?? 6000;
    this.media.setMaxListeners(20);
  }

  /** The CallManager of the running SIP account (null while there is none). */
  attach(manager: CallManager | null): void {
    this.detach?.();
    this.detach = null;
    this.manager = manager;
    if (!manager) return;
    const onCall = (view: CallView): void => this.onCall(view);
    // Only the call on screen sends its picture and sound; queued callers wait with their names.
    const onVideo: CallManagerEvents['video'] = ({ callId, unit }) => {
      const call = this.shown(callId);
      if (!call) return;
      if (!call.video) this.update(call.id, { video: true });
      this.forward(encodeMediaFrame({ kind: 'video', mediaTag: call.mediaTag, key: unit.key, timestamp: unit.timestamp, receivedAt: unit.receivedAt, data: unit.data }));
    };
    const onAudio: CallManagerEvents['audio'] = ({ callId, frame }) => {
      const call = this.shown(callId);
      if (!call) return;
      if (audible(call) && rms(frame.samples) >= FAR_END_SPEECH_RMS) this.farEndSpeech = Date.now();
      this.forward(encodeMediaFrame({ kind: 'audio', mediaTag: call.mediaTag, timestamp: frame.timestamp, receivedAt: Date.now(), samples: frame.samples }));
    };
    manager.on('call', onCall).on('video', onVideo).on('audio', onAudio);
    this.detach = () => void manager.off('call', onCall).off('video', onVideo).off('audio', onAudio);
  }

  /** When the far end last sounded like someone speaking (Date.now ms): the voice unlock guard. */
  farEndSpeechAt(): number {
    return this.farEndSpeech;
  }

  /**
   * The call on screen: the answered one, else the first caller still ringing, else an outgoing
   * call, else the one that just ended (its reason lingers).
   */
  get call(): Call | null {
    const r = this.primary();
    return r ? { ...r.call } : null;
  }

  /** Other callers ringing meanwhile (a property desk's queue), in the order they called. */
  get queue(): Call[] {
    const shown = this.primary();
    return [...this.records.values()].filter((r) => r !== shown && r.call.state !== 'ended').map((r) => ({ ...r.call }));
  }

  // ---- media channel ----------------------------------------------------------------------------

  /** Frames for the screen (video access units, far-end audio), already encoded for the channel. */
  onMediaFrame(listener: Listener): () => void {
    this.media.on('frame', listener);
    this.requestKeyFrame();
    return () => void this.media.off('frame', listener);
  }

  /**
   * A screen that (re)connects or reloads mid-call needs a key frame to start decoding: ask the
   * door now (RTCP PLI/FIR) rather than wait for its next one.
   */
  requestKeyFrame(): void {
    const live = this.shown();
    if (live) this.manager?.mediaOf(live.id)?.requestKeyFrame();
  }

  /** A frame from the screen: microphone PCM for the answered call; anything else is dropped. */
  receiveMediaFrame(buffer: ArrayBuffer): void {
    let frame;
    try {
      frame = decodeMediaFrame(buffer);
    } catch (e) {
      if (e instanceof MediaFrameError) this.o.logger.warn({ err: e.message }, 'dropped a malformed media frame from the screen');
      return;
    }
    const call = this.shown();
    if (frame.kind !== 'microphone' || !call || frame.mediaTag !== call.mediaTag || call.state !== 'active') return;
    this.manager?.sendMicrophone(call.id, call.muted ? SILENCE.subarray(0, Math.min(SILENCE.length, frame.samples.length)) : frame.samples);
  }

  // ---- requests ---------------------------------------------------------------------------------

  async answer(callId: string): Promise<void> {
    await this.run(() => this.requireManager().answer(this.requireLive(callId).id));
  }

  async hangup(callId: string): Promise<void> {
    const call = this.requireLive(callId);
    await this.run(() => this.requireManager().hangup(call.id));
  }

  async unlock(callId: string, via: 'touch' | 'voice'): Promise<UnlockOutcome> {
    const call = this.requireLive(callId);
    const manager = this.requireManager();
    this.update(call.id, { unlock: { state: 'pending', message: '正在开门…', at: Date.now() } });
    const result = await manager.unlock(call.id, via);
    const outcome = describeUnlock(result);
    this.update(call.id, { unlock: { state: outcome.ok ? 'opened' : 'failed', message: outcome.message, at: Date.now() } });
    return outcome;
  }

  mute(callId: string, muted: boolean): void {
    this.update(this.requireLive(callId).id, { muted });
  }

  async monitor(doorNumber?: string): Promise<void> {
    const door = doorNumber ?? this.o.monitorDoor ?? this.lastDoor();
    if (!door) throw new UserFacingError('no-door', '还没有可查看的门口机');
    const manager = this.requireIdleManager();
    this.place(manager.monitor(door, { maxSeconds: this.o.monitorSeconds ?? 60 }));
  }

  async callDesk(): Promise<void> {
    const desk = this.o.deskNumber?.() ?? null;
    if (!desk) throw new UserFacingError('no-desk', '未配置物业中心号码，请联系安装人员');
    const manager = this.requireIdleManager();
    this.place(manager.callDesk(desk));
  }

  dismiss(callId: string): void {
    if (this.records.get(callId)?.call.state === 'ended') this.drop(callId);
  }

  snapshot(callId: string, dataUrl: string): void {
    const jpeg = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new UserFacingError('bad-snapshot', '快照不是 JPEG 图像');
    if (!this.o.store.calls.saveSnapshot(callId, jpeg, Date.now())) throw new UserFacingError('not-found', '没有这个通话');
  }

  history(limit = 50): CallHistoryEntry[] {
    const calls = this.o.store.calls.recent(limit);
    const withSnapshot = this.o.store.calls.withSnapshots(calls.map((c) => c.id));
    return calls.map((c) => historyEntry(c, withSnapshot.has(c.id)));
  }

  snapshotOf(callId: string): string | null {
    const jpeg = this.o.store.calls.snapshot(callId);
    return jpeg ? `data:image/jpeg;base64,${jpeg.toString('base64')}` : null;
  }

  close(): void {
    this.attach(null);
    for (const r of this.records.values()) if (r.lingerTimer) clearTimeout(r.lingerTimer);
    this.records.clear();
    this.media.removeAllListeners();
  }

  // ---- internals --------------------------------------------------------------------------------

  private onCall(view: CallView): void {
    let record = this.records.get(view.id);
    if (!record) {
      if (view.state === 'ended') return; // a call we never showed (e.g. refused at once)
      // A new call takes the place of an ended one still lingering on screen.
      for (const r of [...this.records.values()]) if (r.call.state === 'ended') this.drop(r.call.id, false);
      record = {
        call: {
          id: view.id,
          direction: view.direction,
          kind: view.kind,
          state: view.state,
          remote: { number: view.remote.number, name: this.nameOf(view.kind, view.remote.number, view.remote.displayName) },
          startedAt: view.startedAt,
          answeredAt: null,
          endedAt: null,
          endReason: null,
          endsAt: null,
          muted: false,
          video: false,
          mediaTag: this.nextTag++ >>> 0,
          unlock: { state: 'idle', message: null, at: null },
        },
        lingerTimer: undefined,
        failure: undefined,
      };
      this.records.set(view.id, record);
    }
    const media = this.manager?.mediaOf(view.id);
    const monitorEnds = view.kind === 'monitor' && view.state === 'active' && view.answeredAt !== undefined ? view.answeredAt + (this.o.monitorSeconds ?? 60) * 1000 : null;
    record.call = {
      ...record.call,
      state: view.state,
      answeredAt: view.answeredAt ?? null,
      endedAt: view.endedAt ?? null,
      endsAt: view.state === 'ended' ? null : (monitorEnds ?? record.call.endsAt),
      video: record.call.video || (media?.receivesVideo() ?? false),
      endReason: view.state === 'ended' ? (record.failure ?? describeEnd(view.endReason, view)) : null,
    };
    if (view.state === 'ended') {
      // The reason lingers only when nothing else needs the screen (a queued caller takes over).
      if ([...this.records.values()].some((r) => r.call.state !== 'ended')) {
        this.drop(view.id);
        return;
      }
      const id = view.id;
      record.lingerTimer = setTimeout(() => this.drop(id), this.linger);
      record.lingerTimer.unref?.();
    }
    this.o.onChange();
  }

  private primary(): CallEntry | undefined {
    const all = [...this.records.values()];
    const live = all.filter((r) => r.call.state !== 'ended');
    return (
      live.find((r) => r.call.state === 'active') ??
      live.find((r) => r.call.direction === 'incoming') ??
      live[0] ??
      all.find((r) => r.call.state === 'ended')
    );
  }

  private place(placing: Promise<CallView>): void {
    placing.catch((e: unknown) => {
      const reason = e instanceof CallError ? e.reason : '呼叫失败';
      this.o.logger.info({ reason }, 'an outgoing call did not connect');
      const record = [...this.records.values()].find((r) => r.call.direction === 'outgoing');
      if (!record) return;
      record.failure = reason;
      if (record.call.state === 'ended') this.update(record.call.id, { endReason: reason });
    });
  }

  private update(callId: string, patch: Partial<Call>): void {
    const record = this.records.get(callId);
    if (!record) return;
    record.call = { ...record.call, ...patch };
    this.o.onChange();
  }

  private drop(callId: string, notify = true): void {
    const record = this.records.get(callId);
    if (!record) return;
    if (record.lingerTimer) clearTimeout(record.lingerTimer);
    this.records.delete(callId);
    if (notify) this.o.onChange();
  }

  private forward(frame: ArrayBuffer): void {
    this.media.emit('frame', frame);
  }

  /** The live call on screen (optionally: only if it is `callId`). */
  private shown(callId?: string): Call | null {
    const call = this.primary()?.call;
    if (!call || call.state === 'ended' || (callId !== undefined && call.id !== callId)) return null;
    return call;
  }

  private requireLive(callId: string): Call {
    const call = this.records.get(callId)?.call;
    if (!call || call.state === 'ended') throw new UserFacingError('no-call', '通话已结束');
    return call;
  }

  private requireManager(): CallManager {
    if (!this.manager) throw new UserFacingError('offline', '对讲线路未连接');
    return this.manager;
  }

  private requireIdleManager(): CallManager {
    const manager = this.requireManager();
    const live = this.shown();
    if (live) throw new UserFacingError('busy', live.kind === 'monitor' ? '正在查看门口，请先结束' : '正在通话中');
    for (const r of [...this.records.values()]) this.drop(r.call.id, false); // an ended call's view gives way to the new call
    return manager;
  }

  private async run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (e) {
      if (e instanceof CallError) throw new UserFacingError(e.code, e.reason);
      throw e;
    }
  }

  /** The name of the last door that called, for 查看视频 with no door named. */
  private lastDoor(): string | null {
    return this.o.store.calls.recent(50).find((c) => c.kind === 'door' && c.direction === 'incoming')?.remoteNumber ?? null;
  }

  private nameOf(kind: CallKind, number: string, displayName: string): string {
    if (displayName.trim()) return displayName.trim();
    if (kind === 'desk') return '物业中心';
    // A door that once called with its name (the SIP display name) keeps that name for monitoring.
    const known = this.o.store.calls.recent(200).find((c) => c.remoteNumber === number && c.remoteDisplayName);
    if (known?.remoteDisplayName) return known.remoteDisplayName;
    return kind === 'door' || kind === 'monitor' ? `门口机 ${number}` : number;
  }
}

function historyEntry(c: StoredCall, hasSnapshot: boolean): CallHistoryEntry {
  const kind = (['door', 'monitor', 'desk', 'resident'] as const).find((k) => k === c.kind) ?? 'door';
  const view = { direction: c.direction, kind };
  return {
    id: c.id,
    direction: c.direction,
    kind,
    remote: { number: c.remoteNumber, name: c.remoteDisplayName || (kind === 'desk' ? '物业中心' : c.remoteNumber) },
    startedAt: c.startedAt,
    answeredAt: c.answeredAt ?? null,
    endedAt: c.endedAt ?? null,
    // Answered on another panel of the house: the household took the call, nobody missed it.
    // The resident declining is a decision, not a missed call.
    missed: c.direction === 'incoming' && c.answeredAt === undefined && c.state === 'ended' && c.endReason !== ANSWERED_ELSEWHERE && c.endReason !== DECLINED_BY_RESIDENT,
    endReason: c.state === 'ended' ? describeEnd(c.endReason, view) : null,
    hasSnapshot,
  };
}

/** The reason a call ended, for the resident. The call layer's reasons are technical English. */
export function describeEnd(hint: string | undefined, view: { direction: 'incoming' | 'outgoing'; kind: CallKind }): string {
  const h = hint ?? '';
  if (h === 'remote hangup') return '对方已挂断';
  if (h === 'local hangup') return '通话已结束';
  if (h === DECLINED_BY_RESIDENT) return '已拒接';
  if (h === 'canceled by caller') return '对方已取消呼叫';
  if (h === ANSWERED_ELSEWHERE) return '已在其他设备接听';
  if (h.startsWith('no answer within')) return '无人接听';
  if (h.startsWith('monitor time limit')) return '查看时间到';
  if (h === 'no common codec') return '门口机的音视频格式不受支持';
  if (h === 'panel shutting down') return '主机正在重启';
  if (h.startsWith('setup failed') || h.startsWith('media unavailable')) return '通话建立失败';
  return view.direction === 'outgoing' && view.kind === 'monitor' ? '查看已结束' : '通话已结束';
}

function describeUnlock(r: UnlockResult): UnlockOutcome {
  if (r.ok) return { ok: true, confirmed: r.confirmed, message: r.confirmed ? '门已打开' : '已发送开门信号' };
  const reason = r.reason ?? '';
  return { ok: false, confirmed: false, message: /[\u4e00-\u9fff]/.test(reason) ? reason : '开门失败' };
}
