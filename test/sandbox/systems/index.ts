// The other intercom systems in the sandbox (issue 7), beside the community platform on the same
// port: Akuvox under /akuvox, ISDP under /isdp, the IoT video platform under /linkvisual. Their
// state is in the sandbox's SQLite file; their console routes show what they received (relay
// opens, temporary keys, IM messages, voice-intercom queries) and arm faults.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SystemsSettings } from '../../../electron/host/systems/settings.js';
import { AKUVOX_PREFIX, registerAkuvox } from '../akuvox/index.js';
import { answer, jsonBody } from '../console/routes.js';
import { ApiError } from '../errors.js';
import type { Db } from '../db.js';
import { IOT_VIDEO_PREFIX, registerIotVideo } from '../iot-video/index.js';
import { ISDP_PREFIX, registerIsdp, type IsdpOptions } from '../isdp/index.js';
import type { SystemsContext } from './context.js';
import { AKUVOX_DEMO, IOT_VIDEO_DEMO, ISDP_DEMO, openSystemsStore } from './demo.js';
import { SYSTEM_NAMES, SystemFaults, systemFaultSchema } from './faults.js';

export { AKUVOX_DEMO, ISDP_DEMO, IOT_VIDEO_DEMO } from './demo.js';
export type { SystemFaultInput } from './faults.js';

export interface AkuvoxOpenRecord { id: number; residenceId: string; ok: boolean; account: string; device: string; mac: string | null; relayId: string | null; type: string; time: string; at: number }
export interface AkuvoxKeyRecord { key: string; residenceId: string; startTime: string; finishTime: string; count: number }
export interface IsdpMessageRecord { id: number; at: number; username: string; message: string; messageId: string | null; to: string | null; attrs: unknown; stateCode: string; errorMessage: string | null }
export interface IotVideoQueryRecord { id: number; at: number; accessKeyId: string; iotId: string | null; scheme: string; requestId: string; code: string }

export interface SystemsSandbox {
  /** What a panel bound to the demo residence, ISDP tenant and cameras is given (secrets included). */
  hostSettings(): SystemsSettings;
  faults: SystemFaults;
  /** Remote opens and the seeded history, newest first. */
  akuvoxOpens(): AkuvoxOpenRecord[];
  akuvoxTempKeys(): AkuvoxKeyRecord[];
  setAkuvoxOnline(mac: string, online: boolean): void;
  /** Every IM message received, accepted (stateCode "0") or not, newest first. */
  isdpMessages(): IsdpMessageRecord[];
  /** Rename the ISDP demo account (e.g. to names that need escaping). */
  setIsdpUser(user: { userName?: string; userNo?: string }): void;
  addIsdpDevice(device: { name: string; chatJid: string; deviceId: string; isdpDeviceId: string }): void;
  /** Forget every ISDP access token (as a restarted ISDP would): the next call with one gets 401. */
  revokeIsdpTokens(): void;
  iotVideoQueries(): IotVideoQueryRecord[];
}

export interface SystemsSandboxOptions {
  isdp?: IsdpOptions;
}

const onlineBody = z.object({ mac: z.string().min(1), online: z.boolean() });
const downBody = z.object({ system: z.enum(SYSTEM_NAMES), down: z.boolean() });

