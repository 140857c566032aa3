// Community cloudToken get/refresh (seed 001 lines 5408-5540).
import { tokenGet, tokenRefresh } from '../../../electron/host/platform/community-api.js';
import { communityExists } from '../community-store.js';
import { paramError, platformError } from '../errors.js';
import { route, type Route } from '../route.js';
import { issueToken, tokenCommunity } from '../token-store.js';

export const tokenRoutes: Route[] = [
  route(tokenGet, ({ communityId }, { ctx, appKey }) => {
    if (!communityExists(ctx, communityId)) throw paramError(`communityId ${communityId} does not exist`);
    const t = issueToken(ctx, communityId, appKey);
    ctx.log.info({ communityId }, 'cloudToken issued');
    return t;
  }),
  route(tokenRefresh, ({ cloudToken }, { ctx, appKey }) => {
    const communityId = tokenCommunity(ctx, cloudToken, appKey);
    if (communityId === undefined) throw platformError(401);
    const t = issueToken(ctx, communityId, appKey);
    ctx.log.info({ communityId }, 'cloudToken refreshed');
    return t;
  }),
];
