// Binding the panel to a house (seed 001 lines 4615-4989, the device side): show a QR until the
// cloud says the panel is bound, then fetch and keep the intercom channel; notice an unbind made
// elsewhere and go back to the QR. One loop, one call at a time, so no two steps race.
import { UserFacingError } from '../errors.js';
import type { Binding, BindQr, Problem } from '../../contract/index.js';
import type { Logger } from '../log/index.js';
import { bindQrSign, CommunityClient, describePlatformError, PlatformError } from '../platform/index.js';
import { bindStatusGet, channelGet, deviceEndUnbind, qrcodeGet } from '../platform/community-api.js';
import type { Store } from '../store/index.js';

export interface BindingTiming {
  /** status/get while showing the QR: short, so the house appears within 2 s of binding (only
   *  panels being installed poll this often). */
  pollUnboundMs: number;
  /** status/get while bound: an unbind made elsewhere must show within 5 s. */
  pollBoundMs: number;
  /** Fetch a new QR this long before the old one expires. */
  qrRenewLeadMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const MIN_QR_INTERVAL_MS = 2000;

export const DEFAULT_BINDING_TIMING: BindingTiming = {
  pollUnboundMs: 500,
  pollBoundMs: 3000,
  qrRenewLeadMs: 30_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
};

export interface BindingServiceOptions {
  client: CommunityClient;
  store: Store;
  deviceId: string;
  deviceType: string;
  now: () => number;
  logger: Logger;
  onChange: () => void;
  timing?: Partial<BindingTiming>;
}

/** A failure the screen should show to the person who asked (e.g. unbind refused). */

export class BindingService {
  private binding: Binding = { status: 'starting' };
  private problem: Problem | null = null;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;
  /** When to fetch the next QR (epoch ms); derived from each QR's own lifetime. */
  private qrRenewAt = 0;
  private readonly timing: BindingTiming;

  constructor(private readonly o: BindingServiceOptions) {
    this.timing = { ...DEFAULT_BINDING_TIMING, ...o.timing };
  }

  get state(): { binding: Binding; problem: Problem | null } {
    return { binding: this.binding, problem: this.problem };
  }

