// Contract: the sandbox's Akuvox open-ability API (seed 002), every command, over real HTTP, with
// the command names, field names and sample values written out by hand from the seed; then the
// panel's client against it, failure replies included.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AkuvoxClient } from '../../electron/host/platform/akuvox/index.js';
import { describeSystemError } from '../../electron/host/platform/systems/problems.js';
import { systemFailure } from '../support/system-error.js';
import { AKUVOX_DEMO, startSandbox, type Sandbox } from './index.js';
import { decodeQrFromPng } from '../support/qr.js';
import { freePort } from './kamailio.js';

const PATH = '/api/v1.0/invoke/open-ability/method/user-commands';
const R = AKUVOX_DEMO.residenceId;
/** 2024-06-01 12:00:00 UTC. */
const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

let sandbox: Sandbox;
const clock = { t: T0 };

interface Reply { status: number; type: string | null; body: { success: boolean; timestamp: number; result: unknown } }

async function invoke(command: string, param: Record<string, unknown>, o: { token?: string | null; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const token = o.token === undefined ? AKUVOX_DEMO.token : o.token;
  const res = await fetch(`${sandbox.url}/akuvox${PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(token !== null ? { Authorization: `Bearer ${token}` } : {}), ...o.headers },
    body: o.body ?? JSON.stringify({ command, id: 'c45e846ca23ab42c9ae469d988ae32a96', param }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Reply['body'] };
}

async function ok<T>(command: string, param: Record<string, unknown>): Promise<T> {
  const r = await invoke(command, param);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.success).toBe(true);
  expect(r.body.timestamp).toBe(clock.t);
  return r.body.result as T;
}

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, now: () => clock.t });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.systems.faults.clear());

describe('Akuvox commands (seed 002), answered {success, timestamp, result}', () => {
  it('get_akuvox_device_list: relays, security_relays, is_public, device_name, sip, device_type, mac, online, rtsp', async () => {
    const r = await invoke('get_akuvox_device_list', { residence_id: R });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'success', 'timestamp']);
    const devices = r.body.result as Record<string, unknown>[];
    const front = devices.find((d) => d['mac'] === '0C110532D226');
    // The seed's sample device, field for field.
    expect(front).toMatchObject({
      ciphertext: '7b3d75f5a8cfa959167852468fca08a3',
      security_relays: [],
      relays: [{ relay_name: 'Front Door 3', relay_number: '#', relay_id: 'r4b5a73f8dd84abaa94dcs248be49b0d2' }],
      is_public: true, device_name: 'Front Door', sip: '123132312', device_type: 'Multi-tenants Doorphone', online: true,
    });
    // The table says rtsp_url, the sample rtsp: both are there.
    expect(front?.['rtsp_url']).toMatch(/^rtsp:\/\//);
    expect(front?.['rtsp']).toBe(front?.['rtsp_url']);
    expect(devices.map((d) => d['device_type'])).toEqual(['Multi-tenants Doorphone', 'Access Control', 'Single-tenant Doorphone', 'Indoor Monitor']);
    expect(devices.find((d) => d['mac'] === '0C110508EF2E')?.['security_relays']).toEqual([{ relay_name: '车库保险门', relay_number: '2', relay_id: 'rsec0c110508ef2e01' }]);
  });

  it('get/update_akuvox_open_door_private_key_config', async () => {
    expect(await ok('get_akuvox_open_door_private_key_config', { residence_id: R })).toEqual({ private_key: '12345' });
    expect(await ok('update_akuvox_open_door_private_key_config', { private_key: '24680', residence_id: R })).toEqual({});
    expect(await ok('get_akuvox_open_door_private_key_config', { residence_id: R })).toEqual({ private_key: '24680' });
    const bad = await invoke('update_akuvox_open_door_private_key_config', { private_key: 'abc', residence_id: R });
    expect(bad.body).toMatchObject({ success: false, result: { code: 'INVALID_PARAM' } });
  });

  it('get/update_akuvox_open_door_nfc_config and _ble_config', async () => {
    expect(await ok('get_akuvox_open_door_nfc_config', { residence_id: R })).toEqual({ nfc_code: 'F0A5B8FDC7643920', enable_nfc: true });
    expect(await ok('update_akuvox_open_door_nfc_config', { enable_nfc: false, residence_id: R })).toEqual({ nfc_code: 'F0A5B8FDC7643920' });
    expect(await ok('get_akuvox_open_door_nfc_config', { residence_id: R })).toMatchObject({ enable_nfc: false });
    expect(await ok('get_akuvox_open_door_ble_config', { residence_id: R })).toEqual({ ble_code: 'F0A5B8FDC7643920', enable_ble: true });
    expect(await ok('update_akuvox_open_door_ble_config', { enable_ble: false, residence_id: R })).toEqual({ ble_code: 'F0A5B8FDC7643920' });
    expect(await ok('get_akuvox_open_door_ble_config', { residence_id: R })).toMatchObject({ enable_ble: false });
  });

  it('temporary keys: create, get (with qr_code_url), delete, batch delete', async () => {
    const made = await ok<{ temp_key: string; qr_code_url: string }>('create_akuvox_open_door_temp_key_config', {
      start_time: '2024-06-01 12:00:00', finish_time: '2024-06-01 16:00:00', count: 100, residence_id: R,
    });
    expect(Object.keys(made).sort()).toEqual(['qr_code_url', 'temp_key']);
    expect(made.temp_key).toMatch(/^\d{8}$/);
    const listed = await ok<Record<string, unknown>[]>('get_akuvox_open_door_temp_key_config', { residence_id: R });
    expect(listed).toContainEqual({ start_time: '2024-06-01 12:00:00', finish_time: '2024-06-01 16:00:00', temp_key: made.temp_key, qr_code_url: made.qr_code_url, count: 100 });
    // The QR image the API points at holds the key.
    const png = Buffer.from(await (await fetch(made.qr_code_url)).arrayBuffer());
    expect(decodeQrFromPng(png)).toBe(made.temp_key);

    const second = await ok<{ temp_key: string }>('create_akuvox_open_door_temp_key_config', { start_time: '2024-06-02 08:00:00', finish_time: '2024-06-02 09:00:00', count: 1, residence_id: R });
    const third = await ok<{ temp_key: string }>('create_akuvox_open_door_temp_key_config', { start_time: '2024-06-02 08:00:00', finish_time: '2024-06-02 09:00:00', count: 1, residence_id: R });
    expect(await ok('delete_akuvox_open_door_temp_key_config', { temp_key: made.temp_key, residence_id: R })).toEqual({});
    // A batch with one unknown key deletes none of them.
    const partial = await invoke('batch_delete_akuvox_open_door_temp_key_config', { temp_key: [second.temp_key, '88776688'], residence_id: R });
    expect(partial.body).toMatchObject({ success: false, result: { code: 'TEMP_KEY_NOT_FOUND' } });
    expect(await ok('batch_delete_akuvox_open_door_temp_key_config', { temp_key: [second.temp_key, third.temp_key], residence_id: R })).toEqual({});
    expect(await ok('get_akuvox_open_door_temp_key_config', { residence_id: R })).toEqual([]);
    expect((await invoke('delete_akuvox_open_door_temp_key_config', { temp_key: made.temp_key, residence_id: R })).body)
      .toMatchObject({ success: false, result: { code: 'TEMP_KEY_NOT_FOUND' } });
    const backwards = await invoke('create_akuvox_open_door_temp_key_config', { start_time: '2024-06-01 16:00:00', finish_time: '2024-06-01 12:00:00', count: 1, residence_id: R });
    expect(backwards.body).toMatchObject({ success: false, result: { code: 'INVALID_TIME_RANGE' } });
  });

  it('get/update/delete_akuvox_face_file_info', async () => {
    expect(await ok('get_akuvox_face_file_info', { residence_id: R })).toEqual({ is_uploaded: false });
    expect(await ok('update_akuvox_face_file_info', { filename: 'my.jpg', residence_id: R })).toEqual({});
    expect(await ok('get_akuvox_face_file_info', { residence_id: R })).toEqual({ is_uploaded: true });
    expect(await ok('delete_akuvox_face_file_info', { residence_id: R })).toEqual({});
    expect(await ok('get_akuvox_face_file_info', { residence_id: R })).toEqual({ is_uploaded: false });
  });

  it('check_akuvox_device_permission answers per MAC', async () => {
    expect(await ok('check_akuvox_device_permission', { devices: [{ mac: '0C110532D226' }, { mac: '0C11050BC115' }], residence_id: R }))
      .toEqual([{ permission: true, mac: '0C110532D226' }, { permission: false, mac: '0C11050BC115' }]);
  });

  it('get_akuvox_call_history: call_name, call_sip, call_time', async () => {
    const calls = await ok<Record<string, unknown>[]>('get_akuvox_call_history', { residence_id: R });
    expect(calls).toContainEqual({ call_name: 'IT83_alq_180', call_sip: '6200105433', call_time: '2020-03-12 17:32:43' });
  });

  it('trigger_akuvox_remote_open_door opens, and the open-door history shows it with captures', async () => {
    expect(await ok('trigger_akuvox_remote_open_door', { mac: '0C110508EF2E', residence_id: R, relay_id: 'rr31adc223cc4b3bedb6bd4742dedcfa5' })).toEqual({});
    const [latest] = sandbox.systems.akuvoxOpens();
    expect(latest).toMatchObject({ mac: '0C110508EF2E', relayId: 'rr31adc223cc4b3bedb6bd4742dedcfa5', ok: true, time: '2024-06-01 12:00:00' });
    const history = await ok<Record<string, unknown>[]>('get_akuvox_open_door_history', { residence_id: R });
    expect(Object.keys(history[0] ?? {}).sort()).toEqual(['account_name', 'capture_picture_url', 'capture_thumbnail_url', 'device_name', 'open_door', 'open_door_time', 'open_door_type']);
    expect(history[0]).toMatchObject({ open_door: true, account_name: 'tom', device_name: '车库门禁', open_door_time: '2024-06-01 12:00:00' });
    const picture = await fetch(String(history[0]?.['capture_picture_url']));
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await picture.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});

describe('Akuvox failure replies', () => {
  it('a missing or unknown Bearer token is 401 UNAUTHORIZED', async () => {
    for (const token of [null, 'nope']) {
      const r = await invoke('get_akuvox_device_list', { residence_id: R }, { token });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ success: false, timestamp: clock.t, result: { code: 'UNAUTHORIZED' } });
    }
  });

  it('a residence the token does not grant is 403 RESIDENCE_FORBIDDEN', async () => {
    const r = await invoke('get_akuvox_device_list', { residence_id: AKUVOX_DEMO.otherResidenceId });
    expect(r.status).toBe(403);
    expect(r.body.result).toMatchObject({ code: 'RESIDENCE_FORBIDDEN' });
  });

  it('the wrong headers, body, command or param are 400s', async () => {
    expect((await invoke('get_akuvox_device_list', { residence_id: R }, { headers: { 'Content-Type': 'text/plain' } })).body.result).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await invoke('get_akuvox_device_list', { residence_id: R }, { headers: { Accept: 'text/html' } })).body.result).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await invoke('', {}, { body: '{"command":"get_akuvox_device_list","param":{}}' })).body.result).toMatchObject({ code: 'INVALID_REQUEST' });
    const unknown = await invoke('get_akuvox_everything', { residence_id: R });
    expect(unknown.status).toBe(400);
    expect(unknown.body.result).toMatchObject({ code: 'UNKNOWN_COMMAND' });
    const noMac = await invoke('trigger_akuvox_remote_open_door', { residence_id: R, relay_id: 'x' });
    expect(noMac.body.result).toMatchObject({ code: 'INVALID_PARAM' });
    expect(String((noMac.body.result as { message: string }).message)).toContain('mac');
  });

  it('remote open: unknown device, unknown relay, offline device', async () => {
    const open = (mac: string, relay: string) => invoke('trigger_akuvox_remote_open_door', { mac, residence_id: R, relay_id: relay });
    expect((await open('0C11050BC115', 'x')).body).toMatchObject({ success: false, result: { code: 'DEVICE_NOT_FOUND' } });
    expect((await open('0C110532D226', 'rr31adc223cc4b3bedb6bd4742dedcfa5')).body).toMatchObject({ success: false, result: { code: 'RELAY_NOT_FOUND' } });
    const offline = await open(AKUVOX_DEMO.unitDoor.mac, AKUVOX_DEMO.unitDoor.relayId);
    expect(offline.status).toBe(200);
    expect(offline.body).toMatchObject({ success: false, result: { code: 'DEVICE_OFFLINE' } });
  });

  it('injected faults and the down switch (console routes)', async () => {
    const post = (path: string, body: unknown) => fetch(`${sandbox.url}/console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('systems/faults', { system: 'akuvox', target: 'get_akuvox_call_history', status: 500 })).status).toBe(200);
    const failed = await invoke('get_akuvox_call_history', { residence_id: R });
    expect(failed.status).toBe(500);
    expect(failed.body.result).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect((await invoke('get_akuvox_call_history', { residence_id: R })).status).toBe(200);
    await post('systems/down', { system: 'akuvox', down: true });
    const down = await fetch(`${sandbox.url}/akuvox${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{}' });
    expect(down.status).toBe(503);
    await post('systems/down', { system: 'akuvox', down: false });
  });
});

describe('the panel client against the sandbox', () => {
  const client = (token: string = AKUVOX_DEMO.token) => new AkuvoxClient({ endpoint: `${sandbox.url}/akuvox`, token });

  it('reads every query command into its documented shape', async () => {
    const c = client();
    const devices = await c.call('get_akuvox_device_list', { residence_id: R });
    expect(devices.find((d) => d.mac === '0C110532D226')?.relays).toEqual([{ relay_name: 'Front Door 3', relay_number: '#', relay_id: 'r4b5a73f8dd84abaa94dcs248be49b0d2' }]);
    expect(devices.find((d) => d.device_type === 'Indoor Monitor')?.relays).toEqual([]);
    expect(await c.call('check_akuvox_device_permission', { residence_id: R, devices: [{ mac: '0C110532D226' }] })).toEqual([{ permission: true, mac: '0C110532D226' }]);
    expect((await c.call('get_akuvox_call_history', { residence_id: R })).length).toBeGreaterThan(0);
    expect((await c.call('get_akuvox_open_door_history', { residence_id: R })).length).toBeGreaterThan(0);
  });

  it('turns each failure reply into its kind and a Chinese reason', async () => {
    const bad = await systemFailure(client('nope').call('get_akuvox_device_list', { residence_id: R }));
    expect(bad).toMatchObject({ kind: 'auth', status: 401, code: 'UNAUTHORIZED', retryable: false });
    expect(describeSystemError(bad).message).toBe('Akuvox 云平台拒绝了本机的访问令牌，请联系安装人员重新配置');
    const forbidden = await systemFailure(client().call('get_akuvox_device_list', { residence_id: AKUVOX_DEMO.otherResidenceId }));
    expect(describeSystemError(forbidden).message).toContain('无权访问这个住宅');
    const offline = await systemFailure(client().call('trigger_akuvox_remote_open_door', { residence_id: R, mac: AKUVOX_DEMO.unitDoor.mac, relay_id: AKUVOX_DEMO.unitDoor.relayId }));
    expect(offline).toMatchObject({ kind: 'rejected', code: 'DEVICE_OFFLINE', reason: '设备离线，暂时无法操作' });
    sandbox.systems.faults.add({ system: 'akuvox', target: 'get_akuvox_face_file_info', status: 429 });
    expect(await systemFailure(client().call('get_akuvox_face_file_info', { residence_id: R }))).toMatchObject({ kind: 'busy', retryable: true });
    sandbox.systems.faults.add({ system: 'akuvox', target: 'get_akuvox_face_file_info', malformed: true });
    expect(await systemFailure(client().call('get_akuvox_face_file_info', { residence_id: R }))).toMatchObject({ kind: 'bad-reply' });
    sandbox.systems.faults.setDown('akuvox', true);
    expect(await systemFailure(client().call('get_akuvox_face_file_info', { residence_id: R }))).toMatchObject({ kind: 'busy', status: 503 });
    sandbox.systems.faults.setDown('akuvox', false);
    const gone = await systemFailure(new AkuvoxClient({ endpoint: `http://127.0.0.1:${await freePort()}`, token: 't', timeoutMs: 2000 }).call('get_akuvox_face_file_info', { residence_id: R }));
    expect(gone).toMatchObject({ kind: 'unreachable', refused: true });
    expect(describeSystemError(gone).message).toBe('无法连接Akuvox 云平台，请检查网络连接');
  });
});
