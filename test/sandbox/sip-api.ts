// Seed 000's SIP provisioning APIs as data, in the same ApiSpec shape as community-api.ts.
// The panel never calls these; installers' tools (and the tests) do. All are "app签名" only,
// so none needs a cloudToken.
import { z } from 'zod';
import type { ApiSpec } from '../../electron/host/platform/community-api.js';

function api<P extends z.ZodType, D extends z.ZodType>(spec: ApiSpec<P, D>): ApiSpec<P, D> {
  return spec;
}

const sipType = z.union([z.literal(0), z.literal(1)]);
const count = z.number().int().min(1).max(100);
const sipNumber = z.string().min(1).max(50);
const sipNumberList = z.array(sipNumber).min(1);
const groupID = z.string().min(1).max(50);
const none = z.unknown();

export const sipAccount = z.object({
  sipNumber: z.string().max(50),
  sipPassword: z.string().max(50),
  sipHost: z.string(),
  sipPort: z.number().int(),
  type: sipType,
  createTime: z.number().int(),
});

// §2.1 SIP servers
export const sipServerQuery = api({
  path: '/entrance/paas/sipserver/query', apiVer: '1.0.0', needsToken: false,
  params: z.object({}),
  data: z.array(z.object({ serverId: z.string(), hostIp: z.string() })),
});
export const sipServerBind = api({
  path: '/entrance/paas/sipserver/bind', apiVer: '1.0.0', needsToken: false,
  params: z.object({ serverId: z.string().min(1) }),
  data: none,
});

// §2.2 SIP accounts and groups
export const sipAdd = api({
  path: '/entrance/paas/sipservice/sip/add', apiVer: '1.0.0', needsToken: false,
  params: z.object({ count, type: sipType }),
  data: z.array(sipAccount),
});
export const sipDelete = api({
  path: '/entrance/paas/sipservice/sip/delete', apiVer: '1.0.0', needsToken: false,
  params: z.object({ sipNumberList }),
  data: none,
});
export const sipDetailGet = api({
  path: '/entrance/paas/sipservice/sip/detail/get', apiVer: '1.0.0', needsToken: false,
  params: z.object({ sipNumber }),
  data: sipAccount,
});
export const sipPasswordUpdate = api({
  path: '/entrance/paas/sipservice/sip/password/update', apiVer: '1.0.0', needsToken: false,
  params: z.object({ sipNumber }),
  data: z.object({ sipPassword: z.string().min(1).max(50) }),
});
export const groupAdd = api({
  path: '/entrance/paas/sipservice/group/add', apiVer: '1.0.0', needsToken: false,
  params: z.object({ count }),
  data: z.array(z.object({ groupID: z.string().max(50), createTime: z.number().int() })),
});
export const groupDelete = api({
  path: '/entrance/paas/sipservice/group/delete', apiVer: '1.0.0', needsToken: false,
  params: z.object({ groupList: z.array(groupID).min(1) }),
  data: none,
});
export const groupSipAdd = api({
  path: '/entrance/paas/sipservice/group/sip/add', apiVer: '1.0.0', needsToken: false,
  params: z.object({ groupID, sipNumberList }),
  data: none,
});
export const groupSipDelete = api({
  path: '/entrance/paas/sipservice/group/sip/delete', apiVer: '1.0.0', needsToken: false,
  params: z.object({ groupID, sipNumberList }),
  data: none,
});
export const groupSipList = api({
  path: '/entrance/paas/sipservice/group/sip/list', apiVer: '1.0.0', needsToken: false,
  params: z.object({ groupID }),
  // The field table says sipPort, the seed's sample reply says serverPort: the sandbox sends both.
  data: z.array(sipAccount.extend({ serverPort: z.number().int() })),
});

// §2.3 door station SIP numbers
export const sipNumberSync = api({
  path: '/entrance/paas/videointercom/sipnumber/sync', apiVer: '1.0.0', needsToken: false,
  params: z.object({
    iotId: z.string().min(1),
    sipNumber,
    password: z.string().min(1).max(50),
    host: z.string().min(1),
    port: z.union([z.string().regex(/^\d{1,5}$/), z.number().int().min(1).max(65535)]),
  }),
  data: none,
});
export const sipNumberGet = api({
  path: '/entrance/paas/videointercom/sipnumber/get', apiVer: '1.0.0', needsToken: false,
  params: z.object({ iotId: z.string().min(1) }),
  data: z.object({ sipNumber: z.string(), host: z.string(), port: z.string() }),
});

// §2.4 SIP group ↔ room number maps
const roomMap = z.object({ roomId: z.string().min(1), groupId: z.string().min(1) });
export const mapAdd = api({
  path: '/entrance/paas/videointercom/map/add', apiVer: '1.0.0', needsToken: false,
  params: z.object({ iotId: z.string().min(1), maps: z.array(roomMap).min(1) }),
  data: none,
});
export const mapDelete = api({
  path: '/entrance/paas/videointercom/map/delete', apiVer: '1.0.0', needsToken: false,
  params: z.object({ iotId: z.string().min(1), maps: z.array(roomMap).min(1) }),
  data: none,
});
export const mapQuery = api({
  path: '/entrance/paas/videointercom/map/query', apiVer: '1.0.1', needsToken: false,
  params: z.object({
    iotId: z.string().min(1),
    roomId: z.string().min(1).optional(),
    groupId: z.string().min(1).optional(),
    pageNo: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(20),
  }),
  data: z.object({ total: z.number().int(), pageNo: z.number().int(), pageSize: z.number().int(), data: z.array(roomMap) }),
});
