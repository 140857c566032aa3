// Notices (seed 001 lines 9979-10130): add/update/query/delete/get, with the community cloudToken.
// A communityId in the params must be the token's own community (the token is the project's
// grant for that community); absent, the token's community is meant.
import { noticeAdd, noticeDelete, noticeGet, noticeQuery, noticeUpdate } from '../../../electron/host/platform/community-api.js';
import { paramError } from '../errors.js';
import { addNotice, deleteNotices, queryNotices, requireNotice, setNoticeTop, type Notice } from '../notice-store.js';
import { route, type Route } from '../route.js';

function community(given: number | undefined, granted: number | undefined): number {
  // The server calls token APIs only with a verified token, which always names a community.
  if (granted === undefined) throw new Error('token API called without a community');
  if (given !== undefined && given !== granted) throw paramError(`communityId ${given} is not the community of the cloudToken`);
  return granted;
}

function detail(n: Notice) {
  return {
    messageId: n.messageId, title: n.title, publications: n.publications, text: n.text, pictureUrl: n.pictureUrl, type: n.type,
    isTop: n.isTop, gmtCreate: n.gmtCreate, publishRange: n.publishRange,
    // "发送的目标空间ID列表": meaningful for notices sent to spaces (publishRange 1); empty otherwise.
    spaceIds: n.spaceIds,
  };
}

export const noticeRoutes: Route[] = [
  route(noticeAdd, ({ communityId, ...input }, call) => {
    const n = addNotice(call.ctx, community(communityId, call.communityId), input);
    call.ctx.log.info({ messageId: n.messageId, publishRange: n.publishRange }, 'notice published');
    return String(n.messageId);
  }),
  route(noticeUpdate, ({ communityId, messageId, isTop }, call) => {
    setNoticeTop(call.ctx, community(communityId, call.communityId), messageId, isTop);
    return null;
  }),
  route(noticeQuery, ({ communityId, ...q }, call) => {
    const { total, rows } = queryNotices(call.ctx, community(communityId, call.communityId), q);
    return { total, pageNo: q.pageNo, pageSize: q.pageSize, data: rows.map((n) => ({ ...detail(n), publishType: n.publishType })) };
  }),
  route(noticeDelete, ({ communityId, messageIds }, call) => {
    deleteNotices(call.ctx, community(communityId, call.communityId), messageIds);
    return null;
  }),
  route(noticeGet, ({ communityId, messageId }, call) => detail(requireNotice(call.ctx, community(communityId, call.communityId), messageId))),
];
