// One SIP account on the panel: a sip.js UserAgent + Registerer over our own UDP/TCP transport,
// with the recovery sip.js lacks: its own re-REGISTER loop (refresh at ~half the granted expiry),
// an OPTIONS keepalive to the registrar, a binding check (a REGISTER query, RFC 3261 10.2.3) that
// notices a registrar which restarted and forgot us, and exponential backoff with jitter after any
// failure (failed refresh, 408, 503, transport error, keepalive or binding-check timeout). States
// follow the platform SDK: NONE / LOGINPROCESS / ONLINE / OFFLINE, each change emitted with a reason.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  Registerer,
  RegistererState,
  UserAgent,
  type Core,
  type Invitation,
  type Transport,
  type UserAgentOptions,
} from 'sip.js';
import type { Logger } from 'pino';
import { InviteGuard } from './invite-guard.js';
import { sipJsLogConnector } from './sipjs-log.js';
import { TcpTransport } from './tcp-transport.js';
import type { Endpoint, LocalTransport, RequestSource, Rejection } from './transport-base.js';
import { UdpTransport } from './udp-transport.js';
import type { WireRequest } from './wire.js';

export type AccountState = 'NONE' | 'LOGINPROCESS' | 'ONLINE' | 'OFFLINE';

export interface AccountStateEvent {
  state: AccountState;
  previous: AccountState;
  reason: string;
  /** SIP status behind the change, when there is one (401, 408, 503...). */
  statusCode?: number;
  at: number;
}

export interface SipAccountConfig {
  sipNumber: string;
  password: string;
  /** Registrar / proxy host (IP or name) and port. */
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** AoR domain (default: host). */
  domain?: string;
  localAddress?: string;
  localPort?: number;
  /** Address for Via/Contact when bound to 0.0.0.0 (default: localAddress or 127.0.0.1). */
  advertisedAddress?: string;
  /** Requested registration lifetime (default 60 s); refreshed at about half of what is granted. */
  expiresSec?: number;
  /** OPTIONS keepalive interval while ONLINE (default 25 s). */
  keepaliveSec?: number;
  /** A keepalive or binding check without any answer for this long counts as a failure (default 8 s). */
  keepaliveTimeoutSec?: number;
  /**
   * While ONLINE, ask the registrar every this many seconds which contacts it holds for us (a
   * REGISTER without Contact) and re-register at once when ours is gone (default 5 s; 0 = off).
   * A registrar restart loses its location table while it answers OPTIONS as before: without
   * this, the panel misses calls until its next refresh.
   */
  bindingCheckSec?: number;
  /** Backoff after failures: first delay and cap (default 1 s → 30 s, ±25 % jitter). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Wait after the registrar refused our credentials (default 60 s, doubling to 15 min). */
  authRetryMs?: number;
  /** Door stations allowed to send INVITEs directly ("ip" or "ip:port"); the registrar always may. */
  allowedInviteSources?: string[];
  /** INVITEs per second per source (default 5). */
  inviteRatePerSecond?: number;
  displayName?: string;
  userAgentString?: string;
  /** Bound on stop()'s best-effort unREGISTER (default 2 s). */
  stopTimeoutMs?: number;
}

export interface SipAccountDeps {
  logger: Logger;
  /** [0,1) source for jitter; injectable for tests. */
  random?: () => number;
}

/** Methods the panel handles; anything else is refused with 405 before sip.js sees it. */
export const ACCEPTED_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'NOTIFY'] as const;

/** Registerer members sip.js marks private in its typings but documents and we rely on. */
function internalsOf(reg: Registerer): { waiting: boolean; waitingChange: { addListener(l: (waiting: boolean) => void): void } } {
  return reg as unknown as { waiting: boolean; waitingChange: { addListener(l: (waiting: boolean) => void): void } };
}

type StateListener = (event: AccountStateEvent) => void;

const T1 = 500;

/** Answers to binding checks that did not show our contact, in a row, before we stop asking. */
const BINDING_CHECK_MAX_MISSES = 3;

/** How sip.js hands out a parsed Contact header value (NameAddrHeader), as far as we read it. */
interface ParsedContact {
  uri?: { user?: string };
  getParam?: (name: string) => string | undefined;
}

