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
import { ANSWERED_ELSEWHERE, CallError, type CallManager, type CallManagerEvents, type CallView, type UnlockResult } from './calls/index.js';

export interface PanelCallsOptions {
  store: Store;
  logger: Logger;
  onChange: () => void;
  /** How long the call-ended view stays unless dismissed (default 6 s). */
  endedLingerMs?: number;
  /** The property desk's number or group (呼叫物业); null: not configured. */
  deskNumber?: string | null;
  /** The door 查看视频 watches when none is named (default: the last door that called). */
  monitorDoor?: string | null;
  /** 查看视频 ends after this many seconds (default 60, the platform's limit). */
  monitorSeconds?: number;
}

type Listener = (frame: ArrayBuffer) => void;

interface Current {
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

export class PanelCalls {
  private manager: CallManager | null = null;
  private detach: (() => void) | null = null;
  private current: Current | null = null;
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
    const onVideo: CallManagerEvents['video'] = ({ callId, unit }) => {
      const call = this.liveCall(callId);
      if (!call) return;
      if (!call.video) this.update({ video: true });
      this.forward(encodeMediaFrame({ kind: 'video', mediaTag: call.mediaTag, key: unit.key, timestamp: unit.timestamp, receivedAt: unit.receivedAt, data: unit.data }));
    };
    const onAudio: CallManagerEvents['audio'] = ({ callId, frame }) => {
      const call = this.liveCall(callId);
      if (!call) return;
      if (rms(frame.samples) >= FAR_END_SPEECH_RMS) this.farEndSpeech = Date.now();
      this.forward(encodeMediaFrame({ kind: 'audio', mediaTag: call.mediaTag, timestamp: frame.timestamp, receivedAt: Date.now(), samples: frame.samples }));
    };
    manager.on('call', onCall).on('video', onVideo).on('audio', onAudio);
    this.detach = () => void manager.off('call', onCall).off('video', onVideo).off('audio', onAudio);
  }

  /** When the far end last sounded like someone speaking (Date.now ms): the voice unlock guard. */
  farEndSpeechAt(): number {
    return this.farEndSpeech;
  }

  /** The call for PanelState. */
  get call(): Call | null {
    return this.current ? { ...this.current.call } : null;
  }

  // ---- media channel ----------------------------------------------------------------------------

  /** Frames for the screen (video access units, far-end audio), already encoded for the channel. */
  onMediaFrame(listener: Listener): () => void {
    this.media.on('frame', listener);
    // A screen that (re)connects mid-call needs a key frame to start decoding: ask the door now
    // rather than wait for its next one.
    const live = this.liveCall();
    if (live) this.manager?.mediaOf(live.id)?.requestKeyFrame();
    return () => void this.media.off('frame', listener);
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
    const call = this.liveCall();
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
    this.update({ unlock: { state: 'pending', message: '正在开门…', at: Date.now() } });
    const result = await manager.unlock(call.id, via);
    const outcome = describeUnlock(result);
    if (this.current?.call.id === call.id) {
      this.update({ unlock: { state: outcome.ok ? 'opened' : 'failed', message: outcome.message, at: Date.now() } });
    }
    return outcome;
  }

  mute(callId: string, muted: boolean): void {
    this.requireLive(callId);
    this.update({ muted });
  }

  async monitor(doorNumber?: string): Promise<void> {
    const door = doorNumber ?? this.o.monitorDoor ?? this.lastDoor();
    if (!door) throw new UserFacingError('no-door', '还没有可查看的门口机');
    const manager = this.requireIdleManager();
    this.place(manager.monitor(door, { maxSeconds: this.o.monitorSeconds ?? 60 }));
  }

  async callDesk(): Promise<void> {
    if (!this.o.deskNumber) throw new UserFacingError('no-desk', '未配置物业中心号码，请联系安装人员');
    const manager = this.requireIdleManager();
    this.place(manager.callDesk(this.o.deskNumber));
  }

