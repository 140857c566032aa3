// The SIP and media part of `npm run bench`, on real parts: kamailio (digest), the panel's
// SipAccount + CallManager with product defaults, the sandbox door station simulator (ffmpeg
// H.264), a sip.js caller, and baresip (avcodec) for comparison, all in the same run.
//   INVITE → 183 sent: inside the panel (INVITE handed up by the transport → 183 handed down).
//   INVITE → 183 at the caller: a sip.js caller through kamailio, to the panel and to baresip
//     (answermode early: 180, then 183 with its SDP answer; both are timed).
//   183 → first access unit: from the panel's 183 to its first complete H.264 access unit, the
//     caller being the door station simulator or baresip.
//   unlock round trip: the platform's INFO unlock, answered by the simulator, until confirmed.
import { pino } from 'pino';
import { SessionState, type Session } from 'sip.js';
import { SipAccount } from '../../electron/host/sip/index.js';
import { CallManager, memoryCallStore, type CallView } from '../../electron/host/sip/calls/index.js';
import { createMediaEngine } from '../../electron/host/media/index.js';
import { startKamailio, type Kamailio } from '../sandbox/kamailio.js';
import { startDoorStation, type DoorStation } from '../sandbox/door-station/index.js';
import { Baresip } from '../integration/calls/baresip.js';
import { TestDoor, nextCall, until } from '../integration/calls/helpers.js';
import { summary, type BenchResult } from './summary.js';

const UNLOCKS = Number(process.env['LINTEL_BENCH_UNLOCKS'] ?? 100);
const PANEL = '1001';
const CALLER = '2001';
const BARESIP = '2003';
const SIMULATOR = 'doorbench1';
const USERS = { [PANEL]: 'panel-pw', [CALLER]: 'caller-pw', [BARESIP]: 'baresip-pw', [SIMULATOR]: 'door-pw' };
const WAIT_MS = 15_000;