export class SipAccount {
  readonly config: Readonly<Required<Pick<SipAccountConfig,
    'expiresSec' | 'keepaliveSec' | 'keepaliveTimeoutSec' | 'bindingCheckSec' | 'retryMinMs' | 'retryMaxMs' | 'authRetryMs' | 'stopTimeoutMs'>> & SipAccountConfig>;
  readonly inviteGuard: InviteGuard;
  /** Called for each INVITE that passed the guard. Default: 480 Temporarily Unavailable. */
  onInvite: (invitation: Invitation) => void;

  private readonly logger: Logger;
  private readonly random: () => number;
  private _state: AccountState = 'NONE';
  private _reason = 'not started';
  private readonly listeners = new Set<StateListener>();
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private _transport: LocalTransport | undefined;
  private running = false;
  private everOnline = false;
  private failures = 0;
  private authFailures = 0;
  private authBlockedUntil = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private bindingTimer: NodeJS.Timeout | undefined;
  private bindingCheckInFlight = false;
  /** Binding checks since the last one that found our contact which did not find it. */
  private bindingMisses = 0;
  private bindingCheckOff = false;
  private attemptSeq = 0;
  private openAttempt: { id: number; settled: boolean; watchdog: NodeJS.Timeout } | undefined;
  private probeInFlight = false;
  private _registrations = 0;
  private _grantedExpiresSec = 0;

