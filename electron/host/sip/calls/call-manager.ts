// Calls on the panel, over one SipAccount and the media engine.
//
// Incoming (a door rings): the INVITE gets 183 Session Progress carrying our SDP answer at once,
// so the door's video shows while it rings; answer() sends 200 with the same answer and turns
// the microphone on. A second INVITE while any call exists gets 486 Busy Here and the first call
// is not touched. The resident declining gets 603 Decline (see reject()). Nobody answering within
// ringTimeoutMs gets 480. CANCEL and BYE from the far end end the call with a reason.
//
// Outgoing: monitor(door) (the door auto-answers; silent; ends itself after maxSeconds) and
// callDesk(number) (the property desk).
//
// Unlock: the platform's SIP INFO protocol (unlock-protocol.ts), with RFC 4733 '*' as fallback,
// rate-limited, every attempt stored with its evidence.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  Invitation,
  Inviter,
  SessionState,
  UserAgent,
  type Core,
  type Session,
} from 'sip.js';
import type { Logger } from 'pino';
import type { SipAccount } from '../account.js';
import { NoCommonCodecError, type MediaEngine, type MediaSession } from '../../media/types.js';
import { MediaSdhRegistry, MediaSessionDescriptionHandler } from './sdh.js';
import {
  UNLOCK_CONTENT_TYPE,
  UNLOCK_TIMEOUT_MS,
  UnlockRateLimiter,
  parseInfoJson,
  unlockAnswerBody,
  unlockRequestBody,
} from './unlock-protocol.js';
import type {
  CallKind,
  CallManagerEvents,
  CallState,
  CallStore,
  CallView,
  UnlockAttemptRecord,
  UnlockResult,
  UnlockVia,
} from './types.js';

export interface CallManagerOptions {
  account: SipAccount;
  media: MediaEngine;
  store: CallStore;
  logger: Logger;
  /** Address for RTP and SDP (default: the SIP transport's address, else 127.0.0.1). */
  mediaAddress?: string;
  portRange?: [number, number];
  /** Unanswered incoming calls get 480 after this (default 60 s). */
  ringTimeoutMs?: number;
  /** No unlock answer within this = failed (default 3 s, the platform's rule). */
  unlockTimeoutMs?: number;
  /** Unlock limits (defaults: one per 2 s per call, 10 per minute). */
  unlockMinIntervalMs?: number;
  unlockPerMinute?: number;
  /** When an INFO gets no SIP answer at all within the timeout, send '*' by DTMF (default true). */
  dtmfFallbackOnTimeout?: boolean;
  /** What an incoming caller is (default: a Lintel panel calling is a resident, anyone else a door). */
  classify?: (number: string, displayName: string, userAgent: string) => CallKind;
  /**
   * Incoming calls that may ring at once (default 1: a resident's panel answers a second caller
   * 486). A property desk takes several: they wait in its queue until it picks one.
   */
  maxRinging?: number;
  now?: () => number;
}

export interface MonitorOptions {
  /** The viewing ends by BYE after this many seconds (default 60, the platform's limit). */
  maxSeconds?: number;
}

/** A call could not be placed or changed; `reason` is for the resident (Chinese, like the screen). */
export class CallError extends Error {
  constructor(readonly code: 'busy' | 'offline' | 'not-found' | 'bad-state' | 'remote' | 'media', readonly reason: string, readonly statusCode?: number) {
    super(reason);
    this.name = 'CallError';
  }
}

/** The end hint of a ringing call the resident declined (603): a decision, not a missed call. */
export const DECLINED_BY_RESIDENT = 'declined by resident';

/** The end hint of a ringing call another device of the house answered (RFC 3326 Reason in the CANCEL). */
export const ANSWERED_ELSEWHERE = 'answered elsewhere';

/** `Reason: SIP ;cause=200 ;text="Call completed elsewhere"`: cause 200 is what counts; proxies vary the text. */
export function completedElsewhere(reason: string | undefined): boolean {
  if (!reason) return false;
  return reason.split(',').some((r) => /^\s*SIP\b/i.test(r) && (/;\s*cause\s*=\s*200\b/i.test(r) || /completed elsewhere/i.test(r)));
}

/**
 * Lintel panels announce themselves in User-Agent (and their house as display name): such a
 * caller is a resident. Door stations of any make are everything else.
 */
export function classifyCaller(_number: string, _displayName: string, userAgent: string): CallKind {
  return userAgent.startsWith(`${PANEL_USER_AGENT}/`) ? 'resident' : 'door';
}

/** The User-Agent product of a Lintel panel's SIP account. */
export const PANEL_USER_AGENT = 'Lintel-Panel';

/** SIP codes on which a door does not do INFO: fall back to DTMF at once. */
const INFO_UNSUPPORTED = new Set([405, 415, 420, 469, 488, 501]);

