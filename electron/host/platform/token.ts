// The community cloudToken (seed 001 lines 5408-5540). A new token invalidates the old one, so
// exactly one owner per community gets and refreshes it, and refreshes before it expires.
import { CommunityClient } from './client.js';
import { tokenGet, tokenRefresh } from './community-api.js';

/** Refresh when this fraction of the lifetime has passed. */
const REFRESH_AT = 0.8;

export class CloudTokenOwner {
  private current: { cloudToken: string; obtainedAt: number; expiresIn: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly client: CommunityClient,
    private readonly communityId: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid now; gets or refreshes one when needed. Concurrent callers share one request. */
  token(): Promise<string> {
    const t = this.current;
    if (t && this.now() < t.obtainedAt + t.expiresIn * REFRESH_AT) return Promise.resolve(t.cloudToken);
    this.pending ??= this.renew().finally(() => (this.pending = null));
    return this.pending;
  }

  /** Drop the token after the platform refused it (e.g. someone else got a new one). */
  invalidate(): void {
    this.current = null;
  }

  private async renew(): Promise<string> {
    const t = this.current;
    const startedAt = this.now();
    const canRefresh = t !== null && startedAt < t.obtainedAt + t.expiresIn;
    const data = canRefresh
      ? await this.client.call(tokenRefresh, { cloudToken: t.cloudToken })
      : await this.client.call(tokenGet, { communityId: this.communityId });
    this.current = { cloudToken: data.cloudToken, obtainedAt: startedAt, expiresIn: data.expiresIn };
    return data.cloudToken;
  }
}
