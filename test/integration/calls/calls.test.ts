// CallManager against a real kamailio (digest) and sip.js door stations: early media state,
// answer, busy (486), CANCEL, ring timeout (480), monitor with its time limit, INFO handling,
// and the unlock protocol (INFO answered in the 200 or by INFO, silent door, 501 → DTMF,
// duplicate copies deduped, early-dialog DTMF, rate limit, reqsn persisted). Unlock at 30 % loss
// through kamailio: ../door-station/lossy-unlock.test.ts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SessionState, type Inviter } from 'sip.js';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { CallError, CallManager, memoryCallStore, type CallManagerOptions, type CallStore, type CallView } from '../../../electron/host/sip/calls/index.js';
import { createMediaEngine } from '../../../electron/host/media/index.js';
import { keyFileCipher, openStore } from '../../../electron/host/store/index.js';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { tempDir } from '../../support/temp.js';
import { RtpCapture } from '../../support/tshark.js';
import { parseSdp, rtpMapFor } from '../../../electron/host/media/sdp.js';
import { TestDoor, nextCall, percentile, until } from './helpers.js';

const log = pino({ level: process.env['CALLS_TEST_LOG'] ?? 'silent' });
let k: Kamailio;
let panel: SipAccount;
let door: TestDoor;
let door2: TestDoor;
let manager: CallManager | undefined;
const report: Record<string, unknown> = {};

beforeAll(async () => {
  k = await startKamailio({ users: { '1001': 'panel-pw', '2001': 'door-pw', '2002': 'door2-pw' } });
  panel = new SipAccount({ sipNumber: '1001', password: 'panel-pw', host: '127.0.0.1', port: k.port, transport: 'udp', localAddress: '127.0.0.1', keepaliveSec: 300 }, { logger: log });
  door = new TestDoor('2001', 'door-pw', k.port, log);
  door2 = new TestDoor('2002', 'door2-pw', k.port, log);
  await Promise.all([panel.start(), door.start(), door2.start()]);
  await panel.waitForState('ONLINE', 5000);
});

afterAll(async () => {
  await manager?.close();
  await Promise.allSettled([door?.dispose(), door2?.dispose(), panel?.stop()]);
  await k?.dispose();
  if (Object.keys(report).length) console.log('[calls report]', JSON.stringify(report));
});

afterEach(async () => {
  await manager?.close();
  manager = undefined;
  await door.hangup();
  await door2.hangup();
  door.infoMode = 'body';
  door.inviteMode = 'auto';
  door.dtmf.length = 0;
  door.unlocks.length = 0;
  door.infosReceived = 0;
});

function makeManager(over: Partial<CallManagerOptions> = {}, store: CallStore = memoryCallStore()): CallManager {
  manager = new CallManager({ account: panel, media: createMediaEngine(), store, logger: log, ...over });
  return manager;
}

/** The door calls the panel; resolves at the panel's 'early' (183 sent). */
async function doorRings(m: CallManager, d: TestDoor = door): Promise<{ view: CallView; inviter: Inviter }> {
  const early = nextCall(m, (v) => v.state === 'early' && v.remote.number === d.number);
  const inviter = await d.call('1001', '127.0.0.1', k.port);
  return { view: await early, inviter };
}

async function established(m: CallManager): Promise<{ view: CallView; inviter: Inviter }> {
  const r = await doorRings(m);
  await m.answer(r.view.id);
  await until(() => r.inviter.state === SessionState.Established, 3000, 'door sees the call established');
  return r;
}

