// Wake-word policy, slots (floors, choices) and what is not understood.
import { describe, expect, it } from 'vitest';
import { compileGrammar, listensWithoutWakeWord, resolveIntent, wakeRule } from '../../../grammar/index.js';

const compiled = compileGrammar({ extraChoices: ['3号楼东门'] });

describe('wake-word policy', () => {
  it('needs the wake word for every command at home', () => {
    for (const text of ['开门', '查看视频', '呼叫物业', '帮我呼叫电梯', '播放公告']) {
      expect(resolveIntent(text, 'home', compiled), text).toMatchObject({ kind: 'intent', wakeWord: false, needsWakeWord: true, wakeRule: 'wake' });
      expect(resolveIntent(`你好 门楣 ${text}`, 'home', compiled), text).toMatchObject({ kind: 'intent', wakeWord: true, needsWakeWord: false });
    }
  });

  it('lets 接听 and 挂断 work without it while ringing', () => {
    expect(resolveIntent('接听', 'ringing', compiled)).toMatchObject({ intent: 'answer', wakeWord: false, needsWakeWord: false });
    expect(resolveIntent('挂 断', 'ringing', compiled)).toMatchObject({ intent: 'hangup', wakeWord: false, needsWakeWord: false });
  });

  it('needs the wake word or a touch to open the door unless in a call with that door', () => {
    expect(resolveIntent('开门', 'ringing', compiled)).toMatchObject({ intent: 'openDoor', needsWakeWord: true, wakeRule: 'wakeOrTouch' });
    expect(resolveIntent('开门', 'monitoring', compiled)).toMatchObject({ intent: 'openDoor', needsWakeWord: true, wakeRule: 'wakeOrTouch' });
    expect(resolveIntent('你好门楣，开门', 'ringing', compiled)).toMatchObject({ intent: 'openDoor', wakeWord: true, needsWakeWord: false });
    expect(resolveIntent('开门', 'inCall', compiled)).toMatchObject({ intent: 'openDoor', needsWakeWord: false, wakeRule: 'none' });
  });

  it('is data the dialog can query', () => {
    expect(wakeRule(compiled.intents, 'openDoor', 'home')).toBe('wake');
    expect(wakeRule(compiled.intents, 'openDoor', 'ringing')).toBe('wakeOrTouch');
    expect(wakeRule(compiled.intents, 'answer', 'ringing')).toBe('none');
    expect(wakeRule(compiled.intents, 'answer', 'home')).toBeUndefined();
    expect(listensWithoutWakeWord('home', compiled)).toBe(false);
    expect(listensWithoutWakeWord('ringing', compiled)).toBe(true);
  });

  it('keeps not-now silent at home when the wake word was not heard', () => {
    expect(resolveIntent('接听', 'home', compiled)).toMatchObject({ kind: 'not-now', needsWakeWord: true });
    expect(resolveIntent('你好 门楣 接听', 'home', compiled)).toMatchObject({ kind: 'not-now', needsWakeWord: false, speak: '现在没有来电' });
  });

  it('takes the wake word alone as an empty request', () => {
    expect(resolveIntent('你好 门楣', 'home', compiled)).toEqual({ kind: 'none', reason: 'empty', wakeWord: true });
  });

  it('has a configurable wake word', () => {
    const other = compileGrammar({ wakeWord: '你好管家' });
    expect(resolveIntent('你好 管家 开门', 'home', other)).toMatchObject({ intent: 'openDoor', wakeWord: true, needsWakeWord: false });
    expect(resolveIntent('你好 门楣 开门', 'home', other)).toEqual({ kind: 'none', reason: 'unknown', wakeWord: false });
  });
});

describe('floors', () => {
  const floor = (text: string) => resolveIntent(text, 'floorSetup', compiled);
  it.each([
    ['十二 楼', 12],
    ['负 一 楼', -1],
    ['我 住 二十三 楼', 23],
    ['我 家 在 五 楼', 5],
    ['地下 二 楼', -2],
    ['地下 五 层', -5],
    ['我 住在 三楼', 3],
    ['五十 四 楼', 54],
    ['六十 楼', 60],
    ['一 楼', 1],
  ])('%s → %i', (text, value) => {
    expect(floor(text)).toMatchObject({ kind: 'intent', intent: 'setFloor', slots: { floor: value } });
  });

  it('covers 1..60 and -1..-5 and nothing else', () => {
    const floors = new Set<number>();
    for (const entries of compiled.intents.phrases.values()) {
      for (const entry of entries) if (entry.slots.floor !== undefined) floors.add(entry.slots.floor);
    }
    expect([...floors].sort((a, b) => a - b)).toEqual([...Array.from({ length: 5 }, (_, i) => i - 5), ...Array.from({ length: 60 }, (_, i) => i + 1)]);
    expect(floor('六十一 楼')).toMatchObject({ kind: 'none', reason: 'unknown' });
    expect(floor('零 楼')).toMatchObject({ kind: 'none', reason: 'unknown' });
  });

  it('is not-now outside floor setup', () => {
    expect(resolveIntent('你好 门楣 十二 楼', 'home', compiled)).toMatchObject({ kind: 'not-now', intent: 'setFloor', liveIn: ['floorSetup'] });
  });
});

describe('choices', () => {
  const choose = (text: string) => resolveIntent(text, 'choosing', compiled);
  it('takes ordinals', () => {
    expect(choose('第二个')).toMatchObject({ kind: 'intent', intent: 'choose', slots: { ordinal: 2 } });
    expect(choose('第五')).toMatchObject({ slots: { ordinal: 5 } });
    expect(choose('选 第三个')).toMatchObject({ slots: { ordinal: 3 } });
  });

  it('takes built-in names and names given at compile time, returning the cloud name verbatim', () => {
    expect(choose('东门')).toMatchObject({ intent: 'choose', slots: { name: '东门' } });
    expect(choose('一 单元')).toMatchObject({ intent: 'choose', slots: { name: '一单元' } });
    expect(choose('三号 楼 东门')).toMatchObject({ intent: 'choose', slots: { name: '3号楼东门' } });
    expect(resolveIntent('三号 楼 东门', 'choosing', compileGrammar())).toMatchObject({ kind: 'none', reason: 'unknown' });
  });
});

describe('not understood', () => {
  it.each([
    ['[unk]', 'unk'],
    ['[unk] [unk] 开门', 'unk'],
    ['开门 [unk]', 'unk'],
    ['', 'empty'],
    ['  ， 。 ', 'empty'],
    ['今天 天气 怎么样', 'unknown'],
    ['开门 开门', 'unknown'],
  ])('%j → none/%s', (text, reason) => {
    expect(resolveIntent(text, 'home', compiled)).toMatchObject({ kind: 'none', reason });
  });

  it('tolerates an [unk] that does not dominate', () => {
    expect(resolveIntent('你好 门楣 [unk] 开门', 'home', compiled)).toMatchObject({ kind: 'intent', intent: 'openDoor', wakeWord: true });
  });
});
