// Monitor (主动查看): an INVITE to the door is auto-answered silently with video, ended by the door
// after its time limit; one viewer at a time, and none while the door is in a call (486).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { decodeAnnexB, tempDir } from '../media/ffmpeg-rtp.js';
import { startDoorStation, type DoorStation } from '../../sandbox/door-station/index.js';
import { TestPanel } from './panel.js';

const USERS = { doormon001: 'dmpass01', panelm0001: 'pmpass01', panelm0002: 'pmpass02' };
let kam: Kamailio;
let door: DoorStation;
let viewer: TestPanel;
let other: TestPanel;
const tmp = tempDir();

beforeAll(async () => {
  kam = await startKamailio({ users: { ...USERS } });
  const registrar = { host: kam.host, port: kam.port };
  [door, viewer, other] = await Promise.all([
    startDoorStation({ sipNumber: 'doormon001', password: USERS.doormon001, registrar, monitorMaxSeconds: 2, logger: pino({ level: 'silent' }) }),
    TestPanel.start('panelm0001', USERS.panelm0001, registrar),
    TestPanel.start('panelm0002', USERS.panelm0002, registrar),
  ]);
});

afterAll(async () => {
  await door?.close();
  await viewer?.close();
  await other?.close();
  await kam?.dispose();
  tmp.remove();
});

describe('monitor', () => {
  it('auto-answers with decodable video and silent audio, refuses a second viewer (486), ends after maxSeconds', async () => {
    const t0 = performance.now();
    const { call, status } = await viewer.view('doormon001');
    expect(await status).toBe(200);
    const view = door.monitor!;
    expect(view.kind).toBe('monitor');
    await view.waitFor('answered');

    const second = await other.view('doormon001');
    expect(await second.status).toBe(486);

    await call.until(() => call.video.filter((u) => u.key).length >= 1 && call.video.length >= 8, 4000, 'monitor video');
    const first = call.video.findIndex((u) => u.key);
    const file = path.join(tmp.dir, 'monitor.h264');
    writeFileSync(file, Buffer.concat(call.video.slice(first).map((u) => u.data)));
    expect((await decodeAnnexB(file)).errors).toBe('');

    await call.ended; // the door's BYE at the time limit
    await view.closed;
    expect(view.endReason).toBe('monitor time limit');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(door.monitor).toBeUndefined();
  });

  it('refuses a viewer while the door is in a call; the viewer can hang up first', async () => {
    const ring = await door.ring('panelm0002');
    const pc = await other.nextCall();
    await pc.progress();
    await ring.waitFor('early');
    const busy = await viewer.view('doormon001');
    expect(await busy.status).toBe(486);
    await ring.hangup();
    await Promise.all([ring.closed, pc.ended]);

    const { call, status } = await viewer.view('doormon001');
    expect(await status).toBe(200);
    const view = door.monitor!;
    await view.waitFor('answered');
    await call.bye();
    await view.waitFor('ended');
    expect(view.endReason).toBe('hangup by viewer');
    await view.closed;
  });
});