describe('incoming door calls', () => {
  it('sends 183 (early) at once, answers with 200, far-end BYE ends the call', async () => {
    const m = makeManager();
    const states: string[] = [];
    m.on('call', (v) => states.push(v.state));
    const { view, inviter } = await doorRings(m);
    expect(view).toMatchObject({ direction: 'incoming', kind: 'door', remote: { number: '2001' }, state: 'early' });
    expect(m.lastInviteTo183Ms).toBeLessThan(200);
    report['inviteTo183Ms'] = Math.round(m.lastInviteTo183Ms! * 10) / 10;
    // The door got our answer in the 183: its early-media dialog exists before any 200.
    expect(inviter.state).toBe(SessionState.Establishing);
    const active = await m.answer(view.id);
    expect(active.state).toBe('active');
    expect(active.answeredAt).toBeGreaterThan(0);
    await until(() => inviter.state === SessionState.Established, 3000, 'door established');
    const ended = nextCall(m, (v) => v.state === 'ended');
    await inviter.bye();
    expect((await ended).endReason).toBe('remote hangup');
    expect(states).toEqual(['ringing', 'early', 'active', 'ended']);
  });

  it('a second INVITE during a call gets 486 and the first call is unaffected', async () => {
    const m = makeManager();
    const first = await doorRings(m);
    const second = await door2.call('1001', '127.0.0.1', k.port);
    await until(() => second.state === SessionState.Terminated, 5000, 'second call refused');
    expect(door2.finalCode).toBe(486);
    expect(m.list()).toHaveLength(1);
    expect(m.get(first.view.id)!.state).toBe('early');
    await m.answer(first.view.id);
    await until(() => first.inviter.state === SessionState.Established, 3000, 'first call established');
  });

  it('remote CANCEL while ringing ends the call with a reason', async () => {
    const m = makeManager();
    const { view } = await doorRings(m);
    const ended = nextCall(m, (v) => v.state === 'ended');
    await door.hangup(); // CANCEL
    const v = await ended;
    expect(v.id).toBe(view.id);
    expect(v.endReason).toBe('canceled by caller');
    expect(v.answeredAt).toBeUndefined();
  });

  it('unanswered: 480 after the ring timeout; resident decline: 603', async () => {
    const m = makeManager({ ringTimeoutMs: 800 });
    const t0 = Date.now();
    const { view } = await doorRings(m);
    const ended = await nextCall(m, (v) => v.state === 'ended' && v.id === view.id, 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(ended.endReason).toMatch(/no answer/);
    const second = await doorRings(m);
    await m.reject(second.view.id);
    expect(m.get(second.view.id)).toMatchObject({ state: 'ended', endReason: 'declined by resident' });
    await until(() => second.inviter.state === SessionState.Terminated, 3000, 'door sees the decline');
  });

  it('INFO: malformed JSON → 400, dtmf-relay → 200, never a crash', async () => {
    const m = makeManager();
    const { inviter } = await established(m);
    const send = (contentType: string, content: string): Promise<number> =>
      new Promise((resolve) => {
        void inviter.info({
          requestOptions: { body: { contentDisposition: 'render', contentType, content } },
          requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
        });
      });
    expect(await send('application/json', '{"res":"unlock",')).toBe(400);
    expect(await send('application/json', '[1,2]')).toBe(400);
    expect(await send('application/dtmf-relay', 'Signal=*\r\nDuration=160\r\n')).toBe(200);
    expect(await send('application/json', '{"res":"unlock","reqsn":5,"status":200}')).toBe(200);
    expect(m.list()).toHaveLength(1);
  });
});

describe('monitor', () => {
  it('auto-answered monitor ends itself by BYE after maxSeconds', async () => {
    const m = makeManager();
    const byes = door.byesReceived;
    const t0 = Date.now();
    const view = await m.monitor('2001', { maxSeconds: 2 });
    expect(view).toMatchObject({ direction: 'outgoing', kind: 'monitor', state: 'active' });
    await expect(m.monitor('2001')).rejects.toThrow(/正在监视/);
    await m.whenEnded(view.id);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(3500);
    expect(m.get(view.id)!.endReason).toMatch(/monitor time limit/);
    await until(() => door.byesReceived === byes + 1, 2000, 'door got the BYE');
  });

  it('a door in a call answers 486: clear reason', async () => {
    const m = makeManager();
    door.inviteMode = 'busy';
    const err = await m.monitor('2001', { maxSeconds: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect((err as CallError).reason).toBe('门口机正在通话');
    expect((err as CallError).statusCode).toBe(486);
    expect(m.list()).toHaveLength(0);
  });
});

describe('unlock', () => {
  it('INFO answered in the 200 body: confirmed well under 1 s; duplicate copy deduped by the door', async () => {
    const m = makeManager({ unlockMinIntervalMs: 0, unlockPerMinute: 1000 });
    const { view } = await established(m);
    const r = await m.unlock(view.id, 'voice');
    expect(r).toMatchObject({ ok: true, confirmed: true, method: 'info', doorStatus: 200 });
    expect(r.latencyMs).toBeLessThan(1000);
    // Both copies leave the panel, but when they overtake each other in the proxy the door's
    // SIP stack answers the older CSeq with 500 before the application sees it: one or two arrive.
    expect(door.infosReceived).toBeGreaterThanOrEqual(1);
    expect(door.infosReceived).toBeLessThanOrEqual(2);
    expect(door.unlocks).toEqual([r.reqsn]);
    // latency on a clean link
    const lat: number[] = [];
    for (let i = 0; i < 40; i++) {
      const x = await m.unlock(view.id, 'touch');
      expect(x.ok && x.confirmed).toBe(true);
      lat.push(x.latencyMs);
    }
    report['cleanUnlockMedianMs'] = Math.round(percentile(lat, 50) * 10) / 10;
    report['cleanUnlockP95Ms'] = Math.round(percentile(lat, 95) * 10) / 10;
    expect(door.unlocks).toHaveLength(41);
  });

  it('answer by an INFO from the door is accepted too (and the door INFO gets 200)', async () => {
    const m = makeManager();
    door.infoMode = 'info';
    const { view } = await established(m);
    const r = await m.unlock(view.id, 'touch');
    expect(r).toMatchObject({ ok: true, confirmed: true, method: 'info' });
    expect(r.latencyMs).toBeLessThan(1000);
  });

  it('door refusing (status 403 in the answer) is a failure with its status', async () => {
    const m = makeManager();
    door.unlockStatus = 403;
    try {
      const { view } = await established(m);
      const r = await m.unlock(view.id, 'voice');
      expect(r).toMatchObject({ ok: false, confirmed: false, method: 'info', doorStatus: 403 });
    } finally {
      door.unlockStatus = 200;
    }
  });

  it('a silent door (200 without an answer): failed after 3 s, no DTMF', async () => {
    const store = memoryCallStore();
    const m = makeManager({}, store);
    door.infoMode = 'silent';
    const { view } = await established(m);
    const r = await m.unlock(view.id, 'voice');
    expect(r).toMatchObject({ ok: false, confirmed: false, method: 'info' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(2990);
    expect(r.latencyMs).toBeLessThan(3500);
    expect(door.dtmf).toEqual([]);
    expect(store.attempts.at(-1)).toMatchObject({ result: 'failed', method: 'info', via: 'voice', doorNumber: '2001', callId: view.id });
  });

  it('no SIP answer at all and DTMF fallback off: failed after 3 s', async () => {
    const m = makeManager({ dtmfFallbackOnTimeout: false });
    door.infoMode = 'drop';
    const { view } = await established(m);
    const r = await m.unlock(view.id, 'touch');
    expect(r).toMatchObject({ ok: false, method: 'info', reason: '门口机3秒内无应答' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(2990);
  });

  it('door answers 501 to INFO: DTMF * fallback seen at the door, reported unconfirmed', async () => {
    const store = memoryCallStore();
    const m = makeManager({ unlockMinIntervalMs: 0 }, store);
    door.infoMode = '501';
    const { view } = await established(m);
    const r = await m.unlock(view.id, 'touch');
    expect(r).toMatchObject({ ok: true, confirmed: false, method: 'dtmf' });
    expect(r.reason).toMatch(/501/);
    await until(() => door.dtmf.includes('*'), 2000, "the door's media got DTMF *");
    // The next unlock on this call goes straight to DTMF.
    const infos = door.infosReceived;
    const r2 = await m.unlock(view.id, 'touch');
    expect(r2.method).toBe('dtmf');
    expect(door.infosReceived).toBe(infos);
    expect(store.attempts.map((a) => a.method)).toEqual(['dtmf', 'dtmf']);
  });

  it("DTMF fallback on the wire (tshark on lo): RFC 4733 event 10 ('*') with the door's telephone-event payload type", async () => {
    const m = makeManager();
    door.infoMode = '501';
    const { view, inviter } = await established(m);
    // Where the door listens and which dynamic payload type it gave telephone-event, from its offer.
    const audio = parseSdp(inviter.request.body!.body).media.find((x) => x.kind === 'audio')!;
    const eventPt = audio.formats.map(Number).find((pt) => rtpMapFor(audio, pt)?.encoding.toLowerCase() === 'telephone-event');
    expect(eventPt).toBeDefined();
    const capture = await RtpCapture.start(audio.port, eventPt!);
    try {
      const r = await m.unlock(view.id, 'touch');
      expect(r).toMatchObject({ ok: true, confirmed: false, method: 'dtmf' });
      const end = await capture.waitFor((p) => p.eventId === 10 && p.end === true, 3000, "the end of event 10 ('*')");
      // The end packet goes three times, 20 ms apart: let tshark report all three before counting.
      await until(() => capture.packets.filter((p) => p.eventId === 10 && p.end).length >= 3 || undefined, 3000, 'the three end packets');
      expect(end.payloadType).toBe(eventPt);
      const events = capture.packets.filter((p) => p.eventId !== undefined);
      // Start, updates and the end packet sent three times (RFC 4733 2.5.1.4); nothing but '*'.
      expect(events.length).toBeGreaterThanOrEqual(4);
      expect(events.filter((p) => p.end).length).toBeGreaterThanOrEqual(3);
      expect(events.every((p) => p.eventId === 10 && p.payloadType === eventPt)).toBe(true);
      report['dtmfOnWire'] = { payloadType: eventPt, eventPackets: events.length, endPackets: events.filter((p) => p.end).length, event: 10 };
    } finally {
      await capture.stop();
    }
    await until(() => door.dtmf.includes('*'), 2000, "the door's media got DTMF *");
  });

  it('in the early dialog (183, before answer) unlock goes by DTMF over early media', async () => {
    const m = makeManager();
    const { view } = await doorRings(m);
    const r = await m.unlock(view.id, 'voice');
    expect(r).toMatchObject({ ok: true, confirmed: false, method: 'dtmf' });
    await until(() => door.dtmf.includes('*'), 2000, 'door got * during early media');
    expect(m.get(view.id)!.state).toBe('early');
  });

  it('rate limit: one per 2 s per call', async () => {
    const store = memoryCallStore();
    const m = makeManager({}, store);
    const { view } = await established(m);
    expect((await m.unlock(view.id, 'voice')).ok).toBe(true);
    const r = await m.unlock(view.id, 'voice');
    expect(r).toMatchObject({ ok: false, method: 'none' });
    expect(r.reason).toMatch(/rate limit/);
    expect(store.attempts.map((a) => a.result)).toEqual(['ok', 'rate-limited']);
    expect(await m.unlock('no-such-call', 'touch')).toMatchObject({ ok: false, method: 'none' });
  });

  it('reqsn is persisted: a restarted panel continues the 1-999 cycle; attempts are stored', async () => {
    const dir = tempDir('calls-store');
    try {
      const file = join(dir, 'lintel.db');
      const cipher = keyFileCipher(join(dir, 'key'));
      let s = openStore(file, cipher);
      const m = makeManager({}, s);
      const { view } = await established(m);
      const r = await m.unlock(view.id, 'voice');
      expect(r.reqsn).toBe(1);
      await m.close();
      manager = undefined;
      for (let i = 0; i < 997; i++) s.unlockAttempts.nextReqsn();
      s.close();
      s = openStore(file, cipher);
      expect(s.unlockAttempts.nextReqsn()).toBe(999);
      expect(s.unlockAttempts.nextReqsn()).toBe(1);
      expect(s.unlockAttempts.recent(1)[0]).toMatchObject({ callId: view.id, doorNumber: '2001', method: 'info', via: 'voice', reqsn: 1, result: 'ok', confirmed: true });
      expect(s.calls.get(view.id)).toMatchObject({ direction: 'incoming', kind: 'door', remoteNumber: '2001' });
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
