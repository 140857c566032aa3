// The voice dialog on a real call: sentences as the recognizer would report them go to the host
// (voice.heard), which resolves them in the call's context and acts on the real door station
// through kamailio. The far-end guard: the visitor's voice from the loudspeaker cannot open the door.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallRig, type CallRig } from '../../support/call-rig.js';
import { waitForState } from '../../support/panel.js';
import type { DoorCall } from '../../sandbox/door-station/index.js';
import { until } from '../calls/helpers.js';
import { DATABASE_FILE } from '../../../electron/host/index.js';
import { openDatabaseReadOnly, VoiceLogRepo, type StoredVoiceEntry } from '../../../electron/host/store/index.js';

const VOCABULARY = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'models', 'vosk-model-small-cn-0.22.words.txt');
let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({ endedCallLingerMs: 0, env: { LINTEL_VOCABULARY_FILE: VOCABULARY }, voice: { unlockIntervalMs: 0, farEndGuardMs: 500 } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const heard = (text: string, context = rig.panel.host.state().voice.context, confidence = 0.9) =>
  rig.panel.host.api['voice.heard']({ text, confidence, context });

async function ringing(): Promise<{ doorCall: DoorCall; callId: string }> {
  const doorCall = await rig.door.ring(rig.panelNumber);
  const s = await waitForState(rig.panel.host, (st) => st.call?.state === 'early' && st.voice.context === 'ringing', 5000);
  return { doorCall, callId: s.call!.id };
}

async function ended(doorCall: DoorCall): Promise<void> {
  await doorCall.waitFor('ended', 5000);
  await doorCall.closed;
  await waitForState(rig.panel.host, (s) => s.call === null && s.voice.context === 'home', 5000);
}

describe('voice commands on a door call', () => {
  it('the grammar of each context comes from the corpora, checked against the model vocabulary', async () => {
    const g = await rig.panel.host.api['voice.grammar']({ context: 'ringing' });
    expect(g.phrases).toContain('接听');
    expect(g.phrases).toContain('挂 断'); // 挂断 is no word of the model: it is split into 挂 + 断
    expect(g.phrases).toContain('[unk]');
    expect(g.modelUrl).toBeNull(); // no model installed here
    expect(rig.panel.host.state().voice.model).toEqual({ status: 'missing', message: expect.stringContaining('语音模型') });
  });

  it('ringing: 接听 answers (the door sees 200 OK); 你好门楣开门 opens the door; 挂断 ends it at the door', async () => {
    const { doorCall } = await ringing();
    expect(await heard('接听')).toMatchObject({ outcome: 'done', intent: 'answer' });
    await doorCall.waitFor('answered', 3000);
    await waitForState(rig.panel.host, (s) => s.voice.context === 'inCall');

    // The visitor is talking (the door's programme after the answer), so only the wake word opens.
    expect(await heard('你好 门楣 开门')).toMatchObject({ outcome: 'done', intent: 'openDoor', message: '门已打开' });
    expect(doorCall.unlocks).toHaveLength(1);

    expect(await heard('挂 断')).toMatchObject({ outcome: 'done', intent: 'hangup' });
    await ended(doorCall);
  }, 20_000);

  it('the visitor saying 开门 through the loudspeaker does not open the door; logged as refused', async () => {
    const { doorCall, callId } = await ringing();
    await rig.panel.host.api['call.answer']({ callId });
    await doorCall.waitFor('answered', 3000);
    await waitForState(rig.panel.host, (s) => s.voice.context === 'inCall');
    // What the recognizer would report when the door's loudspeaker says 开门: far-end audio is playing.
    await doorSends(doorCall, 10);
    const r = await heard('开门');
    expect(r).toMatchObject({ outcome: 'refused', intent: 'openDoor' });
    expect(doorCall.unlocks).toHaveLength(0);
    const logged = lastVoiceLogEntry();
    expect(logged).toMatchObject({ text: '开门', context: 'inCall', intent: 'openDoor', outcome: 'refused', wakeWord: false, detail: expect.stringContaining('far-end') });

    // When the visitor is quiet, the resident in the call may say 开门 alone.
    doorCall.visitor('silence');
    await doorSends(doorCall, 40); // 800 ms of quiet, beyond the 500 ms guard
    expect(await heard('开门')).toMatchObject({ outcome: 'done', intent: 'openDoor' });
    expect(doorCall.unlocks).toHaveLength(1);
    await rig.panel.host.api['call.hangup']({ callId });
    await ended(doorCall);
  }, 20_000);

  it('while ringing, 开门 without the wake word asks for a touch; the touch opens the door', async () => {
    const { doorCall, callId } = await ringing();
    const r = await heard('开门');
    expect(r).toMatchObject({ outcome: 'confirm', intent: 'openDoor' });
    const confirm = rig.panel.host.state().voice.confirm;
    expect(confirm).toMatchObject({ action: 'unlock', callId });
    await rig.panel.host.api['voice.confirm']({ id: confirm!.id, accept: true });
    expect(rig.panel.host.state().voice).toMatchObject({ phase: 'done', message: expect.stringMatching(/门已打开|已发送开门信号/), confirm: null });
    // In the early dialog the unlock goes as DTMF '*', which the door takes too.
    expect(doorCall.unlocks).toEqual([expect.objectContaining({ method: 'dtmf' })]);
    await rig.panel.host.api['call.hangup']({ callId });
    await ended(doorCall);
  }, 20_000);

  it('at home: a command without the wake word is ignored silently; a ringing-only phrase is "not now"; low confidence is not understood', async () => {
    expect(rig.panel.host.state().voice.context).toBe('home');
    expect(await heard('查看视频')).toMatchObject({ outcome: 'ignored', intent: 'viewVideo', message: null });
    expect(await heard('你好 门楣 接听')).toMatchObject({ outcome: 'not-now', intent: 'answer', message: expect.stringContaining('现在') });
    expect(await heard('你好 门楣 开门', 'home', 0.2)).toMatchObject({ outcome: 'not-understood' });
    // Said while it rang, heard after it stopped: meant for another moment, so nothing happens.
    expect(await heard('接听', 'ringing')).toMatchObject({ outcome: 'ignored' });
  });
});

/** Wait until the door has sent `frames` more 20 ms audio frames (they reach the panel on loopback). */
async function doorSends(call: DoorCall, frames: number): Promise<void> {
  const target = call.stats().audioPacketsSent + frames;
  await until(() => call.stats().audioPacketsSent >= target, 5000, `${frames} audio frames from the door`);
}

function lastVoiceLogEntry(): StoredVoiceEntry | undefined {
  const db = openDatabaseReadOnly(join(rig.panel.dataDir, DATABASE_FILE));
  try {
    return new VoiceLogRepo(db).recent(1)[0];
  } finally {
    db.close();
  }
}
