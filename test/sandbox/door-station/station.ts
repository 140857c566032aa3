// A door station simulator that is a real SIP peer: registered with digest auth over the panel's
// own reliable UDP transport, ringing with early media (183) and real H.264, opening on the
// platform's INFO unlock and on RFC 4733 '*', and auto-answering "monitor" INVITEs silently.
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { Inviter, SessionState, UserAgent, type Info, type Invitation, type Session } from 'sip.js';
import { createMediaEngine, type MediaEngine, type MediaSession } from '../../../electron/host/media/index.js';
import { effectiveAddress, effectiveDirection, parseFmtpParameters, parseSdp, rtpMapFor, type SdpMedia } from '../../../electron/host/media/sdp.js';
import { SipAccount } from '../../../electron/host/sip/index.js';
import {
  AudioPump,
  DEFAULT_FFMPEG,
  DEFAULT_VIDEO,
  DOOR_H264_PT,
  h264Parameters,
  reserveVideoPort,
  startVideoSender,
  videoSection,
  withVideoSection,
  type VideoFormat,
  type VideoSender,
  type VideoTarget,
} from './media.js';
import { SdhRegistry } from './sdh.js';
import { parseUnlockInfo, ReqsnDedupe, unlockAnswer } from './unlock.js';

export type UnlockMode = 'answer' | 'silent' | 'reject-info';

export interface DoorStationOptions {
  sipNumber: string;
  password: string;
  registrar: { host: string; port: number };
  displayName?: string;
  logger?: Logger;
  /** Send H.264 (default true). Without it the door offers audio only. */
  video?: boolean;
  /** Address to bind SIP and RTP on and to write into SDP (default 127.0.0.1). */
  localAddress?: string;
  /** RTP port range (default the platform's 10000-20000). */
  portRange?: [number, number];
  /** How INFO unlock requests are treated (default 'answer'). */
  unlockMode?: UnlockMode;
  /** Besides the 200's body, also send the answer as an INFO back, twice (seed 001 allows both). Default false. */
  answerUnlockByInfo?: boolean;
  /** Repeat-reqsn window (default 3000 ms, the protocol's). */
  unlockDedupeMs?: number;
  /** A monitor view ends after this long (default 60 s). */
  monitorMaxSeconds?: number;
  /** Default for ring(): give up (CANCEL) after this long unanswered (default 30 s). */
  ringSeconds?: number;
  ffmpegPath?: string;
  videoFormat?: VideoFormat;
  /** SIP registration lifetime (default 60 s). */
  expiresSec?: number;
  now?: () => number;
}

export type DoorCallState = 'calling' | 'ringing' | 'early' | 'answered' | 'ended';
export type DoorSessionKind = 'call' | 'monitor';

export interface DoorOpenEvent {
  at: number;
  method: 'info' | 'dtmf';
  /** For 'info': the request's reqsn. */
  reqsn?: number;
  /** Who opened: the INFO's "sip" field, or the far end's SIP user for DTMF. */
  from: string;
  /** The door that opened (its SIP number). */
  door: string;
  callId: string;
  session: DoorSessionKind;
}

export interface DoorCallStats {
  audioPacketsSent: number;
  audioPacketsReceived: number;
  /** Frames the ffmpeg child reported sent (updated every 0.5 s). */
  videoFramesSent: number;
  dtmfReceived: string[];
  infoRequests: number;
  /** Received 20 ms frames loud enough to be someone talking (RMS >= 300 of 32767), not silence. */
  audioFramesHeard: number;
}

