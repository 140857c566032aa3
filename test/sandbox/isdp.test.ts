// Contract: the sandbox's ISDP (seed 004 openApiSendImMessage, and the token it needs) over real
// HTTP with paths and fields written out by hand, then the panel's client against it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IsdpClient } from '../../electron/host/platform/isdp/index.js';
import { systemFailure } from '../support/system-error.js';
import { describeSystemError } from '../../electron/host/platform/systems/problems.js';
import { ISDP_DEMO, startSandbox, type Sandbox } from './index.js';

const TOKEN = '/isdp/oauth2/oauth/rest_token';
const SEND = '/isdp/openapi/v1/openSendImMessage/openApiSendImMessage';
const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const clock = { t: T0 };
let sandbox: Sandbox;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sandbox.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const grant = (o: Record<string, string> = {}) => ({
  client_id: 'isdp-saas-openapi', client_secret: 'isdp-saas-openapi', grant_type: 'password', username: ISDP_DEMO.username, password: ISDP_DEMO.password, ...o,
});

async function accessToken(): Promise<string> {
  return String((await post(TOKEN, grant())).body['access_token']);
}

/** The seed's sample message, addressed to the sandbox's 巡逻岗. */
function sample(o: { to?: string; userName?: string; deviceId?: string; ns?: string } = {}): string {
  const q = (s: string) => s.replace(/"/g, '&quot;');
  const attrs = q(JSON.stringify({ userId: 864711, userName: o.userName ?? 'zhang_sit', userNo: 'Zhang123456', tenantId: 886, deviceId: o.deviceId ?? 'aqm0523', isdpDeviceId: 'aqm0523--1' }));
  return `<?xml version="1.0" encoding="UTF-8" ?><message to="${o.to ?? '759646@saasgroupchat.isdp-sandbox.lintel.test'}" id="1663236474522" type="chat">` +
    '<subject>qc-intellect-equip-remote-invite</subject><body>智能设备远端呼叫</body>' +
    `<properties xmlns="${o.ns ?? 'http://isdp-sandbox.lintel.test/xmlns/xmpp/properties'}"><content_type type="string">text</content_type><nick type="string" />` +
    `<directives_type type="string">qc-intellect-equip-remote-invite</directives_type><directives_attrs type="string">${attrs}</directives_attrs></properties></message>`;
}

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, now: () => clock.t, isdpTokenLifetimeSec: 60 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.systems.faults.clear();
  clock.t = T0;
});

