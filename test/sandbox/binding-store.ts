// The indoor-terminal binding service (seed 001 lines 4615-4989): QR codes, bindings and the
// SIP account each bound panel gets. Both the signed API and the web console go through here.
import type { SandboxContext } from './context.js';
import { paramError } from './errors.js';
import { getSpace, recordEvent, type Space } from './community-store.js';
import { addToGroup, createSipAccounts, deleteSipAccounts, getSipAccount, SIP_TYPE_APP } from './sip-store.js';
import { randomHex, shanghaiDateTime } from './util.js';

export const DEFAULT_DEVICE_TYPE = 'TMALL_GENIE';

export interface DeviceKey { deviceId: string; deviceType?: string | undefined }

function typeOf(key: DeviceKey): string {
  return key.deviceType ?? DEFAULT_DEVICE_TYPE;
}

export interface IssuedQr { qrCode: string; expireTime: string; expiresAt: number; qrCodeUrl: null }

/** A new QR replaces the device's previous one, so only the last one shown can be scanned. */
export function issueQr(ctx: SandboxContext, key: DeviceKey): IssuedQr {
  const now = ctx.now();
  const qrCode = `LINTEL-BIND-${randomHex(12)}`;
  const expiresAt = now + ctx.qrLifetimeMs;
  ctx.db.prepare(
    `INSERT INTO devices (device_id, device_type, qr_code, qr_expires_at, qr_issued_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(device_id, device_type) DO UPDATE SET qr_code = excluded.qr_code, qr_expires_at = excluded.qr_expires_at, qr_issued_at = excluded.qr_issued_at`,
  ).run(key.deviceId, typeOf(key), qrCode, expiresAt, now);
  return { qrCode, expireTime: shanghaiDateTime(expiresAt), expiresAt, qrCodeUrl: null };
}

export interface PendingDevice {
  deviceId: string; deviceType: string; qrCode: string; expireTime: string; expiresAt: number; issuedAt: number; expired: boolean;
}

/** Devices that asked for a QR and are not bound: what the installer's console offers to bind. */
export function pendingDevices(ctx: SandboxContext): PendingDevice[] {
  const rows = ctx.db.prepare(
    `SELECT d.* FROM devices d LEFT JOIN bindings b ON b.device_id = d.device_id AND b.device_type = d.device_type
     WHERE b.bind_id IS NULL AND d.qr_code IS NOT NULL ORDER BY d.qr_issued_at DESC`,
  ).all() as { device_id: string; device_type: string; qr_code: string; qr_expires_at: number; qr_issued_at: number }[];
  const now = ctx.now();
  return rows.map((r) => ({
    deviceId: r.device_id, deviceType: r.device_type, qrCode: r.qr_code, expireTime: shanghaiDateTime(r.qr_expires_at),
    expiresAt: r.qr_expires_at, issuedAt: r.qr_issued_at, expired: r.qr_expires_at <= now,
  }));
}

export interface Binding {
  bindId: string; deviceId: string; deviceType: string; communityId: number; houseSpaceId: string; houseName: string;
  nickName: string; sipNumber: string; bindType: 0 | 1; paasIdentityId: string | null; createdAt: number;
}

interface BindingRow {
  bind_id: string; device_id: string; device_type: string; community_id: number; house_space_id: string; nick_name: string;
  sip_number: string; bind_type: 0 | 1; paas_identity_id: string | null; created_at: number; house_name: string;
}

const SELECT_BINDING = 'SELECT b.*, s.name AS house_name FROM bindings b JOIN spaces s ON s.space_id = b.house_space_id';

function toBinding(r: BindingRow): Binding {
  return {
    bindId: r.bind_id, deviceId: r.device_id, deviceType: r.device_type, communityId: r.community_id, houseSpaceId: r.house_space_id,
    houseName: r.house_name, nickName: r.nick_name, sipNumber: r.sip_number, bindType: r.bind_type, paasIdentityId: r.paas_identity_id,
    createdAt: r.created_at,
  };
}

export function bindingOfDevice(ctx: SandboxContext, key: DeviceKey): Binding | undefined {
  const r = ctx.db.prepare(`${SELECT_BINDING} WHERE b.device_id = ? AND b.device_type = ?`).get(key.deviceId, typeOf(key)) as BindingRow | undefined;
  return r ? toBinding(r) : undefined;
}

export function getBinding(ctx: SandboxContext, bindId: string): Binding | undefined {
  const r = ctx.db.prepare(`${SELECT_BINDING} WHERE b.bind_id = ?`).get(bindId) as BindingRow | undefined;
  return r ? toBinding(r) : undefined;
}