function within<T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench: no ${what} within ${ms} ms`)), ms))),
  ]);
}

function terminated(session: Session): Promise<void> {
  if (session.state === SessionState.Terminated) return Promise.resolve();
  return new Promise((resolve) => session.stateChange.addListener((s) => s === SessionState.Terminated && resolve()));
}

/** When each call reached 'early' (183 sent) and when its first access unit reached the screen side. */
class EarlyMediaClock {
  private readonly early = new Map<string, number>();
  private readonly firstUnit = new Map<string, { at: number; key: boolean }>();
  private readonly waiting = new Map<string, () => void>();

  constructor(manager: CallManager) {
    manager.on('call', (v) => {
      if (v.state === 'early' && !this.early.has(v.id)) this.early.set(v.id, performance.now());
    });
    manager.on('video', ({ callId, unit }) => {
      if (this.firstUnit.has(callId)) return;
      this.firstUnit.set(callId, { at: performance.now(), key: unit.key });
      this.waiting.get(callId)?.();
    });
  }

  /** 183 → first complete access unit, in ms, and whether that unit was a key frame. */
  async earlyToFirstUnit(callId: string): Promise<{ ms: number; key: boolean }> {
    if (!this.firstUnit.has(callId)) await within(new Promise<void>((resolve) => this.waiting.set(callId, resolve)), 'H.264 access unit');
    this.waiting.delete(callId);
    const unit = this.firstUnit.get(callId)!;
    return { ms: unit.at - this.early.get(callId)!, key: unit.key };
  }
}

interface Rig {
  k: Kamailio;
  panel: SipAccount;
  manager: CallManager;
  caller: TestDoor;
  door: DoorStation;
  bs: Baresip;
}

async function startRig(): Promise<Rig> {
  const logger = pino({ level: process.env['LINTEL_BENCH_LOG'] ?? 'silent' });
  const k = await startKamailio({ users: { ...USERS } });
  const panel = new SipAccount(
    // The bench rings several times a second through kamailio; the INVITE flood guard (5/s per
    // source) would refuse that with 503 and time the guard instead of the call.
    { sipNumber: PANEL, password: USERS[PANEL], host: '127.0.0.1', port: k.port, transport: 'udp', localAddress: '127.0.0.1', inviteRatePerSecond: 1000 },
    { logger },
  );
  // Presses back to back: the resident-facing rate limit (one per 2 s) would only stretch the run.
  const manager = new CallManager({ account: panel, media: createMediaEngine(), store: memoryCallStore(), logger, unlockMinIntervalMs: 0, unlockPerMinute: 1_000_000 });
  const caller = new TestDoor(CALLER, USERS[CALLER], k.port, logger);
  const bs = new Baresip(BARESIP, USERS[BARESIP], k.port, { answermode: 'early' });
  const [door] = await Promise.all([
    startDoorStation({ sipNumber: SIMULATOR, password: USERS[SIMULATOR], registrar: { host: k.host, port: k.port }, logger }),
    panel.start().then(() => panel.waitForState('ONLINE', WAIT_MS)),
    caller.start(),
    bs.start(),
  ]);
  // baresip's REGISTER_OK may come before ctrl_tcp is connected: the location table is the evidence.
  await until(async () => (await k.contactsOf(BARESIP)).length > 0, WAIT_MS, 'baresip registered');
  return { k, panel, manager, caller, door, bs };
}

async function stopRig(r: Partial<Rig>): Promise<void> {
  await r.manager?.close();
  await Promise.allSettled([r.caller?.dispose(), r.door?.close(), r.bs?.stop(), r.panel?.stop()]);
  await r.k?.dispose();
}

/**
 * The sip.js caller rings `target` through kamailio: ms from its INVITE to the first 18x and to the
 * 183 (early media; baresip sends 180 first), then CANCEL.
 */
async function inviteTo183(r: Rig, target: string, whenRinging?: (view: CallView) => void): Promise<{ firstMs: number; firstCode: number; earlyMs: number }> {
  let first: { code: number; at: number } | undefined;
  let onProgress!: (code: number, at: number) => void;
  const progressed = new Promise<number>((resolve) => (onProgress = (code, at) => {
    if (code >= 180) first ??= { code, at };
    if (code === 183) resolve(at);
  }));
  const early = target === PANEL ? nextCall(r.manager, (v) => v.state === 'early' && v.remote.number === CALLER, WAIT_MS) : undefined;
  early?.catch(() => undefined); // awaited below; a failure before that must not crash the run as unhandled
  const inviter = await r.caller.call(target, '127.0.0.1', r.k.port, onProgress);
  const earlyAt = await within(progressed, `183 from ${target}`);
  if (early) whenRinging?.(await early);
  const sentAt = r.caller.invitedAt!;
  await r.caller.hangup();
  await within(terminated(inviter), `end of the call to ${target}`);
  return { firstMs: first!.at - sentAt, firstCode: first!.code, earlyMs: earlyAt - sentAt };
}

export async function sipBench(runs: number): Promise<BenchResult[]> {
  let r: Rig | undefined;
  const inside: number[] = [];
  const toPanel: number[] = [];
  const toBaresip: number[] = [];
  const baresipFirst: number[] = [];
  const baresipFirstCodes = new Set<number>();
  const simUnits: number[] = [];
  const bsUnits: number[] = [];
  const firstUnitKey = { sim: 0, bs: 0 };
  const unlocks: number[] = [];
  try {
    r = await startRig();
    const rig = r;
    const clock = new EarlyMediaClock(rig.manager);
    for (let i = 0; i < runs; i++) {
      // INVITE → 183: the panel (timed inside and at the caller), then baresip as the callee.
      let ringing: CallView | undefined;
      toPanel.push((await inviteTo183(rig, PANEL, (v) => (ringing = v))).earlyMs);
      inside.push(rig.manager.lastInviteTo183Ms!);
      if (ringing) await rig.manager.whenEnded(ringing.id);
      const closedAt = rig.bs.events.length;
      const b = await inviteTo183(rig, BARESIP);
      toBaresip.push(b.earlyMs);
      baresipFirst.push(b.firstMs);
      baresipFirstCodes.add(b.firstCode);
      await rig.bs.waitEvent('CALL_CLOSED', WAIT_MS, closedAt);

      // 183 → first access unit: the simulator rings the panel (ffmpeg starts on the 183's answer).
      const simEarly = nextCall(rig.manager, (v) => v.state === 'early' && v.remote.number === SIMULATOR, WAIT_MS);
      simEarly.catch(() => undefined);
      const simCall = await rig.door.ring(PANEL);
      const simView = await simEarly;
      const sim = await clock.earlyToFirstUnit(simView.id);
      simUnits.push(sim.ms);
      if (sim.key) firstUnitKey.sim++;
      await rig.manager.hangup(simView.id);
      await within(simCall.closed, 'end of the simulator call');

      // ... and baresip (fakevideo → libx264) calls the panel.
      const bsEarly = nextCall(rig.manager, (v) => v.state === 'early' && v.remote.number === BARESIP, WAIT_MS);
      bsEarly.catch(() => undefined);
      const bsClosed = rig.bs.events.length;
      rig.bs.command('dial', `sip:${PANEL}@127.0.0.1:${rig.k.port}`);
      const bsView = await bsEarly;
      const bsUnit = await clock.earlyToFirstUnit(bsView.id);
      bsUnits.push(bsUnit.ms);
      if (bsUnit.key) firstUnitKey.bs++;
      await rig.manager.hangup(bsView.id);
      await rig.bs.waitEvent('CALL_CLOSED', WAIT_MS, bsClosed);
    }

    // Unlock round trip: one answered call with the simulator, presses one after another.
    const answered = nextCall(rig.manager, (v) => v.state === 'early' && v.remote.number === SIMULATOR, WAIT_MS);
    answered.catch(() => undefined);
    const call = await rig.door.ring(PANEL);
    const view = await answered;
    await rig.manager.answer(view.id);
    await call.waitFor('answered', WAIT_MS);
    for (let i = 0; i < UNLOCKS; i++) {
      const u = await rig.manager.unlock(view.id, 'touch');
      if (!u.ok || !u.confirmed) throw new Error(`bench: unlock ${i + 1} not confirmed: ${u.reason ?? u.method}`);
      unlocks.push(u.latencyMs);
    }
    await rig.manager.hangup(view.id);
    await within(call.closed, 'end of the unlock call');
  } finally {
    if (r) await stopRig(r);
  }
  const bsFirst = summary('', baresipFirst);
  return [
    summary('INVITE → 183 sent, inside the panel', inside),
    summary('INVITE → 183 at the caller: panel', toPanel, 'sip.js caller via kamailio'),
    summary('INVITE → 183 at the caller: baresip', toBaresip,
      `baresip answermode=early, same caller and path; its first 18x (${[...baresipFirstCodes].sort().join(' or ')}): median ${bsFirst.median_ms} ms, p95 ${bsFirst.p95_ms} ms`),
    summary('183 → first access unit: simulator', simUnits, `door simulator (ffmpeg starts on the 183); key frame first in ${firstUnitKey.sim}/${runs}`),
    summary('183 → first access unit: baresip', bsUnits, `baresip avcodec caller; key frame first in ${firstUnitKey.bs}/${runs}`),
    summary('unlock round trip (INFO, simulator)', unlocks, 'confirmed by the JSON answer in the 200'),
  ];
}
