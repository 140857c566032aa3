// Voice for notices and the elevator, end to end in Chromium with the scripted recognizer (typed
// into the screen's 语音调试 panel, heard on the real pipeline): a new notice's alert + 播放 → the
// panel speaks the notice (played on the screen), 停止播放 stops it; 帮我呼叫电梯 the first time →
// floor setup, 我住十二楼 → stored, 第一个 of two elevators → the call goes out with startFloor 12;
// 你好门楣开门 at home → the panel names the doors → 第二个 → that door opens.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { voiceStatsOf, waitForVoice } from '../support/call-screen.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { startBoundPanel } from '../support/community.js';
import { writeSilentWav } from '../support/fake-microphone.js';
import { waitForState, type TestPanel } from '../support/panel.js';
import { waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';
import { openDebugPanel, say, waitForGrammar } from '../support/voice-screen.js';

const VOCABULARY = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'vosk-model-small-cn-0.22.words.txt');
const HOUSE = 'sp-house-1-1-1201';
let sandbox: Sandbox;
let panel: TestPanel;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, elevator: { floorMs: 50, dwellMs: 500 } });
  [panel, browser] = await Promise.all([
    startBoundPanel(sandbox, HOUSE, { env: { LINTEL_VOCABULARY_FILE: VOCABULARY } }),
    launchChromium(callScreenArgs(writeSilentWav(join(tempDir('voice-community'), 'silence.wav')))),
  ]);
  await waitForState(panel.host, (s) => s.notices.syncedAt !== null, 5000);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(panel.url);
  await waitForVisible(page, 'home-view', 10_000);
  await openDebugPanel(page);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await panel?.stop();
  await sandbox?.close();
});

describe('voice for notices and the elevator, on the screen', () => {
  it('有新公告 + 播放: the panel reads the notice aloud; 停止播放 stops it', async () => {
    const n = sandbox.console.publishNotice({ title: '停水通知', text: '明天上午九点到十二点停水，请提前储水，给您带来不便敬请谅解。', houseSpaceId: HOUSE });
    await waitForState(panel.host, (s) => s.notices.alert?.messageId === n.messageId, 5000);
    await waitForGrammar(page, 'noticeAlert');
    const before = (await voiceStatsOf(page)).playback;
    await say(page, '播放');
    const reading = await waitForState(panel.host, (s) => s.voice.context === 'noticePlaying', 5000);
    expect(reading.voice.speaking?.text).toContain('停水通知');
    // The screen plays that utterance (the speech frame carries the host's speaking id).
    await waitForVoice(page, (s) => s.playback.playingTag === reading.voice.speaking!.id, 5000, 'the notice being played');
    await waitForGrammar(page, 'noticePlaying');
    await say(page, '停止播放');
    const stopped = await waitForVoice(page, (s) => s.playback.utterancesStopped > before.utterancesStopped, 3000, 'the notice stopped');
    expect(stopped.playback.playingTag).toBeNull();
    expect(panel.host.state().voice.speaking).toBeNull();
    const { notices } = await panel.host.api['notices.list']({});
    expect(notices.find((x) => x.messageId === n.messageId)?.read).toBe(true);
  }, 30_000);

  it('帮我呼叫电梯 the first time asks the floor; 我住十二楼 is stored; the call goes out with startFloor 12', async () => {
    await waitForGrammar(page, 'home');
    await say(page, '你好门楣，帮我呼叫电梯');
    await waitForGrammar(page, 'floorSetup');
    await say(page, '我住十二楼');
    expect(await panel.host.api['elevator.floor.get']({})).toMatchObject({ floor: '12' });
    await waitForGrammar(page, 'choosing');
    await say(page, '第一个');
    await waitForState(panel.host, (s) => s.elevator !== null, 5000);
    expect(sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'elevator/call', startFloor: '12' });
    await waitForState(panel.host, (s) => s.elevator?.arrived === true, 10_000);
  }, 30_000);

  it('你好门楣开门 at home: the panel names the doors of the house; 第二个 opens that one (the sandbox sees it)', async () => {
    await waitForGrammar(page, 'home');
    const before = sandbox.console.doorEvents().length;
    await say(page, '你好门楣，开门');
    await waitForGrammar(page, 'choosing');
    expect(panel.host.state().voice.message).toMatch(/第一个.*第二个/);
    await say(page, '第二个');
    await waitForGrammar(page, 'home');
    const opened = sandbox.console.doorEvents().slice(before);
    expect(opened).toHaveLength(1);
    expect(panel.host.state().voice).toMatchObject({ phase: 'done', message: expect.stringContaining('已打开') });
  }, 30_000);
});