interface PendingUnlock {
  resolve: (status: number) => void;
}

interface CallRecord {
  view: CallView;
  session: Invitation | Inviter;
  media: MediaSession | undefined;
  sdh: MediaSessionDescriptionHandler | undefined;
  endHint: string | undefined;
  ringTimer: NodeJS.Timeout | undefined;
  maxTimer: NodeJS.Timeout | undefined;
  progress: Promise<void> | undefined;
  pendingUnlocks: Map<number, PendingUnlock>;
  infoUnsupported: boolean;
  ended: Promise<void>;
  markEnded: () => void;
  inviteTo183Ms?: number;
}

const MONITOR_FAILURES: Record<number, string> = {
  404: '门口机不在线',
  408: '门口机无应答',
  480: '门口机暂时无法接通',
  486: '门口机正在通话',
  487: '监视已取消',
  600: '门口机正在通话',
  603: '门口机拒绝了监视',
};

const DESK_FAILURES: Record<number, string> = {
  404: '物业中心不在线',
  408: '物业中心无应答',
  480: '物业中心暂时无人接听',
  486: '物业中心忙',
  487: '呼叫已取消',
  600: '物业中心忙',
  603: '物业中心拒绝了呼叫',
};

export class CallManager {
  private readonly emitter = new EventEmitter();
  private readonly calls = new Map<string, CallRecord>();
  private readonly history: CallView[] = [];
  private readonly registry: MediaSdhRegistry;
  private readonly limiter: UnlockRateLimiter;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly opts: Required<Pick<CallManagerOptions, 'ringTimeoutMs' | 'unlockTimeoutMs' | 'unlockMinIntervalMs' | 'unlockPerMinute' | 'dtmfFallbackOnTimeout'>> & CallManagerOptions;
  private readonly previousOnInvite: SipAccount['onInvite'];
  private closed = false;
  /** INVITE received → 183 handed to the transport, for the last incoming call (ms). */
  lastInviteTo183Ms: number | undefined;

  constructor(options: CallManagerOptions) {
    this.opts = {
      ringTimeoutMs: 60_000,
      unlockTimeoutMs: UNLOCK_TIMEOUT_MS,
      unlockMinIntervalMs: 2000,
      unlockPerMinute: 10,
      dtmfFallbackOnTimeout: true,
      ...options,
    };
    this.logger = options.logger.child({ mod: 'calls' });
    this.now = options.now ?? (() => performance.now());
    this.registry = new MediaSdhRegistry(this.logger);
    this.limiter = new UnlockRateLimiter(this.opts.unlockMinIntervalMs, this.opts.unlockPerMinute, this.now);
    this.previousOnInvite = options.account.onInvite;
    options.account.onInvite = (invitation) => this.onInvite(invitation);
  }

  // ---- events & queries -------------------------------------------------------------------------

  on<K extends keyof CallManagerEvents>(event: K, listener: CallManagerEvents[K]): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends keyof CallManagerEvents>(event: K, listener: CallManagerEvents[K]): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** A call by id (live, or one of the last 50 ended). */
  get(callId: string): CallView | undefined {
    const live = this.calls.get(callId);
    if (live) return { ...live.view };
    const past = this.history.find((v) => v.id === callId);
    return past ? { ...past } : undefined;
  }

  /** Calls not ended yet. */
  list(): CallView[] {
    return [...this.calls.values()].map((r) => ({ ...r.view }));
  }

  /** The MediaSession of a live call (stats, tests). */
  mediaOf(callId: string): MediaSession | undefined {
    return this.calls.get(callId)?.media;
  }

  /** Resolves when the call has ended (at once for an unknown/ended one). */
  whenEnded(callId: string): Promise<void> {
    return this.calls.get(callId)?.ended ?? Promise.resolve();
  }

  // ---- incoming ---------------------------------------------------------------------------------

