// The other systems' state in the sandbox's SQLite file (so a restart keeps keys, opens and
// messages), and their demo data, seeded once per file. Ids come from the seeds' own samples where
// they give one, so a test can compare with the seed. The secrets below are sandbox-only.
import type { Db } from '../db.js';
import { getMeta, setMeta } from '../db.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS akuvox_tokens (token TEXT PRIMARY KEY, residence_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS akuvox_residences (
  residence_id TEXT PRIMARY KEY,
  account_name TEXT NOT NULL,
  private_key TEXT NOT NULL,
  nfc_code TEXT NOT NULL,
  enable_nfc INTEGER NOT NULL,
  ble_code TEXT NOT NULL,
  enable_ble INTEGER NOT NULL,
  face_file TEXT
);
CREATE TABLE IF NOT EXISTS akuvox_devices (
  mac TEXT PRIMARY KEY,
  residence_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  device_type TEXT NOT NULL,
  sip TEXT NOT NULL,
  online INTEGER NOT NULL,
  is_public INTEGER NOT NULL,
  rtsp TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS akuvox_relays (
  mac TEXT NOT NULL,
  relay_id TEXT NOT NULL,
  relay_name TEXT NOT NULL,
  relay_number TEXT NOT NULL,
  security INTEGER NOT NULL,
  PRIMARY KEY (mac, relay_id)
);
CREATE TABLE IF NOT EXISTS akuvox_temp_keys (
  temp_key TEXT PRIMARY KEY,
  residence_id TEXT NOT NULL,
  start_time TEXT NOT NULL,
  finish_time TEXT NOT NULL,
  count INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS akuvox_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  residence_id TEXT NOT NULL,
  call_name TEXT NOT NULL,
  call_sip TEXT NOT NULL,
  call_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS akuvox_opens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  residence_id TEXT NOT NULL,
  open_door INTEGER NOT NULL,
  account_name TEXT NOT NULL,
  device_name TEXT NOT NULL,
  mac TEXT,
  relay_id TEXT,
  open_door_type TEXT NOT NULL,
  open_door_time TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS isdp_apps (
  username TEXT PRIMARY KEY,
  password TEXT NOT NULL,
  client_id TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  user_no TEXT NOT NULL,
  user_name TEXT NOT NULL,
  tenant_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS isdp_tokens (token TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS isdp_devices (
  chat_jid TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  device_id TEXT NOT NULL,
  isdp_device_id TEXT NOT NULL,
  tenant_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS isdp_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  username TEXT NOT NULL,
  message TEXT NOT NULL,
  message_id TEXT,
  to_jid TEXT,
  attrs TEXT,
  state_code TEXT NOT NULL,
  error_message TEXT
);
CREATE TABLE IF NOT EXISTS iot_video_keys (access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, instance_id TEXT);
CREATE TABLE IF NOT EXISTS iot_video_cameras (
  iot_id TEXT PRIMARY KEY,
  product_key TEXT NOT NULL,
  device_name TEXT NOT NULL,
  nick_name TEXT NOT NULL,
  UNIQUE (product_key, device_name)
);
CREATE TABLE IF NOT EXISTS iot_video_queries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  access_key_id TEXT NOT NULL,
  iot_id TEXT,
  scheme TEXT NOT NULL,
  request_id TEXT NOT NULL,
  code TEXT NOT NULL
);
`;

/** The seed 002 samples' residence, with a token that grants it (and only it). */
export const AKUVOX_DEMO = {
  residenceId: 'r31adc223cc4b3bedb6bd4742dedcfa52',
  token: 'lintel-sandbox-akuvox-token-6b1e0c',
  accountName: 'tom',
  /** A second residence (the seed's other sample id) the demo token does not grant. */
  otherResidenceId: 'r4b5a73f8dd84abaa94dcs248be49b0db',
  otherToken: 'lintel-sandbox-akuvox-token-other-93d2',
  frontDoor: { mac: '0C110532D226', relayId: 'r4b5a73f8dd84abaa94dcs248be49b0d2', relayName: 'Front Door 3' },
  garage: { mac: '0C110508EF2E', relayId: 'rr31adc223cc4b3bedb6bd4742dedcfa5', relayName: '车库门', securityRelayId: 'rsec0c110508ef2e01', securityRelayName: '车库保险门' },
  unitDoor: { mac: '0C1105AA0001', relayId: 'r0c1105aa000101', relayName: '单元门' },
  indoorMonitor: { mac: '0C1105AA0002' },
  /** In the front door's RTSP URL: it must never reach a panel's screen or log. */
  rtspPassword: 'bfk69623v6Lsandbox',
} as const;

export const ISDP_DEMO = {
  clientId: 'isdp-saas-openapi',
  username: 'sdcpoPIW3cLintelSandboxApp',
  password: 'lintel-sandbox-isdp-app-token-41c7',
  xmppDomain: 'isdp-sandbox.lintel.test',
  /** The seed's sample account. */
  user: { userId: 864711, userNo: 'Zhang123456', userName: 'zhang_sit', tenantId: 886 },
  devices: [
    { name: '巡逻岗', chatJid: '759646@saasgroupchat.isdp-sandbox.lintel.test', deviceId: 'aqm0523', isdpDeviceId: 'aqm0523--1' },
    { name: '东门岗亭', chatJid: '759647@saasgroupchat.isdp-sandbox.lintel.test', deviceId: 'aqm0524', isdpDeviceId: 'aqm0524--1' },
  ],
  tokenLifetimeSec: 1199,
} as const;

export const IOT_VIDEO_DEMO = {
  accessKeyId: 'LTAI5tLintelSandbox01',
  accessKeySecret: 'lintel-sandbox-iot-video-secret-2f9a',
  regionId: 'cn-shanghai',
  iotInstanceId: 'iot-cn-lintel0001',
  cameras: [
    { iotId: 'C47T6xwp6ms4bNlkHRWCg4LNTL', productKey: 'a1BwAGVLNTL', deviceName: 'camera1', name: '东门摄像头' },
    { iotId: 'D58U7yxq7nt5cOmlISXDh5LNTL', productKey: 'a1BwAGVLNTL', deviceName: 'camera2', name: '地下车库摄像头' },
  ],
} as const;

const DEMO_VERSION = '1';

export function openSystemsStore(db: Db): void {
  db.exec(SCHEMA);
  if (getMeta(db, 'systemsDemoSeeded') === DEMO_VERSION) return;
  db.transaction(() => {
    seedAkuvox(db);
    seedIsdp(db);
    seedIotVideo(db);
    setMeta(db, 'systemsDemoSeeded', DEMO_VERSION);
  })();
}

function seedAkuvox(db: Db): void {
  const a = AKUVOX_DEMO;
  const token = db.prepare('INSERT OR IGNORE INTO akuvox_tokens (token, residence_id) VALUES (?, ?)');
  token.run(a.token, a.residenceId);
  token.run(a.otherToken, a.otherResidenceId);
  const residence = db.prepare(`INSERT OR IGNORE INTO akuvox_residences (residence_id, account_name, private_key, nfc_code, enable_nfc, ble_code, enable_ble, face_file)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`);
  residence.run(a.residenceId, a.accountName, '12345', 'F0A5B8FDC7643920', 1, 'F0A5B8FDC7643920', 1);
  residence.run(a.otherResidenceId, 'jerry', '54321', '0A1B2C3D4E5F6071', 0, '0A1B2C3D4E5F6071', 0);
  const device = db.prepare(`INSERT OR IGNORE INTO akuvox_devices (mac, residence_id, device_name, device_type, sip, online, is_public, rtsp, ciphertext, position)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const relay = db.prepare('INSERT OR IGNORE INTO akuvox_relays (mac, relay_id, relay_name, relay_number, security) VALUES (?, ?, ?, ?, ?)');
  device.run(a.frontDoor.mac, a.residenceId, 'Front Door', 'Multi-tenants Doorphone', '123132312', 1, 1, `rtsp://user:${a.rtspPassword}@127.0.0.1:554/211F03FF0008`, '7b3d75f5a8cfa959167852468fca08a3', 1);
  relay.run(a.frontDoor.mac, a.frontDoor.relayId, a.frontDoor.relayName, '#', 0);
  device.run(a.garage.mac, a.residenceId, '车库门禁', 'Access Control', '123132313', 1, 1, `rtsp://user:${a.rtspPassword}@127.0.0.1:554/0C110508EF2E`, '9c4e86a6b9d0ea60278963579adb19b4', 2);
  relay.run(a.garage.mac, a.garage.relayId, a.garage.relayName, '1', 0);
  relay.run(a.garage.mac, a.garage.securityRelayId, a.garage.securityRelayName, '2', 1);
  device.run(a.unitDoor.mac, a.residenceId, '单元门口机', 'Single-tenant Doorphone', '123132314', 0, 0, `rtsp://user:${a.rtspPassword}@127.0.0.1:554/0C1105AA0001`, 'ad5f97b7ca1efb71389a7468abec2ac5', 3);
  relay.run(a.unitDoor.mac, a.unitDoor.relayId, a.unitDoor.relayName, '#', 0);
  device.run(a.indoorMonitor.mac, a.residenceId, '客厅室内机', 'Indoor Monitor', '123132315', 1, 0, '', 'be6fa8c8db2f0c824a0b8579bcfd3bd6', 4);
  device.run('0C1105BB0001', a.otherResidenceId, 'Back Door', 'Single-tenant Doorphone', '223132312', 1, 0, '', 'cf70b9d9ec3f1d935b1c968acd0e4ce7', 1);
  relay.run('0C1105BB0001', 'r0c1105bb000101', 'Back Door 1', '#', 0);
  const call = db.prepare('INSERT INTO akuvox_calls (residence_id, call_name, call_sip, call_time) VALUES (?, ?, ?, ?)');
  call.run(a.residenceId, 'IT83_alq_180', '6200105433', '2020-03-12 17:32:43');
  call.run(a.residenceId, 'Front Door', '123132312', '2024-05-31 09:15:02');
  const open = db.prepare(`INSERT INTO akuvox_opens (residence_id, open_door, account_name, device_name, mac, relay_id, open_door_type, open_door_time, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  open.run(a.residenceId, 1, a.accountName, 'R29', null, null, '', '2020-05-18 15:25:45', Date.UTC(2020, 4, 18, 15, 25, 45));
  open.run(a.residenceId, 0, 'guest', 'Front Door', a.frontDoor.mac, null, 'PIN', '2024-05-31 09:16:40', Date.UTC(2024, 4, 31, 9, 16, 40));
}

function seedIsdp(db: Db): void {
  const d = ISDP_DEMO;
  db.prepare(`INSERT OR IGNORE INTO isdp_apps (username, password, client_id, user_id, user_no, user_name, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(d.username, d.password, d.clientId, d.user.userId, d.user.userNo, d.user.userName, d.user.tenantId);
  const device = db.prepare('INSERT OR IGNORE INTO isdp_devices (chat_jid, name, device_id, isdp_device_id, tenant_id) VALUES (?, ?, ?, ?, ?)');
  for (const dev of d.devices) device.run(dev.chatJid, dev.name, dev.deviceId, dev.isdpDeviceId, d.user.tenantId);
}

function seedIotVideo(db: Db): void {
  const v = IOT_VIDEO_DEMO;
  db.prepare('INSERT OR IGNORE INTO iot_video_keys (access_key_id, secret, instance_id) VALUES (?, ?, ?)').run(v.accessKeyId, v.accessKeySecret, v.iotInstanceId);
  const cam = db.prepare('INSERT OR IGNORE INTO iot_video_cameras (iot_id, product_key, device_name, nick_name) VALUES (?, ?, ?, ?)');
  for (const c of v.cameras) cam.run(c.iotId, c.productKey, c.deviceName, c.name);
}
