// Test-side peers for the call tests: a sip.js door station registered to kamailio (it calls the
// panel, answers INFO unlock requests per the platform protocol in several ways, auto-answers
// monitoring), plus small waiting helpers. Everything is closed by dispose().
import { Invitation, Inviter, SessionState, UserAgent, type Core, type Info, type Session } from 'sip.js';
import type { Logger } from 'pino';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { MediaSdhRegistry, MediaSessionDescriptionHandler, ReqsnDeduper, parseInfoJson, unlockAnswerBody, type CallManager, type CallView } from '../../../electron/host/sip/calls/index.js';
import { createMediaEngine, type MediaSession } from '../../../electron/host/media/index.js';

/**
 * How the door answers an unlock INFO:
 * - body: 200 OK carrying {"res":"unlock",...} (the INFO's 200 body)
 * - info: 200 OK without body, then the answer as an INFO of its own (sent twice)
 * - silent: 200 OK without body and nothing else (it never confirms)
 * - drop: no SIP answer at all
 * - 501: 501 Not Implemented (a door without the INFO extension)
 */
export type DoorInfoMode = 'body' | 'info' | 'silent' | 'drop' | '501';

export class TestDoor {
  readonly account: SipAccount;
  private readonly registry: MediaSdhRegistry;
  private readonly engine = createMediaEngine();
  private readonly medias: MediaSession[] = [];
  readonly dedupe = new ReqsnDeduper();
  infoMode: DoorInfoMode = 'body';
  /** Status the door reports in its JSON answer. */
  unlockStatus = 200;
  /** Unlocks the door performed (first copy of each reqsn within 3 s). */
  unlocks: number[] = [];
  /** Every unlock INFO that arrived (both copies, retransmissions absorbed by the transport). */
  infosReceived = 0;
  dtmf: string[] = [];
  session: Session | undefined;
  media: MediaSession | undefined;
  /** Monitor: 'auto' answers at once, 'busy' answers 486. */
  inviteMode: 'auto' | 'busy' | 'ignore' = 'auto';
  invitesReceived = 0;
  /** Final response code to the door's last INVITE. */
  finalCode: number | undefined;
  /** performance.now() when the last INVITE went to sip.js (after its media was set up). */
  invitedAt: number | undefined;
  byesReceived = 0;

  constructor(readonly number: string, password: string, kamailioPort: number, private readonly logger: Logger) {
    this.account = new SipAccount(
      { sipNumber: number, password, host: '127.0.0.1', port: kamailioPort, transport: 'udp', localAddress: '127.0.0.1', keepaliveSec: 300, userAgentString: 'TestDoor/1.0' },
      { logger },
    );
    this.registry = new MediaSdhRegistry(logger);
    this.account.onInvite = (inv) => void this.onInvite(inv).catch((e: unknown) => logger.warn({ err: e }, 'door: invite failed'));
  }

  async start(): Promise<void> {
    await this.account.start();
    await this.account.waitForState('ONLINE', 5000);
    (this.account.userAgent!.configuration as { sessionDescriptionHandlerFactory: unknown }).sessionDescriptionHandlerFactory = this.registry.factory;
  }

  private async newMedia(video: boolean): Promise<MediaSession> {
    const m = await this.engine.createSession({ localAddress: '127.0.0.1', video });
    this.medias.push(m);
    m.on('dtmf', (d) => this.dtmf.push(d));
    this.media = m;
    return m;
  }

  private watch(session: Session): void {
    this.session = session;
    session.delegate = {
      onInfo: (info) => this.onInfo(session, info),
      onBye: (bye) => {
        this.byesReceived++;
        void bye.accept().catch(() => undefined);
      },
    };
  }

  /** Call the panel like a door station does (INVITE with an audio offer; early media on). onProgress sees each 1xx but 100, with its arrival time. */
  async call(panelNumber: string, host: string, port: number, onProgress?: (statusCode: number, at: number) => void): Promise<Inviter> {
    const ua = this.account.userAgent!;
    const target = UserAgent.makeURI(`sip:${panelNumber}@${host}:${port}`)!;
    const inviter = new Inviter(ua, target, { earlyMedia: true });
    const media = await this.newMedia(false);
    this.registry.register(inviter, new MediaSessionDescriptionHandler(media, this.logger));
    this.watch(inviter);
    this.finalCode = undefined;
    this.invitedAt = performance.now();
    inviter
      .invite({
        requestDelegate: {
          onProgress: (r) => onProgress?.(r.message.statusCode ?? 0, performance.now()),
          onAccept: (r) => (this.finalCode = r.message.statusCode),
          onReject: (r) => (this.finalCode = r.message.statusCode),
        },
      })
      .catch((e: unknown) => this.logger.warn({ err: e }, 'door: INVITE failed'));
    return inviter;
  }

  /** A door being monitored: auto-answer (or 486 while "in a call"). */
  private async onInvite(inv: Invitation): Promise<void> {
    this.invitesReceived++;
    if (this.inviteMode === 'busy') {
      await inv.reject({ statusCode: 486 });
      return;
    }
    if (this.inviteMode === 'ignore') return;
    const media = await this.newMedia(true);
    this.registry.register(inv, new MediaSessionDescriptionHandler(media, this.logger));
    this.watch(inv);
    await inv.accept();
  }

  private onInfo(session: Session, info: Info): void {
    const msg = info.request;
    const parsed = parseInfoJson(msg.body ?? '');
    if (parsed.kind !== 'request') {
      void info.accept().catch(() => undefined);
      return;
    }
    this.infosReceived++;
    const reqsn = parsed.request.reqsn;
    if (this.dedupe.firstTime(reqsn)) this.unlocks.push(reqsn);
    const answer = unlockAnswerBody(reqsn, this.unlockStatus);
    const body = { contentDisposition: 'render', contentType: 'application/json', content: answer };
    switch (this.infoMode) {
      case 'body':
        void info.accept({ statusCode: 200, body } as Core.ResponseOptions).catch(() => undefined);
        return;
      case 'info':
        void info.accept().catch(() => undefined);
        for (let i = 0; i < 2; i++) void session.info({ requestOptions: { body } }).catch(() => undefined);
        return;
      case 'silent':
        void info.accept().catch(() => undefined);
        return;
      case 'drop':
        return;
      case '501':
        void info.reject({ statusCode: 501, reasonPhrase: 'Not Implemented' }).catch(() => undefined);
        return;
    }
  }

  async hangup(): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (s.state === SessionState.Established) await s.bye().catch(() => undefined);
    else if (s instanceof Inviter && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) await s.cancel().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.hangup().catch(() => undefined);
    await this.account.stop();
    await Promise.all(this.medias.map((m) => m.close()));
  }
}

/** The next 'call' event of the manager that pred accepts (e.g. a door's call reaching 'early'). */
export function nextCall(m: CallManager, pred: (v: CallView) => boolean, timeoutMs = 5000): Promise<CallView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      m.off('call', on);
      reject(new Error('no matching call event'));
    }, timeoutMs);
    const on = (v: CallView): void => {
      if (!pred(v)) return;
      clearTimeout(timer);
      m.off('call', on);
      resolve(v);
    };
    m.on('call', on);
  });
}

/** Poll until f() is truthy (for states with no event to await). */
export async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** 20 ms of a sine at `hz`, 8 kHz mono. */
export function sineFrame(hz: number, frameIndex: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(160);
  for (let i = 0; i < 160; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (frameIndex * 160 + i)) / 8000));
  return out;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
