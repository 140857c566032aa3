// Contract: notices (seed 001 lines 9979-10130): add 1.0.3, update 1.0.0, query 1.0.9, delete
// 1.0.0, get 1.0.6, each with the community cloudToken. The demo community starts with two notices
// (ids 1 and 2; 1 is pinned).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
let cloudToken: string;
beforeEach(async () => {
  h = await harness();
  cloudToken = await h.token();
});
afterEach(async () => { await h.close(); });

interface Item { messageId: number; title: string; isTop: number; publishType: number; type: number; spaceIds: string[]; publishRange: number }

const add = async (params: Record<string, unknown>): Promise<number> => {
  const id = await h.ok<string>(P.noticeAdd, '1.0.3', { type: 1, isTop: 0, publishType: 4, publications: [{ text: '正文' }], ...params }, { cloudToken });
  expect(typeof id).toBe('string');
  return Number(id);
};
const query = (params: Record<string, unknown> = {}) =>
  h.ok<{ total: number; pageNo: number; pageSize: number; data: Item[] }>(P.noticeQuery, '1.0.9', { pageNo: 1, pageSize: 50, ...params }, { cloudToken });

describe('notice/add 1.0.3', () => {
  it('answers the new messageId as a string, and the notice is listed with every documented field', async () => {
    h.clock.t += 1000;
    const id = await add({ title: '电梯维护通知', publications: [{ text: '明天上午电梯维护。' }, { text: '请走楼梯。', uploadId: 'up-1' }], type: 8, isTop: 0, publishType: 5 });
    const { data } = await query();
    const item = data.find((n) => n.messageId === id);
    expect(Object.keys(item ?? {}).sort()).toEqual(
      ['gmtCreate', 'isTop', 'messageId', 'pictureUrl', 'publications', 'publishRange', 'publishType', 'spaceIds', 'text', 'title', 'type'].sort());
    expect(item).toMatchObject({
      title: '电梯维护通知', type: 8, isTop: 0, publishType: 5, publishRange: 0, spaceIds: [], gmtCreate: h.clock.t,
      text: '明天上午电梯维护。\n请走楼梯。',
      publications: [{ text: '明天上午电梯维护。', pictureUrl: null }, { text: '请走楼梯。', pictureUrl: expect.stringContaining('up-1') }],
    });
  });

  it('sent to spaces: publishRange 1 with their spaceIds', async () => {
    const id = await add({ title: '快递到了', spaceIds: ['sp-house-1-1-1201'] });
    const d = await h.ok<Item>(P.noticeGet, '1.0.6', { messageId: id }, { cloudToken });
    expect(d).toMatchObject({ publishRange: 1, spaceIds: ['sp-house-1-1-1201'] });
  });

  it('refuses a title over 20 characters or with punctuation, more than 5 groups, a type outside 1..9 (460)', async () => {
    for (const bad of [
      { title: '一二三四五六七八九十一二三四五六七八九十一' },
      { title: '停水!' },
      { title: '停水', publications: Array.from({ length: 6 }, () => ({ text: 'x' })) },
      { title: '停水', type: 10 },
      { title: '停水', publications: [{ text: 'x'.repeat(1001) }] },
    ]) {
      const r = await h.call(P.noticeAdd, '1.0.3', { type: 1, isTop: 0, publishType: 4, publications: [{ text: '正文' }], ...bad }, { cloudToken });
      expect(r.body, JSON.stringify(bad)).toMatchObject({ code: 460, localizedMsg: '请求参数错误', data: null });
    }
  });

  it('refuses a space of no community of the token (460), and answers 401 without a cloudToken', async () => {
    expect((await h.call(P.noticeAdd, '1.0.3', { title: '停水', type: 1, isTop: 0, publishType: 4, publications: [{ text: 'x' }], spaceIds: ['sp-nowhere'] }, { cloudToken })).body)
      .toMatchObject({ code: 460, message: expect.stringContaining('sp-nowhere') });
    expect((await h.call(P.noticeAdd, '1.0.3', { title: '停水', type: 1, isTop: 0, publishType: 4, publications: [{ text: 'x' }] })).body)
      .toMatchObject({ code: 401, message: 'request auth error.' });
  });
});