  private onInvite(invitation: Invitation): void {
    if (this.closed) {
      invitation.reject({ statusCode: 480 }).catch((e: unknown) => this.logger.debug({ err: e }, 'calls: 480 failed'));
      return;
    }
    const t0 = this.now();
    const identity = invitation.remoteIdentity;
    const number = identity.uri.user ?? '';
    const displayName = identity.displayName ?? '';
    const live = [...this.calls.values()].filter((r) => r.view.state !== 'ended');
    const busyWith = live.find((r) => r.view.direction === 'outgoing') ?? (live.length >= (this.opts.maxRinging ?? 1) ? live[0] : undefined);
    if (busyWith) {
      this.logger.info({ from: number, busyWith: busyWith.view.id }, 'calls: INVITE while in a call: 486 Busy Here');
      invitation.reject({ statusCode: 486, reasonPhrase: 'Busy Here' }).catch((e: unknown) => this.logger.warn({ err: e }, 'calls: 486 failed'));
      return;
    }
    const userAgent = invitation.request.getHeader('user-agent') ?? '';
    let kind: CallKind = 'door';
    try {
      kind = (this.opts.classify ?? classifyCaller)(number, displayName, userAgent);
    } catch (e) {
      this.logger.warn({ err: e }, 'calls: classify threw; treating the caller as a door');
    }
    const rec = this.newRecord(invitation, { direction: 'incoming', kind, number, displayName, state: 'ringing' });
    invitation.delegate = {
      onBye: (bye) => {
        rec.endHint ??= 'remote hangup';
        bye.accept().catch(() => undefined);
      },
      onCancel: (cancel) => {
        rec.endHint ??= completedElsewhere(cancel.request.getHeader('reason')) ? ANSWERED_ELSEWHERE : 'canceled by caller';
      },
    };
    rec.ringTimer = setTimeout(() => {
      rec.ringTimer = undefined;
      if (rec.view.state !== 'ringing' && rec.view.state !== 'early') return;
      rec.endHint ??= `no answer within ${Math.round(this.opts.ringTimeoutMs / 1000)} s`;
      this.logger.info({ call: rec.view.id }, 'calls: ring timeout: 480');
      invitation.reject({ statusCode: 480, reasonPhrase: 'Temporarily Unavailable' }).catch((e: unknown) => this.logger.debug({ err: e }, 'calls: 480 failed'));
    }, this.opts.ringTimeoutMs);
    rec.progress = this.startIncoming(rec, invitation, t0).catch((e: unknown) => {
      this.logger.error({ err: e, call: rec.view.id }, 'calls: incoming call setup failed');
      rec.endHint ??= `setup failed: ${(e as Error).message}`;
      if (invitation.state === SessionState.Initial || invitation.state === SessionState.Establishing) {
        invitation.reject({ statusCode: 500 }).catch(() => undefined);
      }
      this.finish(rec, rec.endHint);
    });
  }

  private async startIncoming(rec: CallRecord, invitation: Invitation, t0: number): Promise<void> {
    const media = await this.createMedia();
    if (rec.view.state === 'ended' || invitation.state === SessionState.Terminated) {
      await media.close();
      return;
    }
    this.attachMedia(rec, media);
    const contentType = (invitation.request.getHeader('content-type') ?? '').toLowerCase();
    const offer = invitation.request.body;
    let preset: { offer: string; answer: string } | undefined;
    if (offer && contentType.startsWith('application/sdp')) {
      try {
        preset = { offer, answer: media.answer(offer) };
      } catch (e) {
        if (e instanceof NoCommonCodecError) {
          this.logger.warn({ call: rec.view.id, err: e }, 'calls: no common codec: 488');
          rec.endHint = 'no common codec';
          await invitation.reject({ statusCode: 488, reasonPhrase: 'Not Acceptable Here' }).catch(() => undefined);
          this.finish(rec, rec.endHint);
          return;
        }
        throw e;
      }
    }
    const sdh = new MediaSessionDescriptionHandler(media, this.logger, preset);
    rec.sdh = sdh;
    this.registry.register(invitation, sdh);
    this.installSdhFactory();
    // 183 with SDP: sip.js asks the SDH (sendProgressWithSDP → getDescription) for the body; the
    // core keeps that answer and puts it in the 200 as well (RFC 3261 13.2.1: an unreliable 1xx
    // answer must be repeated in the 2xx). 100rel is used only when the INVITE requires it.
    await invitation.progress({ statusCode: 183, reasonPhrase: 'Session Progress' });
    if (rec.view.state !== 'ringing') return; // cancelled meanwhile
    rec.inviteTo183Ms = this.now() - t0;
    this.lastInviteTo183Ms = rec.inviteTo183Ms;
    this.setState(rec, 'early');
    this.logger.info({ call: rec.view.id, from: rec.view.remote.number, inviteTo183Ms: Math.round(rec.inviteTo183Ms) }, 'calls: 183 Session Progress sent (early media)');
  }

  /** Answer an incoming call: 200 OK with the answer already sent in the 183, then the microphone goes live. */
  async answer(callId: string): Promise<CallView> {
    const rec = this.live(callId);
    const inv = rec.session;
    if (!(inv instanceof Invitation) || (rec.view.state !== 'ringing' && rec.view.state !== 'early')) {
      throw new CallError('bad-state', `无法接听：通话状态为 ${rec.view.state}`);
    }
    await rec.progress;
    if (rec.view.state !== 'early') throw new CallError('bad-state', `无法接听：通话状态为 ${rec.view.state}`);
    // A desk with callers queued talks to one at a time.
    if ([...this.calls.values()].some((r) => r !== rec && r.view.state === 'active')) throw new CallError('busy', '请先结束当前通话');
    await inv.accept();
    if (inv.state !== SessionState.Established) throw new CallError('bad-state', '无法接听：呼叫已结束');
    this.clearRing(rec);
    rec.view.answeredAt = Date.now();
    rec.media?.setSending(true);
    this.setState(rec, 'active');
    return { ...rec.view };
  }

