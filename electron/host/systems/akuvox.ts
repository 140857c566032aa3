// The panel's Akuvox residence (seed 002): its door phones and relays (kept across restarts and
// refreshed in the background), opening a relay by touch or voice, the call and open-door
// histories with their captures, and temporary keys. Everything the screen gets is a view: no
// RTSP URL (it holds the camera's password), no access token.
import { createHash } from 'node:crypto';
import type {
  AkuvoxDeviceView,
  AkuvoxOpenOutcome,
  AkuvoxTempKey,
  HostRequestParams,
  HostRequestResult,
  RelayChoice,
  SystemAction,
  SystemsState,
} from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { AkuvoxConfig } from '../config/systems.js';
import { AkuvoxClient, type AkuvoxDevice, type AkuvoxParam, type AkuvoxResult } from '../platform/akuvox/index.js';
import { httpFetch, jittered, SystemError, SYSTEM_CALL_TIMEOUT_MS, withRetries } from '../platform/systems/http.js';
import { missingSecretMessage } from '../platform/systems/problems.js';
import type { SettingsRepo } from '../store/index.js';
import { UnlockRateLimiter } from '../sip/calls/index.js';
import { asUserFacing, describeFailure, formatUtcTime, parseUtcTime, pickByName, recordAction, type SystemServiceDeps } from './common.js';

type AkuvoxState = NonNullable<SystemsState['akuvox']>;

export interface AkuvoxTiming {
  /** How often the device list (and who is online) is fetched again. */
  refreshMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** One open per relay per this long, and at most `opensPerMinute` in all (as SIP unlocks). */
  openMinIntervalMs: number;
  opensPerMinute: number;
}

export const DEFAULT_AKUVOX_TIMING: AkuvoxTiming = { refreshMs: 120_000, backoffBaseMs: 1000, backoffMaxMs: 60_000, openMinIntervalMs: 2000, opensPerMinute: 10 };

export interface AkuvoxResidenceOptions extends SystemServiceDeps {
  config: AkuvoxConfig;
  /** null: configured, but no token sealed yet. */
  token: string | null;
  settings: SettingsRepo;
  timing?: Partial<AkuvoxTiming>;
}

const DEVICE_TYPES: Record<string, string> = {
  'Multi-tenants Doorphone': '梯口机',
  'Single-tenant Doorphone': '门口机',
  'Indoor Monitor': '室内机',
  'Guard Phone': '管理机',
  'Access Control': '门禁',
};

/** The device list is kept here (without any RTSP URL), so a restart offline still lists the doors. */
const CACHE_KEY = 'akuvox.devices';
const SNAPSHOT_MAX_BYTES = 2 << 20;
const SNAPSHOT_IDS_KEPT = 500;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Target { device: AkuvoxDeviceView; relay: AkuvoxDeviceView['relays'][number]; choice: RelayChoice }

export class AkuvoxResidence {
  private readonly client: AkuvoxClient | null;
  private readonly timing: AkuvoxTiming;
  private readonly limiter: UnlockRateLimiter;
  private devices: AkuvoxDeviceView[] = [];
  private updatedAt: number | null = null;
  private failure: AkuvoxState['failure'] = null;
  private lastOpen: SystemAction | null = null;
  /** Capture ids of the last open-door history → their URLs: the screen can only ask for those. */
  private readonly snapshots = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private refreshing: Promise<AkuvoxDeviceView[]> | null = null;
  private stopped = false;

  constructor(private readonly o: AkuvoxResidenceOptions) {
    this.timing = { ...DEFAULT_AKUVOX_TIMING, ...o.timing };
    this.limiter = new UnlockRateLimiter(this.timing.openMinIntervalMs, this.timing.opensPerMinute, o.now);
    this.client = o.token ? new AkuvoxClient({ endpoint: o.config.endpoint, token: o.token }) : null;
    this.loadCache();
    if (!this.client) this.failure = { message: missingSecretMessage('akuvox'), at: o.now(), retryAt: null };
  }

