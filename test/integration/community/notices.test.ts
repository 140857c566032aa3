// Notices on a bound panel, against the sandbox community: what the property publishes from the
// console reaches the panel's state as a "有新公告" alert and an unread count within 5 s, through
// the change push or, with the push down, by polling; the detail reads in full; reading clears the
// alert and lands in the history; a cloud outage leaves the list and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTokenOwner, CommunityClient } from '../../../electron/host/platform/index.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { screenRequest, startBoundPanel, type Req } from '../../support/community.js';
import { waitForState, type TestPanel } from '../../support/panel.js';

const HOUSE = 'sp-house-1-1-1201';
let sandbox: Sandbox;
let panel: TestPanel;

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false });
  panel = await startBoundPanel(sandbox, HOUSE);
  // The first list: the demo community's two notices, already there when the panel came, so not news.
  await waitForState(panel.host, (s) => s.notices.delivery === 'push' && s.notices.syncedAt !== null, 10_000);
});
afterAll(async () => {
  await panel?.stop();
  await sandbox?.close();
});

const req: Req = (method, params) => screenRequest(panel, method, params);

async function published(input: Parameters<Sandbox['console']['publishNotice']>[0]): Promise<{ messageId: number; ms: number }> {
  const t0 = performance.now();
  const n = sandbox.console.publishNotice(input);
  await waitForState(panel.host, (s) => s.notices.alert?.messageId === n.messageId, 5000);
  return { messageId: n.messageId, ms: performance.now() - t0 };
}

describe('notices on the panel', () => {
  it('lists what was published before binding, pinned first, without an alert or unread badge', async () => {
    const s = panel.host.state();
    expect(s.notices).toMatchObject({ unread: 0, alert: null, delivery: 'push', problem: null });
    const { notices } = await req('notices.list', {});
    expect(notices.map((n) => [n.title, n.typeLabel, n.isTop, n.read])).toEqual([
      ['物业费缴纳提醒', '物业服务', true, true],
      ['周六上午停水通知', '小区通知', false, true],
    ]);
  });

  it('a notice published to the house from the console shows as "有新公告" within 5 s, through the push', async () => {
    const { messageId, ms } = await published({ title: '快递到了', text: '您有一个快递放在物业服务中心，请及时领取。', type: 8, houseSpaceId: HOUSE });
    expect(ms).toBeLessThan(5000);
    const s = panel.host.state();
    expect(s.notices.alert).toMatchObject({ messageId, title: '快递到了', typeLabel: '物业服务', count: 1 });
    expect(s.notices.unread).toBe(1);
    const { notices, unread } = await req('notices.list', {});
    expect(unread).toBe(1);
    expect(notices.find((n) => n.messageId === messageId)).toMatchObject({ read: false, preview: '您有一个快递放在物业服务中心，请及时领取。' });
  });

  it('a notice for another house does not reach this panel; one for the whole community does', async () => {
    const other = sandbox.console.publishNotice({ title: '给别家', text: '不是给1201的。', houseSpaceId: 'sp-house-2-1-101' });
    const { messageId } = await published({ title: '全小区消杀通知', text: '本周五下午全小区消杀。', type: 6 });
    const { notices } = await req('notices.list', {});
    expect(notices.map((n) => n.messageId)).toContain(messageId);
    expect(notices.map((n) => n.messageId)).not.toContain(other.messageId);
    // Two notices since the alert was last dismissed; the alert names the newest.
    expect(panel.host.state().notices.alert).toMatchObject({ messageId, count: 2 });
  });

  it('reads a notice in full, marks it read (the alert goes, the badge drops) and keeps it in the history', async () => {
    const { messageId } = await published({ title: '电梯年检', text: '第一段。', type: 1 });
    const before = panel.host.state().notices.unread;
    const d = await req('notices.get', { messageId });
    expect(d).toMatchObject({ messageId, title: '电梯年检', text: '第一段。', typeLabel: '社区公告', read: false, publications: [{ text: '第一段。', pictureUrl: null }] });
    expect(await req('notices.markRead', { messageId })).toEqual({ unread: before - 1 });
    const s = await waitForState(panel.host, (x) => x.notices.alert === null);
    expect(s.notices.unread).toBe(before - 1);
    const { notices } = await req('history.notices', {});
    expect(notices[0]).toMatchObject({ messageId, title: '电梯年检', typeLabel: '社区公告' });
    expect((await req('notices.list', {})).notices.find((n) => n.messageId === messageId)?.read).toBe(true);
  });

  it('不要 dismisses the alert but leaves the notice unread; reading all clears the badge', async () => {
    await published({ title: '停车场施工', text: '地库B区施工。', type: 6 });
    await req('notices.dismissAlert', {});
    const s = await waitForState(panel.host, (x) => x.notices.alert === null);
    expect(s.notices.unread).toBeGreaterThan(0);
    expect(await req('notices.markRead', { all: true })).toEqual({ unread: 0 });
    expect(panel.host.state().notices.unread).toBe(0);
  });

  it('a notice the property deletes leaves the panel and its alert', async () => {
    const { messageId } = await published({ title: '误发公告', text: '请忽略。', type: 1 });
    sandbox.console.deleteNotice(messageId);
    const s = await waitForState(panel.host, (x) => x.notices.alert === null, 5000);
    expect(s.notices.unread).toBe(0);
    expect((await req('notices.list', {})).notices.map((n) => n.messageId)).not.toContain(messageId);
    await expect(req('notices.get', { messageId })).rejects.toThrow(/没有找到这条公告/);
  });

  it('with the change push down, polling still brings a new notice within 5 s; the push comes back by itself', async () => {
    sandbox.console.setPushDown(true);
    await waitForState(panel.host, (s) => s.notices.delivery === 'polling', 5000);
    const { ms } = await published({ title: '推送中断测试', text: '轮询送达。', type: 1, houseSpaceId: HOUSE });
    expect(ms).toBeLessThan(5000);
    sandbox.console.setPushDown(false);
    await waitForState(panel.host, (s) => s.notices.delivery === 'push', 10_000);
    const again = await published({ title: '推送恢复测试', text: '推送送达。', type: 1 });
    expect(again.ms).toBeLessThan(5000);
  });

  it('keeps working when the resident\'s app takes a new cloudToken (the panel\'s is superseded)', async () => {
    const app = new CommunityClient({ endpoint: sandbox.url, ...sandbox.app });
    await new CloudTokenOwner(app, sandbox.communityId).token();
    // The push still says "new notice"; the panel's list call meets 401, takes a new token and succeeds.
    const { ms } = await published({ title: '令牌更新测试', text: '仍然送达。', type: 1 });
    expect(ms).toBeLessThan(5000);
  });

  it('a cloud outage keeps the list and says why in Chinese; it clears when the cloud returns', async () => {
    const count = (await req('notices.list', {})).notices.length;
    sandbox.console.setDown(true);
    await expect(req('notices.list', { refresh: true })).resolves.toMatchObject({ notices: expect.any(Array) });
    const s = await waitForState(panel.host, (x) => x.notices.problem !== null, 10_000);
    expect(s.notices.problem).toMatch(/^公告暂时无法更新：社区云平台暂时故障/);
    expect((await req('notices.list', {})).notices).toHaveLength(count);
    sandbox.console.setDown(false);
    await waitForState(panel.host, (x) => x.notices.problem === null && x.notices.delivery === 'push', 15_000);
  });
});