  /**
   * The resident declines a ringing call. Answered with 603 Decline, not 486: 486 means "this
   * device is busy, try elsewhere", and a proxy forking the call keeps the house's other panels
   * ringing; 603 is the resident's final "no" for the household (a 6xx ends all forks), and a
   * door shows it as declined rather than busy. 486 stays for the automatic busy case.
   */
  async reject(callId: string): Promise<void> {
    const rec = this.live(callId);
    const inv = rec.session;
    if (!(inv instanceof Invitation) || (rec.view.state !== 'ringing' && rec.view.state !== 'early')) {
      throw new CallError('bad-state', `无法拒接：通话状态为 ${rec.view.state}`);
    }
    rec.endHint ??= DECLINED_BY_RESIDENT;
    await rec.progress;
    if (inv.state === SessionState.Initial || inv.state === SessionState.Establishing) {
      await inv.reject({ statusCode: 603, reasonPhrase: 'Decline' }).catch((e: unknown) => this.logger.warn({ err: e }, 'calls: 603 failed'));
    }
    await this.boundedEnd(rec);
  }

  /** End any call: BYE when established, CANCEL while our INVITE is pending, 603 for a ringing one. */
  async hangup(callId: string): Promise<void> {
    const rec = this.calls.get(callId);
    if (!rec || rec.view.state === 'ended') return;
    const s = rec.session;
    if (s instanceof Invitation && (rec.view.state === 'ringing' || rec.view.state === 'early')) {
      rec.endHint ??= DECLINED_BY_RESIDENT;
      return this.reject(callId);
    }
    rec.endHint ??= 'local hangup';
    try {
      if (s.state === SessionState.Established) await s.bye();
      else if (s instanceof Inviter && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) await s.cancel();
    } catch (e) {
      this.logger.warn({ err: e, call: callId }, 'calls: hangup failed; ending locally');
      this.finish(rec, rec.endHint);
    }
    await this.boundedEnd(rec);
  }

  /** Microphone audio (8 kHz mono) into an answered call; ignored otherwise (and in a monitor, which is silent). */
  sendMicrophone(callId: string, pcm8k: Int16Array): void {
    const rec = this.calls.get(callId);
    if (!rec || rec.view.state !== 'active' || rec.view.kind === 'monitor') return;
    rec.media?.sendAudio(pcm8k);
  }

  // ---- outgoing ---------------------------------------------------------------------------------

  /**
   * Watch a door (active viewing): INVITE the door station, which auto-answers; the panel only
   * receives (silent) and hangs up by BYE after maxSeconds. One viewer at a time: refused while
   * any call exists. Rejects with a CallError whose reason is for the resident (e.g. 486 → 门口机正在通话).
   */
  async monitor(doorNumber: string, options: MonitorOptions = {}): Promise<CallView> {
    const maxSeconds = options.maxSeconds ?? 60;
    const view = await this.placeCall('monitor', doorNumber, MONITOR_FAILURES, '监视失败');
    const rec = this.calls.get(view.id);
    if (rec && rec.view.state === 'active') {
      rec.maxTimer = setTimeout(() => {
        rec.maxTimer = undefined;
        rec.endHint ??= `monitor time limit (${maxSeconds} s)`;
        this.logger.info({ call: rec.view.id }, 'calls: monitor time limit: BYE');
        this.hangup(rec.view.id).catch((e: unknown) => this.logger.warn({ err: e }, 'calls: monitor BYE failed'));
      }, maxSeconds * 1000);
    }
    return view;
  }

  /** Call the property desk (number or group number): audio and video both ways. */
  async callDesk(number: string): Promise<CallView> {
    const view = await this.placeCall('desk', number, DESK_FAILURES, '呼叫物业失败');
    const rec = this.calls.get(view.id);
    rec?.media?.setSending(true);
    return view;
  }

