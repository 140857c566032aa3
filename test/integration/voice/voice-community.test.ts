// Voice for the community services on a bound panel against the sandbox: a new notice → 播放 reads
// it aloud (the panel speaks its title and text) → 停止播放 stops; 不要 dismisses; 帮我呼叫电梯 the
// first time asks the floor → 我住十二楼 stores it → with two elevators, 第一个 → the call goes out
// with startFloor 12; 你好门楣开门 at home with two entrances asks which → the door named opens.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startBoundPanel } from '../../support/community.js';
import { waitForState, type TestPanel } from '../../support/panel.js';

const VOCABULARY = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'models', 'vosk-model-small-cn-0.22.words.txt');
let sandbox: Sandbox;
let panel: TestPanel;

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, elevator: { floorMs: 50, dwellMs: 500 } });
  panel = await startBoundPanel(sandbox, 'sp-house-1-1-1201', { env: { LINTEL_VOCABULARY_FILE: VOCABULARY }, voice: { unlockIntervalMs: 0 } });
  // What was published before the first sync counts as already read: only later notices alert.
  await waitForState(panel.host, (s) => s.notices.syncedAt !== null, 5000);
}, 30_000);
afterAll(async () => {
  await panel?.stop();
  await sandbox?.close();
});

const heard = (text: string) => panel.host.api['voice.heard']({ text, confidence: 0.9, context: panel.host.state().voice.context });

describe('voice for the community services', () => {
  it('有新公告: 播放 reads the notice aloud and marks it read; 停止播放 stops it', async () => {
    const n = sandbox.console.publishNotice({ title: '停水通知', text: '明天上午九点到十二点停水，请提前储水。', houseSpaceId: 'sp-house-1-1-1201' });
    await waitForState(panel.host, (s) => s.notices.alert?.messageId === n.messageId && s.voice.context === 'noticeAlert', 5000);
    expect(await heard('播放')).toMatchObject({ outcome: 'done', intent: 'playNotice' });
    const playing = await waitForState(panel.host, (s) => s.voice.context === 'noticePlaying');
    expect(playing.voice.speaking?.text).toBe('停水通知。明天上午九点到十二点停水，请提前储水。');
    expect(playing.notices.alert).toBeNull();
    expect(await heard('停止 播放')).toMatchObject({ outcome: 'done', intent: 'stopNotice' });
    const stopped = panel.host.state();
    expect(stopped.voice.speaking).toBeNull();
    expect(stopped.voice.context).toBe('home');
    const { notices } = await panel.host.api['notices.list']({});
    expect(notices.find((x) => x.messageId === n.messageId)?.read).toBe(true);
  });

  it('有新公告: 不要 dismisses the alert; the notice stays unread', async () => {
    const n = sandbox.console.publishNotice({ title: '电梯保养', text: '周三电梯保养。', houseSpaceId: 'sp-house-1-1-1201' });
    await waitForState(panel.host, (s) => s.notices.alert?.messageId === n.messageId, 5000);
    expect(await heard('不要')).toMatchObject({ outcome: 'done', intent: 'dismissNotice' });
    const s = panel.host.state();
    expect(s.notices.alert).toBeNull();
    expect(s.voice.context).toBe('home');
    const { notices } = await panel.host.api['notices.list']({});
    expect(notices.find((x) => x.messageId === n.messageId)?.read).toBe(false);
  });

  it('帮我呼叫电梯 the first time asks the floor; 我住十二楼; 第一个 of two elevators; the call goes out from floor 12', async () => {
    expect(await heard('你好 门楣 帮 我 呼叫 电梯')).toMatchObject({ outcome: 'done', intent: 'callElevator', message: expect.stringContaining('几楼') });
    expect(panel.host.state().voice.context).toBe('floorSetup');
    expect(await heard('我 住 十二 楼')).toMatchObject({ outcome: 'done', intent: 'setFloor', message: expect.stringContaining('第一个') });
    expect(panel.host.state().voice.context).toBe('choosing');
    // The choosing grammar carries the cloud's names, spoken with Chinese numerals.
    const choosing = (await panel.host.api['voice.grammar']({ context: 'choosing' })).phrases.map((p) => p.replace(/ /g, ''));
    expect(choosing).toContain('一幢一单元二号梯');
    expect(await heard('第一个')).toMatchObject({ outcome: 'done', intent: 'choose' });
    expect(panel.host.state().voice.context).toBe('home');
    expect(sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'elevator/call', iotId: 'iot-lift-1-1-a', startFloor: '12' });
    await waitForState(panel.host, (s) => s.elevator?.arrived === true, 10_000);
    await panel.host.api['elevator.dismiss']({});
  });

  it('你好门楣开门 at home with two entrances asks which; the door named opens; without the wake word nothing happens', async () => {
    expect(await heard('开门')).toMatchObject({ outcome: 'ignored' });
    expect(sandbox.console.doorEvents()).toHaveLength(0);
    expect(await heard('你好 门楣 开门')).toMatchObject({ outcome: 'done', intent: 'openDoor', message: expect.stringMatching(/第一个.*第二个/) });
    expect(panel.host.state().voice.context).toBe('choosing');
    expect(await heard('第二个')).toMatchObject({ outcome: 'done', intent: 'choose' });
    expect(sandbox.console.doorEvents()).toHaveLength(1);
    expect(sandbox.console.doorEvents()[0]?.detail).toMatchObject({ iotId: 'iot-door-1-1-b1' });
    // 取消 leaves a question without doing anything.
    expect(await heard('你好 门楣 开门')).toMatchObject({ outcome: 'done' });
    expect(await heard('取消')).toMatchObject({ outcome: 'done', intent: 'deny' });
    expect(panel.host.state().voice.context).toBe('home');
    expect(sandbox.console.doorEvents()).toHaveLength(1);
  });
});