export function registerOtherSystems(
  app: FastifyInstance,
  base: { db: Db; now: () => number; log: Logger },
  baseUrl: () => string,
  opts: SystemsSandboxOptions = {},
): SystemsSandbox {
  openSystemsStore(base.db);
  const sc: SystemsContext = { ...base, faults: new SystemFaults() };
  registerAkuvox(app, sc);
  registerIsdp(app, sc, opts.isdp);
  registerIotVideo(app, sc);
  const { db } = sc;

  const systems: SystemsSandbox = {
    hostSettings: () => ({
      akuvox: { config: { endpoint: baseUrl() + AKUVOX_PREFIX, residenceId: AKUVOX_DEMO.residenceId }, token: AKUVOX_DEMO.token },
      isdp: {
        config: {
          endpoint: baseUrl() + ISDP_PREFIX, clientId: ISDP_DEMO.clientId, username: ISDP_DEMO.username, xmppDomain: ISDP_DEMO.xmppDomain,
          devices: ISDP_DEMO.devices.map((d) => ({ ...d })),
        },
        password: ISDP_DEMO.password,
      },
      iotVideo: {
        config: {
          endpoint: baseUrl() + IOT_VIDEO_PREFIX, regionId: IOT_VIDEO_DEMO.regionId, accessKeyId: IOT_VIDEO_DEMO.accessKeyId, iotInstanceId: IOT_VIDEO_DEMO.iotInstanceId,
          cameras: IOT_VIDEO_DEMO.cameras.map((c) => ({ name: c.name, iotId: c.iotId })),
        },
        accessKeySecret: IOT_VIDEO_DEMO.accessKeySecret,
      },
    }),
    faults: sc.faults,
    akuvoxOpens: () => (db.prepare('SELECT * FROM akuvox_opens ORDER BY id DESC').all() as {
      id: number; residence_id: string; open_door: number; account_name: string; device_name: string; mac: string | null; relay_id: string | null;
      open_door_type: string; open_door_time: string; at: number;
    }[]).map((r) => ({
      id: r.id, residenceId: r.residence_id, ok: r.open_door === 1, account: r.account_name, device: r.device_name, mac: r.mac, relayId: r.relay_id,
      type: r.open_door_type, time: r.open_door_time, at: r.at,
    })),
    akuvoxTempKeys: () => (db.prepare('SELECT * FROM akuvox_temp_keys ORDER BY created_at, rowid').all() as {
      temp_key: string; residence_id: string; start_time: string; finish_time: string; count: number;
    }[]).map((k) => ({ key: k.temp_key, residenceId: k.residence_id, startTime: k.start_time, finishTime: k.finish_time, count: k.count })),
    setAkuvoxOnline: (mac, online) => {
      if (db.prepare('UPDATE akuvox_devices SET online = ? WHERE mac = ?').run(online ? 1 : 0, mac.toUpperCase()).changes === 0) throw new ApiError(400, `no Akuvox device ${mac}`, '没有这台 Akuvox 设备');
    },
    isdpMessages: () => (db.prepare('SELECT * FROM isdp_messages ORDER BY id DESC').all() as {
      id: number; at: number; username: string; message: string; message_id: string | null; to_jid: string | null; attrs: string | null; state_code: string; error_message: string | null;
    }[]).map((m) => ({
      id: m.id, at: m.at, username: m.username, message: m.message, messageId: m.message_id, to: m.to_jid,
      attrs: m.attrs === null ? null : (JSON.parse(m.attrs) as unknown), stateCode: m.state_code, errorMessage: m.error_message,
    })),
    setIsdpUser: ({ userName, userNo }) => {
      if (userName !== undefined) db.prepare('UPDATE isdp_apps SET user_name = ? WHERE username = ?').run(userName, ISDP_DEMO.username);
      if (userNo !== undefined) db.prepare('UPDATE isdp_apps SET user_no = ? WHERE username = ?').run(userNo, ISDP_DEMO.username);
    },
    addIsdpDevice: (d) => {
      db.prepare('INSERT OR REPLACE INTO isdp_devices (chat_jid, name, device_id, isdp_device_id, tenant_id) VALUES (?, ?, ?, ?, ?)')
        .run(d.chatJid, d.name, d.deviceId, d.isdpDeviceId, ISDP_DEMO.user.tenantId);
    },
    revokeIsdpTokens: () => void db.prepare('DELETE FROM isdp_tokens').run(),
    iotVideoQueries: () => (db.prepare('SELECT * FROM iot_video_queries ORDER BY id DESC').all() as {
      id: number; at: number; access_key_id: string; iot_id: string | null; scheme: string; request_id: string; code: string;
    }[]).map((q) => ({ id: q.id, at: q.at, accessKeyId: q.access_key_id, iotId: q.iot_id, scheme: q.scheme, requestId: q.request_id, code: q.code })),
  };

  // The console's view of them (unsigned loopback tooling, like the rest of /console/api).
  app.get('/console/api/akuvox/opens', (_req, reply) => answer(reply, () => systems.akuvoxOpens()));
  app.get('/console/api/akuvox/temp-keys', (_req, reply) => answer(reply, () => systems.akuvoxTempKeys()));
  app.post('/console/api/akuvox/online', (req, reply) => answer(reply, () => {
    const { mac, online } = onlineBody.parse(jsonBody(req));
    systems.setAkuvoxOnline(mac, online);
  }));
  app.get('/console/api/isdp/messages', (_req, reply) => answer(reply, () => systems.isdpMessages()));
  app.get('/console/api/iot-video/queries', (_req, reply) => answer(reply, () => systems.iotVideoQueries()));
  app.post('/console/api/systems/faults', (req, reply) => answer(reply, () => { sc.faults.add(systemFaultSchema.parse(jsonBody(req))); }));
  app.delete('/console/api/systems/faults', (_req, reply) => answer(reply, () => { sc.faults.clear(); }));
  app.post('/console/api/systems/down', (req, reply) => answer(reply, () => {
    const { system, down } = downBody.parse(jsonBody(req));
    sc.faults.setDown(system, down);
  }));
  return systems;
}