export interface DoorCall {
  readonly id: string;
  readonly kind: DoorSessionKind;
  /** The far end: what ring() was given, or the viewer's URI. */
  readonly target: string;
  readonly callId: string;
  readonly state: DoorCallState;
  readonly endReason: string | undefined;
  /** Final status of a rejected INVITE (486, 404...), when that is how it ended. */
  readonly statusCode: number | undefined;
  readonly startedAt: number;
  readonly answeredAt: number | undefined;
  readonly endedAt: number | undefined;
  /** Door-open events of this call. */
  readonly unlocks: readonly DoorOpenEvent[];
  /** Resolves with the end reason once the call is over and its media is released. */
  readonly closed: Promise<string>;
  on(event: 'state', listener: (state: DoorCallState, reason?: string) => void): this;
  off(event: 'state', listener: (state: DoorCallState, reason?: string) => void): this;
  /** Resolves once the call is in `state` (or already was); rejects if it ends first (unless state is 'ended') or after timeoutMs. */
  waitFor(state: Exclude<DoorCallState, 'calling'>, timeoutMs?: number): Promise<void>;
  /** CANCEL while ringing, BYE once answered. Idempotent. */
  hangup(reason?: string): Promise<void>;
  /** What the door's microphone picks up once answered: the visitor talking ('voice', the default) or quiet. */
  visitor(program: 'voice' | 'silence'): void;
  stats(): DoorCallStats;
}

export interface RingOptions {
  ringSeconds?: number;
}

const ANSWERED_ELSEWHERE = 'answered elsewhere';
const COMPLETED_ELSEWHERE_REASON = 'Reason: SIP ;cause=200 ;text="Call completed elsewhere"';

const STATE_ORDER: Record<DoorCallState, number> = { calling: 0, ringing: 1, early: 2, answered: 3, ended: 4 };

class Call extends EventEmitter implements DoorCall {
  readonly id: string;
  callId = '';
  state: DoorCallState = 'calling';
  endReason: string | undefined;
  statusCode: number | undefined;
  readonly startedAt: number;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  readonly unlocks: DoorOpenEvent[] = [];
  readonly closed: Promise<string>;
  session: Session | undefined;
  media: MediaSession | undefined;
  videoPort: number | undefined;
  videoSender: VideoSender | undefined;
  pump: AudioPump | undefined;
  timer: NodeJS.Timeout | undefined;
  localEnd: string | undefined;
  mediaStarted = false;
  /** Monitor: where the viewer wants our video, started once the view is established. */
  pendingVideo: VideoTarget | undefined;
  private finalStats: DoorCallStats | undefined;
  readonly dtmf: string[] = [];
  infoRequests = 0;
  audioFramesHeard = 0;
  private resolveClosed!: (reason: string) => void;

