// Contract: indoor-terminal binding service, app side with cloudToken (seed 001 lines 4800-4989).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
let cloudToken: string;
beforeEach(async () => {
  h = await harness();
  cloudToken = await h.token();
});
afterEach(async () => { await h.close(); });

const GROUP_SIP_LIST = '/entrance/paas/sipservice/group/sip/list';
const SIP_DETAIL = '/entrance/paas/sipservice/sip/detail/get';

describe('device/bind 1.0.0', () => {
  it('binds with qrCode + houseSpaceId + deviceNickName, answers bindId, puts a type-0 SIP account in the house group', async () => {
    const qrCode = await h.qr('PANEL-A');
    const r = await h.call(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-1-2-102', deviceNickName: '客厅' }, { cloudToken });
    expect(r.body).toMatchObject({ code: 200 });
    const data = r.body?.data as { bindId: string };
    expect(Object.keys(data)).toEqual(['bindId']);
    const { sipNumber, sipGroupId } = await h.ok<{ sipNumber: string; sipGroupId: string }>(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect(sipGroupId).toBe('grp-1-2-102');
    const members = await h.ok<{ sipNumber: string; type: number }[]>(GROUP_SIP_LIST, '1.0.0', { groupID: sipGroupId });
    expect(members).toEqual([expect.objectContaining({ sipNumber, type: 0 })]);
  });

  it('spends the QR: it cannot bind twice', async () => {
    const qrCode = await h.qr('PANEL-A');
    await h.ok(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-1-1-101', deviceNickName: 'a' }, { cloudToken });
    expect((await h.call(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-1-1-102', deviceNickName: 'a' }, { cloudToken })).body?.code).toBe(460);
  });

  it('refuses an expired QR with a clear 460', async () => {
    const qrCode = await h.qr('PANEL-A');
    h.clock.t += 5 * 60 * 1000 + 1;
    cloudToken = await h.token();
    const r = await h.call(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-1-1-101', deviceNickName: 'a' }, { cloudToken });
    expect(r.body).toMatchObject({ code: 460, localizedMsg: '请求参数错误' });
    expect(r.body?.message).toMatch(/expired/);
  });

  it('refuses an unknown QR and an unknown houseSpaceId', async () => {
    const bad = await h.call(P.bind, '1.0.0', { qrCode: 'nope', houseSpaceId: 'sp-house-1-1-101', deviceNickName: 'a' }, { cloudToken });
    expect(bad.body?.code).toBe(460);
    expect(bad.body?.message).toMatch(/qrCode/);
    const qrCode = await h.qr('PANEL-A');
    const r = await h.call(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-9-9-999', deviceNickName: 'a' }, { cloudToken });
    expect(r.body?.code).toBe(460);
    expect(r.body?.message).toMatch(/houseSpaceId/);
  });

  it('needs a cloudToken', async () => {
    const qrCode = await h.qr('PANEL-A');
    expect((await h.call(P.bind, '1.0.0', { qrCode, houseSpaceId: 'sp-house-1-1-101', deviceNickName: 'a' })).body?.code).toBe(401);
  });
});

describe('device/rename, device/list, device/unbind 1.0.0', () => {
  it('list answers bindId, masked intercomDeviceId, intercomDeviceType, houseSpaceId, houseName', async () => {
    const bindId = await h.bindPanel('PANEL-000123', 'sp-house-2-1-1201');
    cloudToken = await h.token();
    const list = await h.ok<Record<string, unknown>[]>(P.list, '1.0.0', {}, { cloudToken });
    expect(list).toEqual([{
      bindId, intercomDeviceId: 'PAN****123', intercomDeviceType: 'TMALL_GENIE', houseSpaceId: 'sp-house-2-1-1201', houseName: '2幢1单元1201',
    }]);
  });

  it('rename accepts 中文/letters/digits/-/_/. and refuses other characters', async () => {
    const bindId = await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    cloudToken = await h.token();
    expect((await h.call(P.rename, '1.0.0', { bindId, deviceNickName: '主卧-面板_1.0' }, { cloudToken })).body?.code).toBe(200);
    expect(h.sandbox.console.bindings()[0]?.nickName).toBe('主卧-面板_1.0');
    const bad = await h.call(P.rename, '1.0.0', { bindId, deviceNickName: 'bad name!' }, { cloudToken });
    expect(bad.body?.code).toBe(460);
    expect(bad.body?.message).toContain('deviceNickName');
    expect((await h.call(P.rename, '1.0.0', { bindId: 'nope', deviceNickName: 'x' }, { cloudToken })).body?.code).toBe(460);
  });

  it('unbind removes the binding and deletes the SIP account', async () => {
    const bindId = await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    const { sipNumber } = await h.ok<{ sipNumber: string }>(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    cloudToken = await h.token();
    expect((await h.call(P.unbind, '1.0.0', { bindId }, { cloudToken })).body).toMatchObject({ code: 200 });
    expect(await h.ok(P.list, '1.0.0', {}, { cloudToken })).toEqual([]);
    const gone = await h.call(SIP_DETAIL, '1.0.0', { sipNumber });
    expect(gone.body?.code).toBe(460);
    expect(gone.body?.message).toMatch(/^SYS_0002/);
    expect((await h.call(P.unbind, '1.0.0', { bindId }, { cloudToken })).body?.code).toBe(460);
  });
});
