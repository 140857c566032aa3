// Contract: indoor-terminal binding service, device side (seed 001 lines 4615-4800).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, md5Hex, P, T0, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness(); });
afterEach(async () => { await h.close(); });

const qrParams = (h: Harness, deviceId: string, ts: number, deviceType?: string) => ({
  deviceId, ts, ...(deviceType ? { deviceType } : {}), sign: md5Hex(`${h.sandbox.app.appKey}-${ts}-${deviceId}${deviceType ?? ''}`),
});

describe('qrcode/get 1.0.0', () => {
  it('answers qrCode, expireTime (yyyy-MM-dd HH:mm:ss, Asia/Shanghai) and qrCodeUrl', async () => {
    const d = await h.ok(P.qrcodeGet, '1.0.0', qrParams(h, 'PANEL-A', T0));
    expect(Object.keys(d).sort()).toEqual(['expireTime', 'qrCode', 'qrCodeUrl']);
    expect(typeof d['qrCode']).toBe('string');
    // T0 is 12:00:00 in Shanghai; the QR lives 5 minutes by default.
    expect(d['expireTime']).toBe('2024-06-01 12:05:00');
    expect(d['qrCodeUrl']).toBeNull();
  });

  it('signs deviceType into the sign when given', async () => {
    const d = await h.ok(P.qrcodeGet, '1.0.0', qrParams(h, 'PANEL-A', T0, 'TMALL_GENIE'));
    expect(d['qrCode']).toBeTruthy();
  });

  it('refuses ts outside ±1 h with 460 "ts out of range"', async () => {
    for (const ts of [T0 - 3_600_001, T0 + 3_600_001]) {
      const r = await h.call(P.qrcodeGet, '1.0.0', qrParams(h, 'PANEL-A', ts));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ code: 460, message: 'ts out of range', localizedMsg: '请求参数错误', data: null });
    }
    expect((await h.call(P.qrcodeGet, '1.0.0', qrParams(h, 'PANEL-A', T0 - 3_599_000))).body?.code).toBe(200);
  });

  it('refuses a wrong md5 sign with 460 "sign mismatch"', async () => {
    const params = { ...qrParams(h, 'PANEL-A', T0), sign: md5Hex(`wrong-${T0}-PANEL-A`) };
    const r = await h.call(P.qrcodeGet, '1.0.0', params);
    expect(r.body).toMatchObject({ code: 460, message: 'sign mismatch' });
  });

  it('a new QR for the device replaces the previous one', async () => {
    const first = await h.qr('PANEL-A');
    const second = await h.qr('PANEL-A');
    expect(second).not.toBe(first);
    const cloudToken = await h.token();
    const stale = await h.call(P.bind, '1.0.0', { qrCode: first, houseSpaceId: 'sp-house-1-1-1201', deviceNickName: '客厅' }, { cloudToken });
    expect(stale.body?.code).toBe(460);
    const fresh = await h.call(P.bind, '1.0.0', { qrCode: second, houseSpaceId: 'sp-house-1-1-1201', deviceNickName: '客厅' }, { cloudToken });
    expect(fresh.body?.code).toBe(200);
  });
});