  dismiss(callId: string): void {
    if (this.current?.call.id === callId && this.current.call.state === 'ended') this.clear();
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
    if (this.current?.lingerTimer) clearTimeout(this.current.lingerTimer);
    this.media.removeAllListeners();
  }

  // ---- internals --------------------------------------------------------------------------------

  private onCall(view: CallView): void {
    const existing = this.current?.call.id === view.id ? this.current : null;
    if (!existing && view.state === 'ended') return; // a call we never showed (e.g. refused at once)
    const base: Call = existing?.call ?? {
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
    };
    if (!existing) {
      if (this.current?.lingerTimer) clearTimeout(this.current.lingerTimer);
      this.current = { call: base, lingerTimer: undefined, failure: undefined };
    }
    const current = this.current!;
    const media = this.manager?.mediaOf(view.id);
    const monitorEnds = view.kind === 'monitor' && view.state === 'active' && view.answeredAt !== undefined ? view.answeredAt + (this.o.monitorSeconds ?? 60) * 1000 : null;
    current.call = {
      ...current.call,
      state: view.state,
      answeredAt: view.answeredAt ?? null,
      endedAt: view.endedAt ?? null,
      endsAt: view.state === 'ended' ? null : (monitorEnds ?? current.call.endsAt),
      video: current.call.video || (media?.receivesVideo() ?? false),
      endReason: view.state === 'ended' ? (current.failure ?? describeEnd(view.endReason, view)) : null,
    };
    if (view.state === 'ended') {
      current.lingerTimer = setTimeout(() => this.clear(), this.linger);
      current.lingerTimer.unref?.();
    }
    this.o.onChange();
  }

  private place(placing: Promise<CallView>): void {
    placing.catch((e: unknown) => {
      const reason = e instanceof CallError ? e.reason : '呼叫失败';
      this.o.logger.info({ reason }, 'an outgoing call did not connect');
      const current = this.current;
      if (!current || current.call.direction !== 'outgoing') return;
      current.failure = reason;
      if (current.call.state === 'ended') this.update({ endReason: reason });
    });
  }

  private update(patch: Partial<Call>): void {
    if (!this.current) return;
    this.current.call = { ...this.current.call, ...patch };
    this.o.onChange();
  }

  private clear(): void {
    if (this.current?.lingerTimer) clearTimeout(this.current.lingerTimer);
    this.current = null;
    this.o.onChange();
  }

  private forward(frame: ArrayBuffer): void {
    this.media.emit('frame', frame);
  }

  private liveCall(callId?: string): Call | null {
    const call = this.current?.call;
    if (!call || call.state === 'ended' || (callId !== undefined && call.id !== callId)) return null;
    return call;
  }

  private requireLive(callId: string): Call {
    const call = this.liveCall(callId);
    if (!call) throw new UserFacingError('no-call', '通话已结束');
    return call;
  }

  private requireManager(): CallManager {
    if (!this.manager) throw new UserFacingError('offline', '对讲线路未连接');
    return this.manager;
  }

  private requireIdleManager(): CallManager {
    const manager = this.requireManager();
    const live = this.liveCall();
    if (live) throw new UserFacingError('busy', live.kind === 'monitor' ? '正在查看门口，请先结束' : '正在通话中');
    if (this.current) this.clear(); // an ended call's view gives way to the new call
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
    missed: c.direction === 'incoming' && c.answeredAt === undefined && c.state === 'ended' && c.endReason !== ANSWERED_ELSEWHERE,
    endReason: c.state === 'ended' ? describeEnd(c.endReason, view) : null,
    hasSnapshot,
  };
}

/** The reason a call ended, for the resident. The call layer's reasons are technical English. */
export function describeEnd(hint: string | undefined, view: { direction: 'incoming' | 'outgoing'; kind: CallKind }): string {
  const h = hint ?? '';
  if (h === 'remote hangup') return '对方已挂断';
  if (h === 'local hangup') return '通话已结束';
  if (h === 'declined by resident') return '已拒接';
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