  private async placeCall(kind: CallKind, number: string, failures: Record<number, string>, failPrefix: string): Promise<CallView> {
    if (this.closed) throw new CallError('offline', '通话服务已停止');
    const busyWith = [...this.calls.values()].find((r) => r.view.state !== 'ended');
    if (busyWith) {
      throw new CallError('busy', busyWith.view.kind === 'monitor' ? '正在监视门口，请先结束监视' : '正在通话中');
    }
    const ua = this.opts.account.userAgent;
    if (!ua || this.opts.account.state !== 'ONLINE') throw new CallError('offline', `SIP 未登录（${this.opts.account.reason}）`);
    const c = this.opts.account.config;
    const domain = c.domain ?? c.host;
    const target = UserAgent.makeURI(`sip:${number}@${domain.includes(':') && !domain.startsWith('[') ? `[${domain}]` : domain}`);
    if (!target) throw new CallError('not-found', `号码无效：${number}`);
    const inviter = new Inviter(ua, target, { earlyMedia: true });
    const rec = this.newRecord(inviter, { direction: 'outgoing', kind, number, displayName: '', state: 'calling' });
    inviter.delegate = {
      onBye: (bye) => {
        rec.endHint ??= 'remote hangup';
        bye.accept().catch(() => undefined);
      },
    };
    let media: MediaSession;
    try {
      media = await this.createMedia();
    } catch (e) {
      this.finish(rec, `media unavailable: ${(e as Error).message}`);
      throw new CallError('media', `${failPrefix}：无法打开媒体端口`);
    }
    this.attachMedia(rec, media);
    const sdh = new MediaSessionDescriptionHandler(media, this.logger);
    rec.sdh = sdh;
    this.registry.register(inviter, sdh);
    this.installSdhFactory();

    return new Promise<CallView>((resolve, reject) => {
      let settled = false;
      const fail = (code: number | undefined, why: string): void => {
        if (settled) return;
        settled = true;
        const reason = code !== undefined ? (failures[code] ?? `${failPrefix}（${code}）`) : `${failPrefix}：${why}`;
        rec.endHint ??= code !== undefined ? `${code} ${why}` : why;
        reject(new CallError('remote', reason, code));
      };
      inviter.stateChange.addListener((s) => {
        if (s === SessionState.Established && !settled) {
          settled = true;
          rec.view.answeredAt = Date.now();
          this.setState(rec, 'active');
          resolve({ ...rec.view });
        } else if (s === SessionState.Terminated && !settled) {
          // sip.js moves to Terminated before it hands the final response to onReject: let that come first.
          setImmediate(() => fail(undefined, rec.endHint ?? '呼叫结束'));
        }
      });
      inviter
        .invite({
          requestDelegate: {
            onProgress: (response) => {
              const code = response.message.statusCode ?? 0;
              if (code === 183 && response.message.body && rec.view.state === 'calling') this.setState(rec, 'early');
            },
            onReject: (response) => {
              const code = response.message.statusCode ?? 0;
              fail(code, response.message.reasonPhrase ?? '');
            },
          },
        })
        .catch((e: unknown) => {
          fail(undefined, (e as Error).message);
          this.finish(rec, `INVITE failed: ${(e as Error).message}`);
        });
    });
  }

  // ---- unlock -----------------------------------------------------------------------------------