  constructor(config: SipAccountConfig, deps: SipAccountDeps) {
    this.config = {
      // A registrar that restarted quickly (no keepalive fails) is noticed by the binding check
      // within bindingCheckSec; the expiry only bounds it if the check is turned off.
      expiresSec: 60,
      keepaliveSec: 25,
      keepaliveTimeoutSec: 8,
      bindingCheckSec: 5,
      retryMinMs: 1000,
      retryMaxMs: 30_000,
      authRetryMs: 60_000,
      stopTimeoutMs: 2000,
      ...config,
    };
    if (!/^[A-Za-z0-9._~!$&'()*+,;=-]+$/.test(config.sipNumber)) throw new Error('sipNumber is not a valid SIP user part');
    this.logger = deps.logger.child({ mod: 'sip', sip: config.sipNumber });
    this.random = deps.random ?? Math.random;
    this.inviteGuard = new InviteGuard({
      trusted: isIP(config.host) ? [config.host] : [],
      allow: config.allowedInviteSources ?? [],
      ratePerSecond: config.inviteRatePerSecond ?? 5,
    });
    this.onInvite = (invitation) => {
      invitation.reject({ statusCode: 480 }).catch((e: unknown) => this.logger.debug({ err: e }, 'sip: 480 to INVITE failed'));
    };
  }

  get state(): AccountState {
    return this._state;
  }

  get reason(): string {
    return this._reason;
  }

  /** The sip.js UserAgent (for the call layer); undefined before start(). */
  get userAgent(): UserAgent | undefined {
    return this.ua;
  }

  get transport(): LocalTransport | undefined {
    return this._transport;
  }

  /** Where the panel listens (Via/Contact), once started. */
  get localEndpoint(): Endpoint | undefined {
    try {
      return this._transport?.local;
    } catch {
      return undefined;
    }
  }

  /** Successful REGISTERs (initial and refreshes) since start. */
  get registrations(): number {
    return this._registrations;
  }

  get grantedExpiresSec(): number {
    return this._grantedExpiresSec;
  }

  /** Subscribe to state changes; returns the unsubscribe function. */
  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at the next change into `state` (or now, if already there); rejects after timeoutMs. */
  waitForState(state: AccountState, timeoutMs: number): Promise<AccountStateEvent> {
    if (this._state === state) {
      return Promise.resolve({ state, previous: state, reason: this._reason, at: Date.now() });
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`SIP account did not reach ${state} within ${timeoutMs} ms (state ${this._state}: ${this._reason})`));
      }, timeoutMs);
      const off = this.onState((e) => {
        if (e.state !== state) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.authFailures = 0;
    this.authBlockedUntil = 0;
    this.bindingMisses = 0;
    this.bindingCheckOff = false;
    this.setState('LOGINPROCESS', 'starting');
    try {
      await this.resolveRegistrar();
      const transport = await this.createTransport();
      this._transport = transport;
      transport.requestFilter = (req, source) => this.filterRequest(req, source);
      this.ua = this.createUserAgent(transport);
      this.registerer = this.createRegisterer(this.ua);
      await this.ua.start();
    } catch (e) {
      const err = e as Error;
      if (this.config.transport === 'tcp' && this.ua) {
        // The TCP transport keeps reconnecting; onConnect will register.
        this.setState('OFFLINE', `cannot connect to ${this.config.host}:${this.config.port} over TCP: ${err.message}`, 503);
        this.scheduleKeepalive();
        return;
      }
      this.running = false;
      this.setState('OFFLINE', `cannot start SIP: ${err.message}`);
      await this.teardown();
      throw err;
    }
    this.registerNow('initial registration');
    this.scheduleKeepalive();
  }

  /** Re-register now (e.g. after a network change). */
  refresh(): void {
    if (!this.running) return;
    this.authBlockedUntil = 0;
    this.registerNow('refresh requested');
  }

  /** unREGISTER (Expires 0) best effort, bounded by stopTimeoutMs; then release everything. */
  async stop(): Promise<void> {
    if (!this.running && !this.ua) {
      this.setState('NONE', 'stopped');
      return;
    }
    this.running = false;
    this.clearTimers();
    const reg = this.registerer;
    if (reg && reg.state === RegistererState.Registered && !internalsOf(reg).waiting && this._transport?.isConnected()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.stopTimeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        try {
          reg.unregister({ requestDelegate: { onAccept: done, onReject: done } }).catch(done);
        } catch {
          done();
        }
      });
    }
    await this.teardown();
    this.setState('NONE', 'stopped');
  }

  // ---------------------------------------------------------------------------------------------

  private registrarAddresses: string[] = [];

  private async resolveRegistrar(): Promise<void> {
    const { host } = this.config;
    if (isIP(host)) {
      this.registrarAddresses = [host];
    } else {
      try {
        this.registrarAddresses = (await lookup(host, { all: true })).map((a) => a.address);
      } catch (e) {
        this.logger.warn({ err: e, host }, 'sip: cannot resolve registrar host; INVITEs only from the allow-list');
        this.registrarAddresses = [];
      }
    }
    this.inviteGuard.setTrusted(this.registrarAddresses);
  }

  private async createTransport(): Promise<LocalTransport> {
    const c = this.config;
    if (c.transport === 'tcp') {
      return new TcpTransport({
        logger: this.logger,
        server: { host: c.host, port: c.port },
        ...(c.localAddress ? { localAddress: c.localAddress } : {}),
        ...(c.advertisedAddress ? { advertisedAddress: c.advertisedAddress } : {}),
      });
    }
    const udp = new UdpTransport({
      logger: this.logger,
      ...(c.localAddress ? { localAddress: c.localAddress } : {}),
      ...(c.localPort !== undefined ? { localPort: c.localPort } : {}),
      ...(c.advertisedAddress ? { advertisedAddress: c.advertisedAddress } : {}),
      outboundProxy: { host: c.host, port: c.port },
    });
    await udp.listen();
    return udp;
  }

  private advertisedHost(): string {
    const c = this.config;
    return c.advertisedAddress ?? (c.localAddress && c.localAddress !== '0.0.0.0' ? c.localAddress : '127.0.0.1');
  }

  private registrarUriText(): string {
    const { host, port } = this.config;
    const h = isIP(host) === 6 ? `[${host}]` : host;
    return port === 5060 ? `sip:${h}` : `sip:${h}:${port}`;
  }

  private createUserAgent(transport: LocalTransport): UserAgent {
    const c = this.config;
    const domain = c.domain ?? c.host;
    const uri = UserAgent.makeURI(`sip:${c.sipNumber}@${isIP(domain) === 6 ? `[${domain}]` : domain}`);
    if (!uri) throw new Error(`cannot build a SIP URI from ${c.sipNumber}@${domain}`);
    // sip.js constructs its transport itself; hand it the one we already bound.
    const transportConstructor = function (): Transport {
      return transport;
    } as unknown as UserAgentOptions['transportConstructor'];
    const options: UserAgentOptions = {
      uri,
      authorizationUsername: c.sipNumber,
      authorizationPassword: c.password,
      transportConstructor,
      viaHost: transport.protocol === 'UDP' ? transport.local.address : this.advertisedHost(),
      contactParams: { transport: c.transport },
      forceRport: true,
      sendInitialProvisionalResponse: false,
      gracefulShutdown: false,
      logBuiltinEnabled: false,
      logConfiguration: false,
      logConnector: sipJsLogConnector(this.logger),
      userAgentString: c.userAgentString ?? 'Lintel',
      ...(c.displayName ? { displayName: c.displayName } : {}),
      delegate: {
        onInvite: (invitation) => this.handleInvite(invitation),
        onConnect: () => this.onTransportConnect(),
        onDisconnect: (error) => this.onTransportDisconnect(error),
      },
    };
    const ua = new UserAgent(options);
    // sip.js puts no port in the Contact; ours is not 5060.
    if (transport.protocol === 'UDP') ua.contact.uri.port = transport.local.port;
    return ua;
  }

  private createRegisterer(ua: UserAgent): Registerer {
    const registrar = UserAgent.makeURI(this.registrarUriText());
    if (!registrar) throw new Error(`bad registrar ${this.config.host}:${this.config.port}`);
    const reg = new Registerer(ua, { expires: this.config.expiresSec, registrar, logConfiguration: false, refreshFrequency: 99 });
    // sip.js arms its own refresh at 99 % of the expiry and calls register() without a catch: a
    // REGISTER still pending then (ours, retransmitting through an outage) makes that an unhandled
    // RequestPendingError. We run the refresh loop; drop sip.js's refresh timer, keep its expiry one.
    const internals = reg as unknown as { registered?: (expires: number) => void; registrationTimer?: NodeJS.Timeout };
    const original = internals.registered;
    if (typeof original === 'function') {
      internals.registered = (expires: number): void => {
        original.call(reg, expires);
        if (internals.registrationTimer !== undefined) {
          clearTimeout(internals.registrationTimer);
          internals.registrationTimer = undefined;
        }
      };
    }
    reg.stateChange.addListener((s) => {
      if (!this.running) return;
      if (s === RegistererState.Unregistered && this._state === 'ONLINE') {
        this.fail('registration expired or was dropped by the registrar');
      }
    });
    internalsOf(reg).waitingChange.addListener((waiting: boolean) => {
      if (waiting) return;
      const attempt = this.openAttempt;
      // A final answer that sip.js swallowed (e.g. a 200 OK that does not list our Contact).
      queueMicrotask(() => {
        if (attempt && !attempt.settled && this.openAttempt === attempt && !internalsOf(reg).waiting) {
          this.settleAttempt(attempt);
          this.fail("the registrar's answer did not confirm our Contact");
        }
      });
    });
    return reg;
  }

  private filterRequest(req: WireRequest, source: RequestSource): Rejection | undefined {
    if (!(ACCEPTED_METHODS as readonly string[]).includes(req.method)) {
      return { status: 405, reason: 'Method Not Allowed', headers: [`Allow: ${ACCEPTED_METHODS.join(', ')}`] };
    }
    if (req.method === 'INVITE' && !req.toTag) {
      const verdict = this.inviteGuard.check(source);
      if (!verdict.ok) {
        this.logger.warn({ from: `${source.address}:${source.port}`, why: verdict.why }, 'sip: INVITE refused by guard');
        return verdict.status === 503
          ? { status: 503, reason: verdict.reason, headers: [`Retry-After: ${verdict.retryAfterSec}`] }
          : { status: 403, reason: verdict.reason };
      }
    }
    return undefined;
  }

  private handleInvite(invitation: Invitation): void {
    try {
      this.onInvite(invitation);
    } catch (e) {
      this.logger.error({ err: e }, 'sip: onInvite hook threw; answering 500');
      invitation.reject({ statusCode: 500 }).catch(() => undefined);
    }
  }

  private onTransportConnect(): void {
    if (!this.running || !this.ua || !this._transport) return;
    if (this._transport.protocol === 'TCP') {
      this.ua.contact.uri.port = this._transport.local.port;
      this.registerNow('TCP connection (re)established');
    }
  }

  private onTransportDisconnect(error?: Error): void {
    if (!this.running || !error) return;
    this.fail(`connection to the registrar lost: ${error.message}`, 503);
  }

  // --- registration loop -------------------------------------------------------------------------

  private registerNow(why: string): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const reg = this.registerer;
    if (!reg) return;
    if (internalsOf(reg).waiting || this.openAttempt) {
      this.logger.debug({ why }, 'sip: REGISTER already pending');
      return;
    }
    if (!this._transport?.isConnected()) {
      this.logger.debug({ why }, 'sip: transport not connected; REGISTER waits for it');
      return;
    }
    if (this._state !== 'ONLINE') this.setState('LOGINPROCESS', why);
    const attempt = {
      id: ++this.attemptSeq,
      settled: false,
      // Backstop: sip.js times a transaction out at 64*T1; if nothing at all arrives, fail anyway.
      watchdog: setTimeout(() => {
        if (!attempt.settled) {
          this.settleAttempt(attempt);
          this.fail('no answer from the registrar', 408);
        }
      }, 64 * T1 * 2 + 2000),
    };
    this.openAttempt = attempt;
    this.logger.debug({ why, attempt: attempt.id }, 'sip: REGISTER');
    try {
      reg
        .register({
          requestDelegate: {
            onAccept: (response) => {
              if (!this.settleAttempt(attempt)) return;
              this.registered(response);
            },
            onReject: (response) => {
              if (!this.settleAttempt(attempt)) return;
              const code = response.message.statusCode ?? 0;
              this.registrationRejected(code, response.message.reasonPhrase ?? '');
            },
          },
        })
        .catch((e: unknown) => {
          if (!this.settleAttempt(attempt)) return;
          this.fail(`REGISTER could not be sent: ${(e as Error).message}`);
        });
    } catch (e) {
      this.settleAttempt(attempt);
      this.fail(`REGISTER could not be sent: ${(e as Error).message}`);
    }
  }

  /** Mark the attempt settled; false if it already was (or is not the open one). */
  private settleAttempt(attempt: { id: number; settled: boolean; watchdog: NodeJS.Timeout }): boolean {
    if (attempt.settled) return false;
    attempt.settled = true;
    clearTimeout(attempt.watchdog);
    if (this.openAttempt === attempt) this.openAttempt = undefined;
    return this.running;
  }

  private registered(response: Core.IncomingResponse): void {
    const granted = this.grantedExpires(response) ?? this.config.expiresSec;
    this._grantedExpiresSec = granted;
    this._registrations++;
    this.failures = 0;
    this.authFailures = 0;
    this.everOnline = true;
    this.setState('ONLINE', this._registrations === 1 ? 'registered' : `registered (${granted} s)`, 200);
    this.logger.debug({ granted, count: this._registrations }, 'sip: registered');
    // Refresh at about half of the granted lifetime (jitter keeps a fleet from synchronising).
    const refreshMs = Math.max(1000, granted * 1000 * (0.45 + 0.05 * this.random()));
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.registerNow('refresh');
    }, refreshMs);
    this.scheduleKeepalive();
    this.scheduleBindingCheck();
  }

  private grantedExpires(response: Core.IncomingResponse): number | undefined {
    const v = Number(this.ourContactIn(response.message)?.getParam?.('expires'));
    if (Number.isFinite(v) && v > 0) return v;
    const header = Number(response.message.getHeader('expires'));
    return Number.isFinite(header) && header > 0 ? header : undefined;
  }

  /**
   * Our binding among the Contacts a registrar lists in a 200 to REGISTER. sip.js makes up the
   * Contact's user part per UserAgent, so it names this panel; host and port are not compared
   * (as sip.js's Registerer does not), since a registrar behind NAT handling may rewrite them.
   */
  private ourContactIn(msg: Core.IncomingResponseMessage): ParsedContact | undefined {
    const ours = this.ua?.contact.uri.user;
    if (ours === undefined) return undefined;
    const n = msg.getHeaders('contact').length;
    for (let i = 0; i < n; i++) {
      const contact = msg.parseHeader('contact', i) as ParsedContact | undefined;
      if (contact?.uri?.user === ours) return contact;
    }
    return undefined;
  }

  private registrationRejected(code: number, phrase: string): void {
    if (code === 401 || code === 403 || code === 407) {
      this.authFailures++;
      const reason = `registrar refused the credentials (${code} ${phrase || 'Unauthorized'}): check the SIP number and password`;
      // The first refusal after having been ONLINE may be a nonce lost in a registrar restart.
      if (this.everOnline && this.authFailures === 1) {
        this.fail(reason, code);
        return;
      }
      const delay = Math.min(15 * 60_000, this.config.authRetryMs * 2 ** Math.min(10, this.authFailures - 1));
      this.authBlockedUntil = Date.now() + delay;
      this.setState('OFFLINE', reason, code);
      this.scheduleRetry(this.jitter(delay), reason);
      return;
    }
    const reason =
      code === 408 ? 'registrar did not answer (408 Request Timeout)'
        : code === 503 ? 'registrar unavailable or transport error (503)'
          : `registration rejected (${code} ${phrase})`;
    this.fail(reason, code);
  }

  /** Any failure: OFFLINE, and try again after an exponential, jittered delay. */
  private fail(reason: string, statusCode?: number): void {
    if (!this.running) return;
    this.failures++;
    this.setState('OFFLINE', reason, statusCode);
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    clearTimeout(this.bindingTimer);
    this.bindingTimer = undefined;
    const base = Math.min(this.config.retryMaxMs, this.config.retryMinMs * 2 ** Math.min(20, this.failures - 1));
    this.scheduleRetry(this.jitter(base), reason);
    this.scheduleKeepalive();
  }

  private jitter(ms: number): number {
    return Math.round(ms * (0.75 + 0.5 * this.random()));
  }

  private scheduleRetry(delayMs: number, reason: string): void {
    clearTimeout(this.retryTimer);
    this.logger.info({ reason, retryInMs: delayMs }, 'sip: account offline; will retry');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.registerNow('retry');
    }, delayMs);
  }

  // --- keepalive / probe ---------------------------------------------------------------------------

  private scheduleKeepalive(): void {
    if (!this.running) return;
    clearTimeout(this.keepaliveTimer);
    // While OFFLINE, probe more often: an answer means the registrar is back, register at once.
    const sec = this._state === 'ONLINE' ? this.config.keepaliveSec : Math.min(this.config.keepaliveSec, 3);
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = undefined;
      this.probe();
      this.scheduleKeepalive();
    }, sec * 1000);
  }

  private probe(): void {
    if (!this.running || this.probeInFlight || !this._transport?.isConnected()) return;
    if (Date.now() < this.authBlockedUntil) return;
    this.probeInFlight = true;
    const sent = this.askRegistrar('OPTIONS', 'keepalive', (answer) => {
      this.probeInFlight = false;
      if (!this.running) return;
      if (answer.ok) {
        // Any real answer proves the path works: while OFFLINE, register at once.
        if (this._state !== 'ONLINE' && !this.openAttempt && !(this.registerer && internalsOf(this.registerer).waiting)) this.registerNow('registrar answers again');
      } else if (this._state === 'ONLINE') {
        this.fail(answer.why, answer.code);
      }
    });
    if (!sent) this.probeInFlight = false;
  }

  /**
   * One request to the registrar outside any dialog, bounded by keepaliveTimeoutSec. `done` is
   * called once: with the final response, or with a failure when nothing came in time or the
   * response is 408/503 (what sip.js makes of a transaction timeout or a transport error; a real
   * 503 means the registrar is not serving either). False when it could not be sent at all.
   */
  private askRegistrar(
    method: 'OPTIONS' | 'REGISTER',
    what: string,
    done: (answer: { ok: true; response: Core.IncomingResponse } | { ok: false; why: string; code?: number }) => void,
  ): boolean {
    const ua = this.ua;
    const target = UserAgent.makeURI(this.registrarUriText());
    if (!ua || !target) return false;
    let settled = false;
    const settle = (answer: Parameters<typeof done>[0]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(answer);
    };
    const timer = setTimeout(
      () => settle({ ok: false, why: `${what}: no answer from the registrar in ${this.config.keepaliveTimeoutSec} s`, code: 408 }),
      this.config.keepaliveTimeoutSec * 1000,
    );
    const onResponse = (response: Core.IncomingResponse): void => {
      const code = response.message.statusCode ?? 0;
      settle(code === 408 || code === 503 ? { ok: false, why: `${what} failed (${code})`, code } : { ok: true, response });
    };
    try {
      const core = ua.userAgentCore;
      const aor = ua.configuration.uri;
      // A REGISTER names our AoR in To and has no Contact: a query (RFC 3261 10.2.3). sip.js's
      // UserAgentClient answers a digest challenge with the account's credentials, as for any request.
      const message = core.makeOutgoingRequestMessage(method, target, aor, method === 'REGISTER' ? aor : target, {}, []);
      core.request(message, { onAccept: onResponse, onReject: onResponse });
    } catch (e) {
      settle({ ok: false, why: `${what} could not be sent: ${(e as Error).message}` });
    }
    return true;
  }

  // --- binding check ------------------------------------------------------------------------------

  private scheduleBindingCheck(): void {
    clearTimeout(this.bindingTimer);
    this.bindingTimer = undefined;
    const sec = this.config.bindingCheckSec;
    if (!this.running || sec <= 0 || this.bindingCheckOff || this._state !== 'ONLINE') return;
    // Up to 10 % early so a fleet restarted together does not ask in lockstep; never later than asked.
    this.bindingTimer = setTimeout(() => {
      this.bindingTimer = undefined;
      this.checkBinding();
    }, sec * 1000 * (0.9 + 0.1 * this.random()));
  }

  /** REGISTER without Contact: the registrar answers 200 with the bindings it holds for our AoR and changes nothing. */
  private checkBinding(): void {
    const reg = this.registerer;
    if (!this.running || !reg || this._state !== 'ONLINE' || this.bindingCheckInFlight) return;
    // A REGISTER on its way answers the same question.
    if (this.openAttempt || internalsOf(reg).waiting || !this._transport?.isConnected()) return this.scheduleBindingCheck();
    this.bindingCheckInFlight = true;
    const sent = this.askRegistrar('REGISTER', 'binding check', (answer) => {
      this.bindingCheckInFlight = false;
      if (!this.running || this._state !== 'ONLINE') return;
      if (!answer.ok) return this.fail(answer.why, answer.code);
      const msg = answer.response.message;
      const code = msg.statusCode ?? 0;
      if (code >= 200 && code < 300 && this.ourContactIn(msg)) {
        this.bindingMisses = 0;
        return this.scheduleBindingCheck();
      }
      // Not listed (a registrar restart loses its location table), or a refusal that leaves our
      // binding unknown: a real REGISTER settles it.
      const why = code >= 200 && code < 300 ? 'the registrar no longer lists our contact (restarted?)' : `binding check answered ${code} ${msg.reasonPhrase ?? ''}`.trim();
      // A registrar that never lists bindings in answer to a query would otherwise have us
      // re-register every few seconds for ever: after a few misses in a row, rely on the refresh.
      if (++this.bindingMisses >= BINDING_CHECK_MAX_MISSES) {
        this.bindingCheckOff = true;
        this.logger.warn({ why }, 'sip: binding check never confirms our contact; turned off, the refresh loop remains');
      }
      this.logger.info({ why }, 'sip: binding check: re-registering');
      this.registerNow(why);
    });
    if (!sent) this.bindingCheckInFlight = false;
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private setState(state: AccountState, reason: string, statusCode?: number): void {
    this._reason = reason;
    if (state === this._state) return;
    const event: AccountStateEvent = { state, previous: this._state, reason, at: Date.now(), ...(statusCode !== undefined ? { statusCode } : {}) };
    this._state = state;
    this.logger.info({ state, previous: event.previous, reason, statusCode }, 'sip: account state');
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.logger.error({ err: e }, 'sip: state listener threw');
      }
    }
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.keepaliveTimer);
    clearTimeout(this.bindingTimer);
    this.retryTimer = this.refreshTimer = this.keepaliveTimer = this.bindingTimer = undefined;
    if (this.openAttempt) clearTimeout(this.openAttempt.watchdog);
    this.openAttempt = undefined;
  }

  private async teardown(): Promise<void> {
    this.clearTimers();
    const reg = this.registerer as unknown as { clearTimers?: () => void } | undefined;
    try {
      reg?.clearTimers?.();
    } catch {
      /* ignore */
    }
    const ua = this.ua;
    const transport = this._transport;
    this.ua = undefined;
    this.registerer = undefined;
    if (ua) {
      try {
        await ua.stop();
      } catch (e) {
        this.logger.debug({ err: e }, 'sip: user agent stop failed');
      }
    }
    if (transport) await transport.dispose().catch(() => undefined);
    this._transport = undefined;
  }
}
