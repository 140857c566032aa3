// The console's community-service endpoints: publish a notice to a house or the whole community,
// withdraw it, take a door or an elevator offline (or make an elevator fail to reach its car),
// watch the cars, switch the change push off and on, and read the door-open and elevator logs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleApi as consoleApiOf, harness, P, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness({ elevator: { floorMs: 1000, dwellMs: 1000 } }); });
afterEach(async () => { await h.close(); });

const consoleApi = (method: string, path: string, body?: unknown) => consoleApiOf(h, method, path, body);

describe('console: notices', () => {
  it('publishes to one house (publishRange 1) or to the whole community (0), for the indoor terminal (publishType 4)', async () => {
    const house = await consoleApi('POST', 'notices', { title: '快递到了', text: '请到物业领取。', type: 8, houseSpaceId: 'sp-house-1-1-1201' });
    expect(house.status).toBe(200);
    expect(house.json).toMatchObject({ title: '快递到了', type: 8, isTop: 0, publishType: 4, publishRange: 1, spaceIds: ['sp-house-1-1-1201'], communityId: 10001 });
    const all = await consoleApi('POST', 'notices', { title: '停水通知', text: '周六停水。', isTop: true });
    expect(all.json).toMatchObject({ type: 1, isTop: 1, publishRange: 0, spaceIds: [] });
    const cloudToken = await h.token();
    const seen = await h.ok<{ data: { title: string }[] }>(P.noticeQuery, '1.0.9', { pageNo: 1, pageSize: 20, publishType: 4, spaceId: 'sp-house-2-1-101' }, { cloudToken });
    expect(seen.data.map((n) => n.title)).toContain('停水通知');
    expect(seen.data.map((n) => n.title)).not.toContain('快递到了');
    expect(((await consoleApi('GET', 'notices')).json as { title: string }[]).map((n) => n.title).slice(0, 2)).toEqual(['停水通知', '快递到了']);
  });

  it('refuses what notice/add would refuse, with the reason (400)', async () => {
    const r = await consoleApi('POST', 'notices', { title: '标题里有感叹号！', text: '正文' });
    expect(r.status).toBe(400);
    expect((r.json as { error: string }).error).toMatch(/^title:/);
    expect((await consoleApi('POST', 'notices', { title: '无人之屋', text: 'x', houseSpaceId: 'sp-nowhere' })).status).toBe(400);
  });

  it('withdraws a notice', async () => {
    const n = (await consoleApi('POST', 'notices', { title: '误发', text: 'x' })).json as { messageId: number };
    expect((await consoleApi('POST', 'notices/delete', { messageId: n.messageId })).status).toBe(200);
    expect(((await consoleApi('GET', 'notices')).json as { messageId: number }[]).map((x) => x.messageId)).not.toContain(n.messageId);
    expect((await consoleApi('POST', 'notices/delete', { messageId: n.messageId })).status).toBe(400);
  });
});

describe('console: devices', () => {
  it('lists the elevator controllers with each car\'s live floor, and sets their state', async () => {
    const before = (await consoleApi('GET', 'elevators')).json as { iotId: string; state: string; carsNow: { floor: string; carStatus: number }[] }[];
    expect(before.map((e) => [e.iotId, e.state, e.carsNow[0]?.floor])).toEqual([
      ['iot-lift-1-1-a', 'online', '1'], ['iot-lift-1-1-b', 'online', '9'], ['iot-lift-2-1-a', 'online', '1'],
    ]);
    await h.ok(P.elevatorCall, '1.0.1', { iotId: 'iot-lift-1-1-a', startFloor: '5' });
    h.clock.t += 2000;
    const moving = (await consoleApi('GET', 'elevators')).json as { carsNow: { floor: string; carStatus: number; direction: number }[] }[];
    expect(moving[0]?.carsNow[0]).toMatchObject({ floor: '3', carStatus: 1, direction: 1 });
    expect(((await consoleApi('GET', 'elevator-events')).json as { detail: { startFloor: string } }[])[0]?.detail.startFloor).toBe('5');

    expect((await consoleApi('POST', 'device-state', { iotId: 'iot-lift-1-1-b', state: 'send-fail' })).status).toBe(200);
    expect((await consoleApi('POST', 'device-state', { iotId: 'iot-lift-2-1-a', state: 'offline' })).status).toBe(200);
    const after = (await consoleApi('GET', 'elevators')).json as { iotId: string; state: string }[];
    expect(after.map((e) => e.state)).toEqual(['online', 'send-fail', 'offline']);
  });

  it('takes a door offline and back; a door cannot "fail to reach its car" (400)', async () => {
    await consoleApi('POST', 'device-state', { iotId: 'iot-door-1-1', state: 'offline' });
    expect((await h.call(P.invoke, '1.0.1', { iotId: 'iot-door-1-1', identifier: 'remoteOpen', args: {} })).body).toMatchObject({ code: 460, message: 'device offline' });
    await consoleApi('POST', 'device-state', { iotId: 'iot-door-1-1', state: 'online' });
    expect((await h.call(P.invoke, '1.0.1', { iotId: 'iot-door-1-1', identifier: 'remoteOpen', args: {} })).body?.code).toBe(200);
    expect((await consoleApi('POST', 'device-state', { iotId: 'iot-door-1-1', state: 'send-fail' })).status).toBe(400);
    expect((await consoleApi('POST', 'device-state', { iotId: 'iot-nowhere', state: 'offline' })).status).toBe(400);
    const events = (await consoleApi('GET', 'door-events')).json as { detail: { api: string; iotId: string } }[];
    expect(events[0]?.detail).toMatchObject({ api: 'remoteOpen', iotId: 'iot-door-1-1' });
  });
});

describe('console: change push switch', () => {
  it('reports and switches the push', async () => {
    expect((await consoleApi('GET', 'push')).json).toEqual({ down: false, subscribers: 0 });
    await consoleApi('POST', 'push', { down: true });
    expect((await consoleApi('GET', 'push')).json).toEqual({ down: true, subscribers: 0 });
    await consoleApi('POST', 'push', { down: false });
    expect((await consoleApi('GET', 'push')).json).toMatchObject({ down: false });
  });
});