export function listBindings(ctx: SandboxContext, filter: { communityId?: number; paasIdentityId?: string } = {}): Binding[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.communityId !== undefined) { where.push('b.community_id = ?'); args.push(filter.communityId); }
  if (filter.paasIdentityId !== undefined) { where.push('b.paas_identity_id = ?'); args.push(filter.paasIdentityId); }
  const rows = ctx.db.prepare(`${SELECT_BINDING} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.created_at, b.bind_id`)
    .all(...args) as BindingRow[];
  return rows.map(toBinding);
}

export interface BindRequest {
  qrCode: string; houseSpaceId: string; deviceNickName: string; paasIdentityId?: string | undefined;
  /** The token's community; the console binds within any community. */
  communityId?: number | undefined;
}

function requireBindableSpace(ctx: SandboxContext, houseSpaceId: string, communityId: number | undefined): Space {
  const space = getSpace(ctx, houseSpaceId);
  if (!space || (space.kind !== 'house' && space.kind !== 'office') || (communityId !== undefined && space.communityId !== communityId)) {
    throw paramError(`houseSpaceId ${houseSpaceId} is not a house of this community`);
  }
  if (!space.sipGroupId) throw paramError(`houseSpaceId ${houseSpaceId} has no SIP group`);
  return space;
}

/** Binds the device that showed `qrCode`; the QR is spent, and the panel gets a type-0 SIP
 * account in the house's group, made by the same code as sip/add. */
export function bindByQr(ctx: SandboxContext, req: BindRequest): Binding {
  return ctx.db.transaction((): Binding => {
    const dev = ctx.db.prepare('SELECT device_id, device_type, qr_expires_at FROM devices WHERE qr_code = ?').get(req.qrCode) as
      { device_id: string; device_type: string; qr_expires_at: number } | undefined;
    if (!dev) throw paramError('qrCode does not exist or was replaced by a newer one');
    if (dev.qr_expires_at <= ctx.now()) throw paramError('qrCode has expired; ask the panel for a new one');
    const space = requireBindableSpace(ctx, req.houseSpaceId, req.communityId);
    const key = { deviceId: dev.device_id, deviceType: dev.device_type };
    const existing = bindingOfDevice(ctx, key);
    if (existing) throw paramError(`device is already bound to ${existing.houseName}; unbind it first`);
    const [account] = createSipAccounts(ctx, 1, SIP_TYPE_APP);
    if (!account) throw new Error('sip account creation returned nothing');
    addToGroup(ctx, space.sipGroupId ?? '', [account.sipNumber]);
    const bindId = randomHex(12);
    ctx.db.prepare(
      `INSERT INTO bindings (bind_id, device_id, device_type, community_id, house_space_id, nick_name, sip_number, bind_type, paas_identity_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(bindId, key.deviceId, key.deviceType, space.communityId, space.spaceId, req.deviceNickName, account.sipNumber,
      space.kind === 'office' ? 1 : 0, req.paasIdentityId ?? null, ctx.now());
    ctx.db.prepare('UPDATE devices SET qr_code = NULL, qr_expires_at = NULL WHERE device_id = ? AND device_type = ?').run(key.deviceId, key.deviceType);
    recordEvent(ctx, 'bind', { bindId, deviceId: key.deviceId, deviceType: key.deviceType, houseSpaceId: space.spaceId, houseName: space.name });
    const b = getBinding(ctx, bindId);
    if (!b) throw new Error('binding vanished');
    return b;
  })();
}

export function renameBinding(ctx: SandboxContext, bindId: string, nickName: string, communityId?: number): void {
  requireBinding(ctx, bindId, communityId);
  ctx.db.prepare('UPDATE bindings SET nick_name = ? WHERE bind_id = ?').run(nickName, bindId);
}

export function requireBinding(ctx: SandboxContext, bindId: string, communityId?: number): Binding {
  const b = getBinding(ctx, bindId);
  if (!b || (communityId !== undefined && b.communityId !== communityId)) throw paramError(`bindId ${bindId} does not exist`);
  return b;
}

/** Unbinding deletes the panel's SIP account too: a stale account could still ring. */
export function unbind(ctx: SandboxContext, b: Binding, by: 'device' | 'app' | 'console'): void {
  ctx.db.transaction(() => {
    ctx.db.prepare('DELETE FROM bindings WHERE bind_id = ?').run(b.bindId);
    if (getSipAccount(ctx, b.sipNumber)) deleteSipAccounts(ctx, [b.sipNumber], true);
    recordEvent(ctx, 'unbind', { bindId: b.bindId, deviceId: b.deviceId, deviceType: b.deviceType, houseName: b.houseName, by });
  })();
}

export function requireBoundDevice(ctx: SandboxContext, key: DeviceKey): Binding {
  const b = bindingOfDevice(ctx, key);
  if (!b) throw paramError('device is not bound to a house');
  return b;
}
