// A tiny test-side "panel": SipAccount + a sip.js Invitation/Inviter + MediaSession, nothing of
// the real call layer (written elsewhere). It answers a door with 183 (early media) then 200,
// sends the platform's unlock INFO, DTMF, audio, and can open a monitor view of a door.
import pino from 'pino';
import { Inviter, SessionState, UserAgent, type Invitation, type Session } from 'sip.js';
import { createMediaEngine, type MediaSession, type VideoAccessUnit } from '../../../electron/host/media/index.js';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { AudioPump } from '../../sandbox/door-station/media.js';
import { SdhRegistry } from '../../sandbox/door-station/sdh.js';

const silent = pino({ level: 'silent' });
const engine = createMediaEngine({ logger: silent });

export interface InfoAnswer {
  statusCode: number;
  body: string;
  contentType: string | undefined;
}

/** Resolve when check() holds, re-checked on every poke; reject after timeoutMs. */
export function waitUntil(check: () => boolean, subscribe: (poke: () => void) => () => void, timeoutMs: number, what: string): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const off = subscribe(() => {
      if (check()) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
  });
}

export class PanelCall {
  readonly video: VideoAccessUnit[] = [];
  audioFrames = 0;
  readonly dtmf: string[] = [];
  /** INFOs the door sent us (e.g. an unlock answer by INFO). */
  readonly infosIn: string[] = [];
  readonly ended: Promise<void>;
  private pump: AudioPump | undefined;
  private readonly pokes = new Set<() => void>();

  constructor(
    readonly session: Session,
    readonly media: MediaSession,
  ) {
    media.on('video', (u) => {
      this.video.push(u);
      this.poke();
    });
    media.on('audio', () => {
      this.audioFrames++;
      this.poke();
    });
    media.on('dtmf', (d) => this.dtmf.push(d));
    this.ended = new Promise((resolve) => {
      session.stateChange.addListener((s) => {
        if (s === SessionState.Terminated) {
          this.pump?.stop();
          void media.close().then(() => resolve());
        }
        this.poke();
      });
    });
    session.delegate = {
      onInfo: (info) => {
        this.infosIn.push(info.request.body);
        void info.accept();
        this.poke();
      },
    };
  }

  get state(): SessionState {
    return this.session.state;
  }

  /** Wait for a condition on this call, re-checked whenever media or state changes. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return waitUntil(check, (poke) => {
      this.pokes.add(poke);
      return () => this.pokes.delete(poke);
    }, timeoutMs, what);
  }

  private poke(): void {
    for (const p of [...this.pokes]) p();
  }

  /** 183 Session Progress with our SDP answer: early media from here. */
  async progress(): Promise<void> {
    await (this.session as Invitation).progress({ statusCode: 183 });
  }

  async accept(): Promise<void> {
    await (this.session as Invitation).accept();
  }

  async reject(statusCode: number): Promise<void> {
    await (this.session as Invitation).reject({ statusCode });
  }

  startTalking(): void {
    this.pump ??= new AudioPump(this.media, 'voice');
    this.pump.start();
  }

  async bye(): Promise<void> {
    this.pump?.stop();
    await this.session.bye();
  }

  /** One INFO; resolves with the final response. */
  sendInfo(content: string, contentType = 'application/json'): Promise<InfoAnswer> {
    return new Promise((resolve, reject) => {
      const done = (r: { message: { statusCode?: number; body: string; getHeader(n: string): string | undefined } }): void =>
        resolve({ statusCode: r.message.statusCode ?? 0, body: r.message.body, contentType: r.message.getHeader('content-type') });
      this.session
        .info({
          requestOptions: { body: { contentDisposition: 'render', contentType, content } },
          requestDelegate: { onAccept: done, onReject: done },
        })
        .catch(reject);
    });
  }

  /** The protocol's unlock: the same INFO twice (same reqsn), both answers returned. */
  unlock(reqsn: number, sip: string): Promise<InfoAnswer[]> {
    const body = JSON.stringify({ req: 'unlock', reqsn, sip });
    return Promise.all([this.sendInfo(body), this.sendInfo(body)]);
  }
}

export class TestPanel {
  readonly account: SipAccount;
  private registry: SdhRegistry | undefined;
  private readonly queue: PanelCall[] = [];
  private waiters: Array<(c: PanelCall) => void> = [];
  /** How incoming INVITEs are handled; default: hand them to nextCall(). */
  private readonly calls: PanelCall[] = [];

  constructor(readonly sipNumber: string, password: string, registrar: { host: string; port: number }) {
    this.account = new SipAccount(
      { sipNumber, password, host: registrar.host, port: registrar.port, transport: 'udp', localAddress: '127.0.0.1' },
      { logger: silent },
    );
    this.account.onInvite = (inv) => {
      this.onInvite(inv).catch(() => inv.reject({ statusCode: 500 }).catch(() => undefined));
    };
  }

  static async start(sipNumber: string, password: string, registrar: { host: string; port: number }): Promise<TestPanel> {
    const p = new TestPanel(sipNumber, password, registrar);
    await p.account.start();
    p.registry = new SdhRegistry(p.account.userAgent!);
    await p.account.waitForState('ONLINE', 5000);
    return p;
  }

  private async onInvite(inv: Invitation): Promise<void> {
    const media = await engine.createSession({ localAddress: '127.0.0.1', video: true });
    let answer: string | undefined;
    this.registry!.register(inv, {
      setDescription: (offer) => {
        answer = media.answer(offer);
      },
      getDescription: () => answer!,
      sendDtmf: (tones) => {
        for (const t of tones) void media.sendDtmf(t).catch(() => undefined);
        return true;
      },
    });
    const call = new PanelCall(inv, media);
    this.calls.push(call);
    const w = this.waiters.shift();
    if (w) w(call);
    else this.queue.push(call);
  }

  nextCall(timeoutMs = 5000): Promise<PanelCall> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const w = (c: PanelCall): void => {
        clearTimeout(timer);
        resolve(c);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`${this.sipNumber}: no INVITE within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Monitor a door: INVITE it (audio + video recvonly); resolves with the call and the final status. */
  async view(doorNumber: string): Promise<{ call: PanelCall; status: Promise<number> }> {
    const ua = this.account.userAgent!;
    const { host, port } = this.account.config;
    const uri = UserAgent.makeURI(`sip:${doorNumber}@${host}:${port}`)!;
    const media = await engine.createSession({ localAddress: '127.0.0.1', video: true });
    const inviter = new Inviter(ua, uri);
    this.registry!.register(inviter, {
      getDescription: () => media.createOffer(),
      setDescription: (a) => media.acceptAnswer(a),
    });
    const call = new PanelCall(inviter, media);
    this.calls.push(call);
    const status = new Promise<number>((resolve, reject) => {
      inviter
        .invite({
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
    return { call, status };
  }

  async close(): Promise<void> {
    for (const c of this.calls) {
      if (c.state === SessionState.Established) await c.session.bye().catch(() => undefined);
      await c.media.close();
    }
    await this.account.stop();
  }
}