  /**
   * Open the door of this call. SIP INFO per the platform protocol (sent twice, 3 s for the
   * answer); when the door refuses INFO (405/415/501...) or, by default, gives no SIP answer at all,
   * RFC 4733 '*' instead. In an early dialog (183, not answered) sip.js sends no INFO (its API and
   * its core dialog both require a confirmed dialog), so '*' goes over the early media. Never throws.
   */
  async unlock(callId: string, via: UnlockVia): Promise<UnlockResult> {
    const t0 = this.now();
    const rec = this.calls.get(callId);
    const doorNumber = rec?.view.remote.number ?? this.history.find((v) => v.id === callId)?.remote.number ?? '';
    const done = (result: UnlockResult, outcome: UnlockAttemptRecord['result']): UnlockResult => {
      const attempt: UnlockAttemptRecord = {
        at: Date.now(),
        callId,
        doorNumber,
        method: result.method,
        via,
        result: outcome,
        confirmed: result.confirmed,
        latencyMs: result.latencyMs,
        ...(result.reqsn !== undefined ? { reqsn: result.reqsn } : {}),
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
      };
      try {
        this.opts.store.unlockAttempts.record(attempt);
      } catch (e) {
        this.logger.error({ err: e }, 'calls: cannot store the unlock attempt');
      }
      const level = outcome === 'ok' ? 'info' : 'warn';
      this.logger[level]({ ...attempt }, 'calls: unlock attempt');
      return result;
    };
    const refuse = (reason: string, outcome: UnlockAttemptRecord['result'] = 'refused'): UnlockResult =>
      done({ ok: false, confirmed: false, method: 'none', latencyMs: this.now() - t0, reason }, outcome);

    if (!rec || rec.view.state === 'ended') return refuse('没有进行中的通话');
    if (rec.view.state !== 'early' && rec.view.state !== 'active') return refuse(`通话尚未建立（${rec.view.state}）`);
    const limited = this.limiter.take(callId);
    if (limited) return refuse(limited, 'rate-limited');
    try {
      if (rec.session.state !== SessionState.Established) {
        return done(await this.unlockByDtmf(rec, t0, 'early dialog: INFO needs a confirmed dialog; DTMF * over early media'), 'ok');
      }
      if (rec.infoUnsupported) {
        const r = await this.unlockByDtmf(rec, t0, 'door does not take INFO; DTMF *');
        return done(r, r.ok ? 'ok' : 'failed');
      }
      let reqsn: number;
      try {
        reqsn = this.opts.store.unlockAttempts.nextReqsn();
      } catch (e) {
        this.logger.error({ err: e }, 'calls: cannot persist the unlock reqsn');
        return refuse('无法记录开锁序号');
      }
      const outcome = await this.sendUnlockInfo(rec, reqsn);
      const latencyMs = this.now() - t0;
      switch (outcome.kind) {
        case 'answer':
          if (outcome.status === 200) {
            return done({ ok: true, confirmed: true, method: 'info', reqsn, latencyMs, doorStatus: 200 }, 'ok');
          }
          return done({ ok: false, confirmed: false, method: 'info', reqsn, latencyMs, doorStatus: outcome.status, reason: `门口机开锁失败（status ${outcome.status}）` }, 'failed');
        case 'rejected': {
          rec.infoUnsupported = true;
          const r = await this.unlockByDtmf(rec, t0, `door answered INFO with ${outcome.code}; DTMF *`, reqsn);
          return done(r, r.ok ? 'ok' : 'failed');
        }
        case 'failed':
          return done({ ok: false, confirmed: false, method: 'info', reqsn, latencyMs, reason: `开锁请求被拒绝（SIP ${outcome.code}）` }, 'failed');
        case 'timeout':
          if (outcome.sipAnswered || !this.opts.dtmfFallbackOnTimeout) {
            return done({
              ok: false, confirmed: false, method: 'info', reqsn, latencyMs,
              reason: outcome.sipAnswered ? '门口机未在3秒内确认开锁' : '门口机3秒内无应答',
            }, 'failed');
          } else {
            const r = await this.unlockByDtmf(rec, t0, `no SIP answer to INFO within ${this.opts.unlockTimeoutMs} ms; DTMF *`, reqsn);
            return done(r, r.ok ? 'ok' : 'failed');
          }
      }
    } catch (e) {
      return done({ ok: false, confirmed: false, method: 'none', latencyMs: this.now() - t0, reason: `开锁出错：${(e as Error).message}` }, 'failed');
    }
  }

  private async unlockByDtmf(rec: CallRecord, t0: number, reason: string, reqsn?: number): Promise<UnlockResult> {
    const base = reqsn !== undefined ? { reqsn } : {};
    if (!rec.media || !rec.sdh?.telephoneEvent) {
      return { ok: false, confirmed: false, method: 'none', latencyMs: this.now() - t0, reason: `${reason}: but the door negotiated no telephone-event`, ...base };
    }
    try {
      await rec.media.sendDtmf('*');
    } catch (e) {
      return { ok: false, confirmed: false, method: 'dtmf', latencyMs: this.now() - t0, reason: `DTMF failed: ${(e as Error).message}`, ...base };
    }
    return { ok: true, confirmed: false, method: 'dtmf', latencyMs: this.now() - t0, reason, ...base };
  }

