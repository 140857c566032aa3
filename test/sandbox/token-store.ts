// Community cloudTokens (seed 001 §2.7.2): one live token per (community, app); issuing a new
// one, by get or by refresh, invalidates the previous one.
import type { SandboxContext } from './context.js';
import { randomHex } from './util.js';

export interface IssuedToken { cloudToken: string; expiresIn: number }

export function issueToken(ctx: SandboxContext, communityId: number, appKey: string): IssuedToken {
  const cloudToken = randomHex(24);
  ctx.db.transaction(() => {
    ctx.db.prepare('DELETE FROM tokens WHERE community_id = ? AND app_key = ?').run(communityId, appKey);
    ctx.db.prepare('INSERT INTO tokens (token, community_id, app_key, expires_at) VALUES (?, ?, ?, ?)')
      .run(cloudToken, communityId, appKey, ctx.now() + ctx.tokenLifetimeMs);
  })();
  return { cloudToken, expiresIn: ctx.tokenLifetimeMs };
}

/** The community a live token grants, or undefined for unknown, superseded or expired tokens. */
export function tokenCommunity(ctx: SandboxContext, token: string, appKey: string): number | undefined {
  const row = ctx.db.prepare('SELECT community_id, expires_at FROM tokens WHERE token = ? AND app_key = ?').get(token, appKey) as
    { community_id: number; expires_at: number } | undefined;
  if (!row || row.expires_at <= ctx.now()) return undefined;
  return row.community_id;
}