  start(): void {
    if (this.client) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  state(): AkuvoxState {
    return { residenceId: this.o.config.residenceId, devices: this.devices, updatedAt: this.updatedAt, failure: this.failure, lastOpen: this.lastOpen };
  }

  async listDevices(refresh = false): Promise<AkuvoxDeviceView[]> {
    if (refresh || this.updatedAt === null) {
      try {
        return await this.refresh();
      } catch (e) {
        throw asUserFacing(e, this.o.logger, 'akuvox device list');
      }
    }
    return this.devices;
  }

  /** What the voice dialog and the touch screen call to open a door. Never throws for a door that fails. */
  async openRelay(p: HostRequestParams<'akuvox.openRelay'>): Promise<AkuvoxOpenOutcome> {
    const evidence = { via: p.via, transcript: p.transcript, confidence: p.confidence };
    const outcome = (ok: boolean, message: string, relay: RelayChoice | null = null, choices: RelayChoice[] = []): AkuvoxOpenOutcome => ({ ok, message, relay, choices });
    if (!this.client) return outcome(false, missingSecretMessage('akuvox'));
    if (this.updatedAt === null) {
      try {
        await this.refresh();
      } catch (e) {
        return outcome(false, `开门失败：${describeFailure(e).message}`);
      }
    }
    const picked = this.resolve(p);
    if ('message' in picked) return outcome(false, picked.message, null, picked.choices);
    const { device, relay, choice } = picked.target;
    const started = this.o.now();
    const audit = { at: started, system: 'akuvox' as const, action: 'open-relay', target: `${device.mac}/${relay.relayId}`, targetName: choice.label, ...evidence };

    const limited = this.limiter.take(audit.target);
    if (limited) {
      recordAction(this.o, { ...audit, result: 'rate-limited', reason: limited, latencyMs: 0 });
      return this.opened(outcome(false, '开门太频繁，请稍后再试', choice));
    }
    const param: AkuvoxParam<'trigger_akuvox_remote_open_door'> = { residence_id: this.o.config.residenceId, mac: device.mac, relay_id: relay.relayId };
    const client = this.client;
    try {
      await withRetries(() => client.call('trigger_akuvox_remote_open_door', param), { idempotent: false });
    } catch (e) {
      const message = this.openFailure(e, device, choice);
      recordAction(this.o, { ...audit, result: 'failed', reason: e instanceof Error ? e.message : String(e), latencyMs: this.o.now() - started });
      this.o.logger.warn({ mac: device.mac, relayId: relay.relayId, via: p.via, err: e instanceof Error ? e.message : String(e) }, 'akuvox: relay open failed');
      return this.opened(outcome(false, message, choice));
    }
    recordAction(this.o, { ...audit, result: 'ok', latencyMs: this.o.now() - started });
    this.o.logger.info({ mac: device.mac, relayId: relay.relayId, via: p.via }, 'akuvox: relay opened');
    return this.opened(outcome(true, `${choice.label}已打开`, choice));
  }

  async callHistory(): Promise<HostRequestResult<'akuvox.callHistory'>> {
    const calls = await this.read('get_akuvox_call_history', 'akuvox call history');
    return { calls: calls.map((c) => ({ name: c.call_name, sip: c.call_sip, time: c.call_time, at: parseUtcTime(c.call_time) })) };
  }

  async openHistory(): Promise<HostRequestResult<'akuvox.openHistory'>> {
    const records = await this.read('get_akuvox_open_door_history', 'akuvox open-door history');
    const idOf = (url: string | null | undefined): string | null => {
      if (!url || !/^https?:\/\//.test(url)) return null;
      const id = createHash('sha256').update(url).digest('hex').slice(0, 24);
      this.snapshots.delete(id);
      this.snapshots.set(id, url);
      if (this.snapshots.size > SNAPSHOT_IDS_KEPT) this.snapshots.delete(this.snapshots.keys().next().value ?? '');
      return id;
    };
    return {
      entries: records.map((r) => ({
        ok: r.open_door, account: r.account_name ?? '', device: r.device_name, type: r.open_door_type ?? '', time: r.open_door_time,
        at: parseUtcTime(r.open_door_time), thumbnailId: idOf(r.capture_thumbnail_url), pictureId: idOf(r.capture_picture_url),
      })),
    };
  }

  /** A capture named by the last open-door history, fetched here: the screen loads nothing remote. */
  async snapshot(id: string): Promise<{ image: string }> {
    const url = this.snapshots.get(id);
    if (!url) throw new UserFacingError('not-found', '这张抓拍图已不在列表中，请刷新开门记录');
    try {
      return { image: await withRetries(() => fetchPicture(url), { idempotent: true }) };
    } catch (e) {
      throw asUserFacing(e, this.o.logger, 'akuvox snapshot');
    }
  }

  async tempKeys(): Promise<{ keys: AkuvoxTempKey[] }> {
    const keys = await this.read('get_akuvox_open_door_temp_key_config', 'akuvox temporary keys');
    return { keys: keys.map((k) => tempKeyView(k.temp_key, k.start_time, k.finish_time, k.count)) };
  }

  async createTempKey(p: HostRequestParams<'akuvox.createTempKey'>): Promise<{ key: AkuvoxTempKey }> {
    const client = this.requireClient();
    // The API's times are whole seconds in UTC.
    const start = Math.floor(this.o.now() / 1000) * 1000 + (p.startsInMinutes ?? 0) * 60_000;
    const startTime = formatUtcTime(start);
    const finishTime = formatUtcTime(start + p.validMinutes * 60_000);
    const began = this.o.now();
    const audit = { at: began, system: 'akuvox' as const, action: 'create-temp-key', target: this.o.config.residenceId, targetName: `${p.count}次/${p.validMinutes}分钟` };
    try {
      const made = await withRetries(() => client.call('create_akuvox_open_door_temp_key_config', {
        residence_id: this.o.config.residenceId, start_time: startTime, finish_time: finishTime, count: p.count,
      }), { idempotent: false });
      recordAction(this.o, { ...audit, result: 'ok', latencyMs: this.o.now() - began });
      return { key: tempKeyView(made.temp_key, startTime, finishTime, p.count) };
    } catch (e) {
      recordAction(this.o, { ...audit, result: 'failed', reason: e instanceof Error ? e.message : String(e), latencyMs: this.o.now() - began });
      throw asUserFacing(e, this.o.logger, 'akuvox create temporary key');
    }
  }

  async deleteTempKeys(keys: string[]): Promise<{ ok: true }> {
    const client = this.requireClient();
    const residence_id = this.o.config.residenceId;
    const [only] = keys;
    const began = this.o.now();
    const audit = { at: began, system: 'akuvox' as const, action: 'delete-temp-keys', target: residence_id, targetName: `${keys.length}个临时密码` };
    try {
      await withRetries(() => keys.length === 1 && only !== undefined
        ? client.call('delete_akuvox_open_door_temp_key_config', { residence_id, temp_key: only })
        : client.call('batch_delete_akuvox_open_door_temp_key_config', { residence_id, temp_key: keys }), { idempotent: false });
      recordAction(this.o, { ...audit, result: 'ok', latencyMs: this.o.now() - began });
      return { ok: true };
    } catch (e) {
      recordAction(this.o, { ...audit, result: 'failed', reason: e instanceof Error ? e.message : String(e), latencyMs: this.o.now() - began });
      throw asUserFacing(e, this.o.logger, 'akuvox delete temporary keys');
    }
  }

  // ------------------------------------------------------------------ devices

  /** One fetch at a time; a failure is kept in the state (the kept list stays usable). */
  private refresh(): Promise<AkuvoxDeviceView[]> {
    const client = this.requireClient();
    this.refreshing ??= (async () => {
      try {
        const raw = await withRetries(() => client.call('get_akuvox_device_list', { residence_id: this.o.config.residenceId }), { idempotent: true });
        this.devices = raw.map(deviceView);
        this.updatedAt = this.o.now();
        this.failure = null;
        this.failures = 0;
        this.saveCache();
        this.o.onChange();
        return this.devices;
      } catch (e) {
        const d = describeFailure(e);
        this.failures += 1;
        const retryIn = this.stopped ? null : jittered(this.failures, this.timing.backoffBaseMs, this.timing.backoffMaxMs);
        this.failure = { message: d.message, at: this.o.now(), retryAt: retryIn === null ? null : this.o.now() + retryIn };
        this.o.logger.warn({ code: d.code, detail: d.detail, retryInMs: retryIn }, 'akuvox: device list failed');
        this.o.onChange();
        if (retryIn !== null) this.schedule(retryIn);
        throw e;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().then(() => this.schedule(this.timing.refreshMs), () => undefined);
    }, delayMs);
  }

  private loadCache(): void {
    const text = this.o.settings.get(CACHE_KEY);
    if (!text) return;
    try {
      const cached = JSON.parse(text) as { residenceId: string; updatedAt: number; devices: AkuvoxDeviceView[] };
      if (cached.residenceId !== this.o.config.residenceId) return;
      this.devices = cached.devices;
      this.updatedAt = cached.updatedAt;
    } catch {
      this.o.logger.warn('akuvox: the kept device list is unreadable; fetching it again');
    }
  }

  private saveCache(): void {
    try {
      this.o.settings.set(CACHE_KEY, JSON.stringify({ residenceId: this.o.config.residenceId, updatedAt: this.updatedAt, devices: this.devices }));
    } catch (e) {
      this.o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'akuvox: could not keep the device list');
    }
  }

  // ------------------------------------------------------------------ opening

  private targets(): Target[] {
    const all = this.devices.flatMap((device) => device.relays.map((relay) => ({ device, relay })));
    const names = new Map<string, number>();
    for (const t of all) names.set(t.relay.name, (names.get(t.relay.name) ?? 0) + 1);
    const labels = new Set<string>();
    return all.map(({ device, relay }) => {
      let label = (names.get(relay.name) ?? 0) > 1 || !relay.name ? `${device.name} ${relay.name}`.trim() : relay.name;
      if (labels.has(label)) label = `${label}（${device.mac.slice(-4)}）`;
      labels.add(label);
      return { device, relay, choice: { mac: device.mac, relayId: relay.relayId, label } };
    });
  }

  private resolve(p: { relayId?: string | undefined; mac?: string | undefined; name?: string | undefined }): { target: Target } | { message: string; choices: RelayChoice[] } {
    const all = this.targets();
    const choices = (ts: Target[]): RelayChoice[] => ts.map((t) => t.choice);
    const one = (ts: Target[], none: string): { target: Target } | { message: string; choices: RelayChoice[] } => {
      const [first] = ts;
      if (ts.length === 1 && first) return { target: first };
      if (ts.length === 0) return { message: none, choices: choices(all) };
      return { message: '有多个门，请说出或选择要打开的门', choices: choices(ts) };
    };
    if (p.relayId !== undefined || p.mac !== undefined) {
      const mac = p.mac?.toUpperCase();
      return one(all.filter((t) => (p.relayId === undefined || t.relay.relayId === p.relayId) && (mac === undefined || t.device.mac.toUpperCase() === mac)), '没有找到这个门，门的列表可能已变化');
    }
    if (p.name !== undefined) {
      return one(pickByName(all, p.name, (t) => [t.choice.label, t.relay.name, `${t.device.name}${t.relay.name}`]), `没有找到“${p.name}”，请选择要打开的门`);
    }
    const preferred = this.o.config.defaultRelayId;
    const byDefault = preferred ? all.filter((t) => t.relay.relayId === preferred) : [];
    return one(byDefault.length === 1 ? byDefault : all, '这个住宅没有可以远程打开的门');
  }

  private openFailure(e: unknown, device: AkuvoxDeviceView, choice: RelayChoice): string {
    if (e instanceof SystemError && e.system === 'akuvox') {
      if (e.code === 'DEVICE_OFFLINE') return `${device.name}离线，暂时无法开门`;
      if (e.code === 'DEVICE_NOT_FOUND' || e.code === 'RELAY_NOT_FOUND') {
        // Our list is stale: fetch it again so the next choice is right.
        this.refresh().catch(() => undefined);
        return `${choice.label}已不在这个住宅的门列表中，列表已更新，请重新选择`;
      }
    }
    return `开门失败：${describeFailure(e).message}`;
  }

  private opened(outcome: AkuvoxOpenOutcome): AkuvoxOpenOutcome {
    if (outcome.relay) {
      this.lastOpen = { ok: outcome.ok, target: outcome.relay.label, message: outcome.message, at: this.o.now() };
      this.o.onChange();
    }
    return outcome;
  }

  // ------------------------------------------------------------------ helpers

  private requireClient(): AkuvoxClient {
    if (!this.client) throw new UserFacingError('not-configured', missingSecretMessage('akuvox'));
    return this.client;
  }

  /** The reads whose only parameter is the residence. */
  private async read<C extends 'get_akuvox_call_history' | 'get_akuvox_open_door_history' | 'get_akuvox_open_door_temp_key_config'>(command: C, what: string): Promise<AkuvoxResult<C>> {
    const client = this.requireClient();
    // Each of these commands takes exactly { residence_id }; TypeScript cannot see that through the union.
    const param = { residence_id: this.o.config.residenceId } as AkuvoxParam<C>;
    try {
      return await withRetries(() => client.call(command, param), { idempotent: true });
    } catch (e) {
      throw asUserFacing(e, this.o.logger, what);
    }
  }
}

function deviceView(d: AkuvoxDevice): AkuvoxDeviceView {
  const relays = (list: AkuvoxDevice['relays'], security: boolean): AkuvoxDeviceView['relays'] =>
    list.map((r) => ({ relayId: r.relay_id, name: r.relay_name, dialKey: r.relay_number, security }));
  return {
    mac: d.mac.toUpperCase(), name: d.device_name, type: d.device_type, typeLabel: DEVICE_TYPES[d.device_type] ?? d.device_type,
    sip: d.sip ?? '', online: d.online, isPublic: d.is_public ?? false,
    relays: [...relays(d.relays, false), ...relays(d.security_relays, true)],
  };
}

function tempKeyView(key: string, startTime: string, finishTime: string, count: number | null): AkuvoxTempKey {
  return { key, qrText: key, startTime, finishTime, startsAt: parseUtcTime(startTime) ?? 0, endsAt: parseUtcTime(finishTime) ?? 0, count };
}

/** A JPEG or PNG, at most 2 MiB, as a data URL; anything else is refused rather than shown. */
async function fetchPicture(url: string): Promise<string> {
  const op = 'capture';
  const response = await httpFetch('akuvox', op, url, {}, SYSTEM_CALL_TIMEOUT_MS);
  if (response.status !== 200) {
    throw new SystemError('akuvox', response.status >= 500 ? 'server' : 'rejected', op, `${op}: HTTP ${response.status}`, response.status, null, '抓拍图已无法获取');
  }
  const tooLarge = (n: number): SystemError => new SystemError('akuvox', 'bad-reply', op, `${op}: ${n} bytes is too large`, response.status);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > SNAPSHOT_MAX_BYTES) throw tooLarge(declared);
  const b = Buffer.from(await response.arrayBuffer());
  if (b.length > SNAPSHOT_MAX_BYTES) throw tooLarge(b.length);
  const type = b[0] === 0xff && b[1] === 0xd8 ? 'jpeg' : b.subarray(0, 8).equals(PNG_SIGNATURE) ? 'png' : null;
  if (!type) throw new SystemError('akuvox', 'bad-reply', op, `${op}: not a JPEG or PNG`, response.status);
  return `data:image/${type};base64,${b.toString('base64')}`;
}
