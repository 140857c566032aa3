// Contract: community cloudToken get/refresh (seed 001 lines 5408-5540).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness({ tokenLifetimeMs: 60_000 }); });
afterEach(async () => { await h.close(); });

describe('token/get and token/refresh', () => {
  it('token/get answers cloudToken and expiresIn (ms) in the documented envelope', async () => {
    const r = await h.call(P.tokenGet, '1.0.0', { communityId: 10001 }, { id: 'req-42' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(r.body ?? {}).sort()).toEqual(['code', 'data', 'id', 'localizedMsg', 'message']);
    expect(r.body).toMatchObject({ id: 'req-42', code: 200, message: null, localizedMsg: null });
    const data = r.body?.data as { cloudToken: string; expiresIn: number };
    expect(typeof data.cloudToken).toBe('string');
    expect(data.cloudToken.length).toBeGreaterThan(10);
    expect(data.expiresIn).toBe(60_000);
  });

  it('a second token/get invalidates the first token', async () => {
    const first = await h.token();
    const second = await h.token();
    expect(second).not.toBe(first);
    const stale = await h.call(P.list, '1.0.0', {}, { cloudToken: first });
    expect(stale.body).toMatchObject({ code: 401, message: 'request auth error.', localizedMsg: '请求授权失败' });
    const fresh = await h.call(P.list, '1.0.0', {}, { cloudToken: second });
    expect(fresh.body?.code).toBe(200);
  });

  it('token/refresh gives a new token and invalidates the old one', async () => {
    const old = await h.token();
    const d = await h.ok<{ cloudToken: string; expiresIn: number }>(P.tokenRefresh, '1.0.0', { cloudToken: old });
    expect(d.cloudToken).not.toBe(old);
    expect(d.expiresIn).toBe(60_000);
    expect((await h.call(P.list, '1.0.0', {}, { cloudToken: old })).body?.code).toBe(401);
    expect((await h.call(P.list, '1.0.0', {}, { cloudToken: d.cloudToken })).body?.code).toBe(200);
    // The superseded token cannot be refreshed again.
    expect((await h.call(P.tokenRefresh, '1.0.0', { cloudToken: old })).body?.code).toBe(401);
  });

  it('an expired token is refused with 401, and cannot be refreshed', async () => {
    const t = await h.token();
    h.clock.t += 60_001;
    expect((await h.call(P.list, '1.0.0', {}, { cloudToken: t })).body).toMatchObject({ code: 401, message: 'request auth error.' });
    expect((await h.call(P.tokenRefresh, '1.0.0', { cloudToken: t })).body?.code).toBe(401);
  });

  it('a token API without any cloudToken is refused with 401', async () => {
    expect((await h.call(P.list, '1.0.0', {})).body?.code).toBe(401);
  });

  it('an unknown community is a parameter error', async () => {
    const r = await h.call(P.tokenGet, '1.0.0', { communityId: 999 });
    expect(r.body).toMatchObject({ code: 460, localizedMsg: '请求参数错误' });
    expect(r.body?.message).toContain('communityId');
  });
});
