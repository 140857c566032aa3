// The voice corpora as data: intent → phrases, the contexts where each intent is live and the
// wake-word rule there. The seed's table (天猫精灵社区服务应用支持的语料) is copied exactly as
// printed; phrases marked "ours" come from the seed's prose (查看视频, 呼叫物业, 帮我呼叫电梯,
// floor setup, choices) or are natural variants. Code only expands and compiles this.

import type { Corpora } from './types.js';

/** 你好 门楣: "hello, Lintel" (门楣 = lintel). See grammar/README.md for the choice. */
export const DEFAULT_WAKE_WORD = '你好门楣';

export const corpora: Corpora = {
  wakeWord: DEFAULT_WAKE_WORD,
  intents: {
    // 语音控制单元门禁开门. Seed phrases only: opening is the one action that must not fire on a near miss.
    openDoor: {
      scene: '语音控制单元门禁开门',
      role: 'command',
      phrases: ['开门', '请开门', '打开门', '请打开门', '请帮我开门'],
      live: { home: 'wake', ringing: 'wakeOrTouch', monitoring: 'wakeOrTouch', inCall: 'none' },
      action: {
        home: 'cloudOpenUnitDoor',
        ringing: 'sipUnlockCallingDoor',
        inCall: 'sipUnlockCallingDoor',
        monitoring: 'sipUnlockCallingDoor',
      },
      notNow: '现在不能开门',
    },
    // 语音进行可视对讲对话. 接起 is printed above this scene's header in the PDF but belongs here.
    answer: {
      scene: '语音进行可视对讲对话',
      role: 'command',
      phrases: [
        '接起', '接听', '接听来电', '接听对讲', '接听呼叫', '接听电话',
        '接通', '接通来电', '接通对讲', '接通呼叫', '接通电话',
      ],
      live: { ringing: 'none' },
      notNow: '现在没有来电',
    },
    // 语音挂断可视对讲对话: while ringing it rejects the call, otherwise it ends the call / monitoring.
    hangup: {
      scene: '语音挂断可视对讲对话',
      role: 'command',
      phrases: [
        '挂断', '挂断来电', '挂断对讲', '挂断呼叫', '挂断电话', '挂机',
        '结束', '结束来电', '结束对讲', '结束呼叫', '结束电话',
      ],
      live: { ringing: 'none', inCall: 'none', monitoring: 'none' },
      notNow: '现在没有通话',
    },
    // 语音控制开始播报小区公告. The bare 播放 means "play the notice" only while a notice alert asks
    // for it; at home it is too vague (play what?) and too easily heard from a TV.
    playNotice: {
      scene: '语音控制开始播报小区公告',
      role: 'command',
      phrases: [
        { text: '播放', liveIn: ['noticeAlert'], notNow: '请说播放公告' },
        '公告', '小区公告', '播放公告', '播放小区公告', '读公告', '读小区公告', '打开公告', '打开小区公告',
      ],
      live: { home: 'wake', noticeAlert: 'none' },
      notNow: '现在不能播放公告',
    },
    // 语音控制公告弹窗不播放
    dismissNotice: {
      scene: '语音控制公告弹窗不播放',
      role: 'reply',
      phrases: ['不', '不要', '不听', '不播放', '不要播放'],
      live: { noticeAlert: 'none' },
      notNow: '现在没有新公告',
    },
    // 语音控制停止播报小区公告
    stopNotice: {
      scene: '语音控制停止播报小区公告',
      role: 'command',
      phrases: [
        '停止', '停止播放', '停止公告播放', '退出', '退出播放', '退出公告播放', '关闭', '关闭播放', '关闭公告播放',
      ],
      live: { noticePlaying: 'none' },
      notNow: '现在没有播放公告',
    },
    // Ours, from the seed's prose: 查看视频 (door camera; several doors → choosing).
    viewVideo: {
      scene: '查看门禁视频',
      role: 'command',
      phrases: ['查看视频', '看视频', '打开视频', '查看门口', '看看门口'],
      live: { home: 'wake' },
      notNow: '现在不能查看视频',
    },
    // Ours, from the seed's prose: 呼叫物业.
    callProperty: {
      scene: '呼叫物业',
      role: 'command',
      phrases: ['呼叫物业', '打电话给物业', '找物业', '联系物业'],
      live: { home: 'wake' },
      notNow: '现在不能呼叫物业',
    },
    // Ours, from the seed's prose: 帮我呼叫电梯 (first use → floorSetup; several elevators → choosing).
    callElevator: {
      scene: '呼叫电梯',
      role: 'command',
      phrases: ['帮我呼叫电梯', '呼叫电梯', '叫电梯', '帮我叫电梯', '请帮我呼叫电梯'],
      live: { home: 'wake' },
      notNow: '现在不能呼叫电梯',
    },
    // Ours: the first elevator call asks for the resident's floor (by voice or keypad).
    setFloor: {
      scene: '设置所在楼层',
      role: 'reply',
      phrases: ['{floor}', '我住{floor}', '我住在{floor}', '我家在{floor}'],
      live: { floorSetup: 'none' },
      notNow: '现在不用设置楼层',
    },
    // Ours: yes / no to a question the panel asked (floor read back, door to open, "要播放吗").
    confirm: {
      scene: '确认',
      role: 'reply',
      phrases: ['是', '是的', '对', '对的', '确定', '确认', '好的', '好', '可以', '没错', '行'],
      live: { floorSetup: 'none', choosing: 'none', noticeAlert: 'none' },
      notNow: '现在没有要确认的事',
    },
    deny: {
      scene: '否定',
      role: 'reply',
      phrases: ['不是', '不对', '取消', '不用', '不用了', '算了', '不行'],
      live: { floorSetup: 'none', choosing: 'none', noticeAlert: 'none' },
      notNow: '现在没有要确认的事',
    },
    // Ours: several doors / elevators → the panel lists them and the resident picks one.
    choose: {
      scene: '选择门禁或电梯',
      role: 'reply',
      phrases: ['{ordinal}', '选{ordinal}', '{name}'],
      live: { choosing: 'none' },
      notNow: '现在没有要选择的',
    },
  },
  slots: {
    floor: {
      lowest: -5,
      highest: 60,
      aboveGround: ['{n}楼'],
      belowGround: ['负{n}楼', '负{n}层', '地下{n}楼', '地下{n}层'],
    },
    ordinal: { highest: 5, forms: ['第{n}个', '第{n}'] },
    names: [
      '东门', '西门', '南门', '北门', '正门', '大门', '后门',
      '一号门', '二号门', '三号门', '四号门', '五号门',
      // The space is a segmentation hint: fewest-words alone would give 一单 元.
      '一 单元', '二 单元', '三 单元', '四 单元', '五 单元',
    ],
  },
};
