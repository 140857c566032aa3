// Contract: seed 000 SIP provisioning (servers, accounts, groups, door-station SIP numbers, room maps).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness({ sip: { host: '127.0.0.1', port: 6050 } }); });
afterEach(async () => { await h.close(); });

const S = {
  serverQuery: '/entrance/paas/sipserver/query',
  serverBind: '/entrance/paas/sipserver/bind',
  add: '/entrance/paas/sipservice/sip/add',
  del: '/entrance/paas/sipservice/sip/delete',
  detail: '/entrance/paas/sipservice/sip/detail/get',
  password: '/entrance/paas/sipservice/sip/password/update',
  groupAdd: '/entrance/paas/sipservice/group/add',
  groupDel: '/entrance/paas/sipservice/group/delete',
  groupSipAdd: '/entrance/paas/sipservice/group/sip/add',
  groupSipDel: '/entrance/paas/sipservice/group/sip/delete',
  groupSipList: '/entrance/paas/sipservice/group/sip/list',
  numberSync: '/entrance/paas/videointercom/sipnumber/sync',
  numberGet: '/entrance/paas/videointercom/sipnumber/get',
  mapAdd: '/entrance/paas/videointercom/map/add',
  mapDel: '/entrance/paas/videointercom/map/delete',
  mapQuery: '/entrance/paas/videointercom/map/query',
} as const;

type Account = { sipNumber: string; sipPassword: string; sipHost: string; sipPort: number; type: number; createTime: number };

describe('SIP servers', () => {
  it('query lists serverId + hostIp; bind accepts a listed serverId only', async () => {
    const servers = await h.ok<{ serverId: string; hostIp: string }[]>(S.serverQuery, '1.0.0');
    expect(servers.length).toBeGreaterThan(0);
    expect(Object.keys(servers[0] ?? {}).sort()).toEqual(['hostIp', 'serverId']);
    expect(servers[0]?.hostIp).toBe('127.0.0.1');
    expect((await h.call(S.serverBind, '1.0.0', { serverId: servers[0]?.serverId })).body?.code).toBe(200);
    expect((await h.call(S.serverBind, '1.0.0', { serverId: 'nope' })).body?.code).toBe(460);
  });
});

describe('SIP accounts', () => {
  it('sip/add creates count accounts with sipNumber, sipPassword, sipHost, sipPort (Integer), type, createTime', async () => {
    const list = await h.ok<Account[]>(S.add, '1.0.0', { count: 3, type: 1 });
    expect(list).toHaveLength(3);
    for (const a of list) {
      expect(Object.keys(a).sort()).toEqual(['createTime', 'sipHost', 'sipNumber', 'sipPassword', 'sipPort', 'type']);
      expect(a).toMatchObject({ sipHost: '127.0.0.1', sipPort: 6050, type: 1, createTime: h.clock.t });
      expect(a.sipNumber.length).toBeLessThanOrEqual(50);
      expect(a.sipPassword.length).toBeLessThanOrEqual(50);
    }
    expect(new Set(list.map((a) => a.sipNumber)).size).toBe(3);
  });

  it('sip/add refuses count > 100, count 0 and an unknown type', async () => {
    for (const params of [{ count: 101, type: 0 }, { count: 0, type: 0 }, { count: 1, type: 2 }, { type: 0 }]) {
      const r = await h.call(S.add, '1.0.0', params);
      expect(r.body?.code).toBe(460);
    }
    expect((await h.call(S.add, '1.0.0', { count: 100, type: 0 })).body?.code).toBe(200);
  });

  it('detail/get, password/update (old password dies), delete; unknown numbers are SYS_0002', async () => {
    const [a] = await h.ok<Account[]>(S.add, '1.0.0', { count: 1, type: 0 });
    if (!a) throw new Error('no account');
    expect(await h.ok(S.detail, '1.0.0', { sipNumber: a.sipNumber })).toEqual(a);
    const { sipPassword } = await h.ok<{ sipPassword: string }>(S.password, '1.0.0', { sipNumber: a.sipNumber });
    expect(sipPassword).not.toBe(a.sipPassword);
    expect((await h.ok<Account>(S.detail, '1.0.0', { sipNumber: a.sipNumber })).sipPassword).toBe(sipPassword);
    expect((await h.call(S.del, '1.0.0', { sipNumberList: [a.sipNumber] })).body?.code).toBe(200);
    for (const path of [S.detail, S.password]) {
      const r = await h.call(path, '1.0.0', { sipNumber: a.sipNumber });
      expect(r.body?.code).toBe(460);
      expect(r.body?.message).toMatch(/^SYS_0002/);
    }
    expect((await h.call(S.del, '1.0.0', { sipNumberList: [a.sipNumber] })).body?.code).toBe(460);
  });

  it('refuses to delete an account a bound panel uses', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    const { sipNumber } = h.sandbox.console.bindings()[0] ?? { sipNumber: '' };
    expect((await h.call(S.del, '1.0.0', { sipNumberList: [sipNumber] })).body?.code).toBe(460);
  });
});

