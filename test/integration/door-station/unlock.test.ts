// Opening the door from a panel in a call: the platform's INFO unlock (answer in the 200's body,
// repeats within 3 s open once), RFC 2833 '*', and the door modes silent and reject-info.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { startDoorStation, type DoorCall, type DoorStation } from '../../sandbox/door-station/index.js';
import { TestPanel, type PanelCall } from './panel.js';

const USERS = { doorunl001: 'dupass01', panelu0001: 'pupass01' };
let kam: Kamailio;
let door: DoorStation;
let panel: TestPanel;

beforeAll(async () => {
  kam = await startKamailio({ users: { ...USERS } });
  const registrar = { host: kam.host, port: kam.port };
  [door, panel] = await Promise.all([
    // Audio only: these tests are about signalling, not video.
    startDoorStation({ sipNumber: 'doorunl001', password: USERS.doorunl001, registrar, video: false, logger: pino({ level: 'silent' }), answerUnlockByInfo: true }),
    TestPanel.start('panelu0001', USERS.panelu0001, registrar),
  ]);
});

afterAll(async () => {
  await door?.close();
  await panel?.close();
  await kam?.dispose();
});

async function answeredCall(): Promise<{ call: DoorCall; pc: PanelCall }> {
  const call = await door.ring('panelu0001');
  const pc = await panel.nextCall();
  await pc.progress();
  await pc.accept();
  await call.waitFor('answered');
  return { call, pc };
}

async function hangup(call: DoorCall, pc: PanelCall): Promise<void> {
  await call.hangup();
  await Promise.all([call.closed, pc.ended]);
}

/**
 * The pair goes out back to back, as the protocol says; kamailio's two UDP workers may swap them,
 * and sip.js (like pjsip) answers the lower CSeq that arrives second with 500 (RFC 3261 12.2.2).
 * So: at least one JSON answer, and any other one is the same answer or that 500.
 */
function expectUnlockAnswers(answers: { statusCode: number; body: string; contentType: string | undefined }[], reqsn: number): void {
  const ok = answers.filter((a) => a.statusCode === 200);
  expect(ok.length).toBeGreaterThanOrEqual(1);
  for (const a of ok) {
    expect(a.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(a.body)).toEqual({ res: 'unlock', reqsn, status: 200 });
  }
  expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 500)).toBe(true);
}

beforeEach(() => {
  door.unlockMode = 'answer';
});

// A failed test must not leave the door busy for the next one.
afterEach(async () => {
  await Promise.all(door.activeCalls().map(async (c) => {
    await c.hangup();
    await c.closed;
  }));
});

describe('unlock over SIP INFO', () => {
  it('answers {"res":"unlock","reqsn":n,"status":200} in the 200 and opens once for the doubled request', async () => {
    const { call, pc } = await answeredCall();
    const before = door.doorOpens.length;
    const answers = await pc.unlock(101, 'panelu0001');
    expectUnlockAnswers(answers, 101);
    expect(door.doorOpens.length - before).toBe(1);
    expect(call.unlocks).toEqual([expect.objectContaining({ method: 'info', reqsn: 101, from: 'panelu0001', door: 'doorunl001', session: 'call' })]);
    // The same reqsn again inside 3 s: answered, not opened again. A new reqsn opens.
    expect(JSON.parse((await pc.sendInfo(JSON.stringify({ req: 'unlock', reqsn: 101, sip: 'panelu0001' }))).body)).toMatchObject({ status: 200 });
    expect(call.unlocks).toHaveLength(1);
    await pc.unlock(102, 'panelu0001');
    expect(call.unlocks.map((u) => u.reqsn)).toEqual([101, 102]);
    // answerUnlockByInfo: the answer also came back as INFO, twice per request (the copy 50 ms later).
    await pc.until(() => pc.infosIn.length >= 4, 3000, 'unlock answers by INFO');
    const back = pc.infosIn.map((b) => JSON.parse(b) as { reqsn: number });
    expect(back.sort((a, b) => a.reqsn - b.reqsn)).toEqual([101, 101, 102, 102].map((reqsn) => ({ res: 'unlock', reqsn, status: 200 })));
    expect(call.unlocks.map((u) => u.reqsn)).toEqual([101, 102]);
    // Junk: a body that is not JSON is a 400; other JSON requests a plain 200; bad fields status 400.
    expect((await pc.sendInfo('not json')).statusCode).toBe(400);
    expect(await pc.sendInfo(JSON.stringify({ req: 'other' }))).toMatchObject({ statusCode: 200, body: '' });
    expect(JSON.parse((await pc.sendInfo(JSON.stringify({ req: 'unlock', reqsn: 7 }))).body)).toEqual({ res: 'unlock', reqsn: 7, status: 400 });
    expect(call.unlocks).toHaveLength(2);
    await hangup(call, pc);
  });

  it("opens on RFC 2833 '*' (event 10) but not on other digits", async () => {
    const { call, pc } = await answeredCall();
    const opened = new Promise<void>((resolve) => door.once('door-opened', () => resolve()));
    await pc.media.sendDtmf('1');
    await pc.media.sendDtmf('*');
    await opened;
    expect(call.unlocks).toEqual([expect.objectContaining({ method: 'dtmf', from: 'panelu0001' })]);
    expect(call.stats().dtmfReceived).toEqual(['1', '*']);
    await hangup(call, pc);
  });

  it('silent: the INFO gets no answer (the panel times out) and the door stays shut', async () => {
    door.unlockMode = 'silent';
    const { call, pc } = await answeredCall();
    const answer = pc.sendInfo(JSON.stringify({ req: 'unlock', reqsn: 300, sip: 'panelu0001' }));
    // Nothing to await here but silence: a loopback answer would take milliseconds, so 1 s of
    // nothing stands for the protocol's 3 s timeout.
    const outcome = await Promise.race([answer.then(() => 'answered'), new Promise((r) => setTimeout(() => r('no answer'), 1000))]);
    expect(outcome).toBe('no answer');
    expect(call.unlocks).toHaveLength(0);
    expect(call.stats().infoRequests).toBeGreaterThanOrEqual(1);
    await hangup(call, pc);
  });

  it('reject-info: 501 to INFO; the DTMF fallback still opens', async () => {
    door.unlockMode = 'reject-info';
    const { call, pc } = await answeredCall();
    const answers = await pc.unlock(400, 'panelu0001');
    expect(answers.map((a) => a.statusCode)).toContain(501);
    expect(answers.every((a) => a.statusCode === 501 || a.statusCode === 500)).toBe(true);
    expect(call.unlocks).toHaveLength(0);
    const opened = new Promise<void>((resolve) => door.once('door-opened', () => resolve()));
    await pc.media.sendDtmf('*');
    await opened;
    expect(call.unlocks.map((u) => u.method)).toEqual(['dtmf']);
    await hangup(call, pc);
  });
});
