// Host-level flows of issue 7 against the sandbox, through the contract exactly as the screen and
// its voice dialog will call them (dispatchRequest checks params and results with the contract's
// schemas): an Akuvox-residence panel opens a relay by voice and by touch and the sandbox records
// it; a temporary key's QR decodes to the key the API returned; the property desk calls an ISDP
// field device and the sandbox receives a well-formed message (hostile names included); a camera's
// voice intercom is obtained and the screen is told the truth about it. No secret reaches the
// screen's state or the log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRequestName, HostRequestParams, HostRequestResult, PanelState, RequestError } from '../../electron/contract/index.js';
import { readStatus } from '../../electron/cli/status.js';
import { loadConfig } from '../../electron/host/config/index.js';
import { createHost, DATABASE_FILE, type Host } from '../../electron/host/index.js';
import { createLogger, silentLogger, type Logger } from '../../electron/host/log/index.js';
import { dispatchRequest } from '../../electron/host/server/dispatch.js';
import { openStore, keyFileCipher } from '../../electron/host/store/index.js';
import { SystemActionsRepo } from '../../electron/host/store/system-actions.js';
import { DESK_ONLY, FieldDevices, TALK_NOT_SPECIFIED } from '../../electron/host/systems/index.js';
import { AKUVOX_DEMO, IOT_VIDEO_DEMO, ISDP_DEMO, PROPERTY_OFFICE, startSandbox, type Sandbox } from '../sandbox/index.js';
import { bindFromApp } from '../support/bind.js';
import { readRemoteInvite } from '../support/isdp.js';
import { waitForState } from '../support/panel.js';
import { decodeQrFromPng } from '../support/qr.js';
import { tempDir } from '../support/temp.js';

/** A hostile account name: the message must carry it as text, never as markup. */
const HOSTILE_NAME = `值班"员'<script>&amp;</directives_attrs>]]>`;

let sandbox: Sandbox;
let host: Host;
let logger: Logger;
const dataDir = tempDir('systems');
const logFile = join(dataDir, 'host.log');
const states: PanelState[] = [];

async function request<K extends HostRequestName>(method: K, params: HostRequestParams<K>): Promise<HostRequestResult<K>> {
  const out = await dispatchRequest(host.api, method, params, silentLogger());
  if (!out.ok) throw Object.assign(new Error(`${method}: ${out.error.code} ${out.error.message}`), { error: out.error });
  return out.result as HostRequestResult<K>;
}

async function refused(method: HostRequestName, params: unknown): Promise<RequestError> {
  const out = await dispatchRequest(host.api, method, params, silentLogger());
  if (out.ok) throw new Error(`${method} succeeded`);
  return out.error;
}

beforeAll(async () => {
  sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false });
  // The ISDP account's name needs escaping; set before the desk's first token.
  sandbox.systems.setIsdpUser({ userName: HOSTILE_NAME, userNo: 'No.<1>&"2"' });
  const settings = sandbox.systems.hostSettings();
  if (!settings.akuvox) throw new Error('no Akuvox settings');
  settings.akuvox.config.defaultRelayId = AKUVOX_DEMO.frontDoor.relayId;
  logger = createLogger({ level: 'debug', destination: logFile });
  host = await createHost({
    config: loadConfig({ LINTEL_DATA_DIR: dataDir }),
    credentials: { endpoint: sandbox.url, ...sandbox.app },
    systems: settings,
    logger,
    bindingTiming: { pollUnboundMs: 100 },
    // One open per relay per 300 ms instead of 2 s, so the test need not wait long between tries.
    akuvoxTiming: { openMinIntervalMs: 300 },
  });
  host.on('state', (s) => states.push(s));
});

afterAll(async () => {
  await host?.close();
  await sandbox?.close();
});

