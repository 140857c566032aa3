// The sandbox's Akuvox open-ability API (seed 002) under /akuvox: the one user-commands endpoint
// with every command, the captures its open-door history points at, and the QR images its
// temporary keys point at. Order of checks: down → headers → Bearer token → body → command →
// injected fault → param → residence → the command.
import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { z } from 'zod';
import {
  AKUVOX_PATH,
  akuvoxCommands,
  akuvoxRequestSchema,
  isAkuvoxCommand,
  type AkuvoxCommand,
  type AkuvoxFailureCode,
} from '../../../electron/host/platform/akuvox/api.js';
import { bodyText, header, origin, type SystemsContext } from '../systems/context.js';

export const AKUVOX_PREFIX = '/akuvox';

/** A 48×32 JPEG: what every capture of the sandbox's doors looks like. */
export const CAPTURE_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgQEBMQExYWFhYWFhoYGhsbGxoaGhobGxsdHR0iIiIdHR0bGx0dICAiIiUmJSMjIiMmJigoKDAwLi44ODpFRVP/xABeAAEBAQEAAAAAAAAAAAAAAAAABgcFAQEBAQEAAAAAAAAAAAAAAAAEAAUGEAEAAwEAAAAAAAAAAAAAAAAABUPCgxEAAQMFAQEAAAAAAAAAAAAAAhIAAWIx4aERExT/wAARCAAgADADASIAAhEAAxEA/9oADAMBAAIRAxEAPwDiAvoO/np0BkkZm7xBFU8cCN7Afop3hr8KtZeCC+nKOmUCcBKGJsyEKZ4y+g7+ekCIxUMxZwkmevexggD89WstfvTvDvpyjplAgcApGIuyESp6/wD/2Q==',
  'base64',
);

