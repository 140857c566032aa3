// History the resident can look back on (calls are listed by the call service): doors opened,
// during calls and from home, and notices read. Everything is pruned by age, calls included, so
// the panel's disk use stays bounded however long it hangs on the wall.
import type { NoticeReadEntry, UnlockHistoryEntry } from '../../contract/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';

export interface HistoryTiming {
  /** Keep this much history (default 180 days). */
  retentionMs: number;
  /** Prune this often (default 6 h), and once at start. */
  pruneEveryMs: number;
}

export class HistoryService {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly timing: HistoryTiming,
    private readonly noticeReads: (limit: number) => NoticeReadEntry[],
  ) {}

  start(): void {
    this.prune();
    this.timer = setInterval(() => this.prune(), this.timing.pruneEveryMs);
    this.timer.unref();
  }

  prune(): void {
    try {
      const removed = this.store.history.pruneOlderThan(this.now() - this.timing.retentionMs);
      if (Object.values(removed).some((n) => n > 0)) this.logger.info(removed, 'history pruned');
    } catch (e) {
      this.logger.error({ err: (e as Error).message }, 'history pruning failed');
    }
  }

  unlocks(limit: number): UnlockHistoryEntry[] {
    return this.store.history.unlocks(limit).map((r) => ({ ...r, ok: r.result === 'ok' }));
  }

  notices(limit: number): NoticeReadEntry[] {
    return this.noticeReads(limit);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