  constructor(
    readonly kind: DoorSessionKind,
    readonly target: string,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {
    super();
    this.id = `${kind}-${Math.random().toString(36).slice(2, 10)}`;
    this.startedAt = now();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // 'state' listeners are optional; EventEmitter only throws for unhandled 'error'.
  }

  setState(state: DoorCallState, reason?: string): void {
    if (this.state === 'ended' || STATE_ORDER[state] <= STATE_ORDER[this.state]) return;
    this.state = state;
    if (state === 'answered') this.answeredAt = this.now();
    if (state === 'ended') {
      this.endedAt = this.now();
      this.endReason = reason;
    }
    this.logger.info({ call: this.id, kind: this.kind, target: this.target, state, reason }, `door: ${this.kind} ${state}`);
    try {
      this.emit('state', state, reason);
    } catch (err) {
      this.logger.error({ err }, 'door: state listener threw');
    }
  }

  waitFor(state: Exclude<DoorCallState, 'calling'>, timeoutMs = 10_000): Promise<void> {
    if (this.state === state || (state !== 'ended' && this.state !== 'ended' && STATE_ORDER[this.state] > STATE_ORDER[state])) return Promise.resolve();
    if (this.state === 'ended') {
      return state === 'ended' ? Promise.resolve() : Promise.reject(new Error(`${this.kind} ended (${this.endReason}) before ${state}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', listener);
        reject(new Error(`${this.kind} to ${this.target} not ${state} within ${timeoutMs} ms (state ${this.state})`));
      }, timeoutMs);
      const listener = (s: DoorCallState, reason?: string): void => {
        if (s === state || (state !== 'ended' && s !== 'ended' && STATE_ORDER[s] > STATE_ORDER[state])) {
          clearTimeout(timer);
          this.off('state', listener);
          resolve();
        } else if (s === 'ended') {
          clearTimeout(timer);
          this.off('state', listener);
          reject(new Error(`${this.kind} ended (${reason}) before ${state}`));
        }
      };
      this.on('state', listener);
    });
  }

  async hangup(reason = 'hangup by door'): Promise<void> {
    if (this.state === 'ended') return;
    this.localEnd ??= reason;
    const s = this.session;
    try {
      if (!s) {
        this.finish(reason);
      } else if (s.state === SessionState.Established) {
        await s.bye();
      } else if (s instanceof Inviter && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) {
        // RFC 3326: the other panels of the house show "answered elsewhere", not a missed call.
        await s.cancel(reason === ANSWERED_ELSEWHERE ? { extraHeaders: [COMPLETED_ELSEWHERE_REASON] } : {});
      } else if (!(s instanceof Inviter) && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) {
        await (s as Invitation).reject({ statusCode: 486 });
      }
    } catch (err) {
      this.logger.debug({ err, call: this.id }, 'door: hangup request failed; ending locally');
      this.finish(reason);
    }
  }

  stats(): DoorCallStats {
    if (this.finalStats) return { ...this.finalStats, dtmfReceived: [...this.finalStats.dtmfReceived] };
    const m = this.media?.stats();
    return {
      audioPacketsSent: m?.audioPacketsOut ?? 0,
      audioPacketsReceived: m?.audioPacketsIn ?? 0,
      videoFramesSent: this.videoSender?.framesSent() ?? 0,
      dtmfReceived: [...this.dtmf],
      infoRequests: this.infoRequests,
      audioFramesHeard: this.audioFramesHeard,
    };
  }

  visitor(program: 'voice' | 'silence'): void {
    this.pump?.play(program);
  }

  /** Counts what the panel's microphone sends us, so a test can tell speech from silence. */
  listen(media: MediaSession): void {
    media.on('audio', (frame) => {
      let sum = 0;
      for (const s of frame.samples) sum += s * s;
      if (Math.sqrt(sum / Math.max(1, frame.samples.length)) >= 300) this.audioFramesHeard++;
    });
  }

  /** End state + release media (ffmpeg, sockets, timers). Safe to call more than once. */
  finish(reason: string): void {
    if (this.state === 'ended') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.setState('ended', reason);
    void this.release().then(
      () => this.resolveClosed(reason),
      (err: unknown) => {
        this.logger.warn({ err, call: this.id }, 'door: media release failed');
        this.resolveClosed(reason);
      },
    );
  }

  private async release(): Promise<void> {
    this.pump?.stop();
    const videoFrames = this.videoSender?.framesSent() ?? 0;
    await this.videoSender?.stop();
    const m = this.media?.stats();
    this.finalStats = {
      audioPacketsSent: m?.audioPacketsOut ?? 0,
      audioPacketsReceived: m?.audioPacketsIn ?? 0,
      videoFramesSent: Math.max(videoFrames, this.videoSender?.framesSent() ?? 0),
      dtmfReceived: [...this.dtmf],
      infoRequests: this.infoRequests,
      audioFramesHeard: this.audioFramesHeard,
    };
    await this.media?.close();
  }
}

function h264Choice(media: SdpMedia): { pt: number; mode: 0 | 1 } | undefined {
  const found: { pt: number; mode: 0 | 1 }[] = [];
  for (const f of media.formats) {
    const pt = Number(f);
    const map = rtpMapFor(media, pt);
    if (!map || map.encoding.toUpperCase() !== 'H264' || map.clockRate !== 90000) continue;
    const params = parseFmtpParameters(media.fmtps.get(pt));
    const mode = Number(params.get('packetization-mode') ?? '0');
    if (mode === 0 || mode === 1) found.push({ pt, mode });
  }
  return found.find((c) => c.mode === 1) ?? found[0];
}

/** Where the far end wants our H.264 (from its answer or offer); undefined when it does not want video. */
function videoTargetIn(sdpText: string, weOffered: boolean): VideoTarget | undefined {
  const session = parseSdp(sdpText);
  const m = session.media.find((x) => x.kind === 'video');
  if (!m || m.port === 0) return undefined;
  const dir = effectiveDirection(session, m);
  if (dir !== 'recvonly' && dir !== 'sendrecv') return undefined;
  const address = effectiveAddress(session, m);
  if (!address || address === '0.0.0.0' || address === '::') return undefined;
  const choice = h264Choice(m);
  // Our offer only had mode 1; an answer that leaves fmtp out still means our format.
  const mode: 0 | 1 = weOffered ? (m.fmtps.has(choice?.pt ?? DOOR_H264_PT) ? (choice?.mode ?? 1) : 1) : (choice?.mode ?? 0);
  const pt = choice?.pt ?? (weOffered ? Number(m.formats[0] ?? DOOR_H264_PT) : undefined);
  if (pt === undefined || !Number.isInteger(pt)) return undefined;
  const rtcpPort = m.rtcpMux ? m.port : (m.rtcpPort ?? m.port + 1);
  return { address, port: m.port, rtcpPort, payloadType: pt, packetizationMode: mode };
}

export interface DoorStationEvents {
  'door-opened': (event: DoorOpenEvent) => void;
  call: (call: DoorCall) => void;
}

export class DoorStation extends EventEmitter {
  readonly sipNumber: string;
  readonly account: SipAccount;
  /** Every door-open event since start, oldest first. */
  readonly doorOpens: DoorOpenEvent[] = [];
  unlockMode: UnlockMode;
  private readonly logger: Logger;
  private readonly engine: MediaEngine;
  private readonly opts: Required<Pick<DoorStationOptions, 'localAddress' | 'portRange' | 'monitorMaxSeconds' | 'ringSeconds' | 'ffmpegPath' | 'videoFormat' | 'unlockDedupeMs'>> & {
    video: boolean;
    answerUnlockByInfo: boolean;
  };
  private readonly now: () => number;
  private readonly dedupe: ReqsnDedupe;
  private registry: SdhRegistry | undefined;
  private readonly calls = new Set<Call>();
  private monitorCall: Call | undefined;
  private closing = false;

  constructor(private readonly options: DoorStationOptions) {
    super();
    this.sipNumber = options.sipNumber;
    this.logger = (options.logger ?? pino({ name: 'lintel-door', level: 'warn' })).child({ door: options.sipNumber });
    this.now = options.now ?? Date.now;
    this.unlockMode = options.unlockMode ?? 'answer';
    this.opts = {
      localAddress: options.localAddress ?? '127.0.0.1',
      portRange: options.portRange ?? [10000, 20000],
      monitorMaxSeconds: options.monitorMaxSeconds ?? 60,
      ringSeconds: options.ringSeconds ?? 30,
      ffmpegPath: options.ffmpegPath ?? DEFAULT_FFMPEG,
      videoFormat: options.videoFormat ?? DEFAULT_VIDEO,
      unlockDedupeMs: options.unlockDedupeMs ?? 3000,
      video: options.video ?? true,
      answerUnlockByInfo: options.answerUnlockByInfo ?? false,
    };
    this.dedupe = new ReqsnDedupe(this.opts.unlockDedupeMs, this.now);
    this.engine = createMediaEngine({ logger: this.logger });
    this.account = new SipAccount(
      {
        sipNumber: options.sipNumber,
        password: options.password,
        host: options.registrar.host,
        port: options.registrar.port,
        transport: 'udp',
        localAddress: this.opts.localAddress,
        expiresSec: options.expiresSec ?? 60,
        userAgentString: 'Lintel door station simulator',
        ...(options.displayName ? { displayName: options.displayName } : {}),
      },
      { logger: this.logger },
    );
    this.account.onInvite = (invitation) => this.onIncomingInvite(invitation);
  }

  override on<K extends keyof DoorStationEvents>(event: K, listener: DoorStationEvents[K]): this {
    return super.on(event, listener);
  }

  override off<K extends keyof DoorStationEvents>(event: K, listener: DoorStationEvents[K]): this {
    return super.off(event, listener);
  }

  /**
   * Start the SIP account and wait until registered (rejects after timeoutMs, stopping the
   * account). With `false`, return at once and let the account keep trying in the background.
   */
  async start(timeoutMs: number | false = 10_000): Promise<void> {
    await this.account.start();
    const ua = this.account.userAgent;
    if (!ua) throw new Error('SIP user agent missing after start');
    this.registry = new SdhRegistry(ua);
    if (timeoutMs === false) return;
    try {
      await this.account.waitForState('ONLINE', timeoutMs);
    } catch (err) {
      await this.account.stop().catch(() => undefined);
      throw err;
    }
  }

  /** Calls (and the monitor view) not yet ended. */
  activeCalls(): DoorCall[] {
    return [...this.calls].filter((c) => c.state !== 'ended');
  }

  get monitor(): DoorCall | undefined {
    return this.monitorCall && this.monitorCall.state !== 'ended' ? this.monitorCall : undefined;
  }

  /**
   * Ring a panel or a house: `target` is a SIP number (user part at the registrar's domain) or a
   * full SIP URI. Resolves once the INVITE is on its way; follow the call with its state events.
   * Several rings may be outstanding (one per panel of a house); the first to answer wins, the
   * others are cancelled. Refused while a call is answered.
   */
  async ring(target: string, opts: RingOptions = {}): Promise<DoorCall> {
    const ua = this.account.userAgent;
    const registry = this.registry;
    if (this.closing || !ua || !registry) throw new Error('door station is not started');
    if ([...this.calls].some((c) => c.kind === 'call' && c.state === 'answered')) throw new Error('door station is busy in a call');
    const uri = this.targetUri(target);
    // A visitor at the door takes precedence over someone looking at the camera.
    if (this.monitor) await this.monitor.hangup('door rings');

    const call = new Call('call', target, this.now, this.logger);
    const media = await this.engine.createSession({ localAddress: this.opts.localAddress, portRange: this.opts.portRange, video: false });
    call.media = media;
    call.listen(media);
    try {
      if (this.opts.video) call.videoPort = await reserveVideoPort(this.opts.localAddress, this.opts.portRange);
    } catch (err) {
      await media.close();
      throw err;
    }
    const parameters = this.opts.video ? await h264Parameters(this.opts.ffmpegPath, this.opts.videoFormat, this.logger) : undefined;
    this.watchMedia(call, media);

    let inviter: Inviter;
    try {
      inviter = new Inviter(ua, uri, { earlyMedia: true });
    } catch (err) {
      await media.close();
      throw err;
    }
    call.session = inviter;
    call.callId = inviter.request.callId;
    let offer: string | undefined;
    registry.register(inviter, {
      getDescription: () => {
        offer ??= call.videoPort !== undefined
          ? withVideoSection(media.createOffer(), videoSection({ port: call.videoPort, payloadType: DOOR_H264_PT, packetizationMode: 1, parameters, direction: 'sendonly' }))
          : media.createOffer();
        return offer;
      },
      setDescription: (answer) => {
        media.acceptAnswer(answer);
        this.startMedia(call, videoTargetIn(answer, true), 'ding-dong');
      },
      sendDtmf: (tones) => this.sendDtmf(call, tones),
    });
    inviter.delegate = { onInfo: (info) => this.onInfo(info, call) };
    inviter.stateChange.addListener((s) => {
      if (s === SessionState.Established) {
        call.setState('answered');
        call.pump?.play('voice');
        clearTimeout(call.timer);
        call.timer = undefined;
        this.answeredElsewhere(call);
      } else if (s === SessionState.Terminated) {
        // A rejection's status arrives in the request delegate right after this transition.
        setImmediate(() => this.ended(call));
      }
    });
    this.calls.add(call);
    const ringMs = (opts.ringSeconds ?? this.opts.ringSeconds) * 1000;
    call.timer = setTimeout(() => void call.hangup('no answer'), ringMs);
    call.timer.unref?.();
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (r) => {
            const code = r.message.statusCode ?? 0;
            if (code >= 180) call.setState(r.message.body && call.mediaStarted ? 'early' : 'ringing');
          },
          onReject: (r) => {
            call.statusCode = r.message.statusCode;
            call.localEnd ??= `rejected ${r.message.statusCode ?? '?'} ${r.message.reasonPhrase ?? ''}`.trim();
          },
        },
      });
    } catch (err) {
      this.logger.warn({ err, target }, 'door: INVITE could not be sent');
      call.finish(`INVITE failed: ${(err as Error).message}`);
      this.calls.delete(call);
    }
    this.emitSafe('call', call);
    return call;
  }

  /** Stop everything: end calls (BYE/CANCEL), kill ffmpeg children, unREGISTER. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const all = [...this.calls, ...(this.monitorCall ? [this.monitorCall] : [])];
    await Promise.all(all.map((c) => c.hangup('door station closed').catch(() => undefined)));
    // Do not wait on the network for the BYEs' answers: release locally, bounded.
    for (const c of all) c.finish(c.localEnd ?? 'door station closed');
    await Promise.all(all.map((c) => c.closed));
    await this.account.stop().catch((err: unknown) => this.logger.warn({ err }, 'door: SIP stop failed'));
  }

  // ---------------------------------------------------------------------------------------------

  private targetUri(target: string) {
    const domain = this.options.registrar.host;
    const text = /^sips?:/i.test(target) ? target : target.includes('@') ? `sip:${target}` : `sip:${target}@${domain.includes(':') ? `[${domain}]` : domain}`;
    const uri = UserAgent.makeURI(text);
    if (!uri) throw new Error(`not a SIP number or URI: ${target}`);
    return uri;
  }

  private emitSafe(event: 'call', call: DoorCall): void;
  private emitSafe(event: 'door-opened', e: DoorOpenEvent): void;
  private emitSafe(event: string, arg: unknown): void {
    try {
      this.emit(event, arg);
    } catch (err) {
      this.logger.error({ err, event }, 'door: listener threw');
    }
  }

  private watchMedia(call: Call, media: MediaSession): void {
    media.on('error', (err) => this.logger.warn({ err, call: call.id }, 'door: media socket error'));
    media.on('dtmf', (digit) => {
      call.dtmf.push(digit);
      // RFC 2833 '*' is the fallback path: the INFO modes do not affect it.
      if (digit === '*') {
        const from = call.session?.remoteIdentity.uri.user ?? call.target;
        this.open(call, { method: 'dtmf', from });
      }
    });
  }

  private startMedia(call: Call, video: VideoTarget | undefined, program: 'ding-dong' | 'silence'): void {
    if (call.mediaStarted || call.state === 'ended' || !call.media) return;
    call.mediaStarted = true;
    call.pump = new AudioPump(call.media, program);
    call.pump.start();
    if (video && call.videoPort !== undefined) {
      call.videoSender = startVideoSender({
        ffmpeg: this.opts.ffmpegPath,
        format: this.opts.videoFormat,
        localAddress: this.opts.localAddress,
        localPort: call.videoPort,
        target: video,
        logger: this.logger,
      });
    }
  }

  private sendDtmf(call: Call, tones: string): boolean {
    const media = call.media;
    if (!media) return false;
    for (const t of tones) {
      media.sendDtmf(t).catch((err: unknown) => this.logger.debug({ err }, 'door: DTMF not sent'));
    }
    return true;
  }

  private answeredElsewhere(winner: Call): void {
    for (const c of this.calls) {
      if (c !== winner && c.kind === 'call' && c.state !== 'ended' && c.state !== 'answered') void c.hangup(ANSWERED_ELSEWHERE);
    }
  }

  private ended(call: Call): void {
    const reason = call.localEnd ?? (call.answeredAt !== undefined ? `hangup by ${call.kind === 'monitor' ? 'viewer' : 'far end'}` : 'ended before answer');
    call.finish(reason);
    this.calls.delete(call);
    if (this.monitorCall === call) this.monitorCall = undefined;
  }

  // ---- monitor (a panel or app looking at the camera) ----

  private onIncomingInvite(invitation: Invitation): void {
    const from = invitation.remoteIdentity.uri.toString();
    const refuse = (why: string): void => {
      this.logger.info({ from, why }, 'door: monitor refused (486)');
      invitation.reject({ statusCode: 486 }).catch((err: unknown) => this.logger.debug({ err }, 'door: 486 failed'));
    };
    if (this.closing) return refuse('closing');
    if ([...this.calls].some((c) => c.state !== 'ended')) return refuse('door is in a call');
    if (this.monitor) return refuse('another viewer is watching');
    const call = new Call('monitor', from, this.now, this.logger);
    call.session = invitation;
    call.callId = invitation.request.callId;
    this.monitorCall = call;
    this.startMonitor(call, invitation).catch((err: unknown) => {
      this.logger.warn({ err, from }, 'door: monitor could not be answered');
      if (invitation.state === SessionState.Initial || invitation.state === SessionState.Establishing) {
        invitation.reject({ statusCode: 500 }).catch(() => undefined);
      }
      call.finish(`monitor failed: ${(err as Error).message}`);
      if (this.monitorCall === call) this.monitorCall = undefined;
    });
  }

  private async startMonitor(call: Call, invitation: Invitation): Promise<void> {
    const registry = this.registry;
    if (!registry) throw new Error('not started');
    invitation.stateChange.addListener((s) => {
      if (s === SessionState.Established) {
        call.setState('answered');
        call.pump?.start();
        call.timer = setTimeout(() => void call.hangup('monitor time limit'), this.opts.monitorMaxSeconds * 1000);
        call.timer.unref?.();
        if (call.pendingVideo && call.videoPort !== undefined) {
          call.videoSender = startVideoSender({
            ffmpeg: this.opts.ffmpegPath,
            format: this.opts.videoFormat,
            localAddress: this.opts.localAddress,
            localPort: call.videoPort,
            target: call.pendingVideo,
            logger: this.logger,
          });
        }
      } else if (s === SessionState.Terminated) {
        setImmediate(() => this.ended(call));
      }
    });
    const media = await this.engine.createSession({ localAddress: this.opts.localAddress, portRange: this.opts.portRange, video: false });
    call.media = media;
    call.listen(media);
    this.watchMedia(call, media);
    if (this.opts.video) call.videoPort = await reserveVideoPort(this.opts.localAddress, this.opts.portRange);
    const parameters = this.opts.video ? await h264Parameters(this.opts.ffmpegPath, this.opts.videoFormat, this.logger) : undefined;
    if (call.state === 'ended' || invitation.state === SessionState.Terminated) {
      call.finish(call.localEnd ?? 'viewer gave up');
      return;
    }
    let answer: string | undefined;
    registry.register(invitation, {
      setDescription: (offer) => {
        let sdp = media.answer(offer);
        const target = videoTargetIn(offer, false);
        const session = parseSdp(offer);
        const offeredVideo = session.media.find((m) => m.kind === 'video');
        if (offeredVideo && call.videoPort !== undefined) {
          const usable = target !== undefined;
          sdp = withVideoSection(sdp, videoSection({
            port: usable ? call.videoPort : 0,
            payloadType: target?.payloadType ?? DOOR_H264_PT,
            packetizationMode: target?.packetizationMode ?? 1,
            parameters,
            direction: usable ? 'sendonly' : 'inactive',
          }));
          if (target) call.pendingVideo = target;
        }
        answer = sdp;
      },
      getDescription: () => {
        if (!answer) throw new Error('no offer to answer');
        return answer;
      },
      sendDtmf: (tones) => this.sendDtmf(call, tones),
    });
    invitation.delegate = { onInfo: (info) => this.onInfo(info, call) };
    // Silent: no ringing, no chime; the viewer hears the street (here: silence frames).
    call.pump = new AudioPump(media, 'silence');
    call.mediaStarted = true;
    this.emitSafe('call', call);
    await invitation.accept();
  }

  // ---- unlock ----

  private onInfo(info: Info, call: Call): void {
    call.infoRequests++;
    const request = info.request;
    const mode = this.unlockMode;
    const fail = (err: unknown): void => this.logger.debug({ err }, 'door: INFO response failed');
    if (mode === 'reject-info') {
      this.logger.info({ call: call.id }, 'door: INFO refused (501, unlockMode reject-info)');
      info.reject({ statusCode: 501 }).catch(fail);
      return;
    }
    const parsed = parseUnlockInfo(request.getHeader('content-type'), request.body ?? '');
    const json = (content: string) => ({ statusCode: 200, body: { contentDisposition: 'render', contentType: 'application/json', content } });
    switch (parsed.kind) {
      case 'other':
        info.accept().catch(fail);
        return;
      case 'malformed':
        this.logger.info({ why: parsed.why }, 'door: malformed INFO (400)');
        info.reject({ statusCode: 400, reasonPhrase: 'Bad Request' }).catch(fail);
        return;
      case 'bad-unlock':
        this.logger.info({ why: parsed.why }, 'door: bad unlock request');
        if (mode === 'silent') return;
        if (parsed.reqsn === undefined) info.reject({ statusCode: 400, reasonPhrase: 'Bad Request' }).catch(fail);
        else info.accept(json(unlockAnswer(parsed.reqsn, 400))).catch(fail);
        return;
      case 'unlock': {
        const { reqsn, sip } = parsed.request;
        if (mode === 'silent') {
          this.logger.info({ reqsn, from: sip }, 'door: unlock request left unanswered (unlockMode silent)');
          return;
        }
        const first = this.dedupe.first(sip, reqsn);
        if (first) this.open(call, { method: 'info', reqsn, from: sip });
        else this.logger.debug({ reqsn, from: sip }, 'door: repeated unlock request (same reqsn within the window)');
        info.accept(json(unlockAnswer(reqsn, 200))).catch(fail);
        if (first && this.opts.answerUnlockByInfo) this.answerByInfo(call, reqsn);
        return;
      }
    }
  }

  private answerByInfo(call: Call, reqsn: number): void {
    const session = call.session;
    if (!session || session.state !== SessionState.Established) return;
    const content = unlockAnswer(reqsn, 200);
    const send = (): void => {
      if (session.state !== SessionState.Established) return;
      session
        .info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/json', content } } })
        .catch((err: unknown) => this.logger.debug({ err }, 'door: unlock answer INFO failed'));
    };
    send();
    // The copy goes 50 ms later: two back-to-back INFOs can swap places in a multi-process proxy,
    // and a strict UAS answers the one with the lower CSeq 500 (RFC 3261 12.2.2).
    const t = setTimeout(send, 50);
    t.unref?.();
  }

  private open(call: Call, o: { method: 'info' | 'dtmf'; reqsn?: number; from: string }): void {
    const event: DoorOpenEvent = {
      at: this.now(),
      method: o.method,
      ...(o.reqsn !== undefined ? { reqsn: o.reqsn } : {}),
      from: o.from,
      door: this.sipNumber,
      callId: call.callId,
      session: call.kind,
    };
    call.unlocks.push(event);
    this.doorOpens.push(event);
    this.logger.info({ method: event.method, reqsn: event.reqsn, from: event.from, call: call.id }, 'door: opened');
    this.emitSafe('door-opened', event);
  }
}

export async function startDoorStation(options: DoorStationOptions): Promise<DoorStation> {
  const station = new DoorStation(options);
  await station.start();
  return station;
}
