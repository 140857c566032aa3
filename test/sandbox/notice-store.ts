// Notices (seed 001 lines 9979-10130): what the property publishes, read by the platform's
// notice APIs, the console and the change push. Every write publishes a change on the feed.
import type { SandboxContext } from './context.js';
import { getSpace } from './community-store.js';
import { paramError } from './errors.js';

export interface NoticeInput {
  title: string;
  publications: { text: string; uploadId?: string | undefined }[];
  type: number;
  isTop: 0 | 1;
  publishType: number;
  /** Empty or absent: the whole community (publishRange 0). */
  spaceIds?: string[] | undefined;
}

export interface Notice {
  messageId: number;
  communityId: number;
  title: string;
  publications: { text: string; pictureUrl: string | null }[];
  /** The groups' texts, one per line: the seed's single `text` of a notice. */
  text: string;
  /** The first group's picture, if any. */
  pictureUrl: string | null;
  type: number;
  isTop: 0 | 1;
  publishType: number;
  publishRange: 0 | 1;
  spaceIds: string[];
  gmtCreate: number;
}

interface NoticeRow {
  message_id: number; community_id: number; title: string; publications: string; type: number; is_top: number;
  publish_type: number; publish_range: number; space_ids: string; gmt_create: number;
}

function toNotice(r: NoticeRow): Notice {
  const publications = JSON.parse(r.publications) as Notice['publications'];
  return {
    messageId: r.message_id, communityId: r.community_id, title: r.title, publications,
    text: publications.map((p) => p.text).join('\n'),
    pictureUrl: publications.find((p) => p.pictureUrl !== null)?.pictureUrl ?? null,
    type: r.type, isTop: r.is_top === 1 ? 1 : 0, publishType: r.publish_type, publishRange: r.publish_range === 1 ? 1 : 0,
    spaceIds: JSON.parse(r.space_ids) as string[], gmtCreate: r.gmt_create,
  };
}

/** The sandbox has no OSS: an uploadId becomes a stable URL on a reserved (.invalid) domain. */
export function pictureUrlOf(uploadId: string): string {
  return `https://oss.lintel-sandbox.invalid/notice/${encodeURIComponent(uploadId)}`;
}

export function addNotice(ctx: SandboxContext, communityId: number, input: NoticeInput, opts: { quiet?: boolean } = {}): Notice {
  const spaceIds = [...new Set(input.spaceIds ?? [])];
  for (const id of spaceIds) {
    if (getSpace(ctx, id)?.communityId !== communityId) throw paramError(`spaceId ${id} is not a space of community ${communityId}`);
  }
  const publications = input.publications.map((p) => ({ text: p.text, pictureUrl: p.uploadId ? pictureUrlOf(p.uploadId) : null }));
  const info = ctx.db.prepare(
    `INSERT INTO notices (community_id, title, publications, type, is_top, publish_type, publish_range, space_ids, gmt_create)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(communityId, input.title, JSON.stringify(publications), input.type, input.isTop, input.publishType, spaceIds.length > 0 ? 1 : 0,
    JSON.stringify(spaceIds), ctx.now());
  const notice = requireNotice(ctx, communityId, Number(info.lastInsertRowid));
  if (!opts.quiet) ctx.changes.publish({ biz: 'message', payload: { communityId, ids: [String(notice.messageId)], type: 'publish' } });
  return notice;
}

export function getNotice(ctx: SandboxContext, communityId: number, messageId: number): Notice | undefined {
  const r = ctx.db.prepare('SELECT * FROM notices WHERE message_id = ? AND community_id = ?').get(messageId, communityId) as NoticeRow | undefined;
  return r ? toNotice(r) : undefined;
}

export function requireNotice(ctx: SandboxContext, communityId: number, messageId: number): Notice {
  const n = getNotice(ctx, communityId, messageId);
  if (!n) throw paramError(`messageId ${messageId} does not exist`);
  return n;
}

export function setNoticeTop(ctx: SandboxContext, communityId: number, messageId: number, isTop: 0 | 1): void {
  requireNotice(ctx, communityId, messageId);
  ctx.db.prepare('UPDATE notices SET is_top = ? WHERE message_id = ?').run(isTop, messageId);
  ctx.changes.publish({ biz: 'message', payload: { communityId, ids: [String(messageId)], type: 'update' } });
}

/** Idempotent, like end/unbind: an id that is already gone is not an error for a retried call. */
export function deleteNotices(ctx: SandboxContext, communityId: number, messageIds: number[]): void {
  const gone = ctx.db.transaction(() => messageIds.filter((id) =>
    ctx.db.prepare('DELETE FROM notices WHERE message_id = ? AND community_id = ?').run(id, communityId).changes > 0))();
  if (gone.length > 0) ctx.changes.publish({ biz: 'message', payload: { communityId, ids: gone.map(String), type: 'delete' } });
}

/** The space and every space that contains it (unit, community). */
function spaceAndAncestors(ctx: SandboxContext, spaceId: string): Set<string> {
  const out = new Set<string>();
  let id: string | null = spaceId;
  while (id !== null && !out.has(id)) {
    out.add(id);
    id = getSpace(ctx, id)?.parentId ?? null;
  }
  return out;
}

export interface NoticeQuery {
  pageNo: number;
  pageSize: number;
  publishType?: number | undefined;
  type?: number | undefined;
  topFirst?: 0 | 1 | undefined;
  spaceId?: string | undefined;
}

/**
 * Seed §1.3: newest first, isTop notices before the others unless topFirst is 0. publishType is
 * a bit mask (0 or absent: all); spaceId keeps the notices that reach that space: the whole
 * community's, and those sent to the space or to a space containing it.
 */
export function queryNotices(ctx: SandboxContext, communityId: number, q: NoticeQuery): { total: number; rows: Notice[] } {
  const rows = (ctx.db.prepare(
    `SELECT * FROM notices WHERE community_id = ? ORDER BY ${q.topFirst === 0 ? '' : 'is_top DESC,'} gmt_create DESC, message_id DESC`,
  ).all(communityId) as NoticeRow[]).map(toNotice);
  const reach = q.spaceId !== undefined ? spaceAndAncestors(ctx, q.spaceId) : null;
  const matching = rows.filter((n) =>
    (!q.publishType || (n.publishType & q.publishType) !== 0) &&
    (q.type === undefined || n.type === q.type) &&
    (reach === null || n.publishRange === 0 || n.spaceIds.some((s) => reach.has(s))));
  return { total: matching.length, rows: matching.slice((q.pageNo - 1) * q.pageSize, q.pageNo * q.pageSize) };
}

export function listNotices(ctx: SandboxContext, communityId?: number): Notice[] {
  const rows = ctx.db.prepare(
    `SELECT * FROM notices ${communityId === undefined ? '' : 'WHERE community_id = ?'} ORDER BY gmt_create DESC, message_id DESC`,
  ).all(...(communityId === undefined ? [] : [communityId])) as NoticeRow[];
  return rows.map(toNotice);
}