describe('notice/query 1.0.9', () => {
  it('newest first, isTop before the others; topFirst 0 ignores isTop', async () => {
    h.clock.t += 1000;
    const a = await add({ title: '甲' });
    h.clock.t += 1000;
    const b = await add({ title: '乙' });
    const topFirst = (await query()).data.map((n) => n.messageId);
    expect(topFirst).toEqual([1, b, a, 2]);
    const byTime = (await query({ topFirst: 0 })).data.map((n) => n.messageId);
    expect(byTime).toEqual([b, a, 2, 1]);
  });

  it('publishType is a bit mask: 4 keeps the indoor terminal notices, 0 keeps all', async () => {
    const alipay = await add({ title: '生活号', publishType: 1 });
    const both = await add({ title: '两者', publishType: 5 });
    const forTerminal = (await query({ publishType: 4 })).data.map((n) => n.messageId);
    expect(forTerminal).toContain(both);
    expect(forTerminal).not.toContain(alipay);
    expect((await query({ publishType: 0 })).data.map((n) => n.messageId)).toContain(alipay);
  });

  it('type filters by type; spaceId keeps the whole community\'s notices and those sent to the space or a space containing it', async () => {
    const house = await add({ title: '给1201', spaceIds: ['sp-house-1-1-1201'] });
    const unit = await add({ title: '给单元', spaceIds: ['sp-unit-1-1'] });
    const other = await add({ title: '给别家', spaceIds: ['sp-house-2-1-101'] });
    const seen = (await query({ spaceId: 'sp-house-1-1-1201' })).data.map((n) => n.messageId);
    expect(seen).toEqual(expect.arrayContaining([1, 2, house, unit]));
    expect(seen).not.toContain(other);
    expect((await query({ type: 6 })).data.map((n) => n.messageId)).toEqual([2]);
  });

  it('pages with pageNo/pageSize and a total', async () => {
    for (let i = 0; i < 3; i++) await add({ title: `通知${i}` });
    const p2 = await query({ pageNo: 2, pageSize: 2 });
    expect(p2).toMatchObject({ total: 5, pageNo: 2, pageSize: 2 });
    expect(p2.data).toHaveLength(2);
  });

  it('refuses a missing pageNo (460) and a communityId other than the token\'s (460)', async () => {
    expect((await h.call(P.noticeQuery, '1.0.9', { pageSize: 10 }, { cloudToken })).body).toMatchObject({ code: 460, message: expect.stringContaining('pageNo') });
    expect((await h.call(P.noticeQuery, '1.0.9', { pageNo: 1, pageSize: 10, communityId: 99 }, { cloudToken })).body).toMatchObject({ code: 460 });
    expect((await h.call(P.noticeQuery, '1.0.0', { pageNo: 1, pageSize: 10 }, { cloudToken })).body).toMatchObject({ code: 460, message: expect.stringContaining('1.0.9') });
  });
});

describe('notice/get 1.0.6', () => {
  it('answers the documented detail fields', async () => {
    const d = await h.ok<Record<string, unknown>>(P.noticeGet, '1.0.6', { messageId: 2, communityId: 10001 }, { cloudToken });
    expect(Object.keys(d).sort()).toEqual(
      ['gmtCreate', 'isTop', 'messageId', 'pictureUrl', 'publications', 'publishRange', 'spaceIds', 'text', 'title', 'type'].sort());
    expect(d).toMatchObject({ messageId: 2, title: '周六上午停水通知', type: 6, isTop: 0, publishRange: 0 });
  });

  it('an unknown messageId is 460', async () => {
    expect((await h.call(P.noticeGet, '1.0.6', { messageId: 999 }, { cloudToken })).body).toMatchObject({ code: 460, message: 'messageId 999 does not exist' });
  });
});

describe('notice/update 1.0.0 and notice/delete 1.0.0', () => {
  it('update sets isTop, which moves the notice up the list', async () => {
    expect((await h.call(P.noticeUpdate, '1.0.0', { messageId: 2, isTop: 1 }, { cloudToken })).body).toMatchObject({ code: 200, data: null });
    expect((await query()).data.map((n) => n.messageId)).toEqual([2, 1]);
    expect((await h.call(P.noticeUpdate, '1.0.0', { messageId: 2 }, { cloudToken })).body?.code).toBe(460);
    expect((await h.call(P.noticeUpdate, '1.0.0', { messageId: 999, isTop: 1 }, { cloudToken })).body?.code).toBe(460);
  });

  it('delete removes the notices, is idempotent, and refuses an empty list', async () => {
    expect((await h.call(P.noticeDelete, '1.0.0', { messageIds: [1, 2] }, { cloudToken })).body).toMatchObject({ code: 200, data: null });
    expect((await query()).total).toBe(0);
    expect((await h.call(P.noticeDelete, '1.0.0', { messageIds: [1] }, { cloudToken })).body?.code).toBe(200);
    expect((await h.call(P.noticeDelete, '1.0.0', { messageIds: [] }, { cloudToken })).body?.code).toBe(460);
  });
});
