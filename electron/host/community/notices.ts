// Notices for the bound house (seed 001 lines 9979-10130): the list the property publishes to the
// indoor terminal (publishType bit 4), mirrored in SQLite with the panel's read marks, an unread
// count and a "有新公告" alert. New notices arrive through the change push within a second or two;
// while the push is down the list is polled every few seconds, and now and then even while it is up
// (a push may be missed: the platform delivers each message to one subscriber of an appKey).
import {
  noticeTypeLabel, type Notice, type NoticeAlert, type NoticeReadEntry, type NoticesState, type NoticeSummary,
} from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { noticeGet, noticeQuery, PUBLISH_TYPE_TERMINAL } from '../platform/community-api.js';
import type { CloudNoticeRecord, StoredNotice, Store } from '../store/index.js';
import type { ChangePush } from './change-push.js';
import type { CommunityCloud, House } from './cloud.js';
import { describeServiceFailure } from './problems.js';

export interface NoticeTiming {
  /** Poll this often while the push is down: a new notice shows within this plus one fetch. */
  pollWithoutPushMs: number;
  /** And this often while it is up, to catch what a push missed. */
  pollWithPushMs: number;
  /** After a failed fetch, retry after this (doubling up to backoffMaxMs). */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const PAGE_SIZE = 50;
/** The mirror keeps the newest 200 notices (4 pages). */
const MAX_PAGES = 4;
const PREVIEW_CHARS = 60;
/** Settings key: the house whose notices the mirror holds, once its first list has been taken. */
const PRIMED_HOUSE = 'notices.primedHouse';

export interface NoticeServiceOptions {
  cloud: CommunityCloud;
  store: Store;
  push: ChangePush;
  logger: Logger;
  timing: NoticeTiming;
  onChange: () => void;
}

export class NoticeService {
  private house: House | null = null;
  private alert: NoticeAlert | null = null;
  private problem: string | null = null;
  private syncedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private closed = false;

  constructor(private readonly o: NoticeServiceOptions) {
    o.push.on('up', () => {
      this.o.onChange();
      // Whatever was published while the push was down is fetched now.
      this.fetchSoon();
    });
    o.push.on('down', (reason) => {
      this.o.logger.info({ reason }, 'notice push down; polling');
      this.o.onChange();
      this.schedule(Math.min(this.o.timing.pollWithoutPushMs, 500));
    });
    o.push.on('change', (p) => {
      if (this.house && p.communityId === this.house.communityId) this.fetchSoon();
    });
  }

  get state(): NoticesState {
    return {
      unread: this.house ? this.o.store.notices.unreadCount() : 0,
      alert: this.alert,
      delivery: this.house === null ? 'off' : this.o.push.up ? 'push' : 'polling',
      problem: this.problem,
      syncedAt: this.syncedAt,
    };
  }

