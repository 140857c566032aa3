// Contract: the sandbox's IoT video platform (seed 003 QueryVoiceIntercom) behind an RPC gateway,
// over real HTTP: the gateway's refusals, the business failures, JSON and XML answers; then the
// panel's client against it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IotVideoClient } from '../../electron/host/platform/iot-video/index.js';
import { signRpcParams } from '../../electron/host/platform/iot-video/rpc-signing.js';
import { systemFailure } from '../support/system-error.js';
import { describeSystemError } from '../../electron/host/platform/systems/problems.js';
import { IOT_VIDEO_DEMO, startSandbox, type Sandbox } from './index.js';
import { parseXml, childElements, textOf } from './isdp/xml.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const clock = { t: T0 };
const [camera1] = IOT_VIDEO_DEMO.cameras;
let sandbox: Sandbox;

interface Rpc { status: number; type: string | null; text: string; json: Record<string, unknown> | null }

async function rpc(params: Record<string, string>, o: { method?: 'GET' | 'POST'; secret?: string; format?: 'JSON' | 'XML'; tamper?: (p: Record<string, string>) => Record<string, string>; now?: number; nonce?: string } = {}): Promise<Rpc> {
  const method = o.method ?? 'POST';
  let signed = signRpcParams({
    method, accessKeyId: IOT_VIDEO_DEMO.accessKeyId, accessKeySecret: o.secret ?? IOT_VIDEO_DEMO.accessKeySecret, version: '2018-01-20',
    params: { RegionId: 'cn-shanghai', IotInstanceId: IOT_VIDEO_DEMO.iotInstanceId, ...params }, now: o.now ?? clock.t, format: o.format ?? 'JSON',
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
  if (o.tamper) signed = o.tamper(signed);
  const qs = new URLSearchParams(signed).toString();
  const res = method === 'GET'
    ? await fetch(`${sandbox.url}/linkvisual/?${qs}`)
    : await fetch(`${sandbox.url}/linkvisual/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, type: res.headers.get('content-type'), text, json };
}

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, now: () => clock.t });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.systems.faults.clear());

describe('QueryVoiceIntercom', () => {
  it('answers RequestId, Data {Url, CryptoKey {Iv, Key}}, Code "200", Success true; ws as asked', async () => {
    const r = await rpc({ Action: 'QueryVoiceIntercom', IotId: camera1?.iotId ?? '', Scheme: 'ws' });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(Object.keys(r.json ?? {}).sort()).toEqual(['Code', 'Data', 'RequestId', 'Success']);
    expect(r.json).toMatchObject({ Code: '200', Success: true });
    const data = r.json?.['Data'] as { Url: string; CryptoKey: { Iv: string; Key: string } };
    expect(data.Url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/linkvisual\/talk\?token=[0-9a-f]{32}$/);
    expect(Buffer.from(data.CryptoKey.Key, 'base64')).toHaveLength(16);
    expect(Buffer.from(data.CryptoKey.Iv, 'base64')).toHaveLength(16);
    expect(sandbox.systems.iotVideoQueries()[0]).toMatchObject({ iotId: camera1?.iotId, scheme: 'ws', code: '200', requestId: r.json?.['RequestId'] });
  });

  it('defaults to rtmp, finds a camera by ProductKey and DeviceName, and signs GET too', async () => {
    const r = await rpc({ Action: 'QueryVoiceIntercom', ProductKey: camera1?.productKey ?? '', DeviceName: camera1?.deviceName ?? '' }, { method: 'GET' });
    expect((r.json?.['Data'] as { Url: string }).Url).toMatch(/^rtmp:\/\/127\.0\.0\.1:8000\/talk\?token=/);
  });

  it('answers XML when Format asks for it (the seed sample\'s shape)', async () => {
    const r = await rpc({ Action: 'QueryVoiceIntercom', IotId: camera1?.iotId ?? '', Scheme: 'ws' }, { format: 'XML' });
    expect(r.type).toMatch(/^text\/xml/);
    const { root } = parseXml(r.text);
    expect(root.name).toBe('QueryVoiceIntercomResponse');
    expect(childElements(root).map((e) => e.name)).toEqual(['RequestId', 'Data', 'Code', 'Success']);
    const data = childElements(root).find((e) => e.name === 'Data');
    expect(childElements(data ?? root).map((e) => e.name)).toEqual(['Url', 'CryptoKey']);
    expect(textOf(childElements(root).find((e) => e.name === 'Success') ?? root)).toBe('true');
  });

  it.each([
    ['unknown camera', { IotId: 'nope' }, 'iot.device.NotExistedDevice'],
    ['ProductKey without DeviceName', { ProductKey: 'a1BwAGVLNTL' }, 'iot.system.IllegalRequest'],
    ['no camera at all', {}, 'iot.system.IllegalRequest'],
    ['an unknown Scheme', { IotId: 'C47T6xwp6ms4bNlkHRWCg4LNTL', Scheme: 'http' }, 'iot.system.IllegalRequest'],
    ['the wrong instance', { IotId: 'C47T6xwp6ms4bNlkHRWCg4LNTL', IotInstanceId: 'iot-cn-other' }, 'iot.common.InvalidTenant'],
  ])('fails with Success false and Code/ErrorMessage: %s', async (_what, extra, code) => {
    const r = await rpc({ Action: 'QueryVoiceIntercom', ...extra });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ Success: false, Code: code });
    expect(typeof r.json?.['ErrorMessage']).toBe('string');
    expect(typeof r.json?.['RequestId']).toBe('string');
  });

  it('the seed\'s "tenant auth error" for a missing instance id', async () => {
    const r = await rpc({ Action: 'QueryVoiceIntercom', IotId: camera1?.iotId ?? '' }, { tamper: (p) => {
      const { IotInstanceId: _gone, ...rest } = p;
      return signRpcParams({ method: 'POST', accessKeyId: rest['AccessKeyId'] ?? '', accessKeySecret: IOT_VIDEO_DEMO.accessKeySecret, version: '2018-01-20',
        params: { Action: 'QueryVoiceIntercom', RegionId: 'cn-shanghai', IotId: camera1?.iotId ?? '' }, now: clock.t });
    } });
    expect(r.json).toMatchObject({ Success: false, Code: 'iot.common.InvalidTenant', ErrorMessage: 'tenant auth error' });
  });
});

describe('the RPC gateway', () => {
  const q = { Action: 'QueryVoiceIntercom', IotId: 'C47T6xwp6ms4bNlkHRWCg4LNTL', Scheme: 'ws' };
  it.each([
    ['a wrong secret', { secret: 'wrong' }, 400, 'SignatureDoesNotMatch'],
    ['an old Timestamp', { now: T0 - 16 * 60_000 }, 400, 'InvalidTimeStamp.Expired'],
    ['an unknown AccessKeyId', { tamper: (p: Record<string, string>) => ({ ...p, AccessKeyId: 'LTAIunknown' }) }, 404, 'InvalidAccessKeyId.NotFound'],
    ['no Signature', { tamper: (p: Record<string, string>) => { const { Signature: _s, ...rest } = p; return rest; } }, 400, 'MissingParameter'],
  ])('refuses %s', async (_what, o, status, code) => {
    const r = await rpc(q, o);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ Code: code, HostId: expect.any(String), RequestId: expect.any(String), Message: expect.any(String) });
  });

  it('refuses a replayed SignatureNonce, a wrong Version and an unknown Action', async () => {
    expect((await rpc(q, { nonce: 'same-nonce' })).status).toBe(200);
    expect((await rpc(q, { nonce: 'same-nonce' })).json).toMatchObject({ Code: 'SignatureNonceUsed' });
    const v = await rpc(q, { tamper: (p) => signRpcParams({ method: 'POST', accessKeyId: IOT_VIDEO_DEMO.accessKeyId, accessKeySecret: IOT_VIDEO_DEMO.accessKeySecret, version: '2017-01-01', params: { ...q, RegionId: 'cn-shanghai' }, now: clock.t }) });
    expect(v.json).toMatchObject({ Code: 'InvalidVersion' });
    expect((await rpc({ ...q, Action: 'QueryLiveStreaming' })).json).toMatchObject({ Code: 'InvalidAction.NotFound' });
  });

  it('is down (503) when the console says so', async () => {
    await fetch(`${sandbox.url}/console/api/systems/down`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ system: 'iot-video', down: true }) });
    expect((await rpc(q)).status).toBe(503);
    sandbox.systems.faults.setDown('iot-video', false);
  });
});

describe('the panel client against the sandbox', () => {
  const client = (secret: string = IOT_VIDEO_DEMO.accessKeySecret) => new IotVideoClient({
    endpoint: `${sandbox.url}/linkvisual`, regionId: 'cn-shanghai', accessKeyId: IOT_VIDEO_DEMO.accessKeyId, accessKeySecret: secret,
    iotInstanceId: IOT_VIDEO_DEMO.iotInstanceId, now: () => clock.t,
  });

  it('gets a ws URL with a 16-byte AES key and IV', async () => {
    const s = await client().queryVoiceIntercom({ iotId: camera1?.iotId ?? '' });
    expect(s.scheme).toBe('ws');
    expect(new URL(s.url).protocol).toBe('ws:');
    expect(s.key).toHaveLength(16);
    expect(s.iv).toHaveLength(16);
    expect((await client().queryVoiceIntercom({ productKey: camera1?.productKey ?? '', deviceName: camera1?.deviceName ?? '' })).url).toMatch(/^ws:/);
  });

  it('turns failures into kinds and Chinese reasons', async () => {
    const sig = await systemFailure(client('wrong').queryVoiceIntercom({ iotId: camera1?.iotId ?? '' }));
    expect(sig).toMatchObject({ kind: 'auth', code: 'SignatureDoesNotMatch', status: 400 });
    expect(describeSystemError(sig).message).toBe('物联网视频平台拒绝了本机的阿里云 AccessKey，请联系安装人员重新配置');
    const missing = await systemFailure(client().queryVoiceIntercom({ iotId: 'nope' }));
    expect(missing).toMatchObject({ kind: 'rejected', code: 'iot.device.NotExistedDevice' });
    expect(describeSystemError(missing).message).toBe('物联网视频平台上没有这个摄像头，请联系安装人员');
    sandbox.systems.faults.add({ system: 'iot-video', target: 'QueryVoiceIntercom', status: 500 });
    expect(await systemFailure(client().queryVoiceIntercom({ iotId: camera1?.iotId ?? '' }))).toMatchObject({ kind: 'server', code: 'iot.system.SystemException', retryable: true });
    sandbox.systems.faults.add({ system: 'iot-video', target: 'QueryVoiceIntercom', code: 'Throttling.User', message: 'Request was denied due to user flow control.' });
    expect(await systemFailure(client().queryVoiceIntercom({ iotId: camera1?.iotId ?? '' }))).toMatchObject({ kind: 'busy' });
    sandbox.systems.faults.add({ system: 'iot-video', target: 'QueryVoiceIntercom', malformed: true });
    expect(await systemFailure(client().queryVoiceIntercom({ iotId: camera1?.iotId ?? '' }))).toMatchObject({ kind: 'bad-reply' });
    const skewed = new IotVideoClient({ endpoint: `${sandbox.url}/linkvisual`, regionId: 'cn-shanghai', accessKeyId: IOT_VIDEO_DEMO.accessKeyId,
      accessKeySecret: IOT_VIDEO_DEMO.accessKeySecret, iotInstanceId: IOT_VIDEO_DEMO.iotInstanceId, now: () => clock.t + 3_600_000 });
    expect(describeSystemError(await systemFailure(skewed.queryVoiceIntercom({ iotId: camera1?.iotId ?? '' }))).message).toBe('本机时间与物联网视频平台相差过大，请校准时间后重试');
  });
});