describe('SIP groups', () => {
  it('group/add answers groupID + createTime; group/sip add/list/delete; group/delete', async () => {
    const groups = await h.ok<{ groupID: string; createTime: number }[]>(S.groupAdd, '1.0.0', { count: 2 });
    expect(groups).toHaveLength(2);
    expect(Object.keys(groups[0] ?? {}).sort()).toEqual(['createTime', 'groupID']);
    const groupID = groups[0]?.groupID ?? '';
    const apps = await h.ok<Account[]>(S.add, '1.0.0', { count: 2, type: 0 });
    const numbers = apps.map((a) => a.sipNumber);
    expect((await h.call(S.groupSipAdd, '1.0.0', { groupID, sipNumberList: numbers })).body?.code).toBe(200);
    const members = await h.ok<Record<string, unknown>[]>(S.groupSipList, '1.0.0', { groupID });
    expect(members.map((m) => m['sipNumber']).sort()).toEqual([...numbers].sort());
    // Field table: sipPort; the seed's sample reply: serverPort. Both are sent.
    expect(members[0]).toMatchObject({ sipHost: '127.0.0.1', sipPort: 6050, serverPort: 6050, type: 0 });
    expect(members[0]).toHaveProperty('sipPassword');
    expect(members[0]).toHaveProperty('createTime');
    expect((await h.call(S.groupSipDel, '1.0.0', { groupID, sipNumberList: [numbers[0]] })).body?.code).toBe(200);
    expect(await h.ok<unknown[]>(S.groupSipList, '1.0.0', { groupID })).toHaveLength(1);
    expect((await h.call(S.groupDel, '1.0.0', { groupList: [groupID] })).body?.code).toBe(200);
    expect((await h.call(S.groupSipList, '1.0.0', { groupID })).body?.code).toBe(460);
  });

  it('only type-0 (APP) accounts can join a group', async () => {
    const [door] = await h.ok<Account[]>(S.add, '1.0.0', { count: 1, type: 1 });
    const r = await h.call(S.groupSipAdd, '1.0.0', { groupID: 'grp-1-1-101', sipNumberList: [door?.sipNumber] });
    expect(r.body?.code).toBe(460);
  });

  it('group/add refuses count > 100; a house group cannot be deleted', async () => {
    expect((await h.call(S.groupAdd, '1.0.0', { count: 101 })).body?.code).toBe(460);
    expect((await h.call(S.groupDel, '1.0.0', { groupList: ['grp-1-1-101'] })).body?.code).toBe(460);
  });
});