  /** Follows the binding: starts on a bound house, stops and forgets on unbind or another house. */
  sync(house: House | null): void {
    if (this.closed) return;
    const before = this.house;
    if (before?.houseSpaceId === house?.houseSpaceId && before?.communityId === house?.communityId) return;
    this.house = house;
    this.alert = null;
    this.problem = null;
    this.syncedAt = null;
    if (this.o.store.settings.get(PRIMED_HOUSE) !== (house?.houseSpaceId ?? '')) {
      // Another house's notices are not this one's news.
      this.o.store.notices.clear();
      if (!house) this.o.store.settings.set(PRIMED_HOUSE, '');
    }
    if (house) {
      this.o.push.start();
      this.fetchSoon();
    } else {
      this.o.push.stop();
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    this.o.onChange();
  }

  async list(opts: { limit?: number | undefined; since?: number | undefined; refresh?: boolean | undefined }): Promise<{ notices: NoticeSummary[]; unread: number; syncedAt: number | null }> {
    this.requireHouse();
    if (opts.refresh) await this.fetchNow();
    return {
      notices: this.o.store.notices.list(opts.limit ?? 100, opts.since).map(summary),
      unread: this.o.store.notices.unreadCount(),
      syncedAt: this.syncedAt,
    };
  }

  /** The notice in full from notice/get; the mirror's copy (from the list) when the cloud fails. */
  async get(messageId: number): Promise<Notice> {
    const house = this.requireHouse();
    const mirrored = this.o.store.notices.get(messageId);
    // Only the house's own notices: the mirror is what the cloud listed for this house.
    if (!mirrored) throw new UserFacingError('not-found', '没有找到这条公告，它可能已被物业撤回');
    try {
      const d = await this.o.cloud.callWithToken(house.communityId, noticeGet, { communityId: house.communityId, messageId });
      this.o.store.notices.updateDetail(record(d));
    } catch (e) {
      const f = describeServiceFailure(e, 'notice');
      this.o.logger.warn({ messageId, detail: f.detail }, 'notice/get failed; showing the listed copy');
    }
    return full(this.o.store.notices.get(messageId) ?? mirrored);
  }

  markRead(ids: number[] | null): number {
    this.requireHouse();
    this.o.store.notices.markRead(ids, this.o.cloud.now());
    if (this.alert && (ids === null || ids.includes(this.alert.messageId))) this.alert = null;
    this.o.onChange();
    return this.o.store.notices.unreadCount();
  }

  dismissAlert(): void {
    if (this.alert === null) return;
    this.alert = null;
    this.o.onChange();
  }

  reads(limit: number): NoticeReadEntry[] {
    return this.o.store.notices.reads(limit).map((r) => ({ messageId: r.messageId, title: r.title, typeLabel: noticeTypeLabel(r.type), readAt: r.readAt }));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.o.push.stop();
  }

  /** Settles when any fetch under way is done (tests and shutdown). */
  idle(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  // ------------------------------------------------------------------ fetching

  private requireHouse(): House {
    if (!this.house) throw new UserFacingError('not-bound', '本机尚未绑定房屋');
    return this.house;
  }

  private fetchSoon(): void {
    void this.fetchNow();
  }

  /** One fetch at a time; a request during a fetch makes one more afterwards (a push may name a notice the running fetch missed). */
  private fetchNow(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const run = (async () => {
      do {
        this.again = false;
        await this.fetchOnce();
      } while (this.again && !this.closed);
    })().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }

  private async fetchOnce(): Promise<void> {
    const house = this.house;
    if (!house || this.closed) return;
    try {
      const list = await this.fetchList(house);
      if (this.house !== house) return;
      this.apply(house, list);
      this.failures = 0;
      this.problem = null;
      this.schedule(this.o.push.up ? this.o.timing.pollWithPushMs : this.o.timing.pollWithoutPushMs);
    } catch (e) {
      if (this.house !== house) return;
      const f = describeServiceFailure(e, 'notice');
      this.failures += 1;
      const retryIn = Math.max(this.o.timing.pollWithoutPushMs, Math.min(this.o.timing.backoffMaxMs, this.o.timing.backoffBaseMs * 2 ** Math.min(this.failures - 1, 16)));
      this.o.logger.warn({ detail: f.detail, retryInMs: retryIn }, 'notice list fetch failed');
      this.problem = `公告暂时无法更新：${f.message}`;
      this.schedule(retryIn);
    }
    this.o.onChange();
  }

  private async fetchList(house: House): Promise<CloudNoticeRecord[]> {
    const out: CloudNoticeRecord[] = [];
    for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
      const page = await this.o.cloud.callWithToken(house.communityId, noticeQuery, {
        communityId: house.communityId, pageNo, pageSize: PAGE_SIZE, publishType: PUBLISH_TYPE_TERMINAL, topFirst: 1, spaceId: house.houseSpaceId,
      });
      out.push(...page.data.map(record));
      if (page.data.length < PAGE_SIZE || pageNo * PAGE_SIZE >= page.total) break;
    }
    return out;
  }

  private apply(house: House, list: CloudNoticeRecord[]): void {
    const now = this.o.cloud.now();
    // The first list of a house is what was published before the panel came: listed, but not news.
    const primed = this.o.store.settings.get(PRIMED_HOUSE) === house.houseSpaceId;
    const { added, removed } = this.o.store.notices.replaceAll(list, now, !primed);
    if (!primed) this.o.store.settings.set(PRIMED_HOUSE, house.houseSpaceId);
    this.syncedAt = now;
    if (this.alert && removed.includes(this.alert.messageId)) this.alert = null;
    if (primed && added.length > 0) {
      const newest = [...added].sort((a, b) => b.gmtCreate - a.gmtCreate || b.messageId - a.messageId)[0];
      if (newest) {
        this.alert = { messageId: newest.messageId, title: newest.title, typeLabel: noticeTypeLabel(newest.type), count: (this.alert?.count ?? 0) + added.length, at: now };
        this.o.logger.info({ messageIds: added.map((n) => n.messageId) }, 'new notices');
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed || !this.house) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fetchSoon();
    }, delayMs);
  }
}

type CloudNotice = {
  messageId: number; title: string; text: string; publications: { text: string; pictureUrl?: string | null | undefined }[];
  pictureUrl?: string | null | undefined; type: number; isTop: 0 | 1; gmtCreate: number;
};

function record(n: CloudNotice): CloudNoticeRecord {
  return {
    messageId: n.messageId, title: n.title, text: n.text, publications: n.publications.map((p) => ({ text: p.text, pictureUrl: p.pictureUrl ?? null })),
    pictureUrl: n.pictureUrl ?? null, type: n.type, isTop: n.isTop === 1, gmtCreate: n.gmtCreate,
  };
}

function summary(n: StoredNotice): NoticeSummary {
  const flat = n.text.replace(/\s+/g, ' ').trim();
  return {
    messageId: n.messageId, title: n.title, type: n.type, typeLabel: noticeTypeLabel(n.type), isTop: n.isTop, publishedAt: n.gmtCreate,
    preview: flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat, read: n.readAt !== null,
  };
}

function full(n: StoredNotice): Notice {
  return { ...summary(n), text: n.text, publications: n.publications, pictureUrl: n.pictureUrl };
}