  start(): void {
    const stored = this.o.store.binding.get();
    this.binding = stored
      ? { status: 'bound', houseName: stored.houseName, communityId: stored.communityId, bindType: stored.bindType, channelReady: this.o.store.binding.getChannel() !== undefined }
      : { status: 'unbound', qr: null };
    this.o.onChange();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Done when the queue is idle: lets `stop` callers wait for an in-flight call. */
  idle(): Promise<void> {
    return this.queue;
  }

  renewQr(): Promise<void> {
    return this.serial(async () => {
      if (this.binding.status === 'unbound') this.binding = { status: 'unbound', qr: null };
      this.qrRenewAt = 0;
      this.failures = 0;
      await this.step();
    });
  }

  unbind(): Promise<void> {
    return this.serial(async () => {
      if (this.binding.status !== 'bound') throw new UserFacingError('not-bound', '本机尚未绑定房屋');
      try {
        await this.o.client.call(deviceEndUnbind, this.identity());
      } catch (e) {
        if (e instanceof PlatformError) {
          const d = describePlatformError(e);
          this.o.logger.warn({ err: e.message }, 'unbind refused by the cloud; binding kept');
          throw new UserFacingError(d.code, `解除绑定失败：${d.message}`);
        }
        throw e;
      }
      this.forgetHouse('unbound from the panel');
      await this.step();
    });
  }

  // ------------------------------------------------------------------ the loop

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.serial(() => this.step());
    }, delayMs);
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One pass: bring the panel one step closer to the cloud's truth, then plan the next pass. */
  private async step(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.binding.status === 'bound') await this.stepBound();
      else await this.stepUnbound();
      this.failures = 0;
      this.setProblem(null);
      this.schedule(this.binding.status === 'bound' ? this.timing.pollBoundMs : this.untilNextUnboundStep());
    } catch (e) {
      this.onFailure(e);
    }
  }

  private async stepUnbound(): Promise<void> {
    const status = await this.o.client.call(bindStatusGet, this.identity());
    if (status.bindStatus) {
      this.rememberHouse(status);
      await this.stepBound();
      return;
    }
    const qr = this.binding.status === 'unbound' ? this.binding.qr : null;
    if (!qr || this.o.now() >= this.qrRenewAt) {
      const fresh = await this.fetchQr();
      this.qrRenewAt = this.o.now() + this.renewDelay(fresh.expiresAt - this.o.now());
      this.binding = { status: 'unbound', qr: fresh };
      this.o.onChange();
    }
  }

  /**
   * Renew the lead time before expiry, or halfway for a QR that lives shorter than two leads,
   * and never sooner than MIN_QR_INTERVAL_MS: a short-lived QR or a wrong clock must not turn
   * into a tight loop against the cloud.
   */
  private renewDelay(lifetimeMs: number): number {
    const lead = this.timing.qrRenewLeadMs;
    return Math.max(MIN_QR_INTERVAL_MS, lifetimeMs > 2 * lead ? lifetimeMs - lead : lifetimeMs / 2);
  }

  private async stepBound(): Promise<void> {
    if (this.binding.status !== 'bound') return;
    if (!this.binding.channelReady) {
      const ch = await this.o.client.call(channelGet, this.identity());
      this.o.store.binding.saveChannel(
        {
          communityId: ch.communityId, houseName: ch.houseName, unitSpaceId: ch.unitSpaceId, houseSpaceId: ch.houseSpaceId,
          sipGroupId: ch.sipGroupId, sipNumber: ch.sipNumber, sipHost: ch.sipHost, sipPort: Number(ch.sipPort), fetchedAt: this.o.now(),
        },
        ch.sipPassword,
      );
      this.binding = { ...this.binding, channelReady: true };
      this.o.logger.info({ sipNumber: ch.sipNumber, sipHost: ch.sipHost, sipPort: ch.sipPort }, 'intercom channel stored');
      this.o.onChange();
      return;
    }
    const status = await this.o.client.call(bindStatusGet, this.identity());
    if (!status.bindStatus) {
      this.forgetHouse('unbound in the cloud');
      await this.stepUnbound();
      return;
    }
    if (status.houseName && status.houseName !== this.binding.houseName) this.rememberHouse(status);
  }

  private async fetchQr(): Promise<BindQr> {
    const ts = this.o.now();
    const data = await this.o.client.call(qrcodeGet, {
      ...this.identity(),
      ts,
      sign: bindQrSign(this.o.client.appKey, ts, this.o.deviceId, this.o.deviceType),
    });
    return { qrCode: data.qrCode, expireTime: data.expireTime, expiresAt: parseCloudTime(data.expireTime) };
  }

  private rememberHouse(status: { bindId?: string | null | undefined; houseName?: string | null | undefined; communityId?: number | null | undefined; bindType?: 0 | 1 | null | undefined }): void {
    const previous = this.o.store.binding.get();
    const stored = {
      bindId: status.bindId ?? null,
      houseName: status.houseName ?? '',
      communityId: status.communityId ?? null,
      bindType: status.bindType ?? 0,
      boundAt: previous?.boundAt ?? this.o.now(),
    };
    this.o.store.binding.save(stored);
    const channelReady = this.binding.status === 'bound' && this.binding.channelReady;
    this.binding = { status: 'bound', houseName: stored.houseName, communityId: stored.communityId, bindType: stored.bindType, channelReady };
    this.o.logger.info({ houseName: stored.houseName, bindType: stored.bindType }, 'panel bound');
    this.o.onChange();
  }

  private forgetHouse(why: string): void {
    this.o.store.binding.wipe();
    this.binding = { status: 'unbound', qr: null };
    this.o.logger.info({ why }, 'binding and SIP credentials wiped');
    this.o.onChange();
  }

  private untilNextUnboundStep(): number {
    return Math.max(0, Math.min(this.timing.pollUnboundMs, this.qrRenewAt - this.o.now()));
  }

  private onFailure(e: unknown): void {
    const described = e instanceof PlatformError ? describePlatformError(e) : describeLocalFailure(e);
    this.failures += 1;
    // Monitoring a bound panel never stops; a refused request while unbound waits for a person.
    const retryIn = described.retryable
      ? this.backoff()
      : this.binding.status === 'bound'
        ? Math.max(this.timing.pollBoundMs, this.backoff())
        : null;
    this.o.logger.warn({ code: described.code, detail: described.detail, retryInMs: retryIn }, 'binding step failed');
    this.setProblem({ code: described.code, message: described.message, detail: described.detail, at: this.o.now(), retryAt: retryIn === null ? null : this.o.now() + retryIn });
    if (retryIn !== null) this.schedule(retryIn);
  }

  /** Exponential with full jitter in its upper half, so a community's panels do not retry in step. */
  private backoff(): number {
    const ceiling = Math.min(this.timing.backoffMaxMs, this.timing.backoffBaseMs * 2 ** Math.min(this.failures - 1, 16));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private setProblem(p: Problem | null): void {
    if (p === null && this.problem === null) return;
    if (p) {
      try {
        this.o.store.problems.record({ code: p.code, message: p.message, detail: p.detail, at: p.at });
      } catch (e) {
        this.o.logger.error({ err: (e as Error).message }, 'could not record the problem');
      }
    }
    this.problem = p;
    this.o.onChange();
  }

  private identity(): { deviceId: string; deviceType: string } {
    return { deviceId: this.o.deviceId, deviceType: this.o.deviceType };
  }
}

/** SQLite's errors (a full disk above all) are the panel's own; anything else is a bug, still never a crash. */
function describeLocalFailure(e: unknown): { code: 'storage' | 'internal'; message: string; detail: string; retryable: true } {
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const sqliteCode = (e as { code?: unknown } | null)?.code;
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_')) {
    return { code: 'storage', message: '本机存储出错（可能磁盘已满），稍后将自动重试', detail: `${sqliteCode}: ${detail}`, retryable: true };
  }
  return { code: 'internal', message: '本机出现内部错误，稍后将自动重试', detail, retryable: true };
}

/** The platform writes times as "yyyy-MM-dd HH:mm:ss" in China Standard Time (UTC+8, no DST). */
export function parseCloudTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new PlatformError('bad-reply', 'expireTime', `unreadable time "${text}"`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h - 8, mi, s);
}
