// The seed's corpora table (天猫精灵社区服务应用支持的语料), transcribed here by hand from
// shared/seeds/001 so that the data in grammar/ is checked against the source, not against itself.
import { describe, expect, it } from 'vitest';
import { CONTEXTS, compileGrammar, resolveIntent, type Context, type IntentName } from '../../../grammar/index.js';

const SEED_TABLE: Record<string, { intent: IntentName; phrases: string[] }> = {
  语音控制单元门禁开门: { intent: 'openDoor', phrases: ['开门', '请开门', '打开门', '请打开门', '请帮我开门'] },
  // 接起 is printed above this header in the PDF; it belongs to the answer scene.
  语音进行可视对讲对话: {
    intent: 'answer',
    phrases: ['接起', '接听', '接听来电', '接听对讲', '接听呼叫', '接听电话', '接通', '接通来电', '接通对讲', '接通呼叫', '接通电话'],
  },
  语音挂断可视对讲对话: {
    intent: 'hangup',
    phrases: ['挂断', '挂断来电', '挂断对讲', '挂断呼叫', '挂断电话', '挂机', '结束', '结束来电', '结束对讲', '结束呼叫', '结束电话'],
  },
  语音控制开始播报小区公告: {
    intent: 'playNotice',
    phrases: ['播放', '公告', '小区公告', '播放公告', '播放小区公告', '读公告', '读小区公告', '打开公告', '打开小区公告'],
  },
  语音控制公告弹窗不播放: { intent: 'dismissNotice', phrases: ['不', '不要', '不听', '不播放', '不要播放'] },
  语音控制停止播报小区公告: {
    intent: 'stopNotice',
    phrases: ['停止', '停止播放', '停止公告播放', '退出', '退出播放', '退出公告播放', '关闭', '关闭播放', '关闭公告播放'],
  },
};

// Where each seed intent may act (the brief's dialog design); the bare 播放 only while a notice alert asks.
const LIVE: Record<string, Context[]> = {
  openDoor: ['home', 'ringing', 'inCall', 'monitoring'],
  answer: ['ringing'],
  hangup: ['ringing', 'inCall', 'monitoring'],
  playNotice: ['home', 'noticeAlert'],
  dismissNotice: ['noticeAlert'],
  stopNotice: ['noticePlaying'],
};
const liveIn = (intent: IntentName, phrase: string): Context[] => (phrase === '播放' ? ['noticeAlert'] : (LIVE[intent] ?? []));

const compiled = compileGrammar();
const cases = Object.values(SEED_TABLE).flatMap(({ intent, phrases }) => phrases.map((phrase) => ({ intent, phrase })));

describe('the seed corpora table', () => {
  it('has the 50 phrases of the table', () => {
    expect(cases).toHaveLength(50);
    expect(compiled.conflicts).toEqual([]);
  });

  it.each(cases)('$phrase → $intent where live, not-now elsewhere', ({ intent, phrase }) => {
    for (const context of CONTEXTS) {
      for (const text of [phrase, `你好门楣 ${phrase}`, `你好门楣，${phrase}`]) {
        const resolution = resolveIntent(text, context, compiled);
        if (liveIn(intent, phrase).includes(context)) {
          expect(resolution, `${text} in ${context}`).toMatchObject({ kind: 'intent', intent, phrase });
        } else {
          expect(resolution, `${text} in ${context}`).toMatchObject({ kind: 'not-now', intent, phrase });
        }
      }
    }
  });

  it('answers not-now with a short Chinese sentence and where the intent is live', () => {
    expect(resolveIntent('开门', 'noticePlaying', compiled)).toEqual({
      kind: 'not-now',
      intent: 'openDoor',
      liveIn: ['home', 'ringing', 'inCall', 'monitoring'],
      speak: '现在不能开门',
      wakeWord: false,
      needsWakeWord: false,
      phrase: '开门',
    });
    expect(resolveIntent('你好门楣 播放', 'home', compiled)).toMatchObject({ kind: 'not-now', liveIn: ['noticeAlert'], speak: '请说播放公告' });
  });

  it('maps openDoor to a cloud open at home and a SIP unlock of the calling door otherwise', () => {
    expect(resolveIntent('你好门楣 开门', 'home', compiled)).toMatchObject({ action: 'cloudOpenUnitDoor' });
    for (const context of ['ringing', 'inCall', 'monitoring'] as const) {
      expect(resolveIntent('你好门楣 开门', context, compiled)).toMatchObject({ action: 'sipUnlockCallingDoor' });
    }
  });

  it('has the intents the seed describes in prose', () => {
    const home = (text: string) => resolveIntent(`你好门楣 ${text}`, 'home', compiled);
    expect(home('查看视频')).toMatchObject({ kind: 'intent', intent: 'viewVideo' });
    expect(home('呼叫物业')).toMatchObject({ kind: 'intent', intent: 'callProperty' });
    expect(home('帮我呼叫电梯')).toMatchObject({ kind: 'intent', intent: 'callElevator' });
    expect(home('呼叫电梯')).toMatchObject({ kind: 'intent', intent: 'callElevator' });
    expect(home('叫电梯')).toMatchObject({ kind: 'intent', intent: 'callElevator' });
    expect(resolveIntent('是的', 'floorSetup', compiled)).toMatchObject({ kind: 'intent', intent: 'confirm' });
    expect(resolveIntent('好的', 'noticeAlert', compiled)).toMatchObject({ kind: 'intent', intent: 'confirm' });
    expect(resolveIntent('不用了', 'choosing', compiled)).toMatchObject({ kind: 'intent', intent: 'deny' });
    expect(resolveIntent('取消', 'floorSetup', compiled)).toMatchObject({ kind: 'intent', intent: 'deny' });
  });
});