describe('an Akuvox residence panel', () => {
  it('lists the residence\'s door phones and relays in its state, without RTSP URLs', async () => {
    const s = await waitForState(host, (st) => (st.systems.akuvox?.devices.length ?? 0) > 0);
    const akuvox = s.systems.akuvox;
    expect(akuvox?.residenceId).toBe(AKUVOX_DEMO.residenceId);
    expect(akuvox?.failure).toBeNull();
    expect(akuvox?.devices.map((d) => [d.name, d.typeLabel, d.online])).toEqual([
      ['Front Door', '梯口机', true], ['车库门禁', '门禁', true], ['单元门口机', '门口机', false], ['客厅室内机', '室内机', true],
    ]);
    expect(akuvox?.devices[1]?.relays).toEqual([
      { relayId: AKUVOX_DEMO.garage.relayId, name: '车库门', dialKey: '1', security: false },
      { relayId: AKUVOX_DEMO.garage.securityRelayId, name: '车库保险门', dialKey: '2', security: true },
    ]);
    expect(JSON.stringify(s)).not.toMatch(/rtsp|bfk69623/);
    expect((await request('akuvox.devices', {})).devices).toEqual(akuvox?.devices);
  });

  it('opens the configured relay when the resident just says 开门, and the sandbox records it', async () => {
    const before = sandbox.systems.akuvoxOpens().length;
    const out = await request('akuvox.openRelay', { via: 'voice', transcript: '你好门楣 开门', confidence: 0.92 });
    expect(out).toEqual({ ok: true, message: 'Front Door 3已打开', relay: { mac: AKUVOX_DEMO.frontDoor.mac, relayId: AKUVOX_DEMO.frontDoor.relayId, label: 'Front Door 3' }, choices: [] });
    const opens = sandbox.systems.akuvoxOpens();
    expect(opens).toHaveLength(before + 1);
    expect(opens[0]).toMatchObject({ residenceId: AKUVOX_DEMO.residenceId, mac: AKUVOX_DEMO.frontDoor.mac, relayId: AKUVOX_DEMO.frontDoor.relayId, type: 'Remote Open', ok: true });
    expect(host.state().systems.akuvox?.lastOpen).toMatchObject({ ok: true, target: 'Front Door 3', message: 'Front Door 3已打开' });
    // The audit trail keeps the evidence.
    const store = openStore(join(dataDir, DATABASE_FILE), keyFileCipher(join(dataDir, 'secret.key')));
    try {
      expect(new SystemActionsRepo(store.db).recent(1)[0]).toMatchObject({
        system: 'akuvox', action: 'open-relay', target: `${AKUVOX_DEMO.frontDoor.mac}/${AKUVOX_DEMO.frontDoor.relayId}`, via: 'voice',
        transcript: '你好门楣 开门', confidence: 0.92, result: 'ok',
      });
    } finally {
      store.close();
    }
  });

  it('asks which door when a name fits several, then opens the one chosen by voice', async () => {
    const ask = await request('akuvox.openRelay', { via: 'voice', name: '门', transcript: '开门' });
    expect(ask.ok).toBe(false);
    expect(ask.message).toBe('有多个门，请说出或选择要打开的门');
    expect(ask.choices.map((c) => c.label)).toEqual(['车库门', '车库保险门', '单元门']);
    const chosen = await request('akuvox.openRelay', { via: 'voice', name: '车库门', transcript: '车库门', confidence: 0.88 });
    expect(chosen).toMatchObject({ ok: true, message: '车库门已打开', relay: { relayId: AKUVOX_DEMO.garage.relayId } });
    expect(sandbox.systems.akuvoxOpens()[0]).toMatchObject({ mac: AKUVOX_DEMO.garage.mac, relayId: AKUVOX_DEMO.garage.relayId });
  });

  it('refuses a second open of the same relay within the rate limit, and an offline door with a clear reason', async () => {
    const again = await request('akuvox.openRelay', { via: 'touch', relayId: AKUVOX_DEMO.garage.relayId });
    expect(again).toMatchObject({ ok: false, message: '开门太频繁，请稍后再试' });
    const before = sandbox.systems.akuvoxOpens().length;
    const offline = await request('akuvox.openRelay', { via: 'touch', mac: AKUVOX_DEMO.unitDoor.mac, relayId: AKUVOX_DEMO.unitDoor.relayId });
    expect(offline).toMatchObject({ ok: false, message: '单元门口机离线，暂时无法开门' });
    expect(sandbox.systems.akuvoxOpens()).toHaveLength(before);
    sandbox.systems.setAkuvoxOnline(AKUVOX_DEMO.unitDoor.mac, true);
    await new Promise((r) => setTimeout(r, 350));
    expect(await request('akuvox.openRelay', { via: 'touch', name: '单元门' })).toMatchObject({ ok: true });
    const unknown = await request('akuvox.openRelay', { via: 'voice', name: '后花园' });
    expect(unknown).toMatchObject({ ok: false, message: '没有找到“后花园”，请选择要打开的门' });
    expect(unknown.choices).toHaveLength(4);
  });

  it('shows the call history and the open-door history with captures fetched by the host', async () => {
    const { calls } = await request('akuvox.callHistory', {});
    expect(calls).toContainEqual({ name: 'IT83_alq_180', sip: '6200105433', time: '2020-03-12 17:32:43', at: Date.UTC(2020, 2, 12, 17, 32, 43) });
    const { entries } = await request('akuvox.openHistory', {});
    expect(entries[0]).toMatchObject({ ok: true, account: 'tom', device: '单元门口机', type: 'Remote Open' });
    const id = entries[0]?.thumbnailId;
    if (!id) throw new Error('no capture id');
    const { image } = await request('akuvox.snapshot', { id });
    expect(image).toMatch(/^data:image\/jpeg;base64,/);
    expect(Buffer.from(image.split(',')[1] ?? '', 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await refused('akuvox.snapshot', { id: 'not-from-the-history' })).toMatchObject({ code: 'not-found' });
  });

  it('creates a temporary key whose QR decodes to the key the API returned, lists it, and deletes it', async () => {
    const { key } = await request('akuvox.createTempKey', { validMinutes: 120, count: 5 });
    const [stored] = sandbox.systems.akuvoxTempKeys().slice(-1);
    expect(key.key).toBe(stored?.key);
    expect(key.qrText).toBe(stored?.key);
    expect(key).toMatchObject({ startTime: stored?.startTime, finishTime: stored?.finishTime, count: 5 });
    expect(key.endsAt - key.startsAt).toBe(120 * 60_000);
    // What the screen does with qrText: render it with the qrcode package; a phone camera reads it back.
    const png = await QRCode.toBuffer(key.qrText, { margin: 2, scale: 6 });
    expect(decodeQrFromPng(png)).toBe(stored?.key);

    const second = (await request('akuvox.createTempKey', { validMinutes: 30, count: 1, startsInMinutes: 60 })).key;
    const third = (await request('akuvox.createTempKey', { validMinutes: 30, count: 1 })).key;
    expect((await request('akuvox.tempKeys', {})).keys.map((k) => k.key)).toEqual([key.key, second.key, third.key]);
    await request('akuvox.deleteTempKeys', { keys: [key.key] });
    await request('akuvox.deleteTempKeys', { keys: [second.key, third.key] });
    expect(sandbox.systems.akuvoxTempKeys()).toEqual([]);
    expect(await refused('akuvox.deleteTempKeys', { keys: [key.key] })).toEqual({ code: 'rejected', message: '这个临时密码不存在或已被删除' });
  });

  it('says in Chinese why the list cannot be fetched, and keeps the last list', async () => {
    sandbox.systems.faults.add({ system: 'akuvox', target: 'get_akuvox_device_list', status: 401, times: 3 });
    expect(await refused('akuvox.devices', { refresh: true })).toEqual({ code: 'rejected', message: 'Akuvox 云平台拒绝了本机的访问令牌，请联系安装人员重新配置' });
    const s = host.state().systems.akuvox;
    expect(s?.failure?.message).toBe('Akuvox 云平台拒绝了本机的访问令牌，请联系安装人员重新配置');
    expect(s?.devices).toHaveLength(4);
    sandbox.systems.faults.clear();
    sandbox.systems.faults.setDown('akuvox', true);
    const down = await request('akuvox.openRelay', { via: 'touch', name: 'Front Door 3' }).finally(() => sandbox.systems.faults.setDown('akuvox', false));
    expect(down).toMatchObject({ ok: false, message: '开门失败：Akuvox 云平台繁忙，请稍后再试' });
    await request('akuvox.devices', { refresh: true });
    expect(host.state().systems.akuvox?.failure).toBeNull();
  });
});

describe('the property desk calling ISDP field devices', () => {
  it('binds as the property desk, lists the field devices, and asks which one when none is named', async () => {
    const unbound = await waitForState(host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    if (unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, PROPERTY_OFFICE.spaceId);
    const desk = await waitForState(host, (s) => s.binding.status === 'bound' && s.binding.bindType === 1);
    expect(desk.systems.isdp).toEqual({ devices: [{ id: 'aqm0523', name: '巡逻岗' }, { id: 'aqm0524', name: '东门岗亭' }], allowed: true, lastCall: null });
    const ask = await request('isdp.call', { via: 'touch' });
    expect(ask).toMatchObject({ ok: false, device: null, choices: [{ id: 'aqm0523', name: '巡逻岗' }, { id: 'aqm0524', name: '东门岗亭' }] });
  });

  it('呼叫巡逻岗: the sandbox receives a well-formed remote invite with every name escaped', async () => {
    const out = await request('isdp.call', { via: 'voice', name: '巡逻岗' });
    expect(out).toEqual({ ok: true, message: '已呼叫巡逻岗', device: { id: 'aqm0523', name: '巡逻岗' }, choices: [] });
    const [received] = sandbox.systems.isdpMessages();
    expect(received).toMatchObject({ stateCode: '0', to: ISDP_DEMO.devices[0].chatJid });
    const invite = readRemoteInvite(received?.message ?? '');
    expect(invite).toMatchObject({
      declaration: { version: '1.0', encoding: 'UTF-8' },
      attrs: { to: ISDP_DEMO.devices[0].chatJid, type: 'chat' },
      subject: 'qc-intellect-equip-remote-invite',
      propertiesXmlns: `http://${ISDP_DEMO.xmppDomain}/xmlns/xmpp/properties`,
      directivesType: 'qc-intellect-equip-remote-invite',
    });
    expect(invite.directivesAttrs).toEqual({
      userId: 864711, userName: HOSTILE_NAME, userNo: 'No.<1>&"2"', tenantId: 886, deviceId: 'aqm0523', isdpDeviceId: 'aqm0523--1',
    });
    // The raw text carries the name escaped, never as markup.
    expect(received?.message).not.toContain('<script>');
    expect(received?.message.match(/<\/directives_attrs>/g)).toHaveLength(1);
    expect(host.state().systems.isdp?.lastCall).toMatchObject({ ok: true, target: '巡逻岗', message: '已呼叫巡逻岗' });
  });

  it('reports a refused call (stateCode not "0") in Chinese', async () => {
    sandbox.systems.faults.add({ system: 'isdp', target: 'send', code: '2001', message: '设备不在线' });
    expect(await request('isdp.call', { via: 'touch', deviceId: 'aqm0524' })).toMatchObject({
      ok: false, message: '呼叫东门岗亭失败：ISDP 平台未能呼叫该设备：设备不在线',
    });
  });

  it('refuses on a panel bound as a resident\'s', async () => {
    const settings = sandbox.systems.hostSettings().isdp;
    if (!settings) throw new Error('no ISDP settings');
    const store = openStore(':memory:', keyFileCipher(join(tempDir('resident'), 'k')));
    try {
      const devices = new FieldDevices({
        config: settings.config, password: settings.password, bindType: () => 0, actions: new SystemActionsRepo(store.db),
        logger: silentLogger(), now: Date.now, onChange: () => undefined,
      });
      expect(devices.state().allowed).toBe(false);
      const before = sandbox.systems.isdpMessages().length;
      expect(await devices.call({ via: 'voice', name: '巡逻岗' })).toMatchObject({ ok: false, message: DESK_ONLY });
      expect(sandbox.systems.isdpMessages()).toHaveLength(before);
    } finally {
      store.close();
    }
  });
});

describe('IP cameras with voice intercom', () => {
  const [camera] = IOT_VIDEO_DEMO.cameras;

  it('appear in the monitor list with the note that talking is not specified', () => {
    expect(host.state().systems.cameras).toEqual({
      cameras: IOT_VIDEO_DEMO.cameras.map((c) => ({ id: c.iotId, name: c.name })), note: TALK_NOT_SPECIFIED, lastQuery: null,
    });
  });

  it('get a ws voice-intercom session; the screen gets neither its token nor its key', async () => {
    const out = await request('cameras.intercom', { cameraId: camera?.iotId ?? '' });
    expect(out.ok).toBe(true);
    expect(out.talkSupported).toBe(false);
    expect(out.message).toContain('规范没有定义对讲协议');
    expect(out.talkEndpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/linkvisual\/talk$/);
    expect(sandbox.systems.iotVideoQueries()[0]).toMatchObject({ iotId: camera?.iotId, scheme: 'ws', code: '200' });
    // The host has the whole session, for whatever speaks the protocol once it is specified.
    const { session } = await host.systems.cameras?.session(camera?.iotId ?? '') ?? { session: null };
    expect(session?.url).toMatch(/\?token=[0-9a-f]{32}$/);
    expect(session?.key).toHaveLength(16);
    const token = new URL(session?.url ?? 'ws://x').searchParams.get('token') ?? '';
    expect(JSON.stringify(host.state())).not.toContain(token);
  });

  it('say why a session cannot be had', async () => {
    sandbox.systems.faults.add({ system: 'iot-video', target: 'QueryVoiceIntercom', code: 'iot.device.NotExistedDevice', message: 'The specified device does not exist.' });
    const out = await request('cameras.intercom', { cameraId: camera?.iotId ?? '' });
    expect(out).toMatchObject({ ok: false, talkEndpoint: null, message: `无法取得“${camera?.name ?? ''}”的语音对讲地址：物联网视频平台上没有这个摄像头，请联系安装人员` });
    expect(await refused('cameras.intercom', { cameraId: 'unknown' })).toEqual({ code: 'not-found', message: '没有这个摄像头' });
  });
});

describe('secrets', () => {
  it('never reach the screen\'s state or the host log', async () => {
    logger.flush();
    await new Promise((r) => setTimeout(r, 200));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('akuvox: relay opened');
    const screen = JSON.stringify(states);
    for (const secret of [AKUVOX_DEMO.token, AKUVOX_DEMO.rtspPassword, ISDP_DEMO.password, IOT_VIDEO_DEMO.accessKeySecret]) {
      expect(screen).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });
});

describe('configured from config.json and the environment', () => {
  it('seals the secrets, runs without them in the environment, and `lintel status` says they are stored', async () => {
    const dir = tempDir('systems-config');
    const settings = sandbox.systems.hostSettings();
    const file = join(dir, 'config.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ akuvox: settings.akuvox?.config, isdp: settings.isdp?.config, iotVideo: settings.iotVideo?.config }));
    const env = { LINTEL_DATA_DIR: dir, LINTEL_CONFIG: file };
    const secretsEnv = { LINTEL_AKUVOX_TOKEN: AKUVOX_DEMO.token, LINTEL_ISDP_PASSWORD: ISDP_DEMO.password, LINTEL_IOT_VIDEO_ACCESS_KEY_SECRET: IOT_VIDEO_DEMO.accessKeySecret };
    const start = (e: Record<string, string>) => createHost({ config: loadConfig(e), credentials: { endpoint: sandbox.url, ...sandbox.app }, logger: silentLogger() });

    let panel = await start({ ...env, ...secretsEnv });
    await waitForState(panel, (s) => (s.systems.akuvox?.devices.length ?? 0) > 0);
    await panel.close();
    panel = await start(env);
    try {
      await waitForState(panel, (s) => s.systems.akuvox?.updatedAt !== null && s.systems.akuvox?.failure === null);
      expect((await dispatchRequest(panel.api, 'cameras.intercom', { cameraId: IOT_VIDEO_DEMO.cameras[0].iotId }, silentLogger()))).toMatchObject({ ok: true, result: { ok: true } });
    } finally {
      await panel.close();
    }
    const db = readFileSync(join(dir, DATABASE_FILE));
    for (const secret of Object.values(secretsEnv)) expect(db.includes(Buffer.from(secret))).toBe(false);
    const status = readStatus(loadConfig(env), {});
    expect(status.systems).toMatchObject({
      akuvox: { residenceId: AKUVOX_DEMO.residenceId, tokenStored: true },
      isdp: { devices: ['巡逻岗', '东门岗亭'], passwordStored: true },
      iotVideo: { cameras: ['东门摄像头', '地下车库摄像头'], accessKeySecretStored: true },
    });
    expect(JSON.stringify(status)).not.toMatch(new RegExp(Object.values(secretsEnv).join('|')));
  });

  it('without a sealed secret, says so instead of calling', async () => {
    const dir = tempDir('systems-nosecret');
    const file = join(dir, 'config.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ akuvox: sandbox.systems.hostSettings().akuvox?.config }));
    const panel = await createHost({ config: loadConfig({ LINTEL_DATA_DIR: dir, LINTEL_CONFIG: file }), logger: silentLogger() });
    try {
      const message = '本机尚未保存Akuvox 云平台的访问令牌，请联系安装人员配置';
      expect(panel.state().systems).toMatchObject({ akuvox: { devices: [], failure: { message } }, isdp: null, cameras: null });
      expect(await panel.api['akuvox.openRelay']({ via: 'touch' })).toMatchObject({ ok: false, message });
      expect(await dispatchRequest(panel.api, 'isdp.call', { via: 'touch' }, silentLogger())).toEqual({ ok: false, error: { code: 'not-configured', message: '本机没有配置可呼叫的现场设备' } });
    } finally {
      await panel.close();
    }
  });
});
