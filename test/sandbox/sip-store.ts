// SIP accounts and groups (seed 000 §2.1-2.2). The binding service creates and deletes panel
// accounts through these same functions, so an account made by a bind is indistinguishable
// from one made by sip/add.
import type { SandboxContext } from './context.js';
import { paramError, sipNotFound } from './errors.js';
import { getMeta } from './db.js';
import { randomAlnum, randomPassword } from './util.js';

export const SIP_TYPE_APP = 0;
export const SIP_TYPE_DOOR = 1;
export const DEFAULT_SIP_SERVER_ID = 'sandbox-sip-01';

export interface SipAccount {
  sipNumber: string;
  sipPassword: string;
  sipHost: string;
  sipPort: number;
  type: number;
  createTime: number;
}

interface AccountRow { sip_number: string; sip_password: string; type: number; create_time: number }

function toAccount(ctx: SandboxContext, r: AccountRow): SipAccount {
  return { sipNumber: r.sip_number, sipPassword: r.sip_password, sipHost: ctx.sip.host, sipPort: ctx.sip.port, type: r.type, createTime: r.create_time };
}

export function sipServers(ctx: SandboxContext): { serverId: string; hostIp: string }[] {
  return [{ serverId: DEFAULT_SIP_SERVER_ID, hostIp: ctx.sip.host }];
}

export function boundServerId(ctx: SandboxContext): string {
  return getMeta(ctx.db, 'sipServerId') ?? DEFAULT_SIP_SERVER_ID;
}

function uniqueId(exists: (id: string) => boolean): string {
  for (;;) {
    const id = randomAlnum(10);
    if (!exists(id)) return id;
  }
}

export function createSipAccounts(ctx: SandboxContext, count: number, type: number, fixed?: { sipNumber: string; sipPassword: string }): SipAccount[] {
  const insert = ctx.db.prepare('INSERT INTO sip_accounts (sip_number, sip_password, type, server_id, create_time) VALUES (?, ?, ?, ?, ?)');
  const exists = (n: string) => ctx.db.prepare('SELECT 1 FROM sip_accounts WHERE sip_number = ?').get(n) !== undefined;
  const now = ctx.now();
  const server = boundServerId(ctx);
  const out: SipAccount[] = [];
  ctx.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const sipNumber = fixed?.sipNumber ?? uniqueId(exists);
      const sipPassword = fixed?.sipPassword ?? randomPassword();
      insert.run(sipNumber, sipPassword, type, server, now);
      out.push({ sipNumber, sipPassword, sipHost: ctx.sip.host, sipPort: ctx.sip.port, type, createTime: now });
    }
  })();
  for (const a of out) ctx.onSipAccount?.(a.sipNumber, a.sipPassword);
  return out;
}

export function getSipAccount(ctx: SandboxContext, sipNumber: string): SipAccount | undefined {
  const r = ctx.db.prepare('SELECT * FROM sip_accounts WHERE sip_number = ?').get(sipNumber) as AccountRow | undefined;
  return r ? toAccount(ctx, r) : undefined;
}

export function requireSipAccount(ctx: SandboxContext, sipNumber: string): SipAccount {
  const a = getSipAccount(ctx, sipNumber);
  if (!a) throw sipNotFound(sipNumber);
  return a;
}

export function listSipAccounts(ctx: SandboxContext): SipAccount[] {
  const rows = ctx.db.prepare('SELECT * FROM sip_accounts ORDER BY create_time, sip_number').all() as AccountRow[];
  return rows.map((r) => toAccount(ctx, r));
}

/** Deletes accounts and their group memberships; an account a panel binding still uses is refused
 * unless the caller is the binding service itself (`force`). */
export function deleteSipAccounts(ctx: SandboxContext, sipNumbers: string[], force = false): void {
  ctx.db.transaction(() => {
    for (const n of sipNumbers) {
      requireSipAccount(ctx, n);
      if (!force) {
        const b = ctx.db.prepare('SELECT bind_id FROM bindings WHERE sip_number = ?').get(n) as { bind_id: string } | undefined;
        if (b) throw paramError(`sip number ${n} is used by binding ${b.bind_id}; unbind the device instead`);
      }
      ctx.db.prepare('DELETE FROM sip_group_members WHERE sip_number = ?').run(n);
      ctx.db.prepare('DELETE FROM sip_accounts WHERE sip_number = ?').run(n);
    }
  })();
}

