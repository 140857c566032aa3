// The community's structure: spaces (units, houses, the property office), door stations
// (entrance devices) and the SIP-group ↔ room-number maps (seed 000 §2.3-2.4).
import type { SandboxContext } from './context.js';
import { paramError } from './errors.js';

export interface Space {
  spaceId: string;
  communityId: number;
  kind: 'community' | 'unit' | 'house' | 'office';
  parentId: string | null;
  name: string;
  buildingNo: string | null;
  unitNo: string | null;
  roomNo: string | null;
  sipGroupId: string | null;
}

interface SpaceRow {
  space_id: string; community_id: number; kind: Space['kind']; parent_id: string | null; name: string;
  building_no: string | null; unit_no: string | null; room_no: string | null; sip_group_id: string | null;
}

function toSpace(r: SpaceRow): Space {
  return {
    spaceId: r.space_id, communityId: r.community_id, kind: r.kind, parentId: r.parent_id, name: r.name,
    buildingNo: r.building_no, unitNo: r.unit_no, roomNo: r.room_no, sipGroupId: r.sip_group_id,
  };
}

export function communityExists(ctx: SandboxContext, communityId: number): boolean {
  return ctx.db.prepare('SELECT 1 FROM communities WHERE community_id = ?').get(communityId) !== undefined;
}

export function getSpace(ctx: SandboxContext, spaceId: string): Space | undefined {
  const r = ctx.db.prepare('SELECT * FROM spaces WHERE space_id = ?').get(spaceId) as SpaceRow | undefined;
  return r ? toSpace(r) : undefined;
}

/** Houses and the property office: the spaces a panel can be bound to. */
export function bindableSpaces(ctx: SandboxContext, communityId?: number): Space[] {
  const rows = ctx.db.prepare(
    `SELECT * FROM spaces WHERE kind IN ('house', 'office') ${communityId === undefined ? '' : 'AND community_id = ?'}
     ORDER BY kind = 'office' DESC, CAST(building_no AS INTEGER), CAST(unit_no AS INTEGER), CAST(room_no AS INTEGER)`,
  ).all(...(communityId === undefined ? [] : [communityId])) as SpaceRow[];
  return rows.map(toSpace);
}

export interface EntranceDevice {
  iotId: string;
  communityId: number;
  deviceName: string;
  nickName: string;
  productKey: string;
  productName: string;
  /** ExtInfo.intercomDeviceMode: 0 unit door station, 1 wall station (seed 001 §3). */
  mode: 0 | 1;
  unitSpaceId: string | null;
  status: 0 | 1 | 3 | 8;
  sipNumber: string | null;
  sipPassword: string | null;
  /** Null means "the sandbox's own SIP server", so a changed --sip option is picked up. */
  sipHost: string | null;
  sipPort: string | null;
}

interface DeviceRow {
  iot_id: string; community_id: number; device_name: string; nick_name: string; product_key: string; product_name: string;
  mode: 0 | 1; unit_space_id: string | null; status: 0 | 1 | 3 | 8; sip_number: string | null; sip_password: string | null;
  sip_host: string | null; sip_port: string | null;
}

function toDevice(r: DeviceRow): EntranceDevice {
  return {
    iotId: r.iot_id, communityId: r.community_id, deviceName: r.device_name, nickName: r.nick_name, productKey: r.product_key,
    productName: r.product_name, mode: r.mode, unitSpaceId: r.unit_space_id, status: r.status, sipNumber: r.sip_number,
    sipPassword: r.sip_password, sipHost: r.sip_host, sipPort: r.sip_port,
  };
}

export function getEntranceDevice(ctx: SandboxContext, iotId: string): EntranceDevice | undefined {
  const r = ctx.db.prepare('SELECT * FROM entrance_devices WHERE iot_id = ?').get(iotId) as DeviceRow | undefined;
  return r ? toDevice(r) : undefined;
}

export function requireEntranceDevice(ctx: SandboxContext, iotId: string): EntranceDevice {
  const d = getEntranceDevice(ctx, iotId);
  if (!d) throw paramError(`iotId ${iotId} is not a door station of this project`);
  return d;
}

export function listEntranceDevices(ctx: SandboxContext, communityId?: number): EntranceDevice[] {
  const rows = ctx.db.prepare(
    `SELECT * FROM entrance_devices ${communityId === undefined ? '' : 'WHERE community_id = ?'} ORDER BY mode, iot_id`,
  ).all(...(communityId === undefined ? [] : [communityId])) as DeviceRow[];
  return rows.map(toDevice);
}

export function syncDoorSip(ctx: SandboxContext, iotId: string, sip: { sipNumber: string; password: string; host: string; port: string }): void {
  requireEntranceDevice(ctx, iotId);
  ctx.db.prepare('UPDATE entrance_devices SET sip_number = ?, sip_password = ?, sip_host = ?, sip_port = ? WHERE iot_id = ?')
    .run(sip.sipNumber, sip.password, sip.host, sip.port, iotId);
}

