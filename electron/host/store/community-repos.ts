// Repositories of the community services (migration 4): the notices mirror and its read marks,
// the door-open log, and history across calls, unlocks and notices (listing and pruning by age).
import type { Db } from './database.js';

export interface StoredNotice {
  messageId: number;
  title: string;
  text: string;
  publications: { text: string; pictureUrl: string | null }[];
  pictureUrl: string | null;
  type: number;
  isTop: boolean;
  gmtCreate: number;
  firstSeenAt: number;
  readAt: number | null;
}

/** A notice as the cloud lists it, before the panel's own fields. */
export type CloudNoticeRecord = Omit<StoredNotice, 'firstSeenAt' | 'readAt'>;

interface NoticeRow {
  message_id: number; title: string; text: string; publications: string; picture_url: string | null; type: number; is_top: number;
  gmt_create: number; first_seen_at: number; read_at: number | null;
}

function toNotice(r: NoticeRow): StoredNotice {
  return {
    messageId: r.message_id, title: r.title, text: r.text, publications: JSON.parse(r.publications) as StoredNotice['publications'],
    pictureUrl: r.picture_url, type: r.type, isTop: r.is_top === 1, gmtCreate: r.gmt_create, firstSeenAt: r.first_seen_at, readAt: r.read_at,
  };
}

const NOTICE_ORDER = 'ORDER BY is_top DESC, gmt_create DESC, message_id DESC';

export class NoticesRepo {
  constructor(private readonly db: Db) {}

  /**
   * Makes the mirror equal to the cloud's list, in one transaction. Notices new to the panel are
   * returned; `arriveRead` marks them read on arrival (the first list after binding: what was
   * already published is not news).
   */
  replaceAll(list: CloudNoticeRecord[], now: number, arriveRead: boolean): { added: StoredNotice[]; removed: number[] } {
    return this.db.transaction(() => {
      const known = new Set((this.db.prepare('SELECT message_id FROM notices').all() as { message_id: number }[]).map((r) => r.message_id));
      const upsert = this.db.prepare(`INSERT INTO notices (message_id, title, text, publications, picture_url, type, is_top, gmt_create, first_seen_at, read_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(message_id) DO UPDATE SET title = excluded.title, text = excluded.text, publications = excluded.publications,
        picture_url = excluded.picture_url, type = excluded.type, is_top = excluded.is_top, gmt_create = excluded.gmt_create`);
      const added: number[] = [];
      for (const n of list) {
        if (!known.has(n.messageId)) added.push(n.messageId);
        upsert.run(n.messageId, n.title, n.text, JSON.stringify(n.publications), n.pictureUrl, n.type, n.isTop ? 1 : 0, n.gmtCreate, now, arriveRead ? now : null);
      }
      const listed = new Set(list.map((n) => n.messageId));
      const removed = [...known].filter((id) => !listed.has(id));
      const del = this.db.prepare('DELETE FROM notices WHERE message_id = ?');
      for (const id of removed) del.run(id);
      return { added: added.map((id) => this.get(id)).filter((n): n is StoredNotice => n !== undefined), removed };
    })();
  }

  list(limit = 100, since?: number): StoredNotice[] {
    const rows = since === undefined
      ? this.db.prepare(`SELECT * FROM notices ${NOTICE_ORDER} LIMIT ?`).all(limit)
      : this.db.prepare(`SELECT * FROM notices WHERE gmt_create >= ? ${NOTICE_ORDER} LIMIT ?`).all(since, limit);
    return (rows as NoticeRow[]).map(toNotice);
  }

  get(messageId: number): StoredNotice | undefined {
    const r = this.db.prepare('SELECT * FROM notices WHERE message_id = ?').get(messageId) as NoticeRow | undefined;
    return r ? toNotice(r) : undefined;
  }

  /** Refreshes one notice from its detail (notice/get); false when the mirror does not hold it. */
  updateDetail(n: CloudNoticeRecord): boolean {
    return this.db.prepare('UPDATE notices SET title = ?, text = ?, publications = ?, picture_url = ?, type = ?, is_top = ?, gmt_create = ? WHERE message_id = ?')
      .run(n.title, n.text, JSON.stringify(n.publications), n.pictureUrl, n.type, n.isTop ? 1 : 0, n.gmtCreate, n.messageId).changes > 0;
  }

  /** Marks notices read (all unread ones when `ids` is null) and records them in the history. Returns how many were unread. */
  markRead(ids: number[] | null, now: number): number {
    return this.db.transaction(() => {
      const rows = (ids === null
        ? this.db.prepare('SELECT * FROM notices WHERE read_at IS NULL').all()
        : ids.map((id) => this.db.prepare('SELECT * FROM notices WHERE message_id = ? AND read_at IS NULL').get(id)).filter(Boolean)) as NoticeRow[];
      const mark = this.db.prepare('UPDATE notices SET read_at = ? WHERE message_id = ?');
      const remember = this.db.prepare('INSERT OR REPLACE INTO notice_reads (message_id, title, type, read_at) VALUES (?, ?, ?, ?)');
      for (const r of rows) {
        mark.run(now, r.message_id);
        remember.run(r.message_id, r.title, r.type, now);
      }
      return rows.length;
    })();
  }

  unreadCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM notices WHERE read_at IS NULL').get() as { n: number }).n;
  }

  /** Forget the mirror (another house is bound now); the reading history stays until pruned. */
  clear(): void {
    this.db.prepare('DELETE FROM notices').run();
  }

  reads(limit = 50): { messageId: number; title: string; type: number; readAt: number }[] {
    return (this.db.prepare('SELECT * FROM notice_reads ORDER BY read_at DESC, message_id DESC LIMIT ?').all(limit) as
      { message_id: number; title: string; type: number; read_at: number }[])
      .map((r) => ({ messageId: r.message_id, title: r.title, type: r.type, readAt: r.read_at }));
  }
}

export interface StoredDoorOpen {
  at: number;
  iotId: string;
  doorName: string;
  /** The cloud API that opened it: 'unitdoor/open' | 'remoteOpen'; 'none' when refused before any call. */
  method: string;
  /** 'touch' | 'voice' */
  via: string;
  /** 'ok' | 'failed' | 'rate-limited' */
  result: string;
  /** Why it failed, as the resident was told (Chinese), with the technical detail. */
  reason?: string | undefined;
  latencyMs: number;
}

export class DoorOpensRepo {
  constructor(private readonly db: Db, private readonly keep = 10_000) {}
  record(o: StoredDoorOpen): void {
    this.db.prepare('INSERT INTO door_opens (at, iot_id, door_name, method, via, result, reason, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(o.at, o.iotId, o.doorName, o.method, o.via, o.result, o.reason ?? null, Math.round(o.latencyMs));
    this.db.prepare('DELETE FROM door_opens WHERE id <= (SELECT MAX(id) - ? FROM door_opens)').run(this.keep);
  }
  recent(limit = 50): StoredDoorOpen[] {
    return (this.db.prepare('SELECT * FROM door_opens ORDER BY at DESC, id DESC LIMIT ?').all(limit) as
      { at: number; iot_id: string; door_name: string; method: string; via: string; result: string; reason: string | null; latency_ms: number }[])
      .map((r) => ({
        at: r.at, iotId: r.iot_id, doorName: r.door_name, method: r.method, via: r.via, result: r.result,
        ...(r.reason !== null ? { reason: r.reason } : {}), latencyMs: r.latency_ms,
      }));
  }
}

/** One unlock, whichever way it went: during a call (SIP INFO / DTMF) or from home (cloud API). */
export interface UnlockHistoryRow {
  at: number;
  source: 'call' | 'panel';
  /** The door's name when known, else its SIP number or iotId. */
  door: string;
  doorId: string;
  method: string;
  via: string;
  result: string;
  reason: string | null;
}

export class HistoryRepo {
  constructor(private readonly db: Db) {}

  unlocks(limit = 50): UnlockHistoryRow[] {
    const rows = this.db.prepare(`
      SELECT * FROM (
        SELECT u.at AS at, 'call' AS source, COALESCE(c.remote_display_name, u.door_number) AS door, u.door_number AS door_id,
               u.method AS method, u.via AS via, u.result AS result, u.reason AS reason
          FROM unlock_attempts u LEFT JOIN calls c ON c.id = u.call_id
        UNION ALL
        SELECT at, 'panel', door_name, iot_id, method, via, result, reason FROM door_opens
      ) ORDER BY at DESC LIMIT ?`).all(limit) as
      { at: number; source: 'call' | 'panel'; door: string; door_id: string; method: string; via: string; result: string; reason: string | null }[];
    return rows.map((r) => ({ at: r.at, source: r.source, door: r.door, doorId: r.door_id, method: r.method, via: r.via, result: r.result, reason: r.reason }));
  }

  /** Deletes history older than `cutoff` (epoch ms): calls and their snapshots, unlocks, door opens, notices read. */
  pruneOlderThan(cutoff: number): { calls: number; unlocks: number; doorOpens: number; noticeReads: number } {
    return this.db.transaction(() => {
      const calls = this.db.prepare('DELETE FROM calls WHERE started_at < ?').run(cutoff).changes;
      this.db.prepare('DELETE FROM call_snapshots WHERE call_id NOT IN (SELECT id FROM calls)').run();
      const unlocks = this.db.prepare('DELETE FROM unlock_attempts WHERE at < ?').run(cutoff).changes;
      const doorOpens = this.db.prepare('DELETE FROM door_opens WHERE at < ?').run(cutoff).changes;
      const noticeReads = this.db.prepare('DELETE FROM notice_reads WHERE read_at < ?').run(cutoff).changes;
      return { calls, unlocks, doorOpens, noticeReads };
    })();
  }
}