describe('door station SIP numbers', () => {
  it('sipnumber/get answers sipNumber, host, port (string); sync replaces them', async () => {
    const d = await h.ok(S.numberGet, '1.0.0', { iotId: 'iot-door-1-1' });
    expect(d).toEqual({ sipNumber: 'doorst0101', host: '127.0.0.1', port: '6050' });
    await h.ok(S.numberSync, '1.0.0', { iotId: 'iot-door-1-1', sipNumber: 'newdoor01', password: 'pw', host: '10.0.0.5', port: '6050' });
    expect(await h.ok(S.numberGet, '1.0.0', { iotId: 'iot-door-1-1' })).toEqual({ sipNumber: 'newdoor01', host: '10.0.0.5', port: '6050' });
    expect((await h.call(S.numberGet, '1.0.0', { iotId: 'nope' })).body?.code).toBe(460);
  });
});

describe('SIP group ↔ room maps', () => {
  it('map/query (1.0.1) pages {total, pageNo, pageSize, data:[{roomId, groupId}]} of the demo maps', async () => {
    const d = await h.ok<{ total: number; pageNo: number; pageSize: number; data: { roomId: string; groupId: string }[] }>(
      S.mapQuery, '1.0.1', { iotId: 'iot-door-1-1', pageNo: 1, pageSize: 2 });
    // Its own unit's 4 rooms plus room 0, the property desk.
    expect(d).toMatchObject({ total: 5, pageNo: 1, pageSize: 2 });
    expect(d.data).toHaveLength(2);
    expect(Object.keys(d.data[0] ?? {}).sort()).toEqual(['groupId', 'roomId']);
    const one = await h.ok<{ data: unknown[] }>(S.mapQuery, '1.0.1', { iotId: 'iot-wall-east', roomId: '1-2-2-1202', pageNo: 1, pageSize: 20 });
    expect(one.data).toEqual([{ roomId: '1-2-2-1202', groupId: 'grp-2-2-1202' }]);
    expect((await h.call(S.mapQuery, '1.0.0', { iotId: 'iot-door-1-1', pageNo: 1, pageSize: 2 })).body?.code).toBe(460);
  });

  it('map/add and map/delete follow the roomId rule 期号-楼幢号-单元号-房号 (max 1-3-4-5, letters/digits)', async () => {
    const [g] = await h.ok<{ groupID: string }[]>(S.groupAdd, '1.0.0', { count: 1 });
    const groupId = g?.groupID ?? '';
    await h.ok(S.mapAdd, '1.0.0', { iotId: 'iot-wall-east', maps: [{ roomId: '1-10-3A-1709', groupId }, { roomId: '5-767-801', groupId }] });
    const q = await h.ok<{ data: { roomId: string }[] }>(S.mapQuery, '1.0.1', { iotId: 'iot-wall-east', groupId, pageNo: 1, pageSize: 20 });
    // A roomId without phase gets the default phase 1.
    expect(q.data.map((m) => m.roomId).sort()).toEqual(['1-10-3A-1709', '1-5-767-801']);
    for (const roomId of ['1-1000-3-1202', '12-9-3-1202', '1-9-3-120222', '1-9', '1-9-3-12 2']) {
      const r = await h.call(S.mapAdd, '1.0.0', { iotId: 'iot-wall-east', maps: [{ roomId, groupId }] });
      expect(r.body?.code, roomId).toBe(460);
      expect(r.body?.message).toContain('roomId');
    }
    expect((await h.call(S.mapAdd, '1.0.0', { iotId: 'iot-wall-east', maps: [{ roomId: '1-1-1-1', groupId: 'nope' }] })).body?.code).toBe(460);
    expect((await h.call(S.mapAdd, '1.0.0', { iotId: 'nope', maps: [{ roomId: '1-1-1-1', groupId }] })).body?.code).toBe(460);
    await h.ok(S.mapDel, '1.0.0', { iotId: 'iot-wall-east', maps: [{ roomId: '1-10-3A-1709', groupId }] });
    const after = await h.ok<{ total: number }>(S.mapQuery, '1.0.1', { iotId: 'iot-wall-east', groupId, pageNo: 1, pageSize: 20 });
    expect(after.total).toBe(1);
  });
});
