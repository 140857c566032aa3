// A real baresip door station calls the panel through kamailio (digest): the panel sends 183 with
// its SDP answer and H.264 from baresip's camera (fakevideo → libx264) arrives BEFORE answer();
// the access units decode with ffmpeg; after answer() baresip is established, G.711 flows both
// ways (the panel sends a sine), and the panel's BYE closes baresip's call.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { CallManager, memoryCallStore, type CallView } from '../../../electron/host/sip/calls/index.js';
import { createMediaEngine, type VideoAccessUnit } from '../../../electron/host/media/index.js';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { tempDir } from '../../support/temp.js';
import { Baresip } from './baresip.js';
import { sineFrame, until } from './helpers.js';

const execFileP = promisify(execFile);
const log = pino({ level: process.env['CALLS_TEST_LOG'] ?? 'silent' });
let k: Kamailio;
let panel: SipAccount;
let bs: Baresip;
let manager: CallManager;

beforeAll(async () => {
  k = await startKamailio({ users: { '1001': 'panel-pw', '2003': 'door3-pw' } });
  panel = new SipAccount({ sipNumber: '1001', password: 'panel-pw', host: '127.0.0.1', port: k.port, transport: 'udp', localAddress: '127.0.0.1', keepaliveSec: 300 }, { logger: log });
  await panel.start();
  await panel.waitForState('ONLINE', 5000);
  manager = new CallManager({ account: panel, media: createMediaEngine(), store: memoryCallStore(), logger: log });
  bs = new Baresip('2003', 'door3-pw', k.port);
  await bs.start();
  // REGISTER_OK may fire before ctrl_tcp is connected: the location table is the evidence.
  await until(async () => (await k.contactsOf('2003')).length > 0, 10_000, 'baresip registered');
});

afterAll(async () => {
  await manager?.close();
  await bs?.stop();
  await panel?.stop();
  await k?.dispose();
});

describe('baresip door station', () => {
  it('early H.264 before answer, G.711 both ways after, BYE closes baresip', async () => {
    const units: VideoAccessUnit[] = [];
    let answeredAt = Infinity;
    const early: VideoAccessUnit[] = [];
    manager.on('video', ({ unit }) => {
      units.push(unit);
      if (performance.now() < answeredAt) early.push(unit);
    });
    const ringing = new Promise<CallView>((resolve) => manager.on('call', (v) => v.state === 'early' && resolve(v)));
    bs.command('dial', `sip:1001@127.0.0.1:${k.port}`);
    const view = await ringing;
    expect(view.remote.number).toBe('2003');
    // Early media: a key frame (SPS+PPS+IDR) and more arrive while it rings.
    await until(() => early.some((u) => u.key) && early.length >= 10, 10_000, 'early H.264 access units');
    answeredAt = performance.now();
    await manager.answer(view.id);
    await bs.waitEvent('CALL_ESTABLISHED', 5000);
    const media = manager.mediaOf(view.id)!;
    for (let i = 0; i < 50; i++) {
      manager.sendMicrophone(view.id, sineFrame(1000, i));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(bs.log).toMatch(/Set audio encoder: PCMA 8000Hz/);
    const stats = media.stats();
    expect(stats.audioPacketsOut).toBeGreaterThanOrEqual(45);
    expect(stats.audioPacketsIn).toBeGreaterThan(20);
    expect(stats.videoAccessUnits).toBeGreaterThan(early.length);
    // The early units decode.
    const dir = tempDir('calls-h264');
    const file = join(dir, 'early.h264');
    const firstKey = early.findIndex((u) => u.key);
    writeFileSync(file, Buffer.concat(early.slice(firstKey).map((u) => Buffer.from(u.data))));
    const { stderr } = await execFileP('/usr/bin/ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'h264', '-i', file, '-f', 'null', '-'], { timeout: 20_000 });
    expect(stderr.trim()).toBe('');
    console.log('[baresip report]', JSON.stringify({
      inviteTo183Ms: manager.lastInviteTo183Ms, earlyUnits: early.length, earlyKey: early.filter((u) => u.key).length, stats,
    }));
    await manager.hangup(view.id);
    await bs.waitEvent('CALL_CLOSED', 5000);
    expect(manager.get(view.id)).toMatchObject({ state: 'ended', endReason: 'local hangup' });
  }, 40_000);
});
