// Error replies: gateway signature/timestamp/nonce, rate limit, routing, envelope, params, crashes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedJsonHeaders } from '../../electron/host/platform/gateway-signing.js';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness({ rateLimitPerSecond: 3 }); });
afterEach(async () => { await h.close(); });

describe('API gateway', () => {
  it('a wrong signature is 403 "request forbidden." with X-Ca-Error-Message', async () => {
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { appSecret: 'not-the-secret', id: 'abc' });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ id: 'abc', code: 403, message: 'request forbidden.', localizedMsg: '请求被禁止', data: null });
    expect(r.headers.get('x-ca-error-message')).toMatch(/^Invalid Signature/);
  });

  it('an unknown X-Ca-Key is 403 naming the key as the reason', async () => {
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { appKey: '999' });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 403, message: 'request forbidden.' });
    expect(r.headers.get('x-ca-error-message')).toBe('Invalid AppKey');
  });

  it('a body changed after signing fails the Content-MD5 check', async () => {
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { tamperBody: (b) => b.replace('PANEL-A', 'PANEL-B') });
    expect(r.body?.code).toBe(400);
    expect(r.headers.get('x-ca-error-message')).toBe('Invalid Content-MD5');
  });

  it('an X-Ca-Timestamp more than 15 minutes off is 400 "Invalid Timestamp"', async () => {
    for (const skew of [-15 * 60_000 - 1, 15 * 60_000 + 1]) {
      const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { now: h.clock.t + skew });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 400, message: 'Invalid Timestamp', data: null });
      expect(r.headers.get('x-ca-error-message')).toBe('Invalid Timestamp');
    }
    const inside = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { now: h.clock.t - 14 * 60_000 });
    expect(inside.body?.code).toBe(200);
  });

  it('a replayed X-Ca-Nonce is refused', async () => {
    const nonce = 'fixed-nonce-1';
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { nonce })).body?.code).toBe(200);
    const again = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { nonce });
    expect(again.body?.code).toBe(400);
    expect(again.headers.get('x-ca-error-message')).toBe('Nonce Used');
  });

  it('beyond the per-appKey rate limit answers 429 "too many requests."', async () => {
    for (let i = 0; i < 3; i++) expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
    const r = await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' }, { id: 'rl' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: 'rl', code: 429, message: 'too many requests.', localizedMsg: '太多请求', data: null });
    h.clock.t += 1000;
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
  });
});

describe('routing, envelope and params', () => {
  it('an unknown path is 20003', async () => {
    const r = await h.call('/solution/community/intercom/nope', '1.0.0', {}, { id: 'x1' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: 'x1', code: 20003, message: 'gateway.not found backend router', localizedMsg: '没有找到路由服务', data: null });
  });

  it('a wrong apiVer is 460 naming the version', async () => {
    const r = await h.call(P.statusGet, '1.0.0', { deviceId: 'PANEL-A' });
    expect(r.body).toMatchObject({ code: 460, localizedMsg: '请求参数错误' });
    expect(r.body?.message).toContain('1.0.0');
    expect(r.body?.message).toContain('1.0.1');
  });

  it('a missing or mistyped param is 460 naming the field', async () => {
    const missing = await h.call(P.qrcodeGet, '1.0.0', { ts: h.clock.t, sign: 'x' });
    expect(missing.body).toMatchObject({ code: 460, data: null });
    expect(missing.body?.message).toContain('deviceId');
    const typed = await h.call(P.tokenGet, '1.0.0', { communityId: '10001' });
    expect(typed.body?.code).toBe(460);
    expect(typed.body?.message).toContain('communityId');
  });

  it('a body that is not the IoT envelope is 460', async () => {
    const body = JSON.stringify({ id: 'env-1', params: {} });
    const headers = signedJsonHeaders({ appKey: h.sandbox.app.appKey, appSecret: h.sandbox.app.appSecret, path: P.statusGet, body, now: h.clock.t });
    const res = await fetch(h.sandbox.url + P.statusGet, { method: 'POST', headers, body });
    const env = await res.json() as { id: string; code: number; message: string };
    expect(env).toMatchObject({ id: 'env-1', code: 460 });
    expect(env.message).toMatch(/request/);
  });

  it('an uncaught handler error is 500 "System Error" and the server keeps serving', async () => {
    await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
    const other = new Database(h.sandbox.dbFile);
    other.exec('DROP TABLE events');
    other.close();
    h.clock.t += 1000; // out of the rate-limit window this file uses
    const r = await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A' }, { id: 'boom' });
    expect(r.body).toEqual({ id: 'boom', code: 500, message: 'System Error', localizedMsg: '服务端错误', data: null });
    expect((await h.call(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).body?.code).toBe(200);
  });
});
