// Fault injection and the installer's console endpoints.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleApi as consoleApiOf, harness, md5Hex, P, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness(); });
afterEach(async () => { await h.close(); });

const consoleApi = (method: string, path: string, body?: unknown) => consoleApiOf(h, method, path, body);

describe('fault injection', () => {
  it('answers the next `times` calls to a path with the given code, in the platform wording', async () => {
    expect((await consoleApi('POST', 'faults', { path: P.statusGet, code: 500, times: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { id: `f${i}` });
      expect(r.body).toEqual({ id: `f${i}`, code: 500, message: 'System Error', localizedMsg: '服务端错误', data: null });
    }
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
    // Other paths are untouched.
    await consoleApi('POST', 'faults', { path: P.channelGet, code: 429 });
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
    expect((await h.call(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' })).body).toMatchObject({ code: 429, message: 'too many requests.' });
  });

  it('malformed: a success whose data does not match the schema', async () => {
    await consoleApi('POST', 'faults', { path: P.qrcodeGet, malformed: true });
    const ts = h.clock.t;
    const sign = md5Hex(`${h.sandbox.app.appKey}-${ts}-PANEL-A`);
    const q = await h.call(P.qrcodeGet, '1.0.0', { deviceId: 'PANEL-A', ts, sign });
    expect(q.body?.code).toBe(200);
    expect(q.body?.data).not.toHaveProperty('qrCode');
    expect(q.body?.data).not.toHaveProperty('expireTime');
    await consoleApi('DELETE', 'faults');
    await consoleApi('POST', 'faults', { path: P.statusGet, malformed: true });
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' });
    expect(r.body?.code).toBe(200);
    expect(r.body?.data).not.toHaveProperty('bindStatus');
  });

  it('DELETE clears armed faults; a bad fault is a 400', async () => {
    await consoleApi('POST', 'faults', { path: P.statusGet, code: 503, times: 5 });
    await consoleApi('DELETE', 'faults');
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
    expect((await consoleApi('POST', 'faults', { path: P.statusGet })).status).toBe(400);
  });

  it('down: the platform answers HTTP 503 with an empty body until brought back', async () => {
    await consoleApi('POST', 'down', { down: true });
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' });
    expect(r.status).toBe(503);
    expect(r.text).toBe('');
    // The console itself stays up.
    expect((await consoleApi('GET', 'houses')).status).toBe(200);
    await consoleApi('POST', 'down', { down: false });
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
  });
});

describe('console', () => {
  it('serves the page and script same-origin with a CSP', async () => {
    const page = await fetch(h.sandbox.consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('绑定面板');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${h.sandbox.url}/console/console.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).not.toMatch(/https?:\/\//);
  });

  it('houses list every house and the property office', async () => {
    const { json } = await consoleApi('GET', 'houses');
    const houses = json as { houseSpaceId: string; houseName: string; kind: string; bindings: unknown[] }[];
    expect(houses).toHaveLength(17);
    expect(houses.find((x) => x.houseSpaceId === 'sp-office-pmc')).toMatchObject({ houseName: '物业服务中心', kind: 'office' });
    expect(houses.find((x) => x.houseSpaceId === 'sp-house-1-1-1201')).toMatchObject({ houseName: '1幢1单元1201', kind: 'house', bindings: [] });
  });

  it('pending → bind → bindings/houses → unbind, with events', async () => {
    const qrCode = await h.qr('PANEL-C');
    const pending = (await consoleApi('GET', 'pending')).json as { deviceId: string; qrCode: string; expireTime: string; expired: boolean }[];
    expect(pending).toEqual([expect.objectContaining({ deviceId: 'PANEL-C', qrCode, expireTime: '2024-06-01 12:05:00', expired: false })]);

    const bad = await consoleApi('POST', 'bind', { qrCode: 'nope', houseSpaceId: 'sp-house-1-1-101' });
    expect(bad.status).toBe(400);
    expect(bad.json).toHaveProperty('error');

    const bound = await consoleApi('POST', 'bind', { qrCode: `  ${qrCode}\n`, houseSpaceId: 'sp-office-pmc' });
    expect(bound.status).toBe(200);
    const b = bound.json as { bindId: string; houseName: string; bindType: number };
    expect(b).toMatchObject({ houseName: '物业服务中心', bindType: 1 });
    expect((await consoleApi('GET', 'pending')).json).toEqual([]);
    expect((await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-C' }))['bindType']).toBe(1);
    const bindings = (await consoleApi('GET', 'bindings')).json as { bindId: string }[];
    expect(bindings.map((x) => x.bindId)).toEqual([b.bindId]);
    const houses = (await consoleApi('GET', 'houses')).json as { houseSpaceId: string; bindings: { bindId: string }[] }[];
    expect(houses.find((x) => x.houseSpaceId === 'sp-office-pmc')?.bindings[0]?.bindId).toBe(b.bindId);

    expect((await consoleApi('POST', 'unbind', { bindId: b.bindId })).status).toBe(200);
    expect((await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-C' }))['bindStatus']).toBe(false);
    expect((await consoleApi('POST', 'unbind', { bindId: b.bindId })).status).toBe(400);
    const events = (await consoleApi('GET', 'events')).json as { kind: string }[];
    expect(events.map((e) => e.kind)).toEqual(['unbind', 'bind']);
  });

  it('an expired QR shows as expired in pending', async () => {
    await h.qr('PANEL-D');
    h.clock.t += 6 * 60_000;
    const pending = (await consoleApi('GET', 'pending')).json as { expired: boolean }[];
    expect(pending[0]?.expired).toBe(true);
  });

  it('sip-accounts and door-stations expose what a test registrar needs', async () => {
    const accounts = (await consoleApi('GET', 'sip-accounts')).json as { sipNumber: string; sipPassword: string; type: number }[];
    expect(accounts).toEqual(expect.arrayContaining([
      expect.objectContaining({ sipNumber: 'doorst0101', sipPassword: 'dp0101demo', type: 1 }),
      expect.objectContaining({ sipNumber: 'wallst0001', sipPassword: 'wp0001demo', type: 1 }),
    ]));
    const doors = (await consoleApi('GET', 'door-stations')).json as { iotId: string }[];
    expect(doors.map((d) => d.iotId)).toEqual(['iot-door-1-1', 'iot-wall-east']);
  });
});