class Failure extends Error {
  constructor(readonly code: AkuvoxFailureCode, message: string, readonly status = 200) {
    super(message);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function registerAkuvox(app: FastifyInstance, sc: SystemsContext): void {
  app.post(AKUVOX_PREFIX + AKUVOX_PATH, (req, reply) => handle(sc, req, reply));
  app.get(`${AKUVOX_PREFIX}/captures/:file`, async (req, reply) => {
    const { file } = req.params as { file: string };
    const m = /^(\d+)(-thumb)?\.jpg$/.exec(file);
    if (!m || sc.db.prepare('SELECT 1 FROM akuvox_opens WHERE id = ?').get(Number(m[1])) === undefined) return reply.code(404).send('');
    return reply.header('content-type', 'image/jpeg').send(CAPTURE_JPEG);
  });
  app.get(`${AKUVOX_PREFIX}/qr/:file`, async (req, reply) => {
    const key = /^([0-9]+)\.png$/.exec((req.params as { file: string }).file)?.[1];
    if (!key || sc.db.prepare('SELECT 1 FROM akuvox_temp_keys WHERE temp_key = ?').get(key) === undefined) return reply.code(404).send('');
    return reply.header('content-type', 'image/png').send(await QRCode.toBuffer(key, { margin: 2, scale: 6 }));
  });
}

async function handle(sc: SystemsContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const send = (status: number, body: unknown) => reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
  const fail = (f: Failure) => send(f.status, { success: false, timestamp: sc.now(), result: { code: f.code, message: f.message } });
  if (sc.faults.isDown('akuvox')) return void (await reply.code(503).send(''));
  try {
    if (!header(req, 'content-type').toLowerCase().startsWith('application/json')) throw new Failure('INVALID_REQUEST', 'Content-Type must be application/json', 400);
    if (!header(req, 'accept').toLowerCase().includes('application/json')) throw new Failure('INVALID_REQUEST', 'Accept must be application/json', 400);
    const token = /^Bearer (\S+)$/i.exec(header(req, 'authorization'))?.[1];
    const granted = token ? (sc.db.prepare('SELECT residence_id FROM akuvox_tokens WHERE token = ?').get(token) as { residence_id: string } | undefined) : undefined;
    if (!granted) throw new Failure('UNAUTHORIZED', 'invalid or missing access token', 401);
    let json: unknown;
    try {
      json = JSON.parse(bodyText(req));
    } catch {
      throw new Failure('INVALID_REQUEST', 'body is not JSON', 400);
    }
    const body = akuvoxRequestSchema.safeParse(json);
    if (!body.success) throw new Failure('INVALID_REQUEST', `body must be {command, id, param}: ${body.error.issues[0]?.path.join('.') || 'body'} ${body.error.issues[0]?.message ?? ''}`.trim(), 400);
    const { command, param } = body.data;
    if (!isAkuvoxCommand(command)) throw new Failure('UNKNOWN_COMMAND', `unknown command ${command}`, 400);
    const fault = sc.faults.take('akuvox', command);
    if (fault?.malformed) return void (await send(200, { success: true, timestamp: sc.now(), result: 'malformed' }));
    if (fault) {
      const status = fault.status ?? 200;
      const code = (fault.code ?? (status === 401 ? 'UNAUTHORIZED' : status === 429 ? 'TOO_MANY_REQUESTS' : status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_PARAM')) as AkuvoxFailureCode;
      throw new Failure(code, fault.message ?? 'injected fault', status);
    }
    const parsed = akuvoxCommands[command].param.safeParse(param);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Failure('INVALID_PARAM', `param.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, 400);
    }
    const p = parsed.data as { residence_id: string };
    if (p.residence_id !== granted.residence_id) throw new Failure('RESIDENCE_FORBIDDEN', `the token does not grant residence ${p.residence_id}`, 403);
    const result = run(sc, req, command, parsed.data);
    sc.log.info({ command, residenceId: p.residence_id }, 'akuvox command');
    await send(200, { success: true, timestamp: sc.now(), result });
  } catch (e) {
    if (e instanceof Failure) {
      sc.log.warn({ code: e.code }, 'akuvox command refused');
      await fail(e);
      return;
    }
    sc.log.error({ err: e instanceof Error ? e.message : String(e) }, 'akuvox handler failed');
    await fail(new Failure('INTERNAL_ERROR', 'internal error', 500));
  }
}

interface DeviceRow { mac: string; device_name: string; device_type: string; sip: string; online: number; is_public: number; rtsp: string; ciphertext: string }
interface RelayRow { relay_id: string; relay_name: string; relay_number: string; security: number }
interface ResidenceRow { account_name: string; private_key: string; nfc_code: string; enable_nfc: number; ble_code: string; enable_ble: number; face_file: string | null }
interface KeyRow { temp_key: string; start_time: string; finish_time: string; count: number }

type Params<C extends AkuvoxCommand> = z.output<(typeof akuvoxCommands)[C]['param']>;

/** The command itself, with params already checked against the command's schema. */
function run(sc: SystemsContext, req: FastifyRequest, command: AkuvoxCommand, raw: unknown): unknown {
  const { db } = sc;
  const p = <C extends AkuvoxCommand>(_c: C): Params<C> => raw as Params<C>;
  const residenceId = (raw as { residence_id: string }).residence_id;
  const residence = () => db.prepare('SELECT * FROM akuvox_residences WHERE residence_id = ?').get(residenceId) as ResidenceRow;
  const setResidence = (column: string, value: string | number | null) => db.prepare(`UPDATE akuvox_residences SET ${column} = ? WHERE residence_id = ?`).run(value, residenceId);
  const device = (mac: string) => db.prepare('SELECT * FROM akuvox_devices WHERE residence_id = ? AND mac = ?').get(residenceId, mac.toUpperCase()) as DeviceRow | undefined;
  const relays = (mac: string) => db.prepare('SELECT * FROM akuvox_relays WHERE mac = ? ORDER BY rowid').all(mac) as RelayRow[];
  const relayView = (r: RelayRow) => ({ relay_name: r.relay_name, relay_number: r.relay_number, relay_id: r.relay_id });
  const qrUrl = (key: string) => `${origin(req)}${AKUVOX_PREFIX}/qr/${key}.png`;
  const keyExists = (key: string) => db.prepare('SELECT 1 FROM akuvox_temp_keys WHERE residence_id = ? AND temp_key = ?').get(residenceId, key) !== undefined;

  switch (command) {
    case 'get_akuvox_device_list': {
      const rows = db.prepare('SELECT * FROM akuvox_devices WHERE residence_id = ? ORDER BY position').all(residenceId) as DeviceRow[];
      return rows.map((d) => {
        const rs = relays(d.mac);
        // The field table says rtsp_url, the sample says rtsp: both are sent.
        return {
          ciphertext: d.ciphertext, security_relays: rs.filter((r) => r.security).map(relayView), relays: rs.filter((r) => !r.security).map(relayView),
          is_public: d.is_public === 1, device_name: d.device_name, sip: d.sip, device_type: d.device_type, mac: d.mac, online: d.online === 1,
          rtsp_url: d.rtsp, rtsp: d.rtsp,
        };
      });
    }
    case 'get_akuvox_open_door_private_key_config':
      return { private_key: residence().private_key };
    case 'update_akuvox_open_door_private_key_config': {
      const { private_key } = p('update_akuvox_open_door_private_key_config');
      if (!/^\d{4,8}$/.test(private_key)) throw new Failure('INVALID_PARAM', 'private_key must be 4 to 8 digits', 400);
      setResidence('private_key', private_key);
      return {};
    }
    case 'get_akuvox_open_door_nfc_config': {
      const r = residence();
      return { nfc_code: r.nfc_code, enable_nfc: r.enable_nfc === 1 };
    }
    case 'update_akuvox_open_door_nfc_config':
      setResidence('enable_nfc', p('update_akuvox_open_door_nfc_config').enable_nfc ? 1 : 0);
      return { nfc_code: residence().nfc_code };
    case 'get_akuvox_open_door_ble_config': {
      const r = residence();
      return { ble_code: r.ble_code, enable_ble: r.enable_ble === 1 };
    }
    case 'update_akuvox_open_door_ble_config':
      setResidence('enable_ble', p('update_akuvox_open_door_ble_config').enable_ble ? 1 : 0);
      return { ble_code: residence().ble_code };
    case 'get_akuvox_open_door_temp_key_config': {
      const keys = db.prepare('SELECT * FROM akuvox_temp_keys WHERE residence_id = ? ORDER BY created_at, rowid').all(residenceId) as KeyRow[];
      return keys.map((k) => ({ start_time: k.start_time, finish_time: k.finish_time, temp_key: k.temp_key, qr_code_url: qrUrl(k.temp_key), count: k.count }));
    }
    case 'create_akuvox_open_door_temp_key_config': {
      const { start_time, finish_time, count } = p('create_akuvox_open_door_temp_key_config');
      if (Date.parse(`${finish_time.replace(' ', 'T')}Z`) <= Date.parse(`${start_time.replace(' ', 'T')}Z`)) {
        throw new Failure('INVALID_TIME_RANGE', 'finish_time must be after start_time');
      }
      let key: string;
      do key = String(randomInt(10_000_000, 100_000_000)); while (db.prepare('SELECT 1 FROM akuvox_temp_keys WHERE temp_key = ?').get(key) !== undefined);
      db.prepare('INSERT INTO akuvox_temp_keys (temp_key, residence_id, start_time, finish_time, count, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(key, residenceId, start_time, finish_time, count, sc.now());
      return { temp_key: key, qr_code_url: qrUrl(key) };
    }
    case 'delete_akuvox_open_door_temp_key_config': {
      const { temp_key } = p('delete_akuvox_open_door_temp_key_config');
      if (!keyExists(temp_key)) throw new Failure('TEMP_KEY_NOT_FOUND', `no temporary key ${temp_key}`);
      db.prepare('DELETE FROM akuvox_temp_keys WHERE temp_key = ?').run(temp_key);
      return {};
    }
    case 'batch_delete_akuvox_open_door_temp_key_config': {
      // All or nothing: a list with an unknown key deletes none, so a retry is not half done.
      const { temp_key } = p('batch_delete_akuvox_open_door_temp_key_config');
      const missing = temp_key.filter((k) => !keyExists(k));
      if (missing.length > 0) throw new Failure('TEMP_KEY_NOT_FOUND', `no temporary key ${missing.join(', ')}`);
      const del = db.prepare('DELETE FROM akuvox_temp_keys WHERE temp_key = ?');
      db.transaction(() => temp_key.forEach((k) => del.run(k)))();
      return {};
    }
    case 'get_akuvox_face_file_info':
      return { is_uploaded: residence().face_file !== null };
    case 'update_akuvox_face_file_info':
      setResidence('face_file', p('update_akuvox_face_file_info').filename);
      return {};
    case 'delete_akuvox_face_file_info':
      setResidence('face_file', null);
      return {};
    case 'check_akuvox_device_permission':
      return p('check_akuvox_device_permission').devices.map((d) => ({ permission: device(d.mac) !== undefined, mac: d.mac }));
    case 'get_akuvox_call_history':
      return (db.prepare('SELECT call_name, call_sip, call_time FROM akuvox_calls WHERE residence_id = ? ORDER BY id DESC').all(residenceId));
    case 'get_akuvox_open_door_history': {
      const rows = db.prepare('SELECT * FROM akuvox_opens WHERE residence_id = ? ORDER BY id DESC').all(residenceId) as {
        id: number; open_door: number; account_name: string; device_name: string; open_door_type: string; open_door_time: string;
      }[];
      const capture = (id: number, thumb: boolean) => `${origin(req)}${AKUVOX_PREFIX}/captures/${id}${thumb ? '-thumb' : ''}.jpg`;
      return rows.map((r) => ({
        open_door: r.open_door === 1, account_name: r.account_name, device_name: r.device_name, capture_thumbnail_url: capture(r.id, true),
        open_door_type: r.open_door_type, capture_picture_url: capture(r.id, false), open_door_time: r.open_door_time,
      }));
    }
    case 'trigger_akuvox_remote_open_door': {
      const { mac, relay_id } = p('trigger_akuvox_remote_open_door');
      const d = device(mac);
      if (!d) throw new Failure('DEVICE_NOT_FOUND', `no device ${mac} in residence ${residenceId}`);
      if (!relays(d.mac).some((r) => r.relay_id === relay_id)) throw new Failure('RELAY_NOT_FOUND', `no relay ${relay_id} on device ${d.mac}`);
      if (d.online !== 1) throw new Failure('DEVICE_OFFLINE', `device ${d.mac} is offline`);
      const at = sc.now();
      db.prepare(`INSERT INTO akuvox_opens (residence_id, open_door, account_name, device_name, mac, relay_id, open_door_type, open_door_time, at)
        VALUES (?, 1, ?, ?, ?, ?, 'Remote Open', ?, ?)`).run(residenceId, residence().account_name, d.device_name, d.mac, relay_id, utcTime(at), at);
      sc.log.info({ mac: d.mac, relayId: relay_id }, 'akuvox relay opened');
      return {};
    }
  }
}

function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