describe('status/get 1.0.1', () => {
  it('unbound: bindStatus false', async () => {
    const d = await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' });
    expect(d['bindStatus']).toBe(false);
    expect(d['bindId'] ?? null).toBeNull();
    expect(d['houseName'] ?? null).toBeNull();
  });

  it('bound to a house: bindId, bindStatus, houseName, communityId, bindType 0', async () => {
    const bindId = await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    const d = await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' });
    expect(d).toEqual({ bindId, bindStatus: true, houseName: '1幢1单元1201', communityId: 10001, bindType: 0 });
  });

  it('bound to the property office: bindType 1', async () => {
    await h.bindPanel('DESK-1', 'sp-office-pmc');
    const d = await h.ok(P.statusGet, '1.0.1', { deviceId: 'DESK-1' });
    expect(d).toMatchObject({ bindStatus: true, houseName: '物业服务中心', bindType: 1 });
  });

  it('deviceType is part of the identity (default TMALL_GENIE)', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    expect((await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A', deviceType: 'TMALL_GENIE' }))['bindStatus']).toBe(true);
    expect((await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A', deviceType: 'OTHER' }))['bindStatus']).toBe(false);
  });
});

describe('channel/get 1.0.0', () => {
  it('answers the intercom channel of a bound device', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    const d = await h.ok(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect(Object.keys(d).sort()).toEqual(
      ['communityId', 'houseName', 'houseSpaceId', 'sipGroupId', 'sipHost', 'sipNumber', 'sipPassword', 'sipPort', 'unitSpaceId'].sort());
    expect(d).toMatchObject({
      communityId: 10001, houseName: '1幢1单元1201', unitSpaceId: 'sp-unit-1-1', houseSpaceId: 'sp-house-1-1-1201',
      sipGroupId: 'grp-1-1-1201', sipHost: '127.0.0.1', sipPort: '5060',
    });
    expect(String(d['sipNumber']).length).toBeLessThanOrEqual(50);
    expect(String(d['sipPassword']).length).toBeGreaterThan(0);
  });

  it('reports the configured SIP server', async () => {
    await h.close();
    h = await harness({ sip: { host: '127.0.0.1', port: 15060 } });
    await h.bindPanel('PANEL-A', 'sp-house-2-2-102');
    const d = await h.ok(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect(d).toMatchObject({ sipHost: '127.0.0.1', sipPort: '15060', houseName: '2幢2单元102' });
  });

  it('is a 460 for an unbound device', async () => {
    const r = await h.call(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect(r.body).toMatchObject({ code: 460, data: null });
  });
});

describe('unitdoor/open 1.0.1', () => {
  it('opens the unit door of the bound house and records the event', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    const r = await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A' });
    expect(r.body).toMatchObject({ code: 200 });
    const [e] = h.sandbox.console.events('door-open');
    expect(e?.detail).toMatchObject({ source: 'cloud', api: 'unitdoor/open', iotId: 'iot-door-1-1', houseName: '1幢1单元1201', deviceId: 'PANEL-A' });
  });

  it('an offline door answers 460 "device offline" and stays shut', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    h.sandbox.console.setDeviceState('iot-door-1-1-b1', 'offline');
    expect((await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A', iotId: 'iot-door-1-1-b1' })).body).toMatchObject({ code: 460, message: 'device offline' });
    expect(h.sandbox.console.events('door-open')).toHaveLength(0);
  });

  it('opens a given door station by iotId', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-2-1-101');
    await h.ok(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A', iotId: 'iot-wall-east' });
    expect(h.sandbox.console.events('door-open')[0]?.detail['iotId']).toBe('iot-wall-east');
    // 2幢1单元 has no unit door station of its own.
    expect((await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(460);
    // Nor may it open another unit's door.
    expect((await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A', iotId: 'iot-door-1-1' })).body?.code).toBe(460);
  });

  it('fails with 460 when the device is unbound', async () => {
    const r = await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A' });
    expect(r.body?.code).toBe(460);
    expect(h.sandbox.console.events('door-open')).toHaveLength(0);
  });
});

describe('entrance/device/list 1.0.0', () => {
  it('pages the door stations serving the house, echoing pageSize and the page number as pageNo', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    const p1 = await h.ok(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 1, pageNo: 1 });
    // 1幢1单元: its door station, its garage door, the wall station and the unit's two elevator controllers.
    expect(p1).toMatchObject({ pageSize: 1, pageNo: 1, total: 5 });
    const rows = p1['data'] as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual([
      'categoryId', 'categoryName', 'communityId', 'deviceName', 'iotId', 'netType', 'nickName', 'nodeType', 'productKey',
      'productName', 'status', 'thingType',
    ]);
    expect(rows[0]).toMatchObject({ communityId: 10001, iotId: 'iot-door-1-1', nickName: '1幢1单元门口机', thingType: 'DEVICE', status: 1, nodeType: 0 });
    const p2 = await h.ok(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 1, pageNo: 2 });
    expect((p2['data'] as { nickName: string }[])[0]?.nickName).toBe('1幢1单元地库门');
    const all = await h.ok<{ data: { iotId: string; categoryName: string; status: number }[] }>(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 10, pageNo: 1 });
    expect(all.data.map((d) => [d.iotId, d.categoryName])).toEqual([
      ['iot-door-1-1', '可视对讲门禁'], ['iot-door-1-1-b1', '可视对讲门禁'], ['iot-wall-east', '可视对讲门禁'],
      ['iot-lift-1-1-a', '梯控'], ['iot-lift-1-1-b', '梯控'],
    ]);
  });

  it('reports an offline device with status 3', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    h.sandbox.console.setDeviceState('iot-lift-1-1-b', 'offline');
    h.sandbox.console.setDeviceState('iot-wall-east', 'offline');
    const all = await h.ok<{ data: { iotId: string; status: number }[] }>(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 10, pageNo: 1 });
    expect(all.data.filter((d) => d.status === 3).map((d) => d.iotId)).toEqual(['iot-wall-east', 'iot-lift-1-1-b']);
  });

  it('a house without a unit door station or elevator sees only the wall station', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-2-2-1202');
    const d = await h.ok(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 10, pageNo: 1 });
    expect(d['total']).toBe(1);
  });

  it('is a 460 for an unbound device', async () => {
    expect((await h.call(P.entranceList, '1.0.0', { deviceId: 'PANEL-A', pageSize: 10, pageNo: 1 })).body?.code).toBe(460);
  });
});

describe('end/unbind 1.0.0', () => {
  it('unbinds the device and removes its SIP account', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-1201');
    const { sipNumber } = await h.ok<{ sipNumber: string }>(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect((await h.call(P.endUnbind, '1.0.0', { deviceId: 'PANEL-A' })).body).toMatchObject({ code: 200 });
    expect((await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }))['bindStatus']).toBe(false);
    expect(h.sandbox.console.sipAccounts().some((a) => a.sipNumber === sipNumber)).toBe(false);
    // Idempotent: a retry after a lost reply still succeeds.
    expect((await h.call(P.endUnbind, '1.0.0', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
  });
});
