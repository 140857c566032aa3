// The door station simulator against a real kamailio and a tiny test-side panel: early media
// with real H.264 before the answer, audio both ways after it, hangup from either side.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { decodeAnnexB, tempDir } from '../media/ffmpeg-rtp.js';
import { startDoorStation, type DoorStation } from '../../sandbox/door-station/index.js';
import { TestPanel } from './panel.js';

const USERS = { doorcall01: 'dcpass01', panelc0001: 'pcpass01', panelc0002: 'pcpass02' };
const log = pino({ level: 'silent' });
let kam: Kamailio;
let door: DoorStation;
let panel: TestPanel;
const tmp = tempDir();

beforeAll(async () => {
  kam = await startKamailio({ users: { ...USERS } });
  const registrar = { host: kam.host, port: kam.port };
  [door, panel] = await Promise.all([
    startDoorStation({ sipNumber: 'doorcall01', password: USERS.doorcall01, registrar, displayName: 'Test door', logger: log }),
    TestPanel.start('panelc0001', USERS.panelc0001, registrar),
  ]);
});

afterAll(async () => {
  await door?.close();
  await panel?.close();
  await kam?.dispose();
  tmp.remove();
});

describe('door station rings a panel', () => {
  it('sends H.264 during early media (183), audio both ways after 200, and ends on the panel\'s BYE', async () => {
    const ringing = door.ring('panelc0001');
    const pc = await panel.nextCall();
    const call = await ringing;
    expect(call.state).not.toBe('ended');
    await pc.progress();
    await call.waitFor('early');

    // Video before the answer: wait for two key frames (IDR every second at 15 fps).
    await pc.until(() => pc.video.filter((u) => u.key).length >= 2, 8000, 'two key frames in early media');
    expect(pc.state).not.toBe('Established');
    const first = pc.video.findIndex((u) => u.key);
    const file = path.join(tmp.dir, 'early.h264');
    writeFileSync(file, Buffer.concat(pc.video.slice(first).map((u) => u.data)));
    const decoded = await decodeAnnexB(file);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBeGreaterThanOrEqual(16);
    // The door's ding-dong already plays in early media.
    await pc.until(() => pc.audioFrames >= 10, 3000, 'early audio');

    await pc.accept();
    await call.waitFor('answered');
    pc.startTalking();
    const inBefore = call.stats().audioPacketsReceived;
    const panelBefore = pc.audioFrames;
    await pc.until(() => call.stats().audioPacketsReceived >= inBefore + 10 && pc.audioFrames >= panelBefore + 10, 3000, 'audio both ways');

    await pc.bye();
    await call.waitFor('ended');
    expect(call.endReason).toBe('hangup by far end');
    await call.closed;
    const stats = call.stats();
    expect(stats.audioPacketsSent).toBeGreaterThan(20);
    expect(stats.audioPacketsReceived).toBeGreaterThanOrEqual(10);
    expect(door.activeCalls()).toHaveLength(0);
  });

  it('ends both sides when the door hangs up', async () => {
    const call = await door.ring('panelc0001');
    const pc = await panel.nextCall();
    await pc.progress();
    await pc.accept();
    await call.waitFor('answered');
    await call.hangup();
    await call.waitFor('ended');
    expect(call.endReason).toBe('hangup by door');
    await pc.ended;
    await call.closed;
  });

  it('reports a rejection (486) and an unknown number (404), and CANCELs after ringSeconds', async () => {
    const call = await door.ring('panelc0001');
    const pc = await panel.nextCall();
    await pc.reject(486);
    await call.waitFor('ended');
    expect(call.statusCode).toBe(486);
    expect(call.endReason).toMatch(/^rejected 486/);

    const nobody = await door.ring('panelc0002'); // provisioned but not registered
    await nobody.waitFor('ended');
    expect(nobody.statusCode).toBe(404);

    const t0 = performance.now();
    const slow = await door.ring('panelc0001', { ringSeconds: 1 });
    const pc2 = await panel.nextCall();
    await pc2.progress();
    await slow.waitFor('ended', 5000);
    expect(slow.endReason).toBe('no answer');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    await pc2.ended;
    await slow.closed;
  });
});