// Seed 000 §2.4: roomId is 期号-楼幢号-单元号-房号, at most 1-3-4-5 letters/digits, phase defaults to 1.
const ROOM_ID = /^[0-9A-Za-z]{1}-[0-9A-Za-z]{1,3}-[0-9A-Za-z]{1,4}-[0-9A-Za-z]{1,5}$/;
const ROOM_ID_NO_PHASE = /^[0-9A-Za-z]{1,3}-[0-9A-Za-z]{1,4}-[0-9A-Za-z]{1,5}$/;

/** Canonical 4-part roomId; a 3-part id gets the default phase 1. Throws 460 naming the rule. */
export function normalizeRoomId(roomId: string): string {
  if (ROOM_ID.test(roomId)) return roomId;
  if (ROOM_ID_NO_PHASE.test(roomId)) return `1-${roomId}`;
  throw paramError(`roomId ${JSON.stringify(roomId)} must be 期号-楼幢号-单元号-房号 (letters/digits, at most 1-3-4-5 characters)`);
}

export interface RoomMap { roomId: string; groupId: string }

export function addRoomMaps(ctx: SandboxContext, iotId: string, maps: RoomMap[]): void {
  ctx.db.transaction(() => {
    requireEntranceDevice(ctx, iotId);
    for (const m of maps) {
      const roomId = normalizeRoomId(m.roomId);
      if (ctx.db.prepare('SELECT 1 FROM sip_groups WHERE group_id = ?').get(m.groupId) === undefined) {
        throw paramError(`groupId ${m.groupId} does not exist`);
      }
      ctx.db.prepare(
        'INSERT INTO room_maps (iot_id, room_id, group_id) VALUES (?, ?, ?) ON CONFLICT(iot_id, room_id) DO UPDATE SET group_id = excluded.group_id',
      ).run(iotId, roomId, m.groupId);
    }
  })();
}

export function deleteRoomMaps(ctx: SandboxContext, iotId: string, maps: RoomMap[]): void {
  ctx.db.transaction(() => {
    requireEntranceDevice(ctx, iotId);
    for (const m of maps) {
      ctx.db.prepare('DELETE FROM room_maps WHERE iot_id = ? AND room_id = ? AND group_id = ?').run(iotId, normalizeRoomId(m.roomId), m.groupId);
    }
  })();
}

export function queryRoomMaps(
  ctx: SandboxContext,
  q: { iotId: string; roomId?: string; groupId?: string; pageNo: number; pageSize: number },
): { total: number; rows: RoomMap[] } {
  requireEntranceDevice(ctx, q.iotId);
  const where = ['iot_id = ?'];
  const args: (string | number)[] = [q.iotId];
  if (q.roomId) { where.push('room_id = ?'); args.push(normalizeRoomId(q.roomId)); }
  if (q.groupId) { where.push('group_id = ?'); args.push(q.groupId); }
  const clause = where.join(' AND ');
  const total = (ctx.db.prepare(`SELECT COUNT(*) AS n FROM room_maps WHERE ${clause}`).get(...args) as { n: number }).n;
  const rows = ctx.db.prepare(`SELECT room_id, group_id FROM room_maps WHERE ${clause} ORDER BY room_id LIMIT ? OFFSET ?`)
    .all(...args, q.pageSize, (q.pageNo - 1) * q.pageSize) as { room_id: string; group_id: string }[];
  return { total, rows: rows.map((r) => ({ roomId: r.room_id, groupId: r.group_id })) };
}

/** Door stations that can call this group, i.e. have a room mapped to it. */
export function doorStationsServingGroup(ctx: SandboxContext, groupId: string): string[] {
  const rows = ctx.db.prepare('SELECT DISTINCT iot_id FROM room_maps WHERE group_id = ? ORDER BY iot_id').all(groupId) as { iot_id: string }[];
  return rows.map((r) => r.iot_id);
}

export interface SandboxEvent { id: number; at: number; kind: string; detail: Record<string, unknown> }

export function recordEvent(ctx: SandboxContext, kind: string, detail: Record<string, unknown>): void {
  ctx.db.prepare('INSERT INTO events (at, kind, detail) VALUES (?, ?, ?)').run(ctx.now(), kind, JSON.stringify(detail));
}

export function listEvents(ctx: SandboxContext, kind?: string, limit = 200): SandboxEvent[] {
  const rows = ctx.db.prepare(
    `SELECT * FROM events ${kind ? 'WHERE kind = ?' : ''} ORDER BY id DESC LIMIT ?`,
  ).all(...(kind ? [kind, limit] : [limit])) as { id: number; at: number; kind: string; detail: string }[];
  return rows.map((r) => ({ id: r.id, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
