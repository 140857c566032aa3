// Test fixture: a sandbox on a controllable clock plus a signed client bound to that clock.
// Paths and versions are written out by hand from the seeds on purpose (see the test files).
import { createHash } from 'node:crypto';
import { startSandbox, type Sandbox, type SandboxOptions } from './index.js';
import { cloudRequest, type CloudCall, type CloudReply } from '../support/cloud-request.js';

export const P = {
  tokenGet: '/solution/community/paas/token/get',
  tokenRefresh: '/solution/community/paas/token/refresh',
  qrcodeGet: '/solution/community/intercom/device/qrcode/get',
  statusGet: '/solution/community/intercom/device/status/get',
  endUnbind: '/solution/community/intercom/device/end/unbind',
  unitdoorOpen: '/solution/community/intercom/unitdoor/open',
  channelGet: '/solution/community/intercom/device/channel/get',
  entranceList: '/solution/community/intercom/entrance/device/list',
  bind: '/solution/community/intercom/device/bind',
  rename: '/solution/community/intercom/device/rename',
  list: '/solution/community/intercom/device/list',
  unbind: '/solution/community/intercom/device/unbind',
  noticeAdd: '/solution/community/notice/add',
  noticeUpdate: '/solution/community/notice/update',
  noticeQuery: '/solution/community/notice/query',
  noticeDelete: '/solution/community/notice/delete',
  noticeGet: '/solution/community/notice/get',
  invoke: '/cloud/thing/service/invoke',
  elevatorCall: '/elevator/control/elevator/call',
} as const;

/** 2024-06-01 12:00:00 in Shanghai. */
export const T0 = Date.UTC(2024, 5, 1, 4, 0, 0);

export interface Harness {
  sandbox: Sandbox;
  clock: { t: number };
  call(path: string, apiVer: string, params?: Record<string, unknown>, extra?: Partial<CloudCall>): Promise<CloudReply>;
  /** Like call, but expects code 200 and returns `data`. */
  ok<T = Record<string, unknown>>(path: string, apiVer: string, params?: Record<string, unknown>, extra?: Partial<CloudCall>): Promise<T>;
  token(): Promise<string>;
  qr(deviceId: string): Promise<string>;
  bindPanel(deviceId: string, houseSpaceId: string, nick?: string): Promise<string>;
  close(): Promise<void>;
}

export function md5Hex(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

export async function harness(opts: SandboxOptions = {}, clock = { t: T0 }): Promise<Harness> {
  const sandbox = await startSandbox({ logger: false, now: () => clock.t, ...opts });
  const call: Harness['call'] = (path, apiVer, params = {}, extra = {}) => cloudRequest({
    url: sandbox.url, appKey: sandbox.app.appKey, appSecret: sandbox.app.appSecret, path, apiVer, params, now: clock.t, ...extra,
  });
  const ok: Harness['ok'] = async (path, apiVer, params, extra) => {
    const r = await call(path, apiVer, params, extra);
    if (r.body?.code !== 200) throw new Error(`${path} answered ${r.status} ${r.text}`);
    return r.body.data as never;
  };
  const h: Harness = {
    sandbox,
    clock,
    call,
    ok,
    async token() {
      const d = await ok<{ cloudToken: string }>(P.tokenGet, '1.0.0', { communityId: 10001 });
      return d.cloudToken;
    },
    async qr(deviceId) {
      const ts = clock.t;
      // sign = md5("{appKey}-{ts}-{deviceId}{deviceType}"), deviceType omitted → empty.
      const d = await ok<{ qrCode: string }>(P.qrcodeGet, '1.0.0', { deviceId, ts, sign: md5Hex(`${sandbox.app.appKey}-${ts}-${deviceId}`) });
      return d.qrCode;
    },
    async bindPanel(deviceId, houseSpaceId, nick = '客厅面板') {
      const qrCode = await h.qr(deviceId);
      const cloudToken = await h.token();
      const d = await ok<{ bindId: string }>(P.bind, '1.0.0', { qrCode, houseSpaceId, deviceNickName: nick }, { cloudToken });
      return d.bindId;
    },
    close: () => sandbox.close(),
  };
  return h;
}

/** The console's unsigned JSON endpoints, as its page calls them: the status and the parsed body. */
export async function consoleApi(h: Harness, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${h.sandbox.url}/console/api/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}