describe('token (ISDP 获取Token, the password grant seed 004 refers to)', () => {
  it('answers access_token, token_type, expires_in and the API account as plat_user', async () => {
    const r = await post(TOKEN, grant());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 60, scope: 'all', plat_user: { userId: 864711, userNo: 'Zhang123456', userName: 'zhang_sit', tenantId: 886 } });
    expect(typeof r.body['access_token']).toBe('string');
  });

  it('refuses a wrong client (401 invalid_client), a wrong password (400 invalid_grant) and a bad body', async () => {
    expect(await post(TOKEN, grant({ client_id: 'other', client_secret: 'other' }))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await post(TOKEN, grant({ client_secret: 'not-the-client-id' }))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await post(TOKEN, grant({ password: 'wrong' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await post(TOKEN, { ...grant(), grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('openApiSendImMessage', () => {
  it('accepts the seed sample with "bearer <token>" and answers stateCode "0"', async () => {
    const r = await post(SEND, { message: sample() }, { Authorization: `bearer ${await accessToken()}` });
    expect(r).toEqual({ status: 200, body: { stateCode: '0', errorMessage: null, result: null } });
    const [got] = sandbox.systems.isdpMessages();
    expect(got).toMatchObject({ stateCode: '0', messageId: '1663236474522', to: '759646@saasgroupchat.isdp-sandbox.lintel.test', attrs: { deviceId: 'aqm0523', userId: 864711 } });
  });

  it('refuses a missing, unknown or expired token with 401 invalid_token', async () => {
    const token = await accessToken();
    expect(await post(SEND, { message: sample() })).toMatchObject({ status: 401, body: { error: 'invalid_token', error_description: 'check_token error' } });
    expect(await post(SEND, { message: sample() }, { Authorization: 'bearer nope' })).toMatchObject({ status: 401 });
    clock.t += 61_000;
    expect(await post(SEND, { message: sample() }, { Authorization: `bearer ${token}` })).toMatchObject({ status: 401 });
  });

  it.each([
    ['not XML', 'hello', /XML/],
    ['malformed XML (an unescaped &)', sample({ userName: 'a&b' }), /XML/],
    ['an unknown device', sample({ to: '1@saasgroupchat.isdp-sandbox.lintel.test' }), /未找到设备/],
    ['another account\'s name', sample({ userName: 'someone' }), /账号/],
    ['a device id that is not the chatJid\'s', sample({ deviceId: 'aqm0524' }), /设备/],
    ['the wrong properties namespace', sample({ ns: 'http://elsewhere/xmlns/xmpp/properties' }), /命名空间/],
  ])('answers a non-zero stateCode with an errorMessage for %s', async (_what, message, why) => {
    const r = await post(SEND, { message }, { Authorization: `bearer ${await accessToken()}` });
    expect(r.status).toBe(200);
    expect(r.body['stateCode']).toBe('1');
    expect(String(r.body['errorMessage'])).toMatch(why);
    // The console keeps what it refused too.
    expect(sandbox.systems.isdpMessages()[0]).toMatchObject({ stateCode: '1', message });
  });

  it('shows received messages on the console', async () => {
    await post(SEND, { message: sample() }, { Authorization: `bearer ${await accessToken()}` });
    const res = await fetch(`${sandbox.url}/console/api/isdp/messages`);
    const list = (await res.json()) as { stateCode: string; message: string }[];
    expect(list[0]).toMatchObject({ stateCode: '0', message: sample() });
  });
});

describe('the panel client against the sandbox', () => {
  const client = (o: { password?: string } = {}) => new IsdpClient({
    endpoint: `${sandbox.url}/isdp`, clientId: ISDP_DEMO.clientId, username: ISDP_DEMO.username, password: o.password ?? ISDP_DEMO.password,
    xmppDomain: ISDP_DEMO.xmppDomain, now: () => clock.t,
  });
  const device = ISDP_DEMO.devices[0];

  it('gets a token once, reuses it, and calls a device', async () => {
    const c = client();
    const { messageId } = await c.callDevice(device);
    await c.callDevice(device);
    expect(sandbox.systems.isdpMessages().slice(0, 2).every((m) => m.stateCode === '0')).toBe(true);
    expect(sandbox.systems.isdpMessages()[1]?.messageId).toBe(messageId);
  });

  it('replaces a token ISDP stopped accepting, once', async () => {
    const c = client();
    await c.callDevice(device);
    sandbox.systems.revokeIsdpTokens();
    const before = sandbox.systems.isdpMessages().length;
    await c.callDevice(device);
    // One message: the first try got 401 before ISDP read it, the second was delivered.
    expect(sandbox.systems.isdpMessages().length).toBe(before + 1);
    expect(sandbox.systems.isdpMessages()[0]?.stateCode).toBe('0');
    // A token that keeps being refused is not retried forever.
    sandbox.systems.faults.add({ system: 'isdp', target: 'token', status: 401, code: 'invalid_client' });
    sandbox.systems.revokeIsdpTokens();
    expect(await systemFailure(c.callDevice(device))).toMatchObject({ kind: 'auth' });
  });

  it('reports refusals with Chinese reasons', async () => {
    const bad = await systemFailure(client({ password: 'wrong' }).callDevice(device));
    expect(bad).toMatchObject({ kind: 'auth', status: 400, code: 'invalid_grant' });
    expect(describeSystemError(bad).message).toBe('ISDP 平台拒绝了本机的应用 ID 或应用令牌，请联系安装人员重新配置');
    sandbox.systems.faults.add({ system: 'isdp', target: 'send', code: '1001', message: '设备不在线' });
    const refused = await systemFailure(client().callDevice(device));
    expect(refused).toMatchObject({ kind: 'rejected', code: '1001', reason: 'ISDP 平台未能呼叫该设备：设备不在线' });
    sandbox.systems.faults.add({ system: 'isdp', target: 'send', malformed: true });
    expect(await systemFailure(client().callDevice(device))).toMatchObject({ kind: 'bad-reply' });
    sandbox.systems.faults.add({ system: 'isdp', target: 'token', status: 500 });
    expect(await systemFailure(client().callDevice(device))).toMatchObject({ kind: 'server', retryable: true });
  });
});