export function updateSipPassword(ctx: SandboxContext, sipNumber: string): string {
  requireSipAccount(ctx, sipNumber);
  const pw = randomPassword();
  ctx.db.prepare('UPDATE sip_accounts SET sip_password = ? WHERE sip_number = ?').run(pw, sipNumber);
  ctx.onSipAccount?.(sipNumber, pw);
  return pw;
}

export function createSipGroups(ctx: SandboxContext, count: number, fixedId?: string): { groupID: string; createTime: number }[] {
  const exists = (id: string) => ctx.db.prepare('SELECT 1 FROM sip_groups WHERE group_id = ?').get(id) !== undefined;
  const now = ctx.now();
  const out: { groupID: string; createTime: number }[] = [];
  ctx.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = fixedId ?? uniqueId(exists);
      ctx.db.prepare('INSERT INTO sip_groups (group_id, create_time) VALUES (?, ?)').run(id, now);
      out.push({ groupID: id, createTime: now });
    }
  })();
  return out;
}

export function groupExists(ctx: SandboxContext, groupId: string): boolean {
  return ctx.db.prepare('SELECT 1 FROM sip_groups WHERE group_id = ?').get(groupId) !== undefined;
}

function requireGroup(ctx: SandboxContext, groupId: string): void {
  if (!groupExists(ctx, groupId)) throw paramError(`groupID ${groupId} does not exist`);
}

/** A house's group is part of the community's structure; deleting it would orphan the house. */
export function deleteSipGroups(ctx: SandboxContext, groupIds: string[]): void {
  ctx.db.transaction(() => {
    for (const g of groupIds) {
      requireGroup(ctx, g);
      const used = ctx.db.prepare('SELECT space_id FROM spaces WHERE sip_group_id = ?').get(g) as { space_id: string } | undefined;
      if (used) throw paramError(`group ${g} belongs to space ${used.space_id} and cannot be deleted`);
      ctx.db.prepare('DELETE FROM sip_group_members WHERE group_id = ?').run(g);
      ctx.db.prepare('DELETE FROM room_maps WHERE group_id = ?').run(g);
      ctx.db.prepare('DELETE FROM sip_groups WHERE group_id = ?').run(g);
    }
  })();
}

/** Seed 000 §2.2.7: only type-0 (APP) accounts can be grouped. */
export function addToGroup(ctx: SandboxContext, groupId: string, sipNumbers: string[]): void {
  ctx.db.transaction(() => {
    requireGroup(ctx, groupId);
    for (const n of sipNumbers) {
      const a = requireSipAccount(ctx, n);
      if (a.type !== SIP_TYPE_APP) throw paramError(`sip number ${n} is type ${a.type}; only type 0 (APP) accounts can join a group`);
      ctx.db.prepare('INSERT OR IGNORE INTO sip_group_members (group_id, sip_number) VALUES (?, ?)').run(groupId, n);
    }
  })();
}

export function removeFromGroup(ctx: SandboxContext, groupId: string, sipNumbers: string[]): void {
  ctx.db.transaction(() => {
    requireGroup(ctx, groupId);
    for (const n of sipNumbers) {
      requireSipAccount(ctx, n);
      ctx.db.prepare('DELETE FROM sip_group_members WHERE group_id = ? AND sip_number = ?').run(groupId, n);
    }
  })();
}

export function groupMembers(ctx: SandboxContext, groupId: string): SipAccount[] {
  requireGroup(ctx, groupId);
  const rows = ctx.db.prepare(
    'SELECT a.* FROM sip_group_members m JOIN sip_accounts a ON a.sip_number = m.sip_number WHERE m.group_id = ? ORDER BY a.create_time, a.sip_number',
  ).all(groupId) as AccountRow[];
  return rows.map((r) => toAccount(ctx, r));
}
