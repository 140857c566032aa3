// Seed 000: SIP servers, accounts, groups, door-station SIP numbers and room maps.
import { addRoomMaps, deleteRoomMaps, queryRoomMaps, requireEntranceDevice, syncDoorSip } from '../community-store.js';
import { setMeta } from '../db.js';
import { paramError } from '../errors.js';
import { route, type Route } from '../route.js';
import {
  groupAdd, groupDelete, groupSipAdd, groupSipDelete, groupSipList, mapAdd, mapDelete, mapQuery, sipAdd, sipDelete, sipDetailGet,
  sipNumberGet, sipNumberSync, sipPasswordUpdate, sipServerBind, sipServerQuery,
} from '../sip-api.js';
import {
  addToGroup, createSipAccounts, createSipGroups, deleteSipAccounts, deleteSipGroups, groupMembers, removeFromGroup, requireSipAccount,
  sipServers, updateSipPassword, type SipAccount,
} from '../sip-store.js';

const asType = (t: number): 0 | 1 => (t === 1 ? 1 : 0);
const wire = (a: SipAccount) => ({ ...a, type: asType(a.type) });

export const sipProvisioningRoutes: Route[] = [
  route(sipServerQuery, (_p, { ctx }) => sipServers(ctx)),
  route(sipServerBind, ({ serverId }, { ctx }) => {
    if (!sipServers(ctx).some((s) => s.serverId === serverId)) throw paramError(`serverId ${serverId} does not exist`);
    setMeta(ctx.db, 'sipServerId', serverId);
    return null;
  }),
  route(sipAdd, ({ count, type }, { ctx }) => createSipAccounts(ctx, count, type).map(wire)),
  route(sipDelete, ({ sipNumberList }, { ctx }) => { deleteSipAccounts(ctx, sipNumberList); return null; }),
  route(sipDetailGet, ({ sipNumber }, { ctx }) => wire(requireSipAccount(ctx, sipNumber))),
  route(sipPasswordUpdate, ({ sipNumber }, { ctx }) => ({ sipPassword: updateSipPassword(ctx, sipNumber) })),
  route(groupAdd, ({ count }, { ctx }) => createSipGroups(ctx, count)),
  route(groupDelete, ({ groupList }, { ctx }) => { deleteSipGroups(ctx, groupList); return null; }),
  route(groupSipAdd, ({ groupID, sipNumberList }, { ctx }) => { addToGroup(ctx, groupID, sipNumberList); return null; }),
  route(groupSipDelete, ({ groupID, sipNumberList }, { ctx }) => { removeFromGroup(ctx, groupID, sipNumberList); return null; }),
  route(groupSipList, ({ groupID }, { ctx }) => groupMembers(ctx, groupID).map((a) => ({ ...wire(a), serverPort: a.sipPort }))),
  route(sipNumberSync, ({ iotId, sipNumber, password, host, port }, { ctx }) => {
    syncDoorSip(ctx, iotId, { sipNumber, password, host, port: String(port) });
    return null;
  }),
  route(sipNumberGet, ({ iotId }, { ctx }) => {
    const d = requireEntranceDevice(ctx, iotId);
    if (!d.sipNumber) throw paramError(`door station ${iotId} has no SIP number yet`);
    return { sipNumber: d.sipNumber, host: d.sipHost ?? ctx.sip.host, port: d.sipPort ?? String(ctx.sip.port) };
  }),
  route(mapAdd, ({ iotId, maps }, { ctx }) => { addRoomMaps(ctx, iotId, maps); return null; }),
  route(mapDelete, ({ iotId, maps }, { ctx }) => { deleteRoomMaps(ctx, iotId, maps); return null; }),
  route(mapQuery, (q, { ctx }) => {
    const { total, rows } = queryRoomMaps(ctx, q);
    return { total, pageNo: q.pageNo, pageSize: q.pageSize, data: rows };
  }),
];