  /** Send the unlock INFO twice; settle on the door's answer (200 body or an INFO), a refusal, or the timeout. */
  private sendUnlockInfo(
    rec: CallRecord,
    reqsn: number,
  ): Promise<{ kind: 'answer'; status: number } | { kind: 'rejected' | 'failed'; code: number } | { kind: 'timeout'; sipAnswered: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      let sipAnswered = false;
      const codes: number[] = [];
      type Outcome = Parameters<typeof resolve>[0];
      // The copies on their way. Once the outcome is decided, a copy still unanswered must not be
      // retransmitted: arriving later than the door's 3 s repeat window, it would open the door
      // again (after a success), or open it when the resident was told it failed.
      const copies: Core.OutgoingInfoRequest[] = [];
      const abandon = (copy: Core.OutgoingInfoRequest): void => {
        if (copy.message.branch) this.opts.account.transport?.abandon(copy.message.branch);
      };
      const finish = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        rec.pendingUnlocks.delete(reqsn);
        copies.forEach(abandon);
        resolve(o);
      };
      const timer = setTimeout(() => finish({ kind: 'timeout', sipAnswered }), this.opts.unlockTimeoutMs);
      rec.pendingUnlocks.set(reqsn, { resolve: (status) => finish({ kind: 'answer', status }) });
      const onResponse = (response: Core.IncomingResponse): void => {
        const msg = response.message;
        const code = msg.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          sipAnswered = true;
          const ct = (msg.getHeader('content-type') ?? '').toLowerCase();
          if (msg.body && ct.startsWith(UNLOCK_CONTENT_TYPE)) {
            const parsed = parseInfoJson(msg.body);
            if (parsed.kind === 'answer' && parsed.answer.reqsn === reqsn) finish({ kind: 'answer', status: parsed.answer.status });
            else if (parsed.kind === 'malformed') this.logger.warn({ call: rec.view.id, error: parsed.error }, 'calls: malformed unlock answer in 200');
          }
          return;
        }
        // 408/503 are what sip.js makes of a transaction timeout / transport error: the timer decides.
        if (code === 408 || code === 503) return;
        codes.push(code);
        if (INFO_UNSUPPORTED.has(code)) finish({ kind: 'rejected', code });
        // e.g. 500 to the copy that arrived after the other (CSeq order): wait for the other copy.
        else if (codes.length >= 2) finish(codes.some((c) => c === 481) ? { kind: 'failed', code: 481 } : { kind: 'failed', code });
      };
      const body = unlockRequestBody(reqsn, this.opts.account.config.sipNumber);
      for (let copy = 0; copy < 2; copy++) {
        rec.session
          .info({
            requestOptions: { body: { contentDisposition: 'render', contentType: UNLOCK_CONTENT_TYPE, content: body } },
            requestDelegate: { onAccept: onResponse, onReject: onResponse },
          })
          .then((sent) => {
            if (settled) abandon(sent);
            else copies.push(sent);
          })
          .catch((e: unknown) => {
            this.logger.warn({ err: e, call: rec.view.id, reqsn, copy }, 'calls: unlock INFO could not be sent');
            codes.push(0);
            if (codes.length >= 2) finish({ kind: 'failed', code: 0 });
          });
      }
    });
  }

  /** INFO from the far end, in any dialog state: unlock answers, other JSON, DTMF relay. Never throws. */
  private onInfoRequest(rec: CallRecord, request: Core.IncomingInfoRequest): void {
    const reply = (statusCode: number, reasonPhrase?: string, json?: string): void => {
      try {
        const options: Core.ResponseOptions = { statusCode, ...(reasonPhrase ? { reasonPhrase } : {}) };
        if (json) options.body = { contentDisposition: 'render', contentType: UNLOCK_CONTENT_TYPE, content: json };
        if (statusCode < 300) request.accept(options);
        else request.reject(options);
      } catch (e) {
        this.logger.warn({ err: e }, 'calls: cannot answer INFO');
      }
    };
    try {
      const msg = request.message;
      const ct = (msg.getHeader('content-type') ?? '').toLowerCase().split(';')[0]!.trim();
      const body = msg.body ?? '';
      if (ct !== UNLOCK_CONTENT_TYPE || !body) {
        // application/dtmf-relay and friends: acknowledged, not acted on.
        this.logger.debug({ call: rec.view.id, contentType: ct }, 'calls: INFO ignored');
        reply(200);
        return;
      }
      const parsed = parseInfoJson(body);
      switch (parsed.kind) {
        case 'malformed':
          this.logger.warn({ call: rec.view.id, error: parsed.error }, 'calls: malformed JSON in INFO: 400');
          reply(400, 'Bad Request');
          return;
        case 'answer': {
          reply(200);
          const waiter = rec.pendingUnlocks.get(parsed.answer.reqsn);
          if (waiter) waiter.resolve(parsed.answer.status);
          else this.logger.debug({ call: rec.view.id, reqsn: parsed.answer.reqsn }, 'calls: unlock answer for no pending request (late or duplicate)');
          return;
        }
        case 'request':
          // The panel has no lock of its own.
          reply(200, undefined, unlockAnswerBody(parsed.request.reqsn, 501));
          return;
        case 'other-json':
          reply(200);
          return;
      }
    } catch (e) {
      this.logger.error({ err: e }, 'calls: INFO handling failed');
      reply(500);
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** End every call and give the account its previous INVITE handler back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.calls.values()].map(async (rec) => {
        rec.endHint ??= 'panel shutting down';
        await this.hangup(rec.view.id).catch(() => undefined);
        this.finish(rec, rec.endHint);
      }),
    );
    this.opts.account.onInvite = this.previousOnInvite;
  }

  // ---- internals --------------------------------------------------------------------------------

  private newRecord(
    session: Invitation | Inviter,
    init: { direction: CallView['direction']; kind: CallKind; number: string; displayName: string; state: CallState },
  ): CallRecord {
    let markEnded!: () => void;
    const ended = new Promise<void>((r) => (markEnded = r));
    const rec: CallRecord = {
      view: {
        id: randomUUID(),
        direction: init.direction,
        kind: init.kind,
        remote: { number: init.number, displayName: init.displayName },
        state: init.state,
        startedAt: Date.now(),
      },
      session,
      media: undefined,
      sdh: undefined,
      endHint: undefined,
      ringTimer: undefined,
      maxTimer: undefined,
      progress: undefined,
      pendingUnlocks: new Map(),
      infoUnsupported: false,
      ended,
      markEnded,
    };
    this.calls.set(rec.view.id, rec);
    (session as unknown as { onInfoRequest: (r: Core.IncomingInfoRequest) => void }).onInfoRequest = (r) => this.onInfoRequest(rec, r);
    session.stateChange.addListener((s) => {
      if (s === SessionState.Terminated) this.finish(rec, rec.endHint ?? this.terminationReason(session));
    });
    this.logger.info({ call: rec.view.id, direction: init.direction, kind: init.kind, remote: init.number }, 'calls: new call');
    this.publish(rec);
    return rec;
  }

  private terminationReason(session: Session): string {
    if (session instanceof Invitation && (session as unknown as { isCanceled?: boolean }).isCanceled) return 'canceled by caller';
    return 'ended';
  }

  private async createMedia(): Promise<MediaSession> {
    const address = this.opts.mediaAddress ?? this.opts.account.localEndpoint?.address ?? '127.0.0.1';
    return this.opts.media.createSession({
      localAddress: address === '0.0.0.0' ? '127.0.0.1' : address,
      video: true,
      ...(this.opts.portRange ? { portRange: this.opts.portRange } : {}),
    });
  }

  private attachMedia(rec: CallRecord, media: MediaSession): void {
    rec.media = media;
    const callId = rec.view.id;
    media.on('video', (unit) => this.emit('video', { callId, unit }));
    media.on('audio', (frame) => this.emit('audio', { callId, frame }));
    media.on('dtmf', (digit) => this.emit('dtmf', { callId, digit }));
    media.on('error', (error) => this.logger.warn({ err: error, call: callId }, 'calls: media error'));
  }

  private installSdhFactory(): void {
    const ua = this.opts.account.userAgent;
    if (!ua) return;
    const config = ua.configuration as { sessionDescriptionHandlerFactory: unknown };
    if (config.sessionDescriptionHandlerFactory !== this.registry.factory) config.sessionDescriptionHandlerFactory = this.registry.factory;
  }

  private live(callId: string): CallRecord {
    const rec = this.calls.get(callId);
    if (!rec || rec.view.state === 'ended') throw new CallError('bad-state', '通话已结束');
    return rec;
  }

  private clearRing(rec: CallRecord): void {
    if (rec.ringTimer) clearTimeout(rec.ringTimer);
    rec.ringTimer = undefined;
  }

  private async boundedEnd(rec: CallRecord, ms = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([rec.ended, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    if (rec.view.state !== 'ended') this.finish(rec, rec.endHint ?? 'ended');
  }

  private setState(rec: CallRecord, state: CallState): void {
    if (rec.view.state === state || rec.view.state === 'ended') return;
    rec.view.state = state;
    this.logger.info({ call: rec.view.id, state }, 'calls: state');
    this.publish(rec);
  }

  private finish(rec: CallRecord, reason: string): void {
    if (rec.view.state === 'ended') return;
    rec.view.state = 'ended';
    rec.view.endReason = reason;
    rec.view.endedAt = Date.now();
    this.clearRing(rec);
    if (rec.maxTimer) clearTimeout(rec.maxTimer);
    rec.maxTimer = undefined;
    for (const w of rec.pendingUnlocks.values()) w.resolve(0);
    rec.pendingUnlocks.clear();
    this.limiter.forget(rec.view.id);
    rec.media?.close().catch((e: unknown) => this.logger.warn({ err: e }, 'calls: media close failed'));
    this.calls.delete(rec.view.id);
    this.history.unshift({ ...rec.view });
    if (this.history.length > 50) this.history.length = 50;
    this.logger.info({ call: rec.view.id, reason }, 'calls: ended');
    this.publish(rec);
    rec.markEnded();
  }

  private publish(rec: CallRecord): void {
    const v = rec.view;
    try {
      this.opts.store.calls?.save({
        id: v.id, direction: v.direction, kind: v.kind, remoteNumber: v.remote.number, remoteDisplayName: v.remote.displayName,
        state: v.state, startedAt: v.startedAt,
        ...(v.endReason !== undefined ? { endReason: v.endReason } : {}),
        ...(v.answeredAt !== undefined ? { answeredAt: v.answeredAt } : {}),
        ...(v.endedAt !== undefined ? { endedAt: v.endedAt } : {}),
      });
    } catch (e) {
      this.logger.error({ err: e }, 'calls: cannot store the call');
    }
    this.emit('call', { ...v, remote: { ...v.remote } });
  }

  private emit<K extends keyof CallManagerEvents>(event: K, ...args: Parameters<CallManagerEvents[K]>): void {
    try {
      this.emitter.emit(event, ...args);
    } catch (e) {
      this.logger.error({ err: e, event }, 'calls: listener threw');
    }
  }
}
