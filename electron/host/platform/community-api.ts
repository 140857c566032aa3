// The community platform's APIs as data: path, version, parameters and the `data` of a success
// reply. The panel's client checks replies against these; the sandbox checks requests against them.
// Field names and versions are those of seed 001 (token: lines 5408-5540; indoor-terminal binding:
// lines 4615-4989) and seed 000 (SIP provisioning).
import { z } from 'zod';

export interface ApiSpec<P extends z.ZodType, D extends z.ZodType> {
  path: string;
  apiVer: string;
  /** Whether the call carries the community cloudToken. */
  needsToken: boolean;
  params: P;
  data: D;
}

function api<P extends z.ZodType, D extends z.ZodType>(spec: ApiSpec<P, D>): ApiSpec<P, D> {
  return spec;
}

const deviceIdentity = {
  deviceId: z.string().min(1),
  deviceType: z.string().min(1).optional(),
};

export const TMALL_GENIE = 'TMALL_GENIE';

// ---- community token (seed 001 lines 5408-5540)
export const tokenGet = api({
  path: '/solution/community/paas/token/get',
  apiVer: '1.0.0',
  needsToken: false,
  params: z.object({ communityId: z.number().int() }),
  data: z.object({ cloudToken: z.string().min(1), expiresIn: z.number().int().positive() }),
});
export const tokenRefresh = api({
  path: '/solution/community/paas/token/refresh',
  apiVer: '1.0.0',
  needsToken: false,
  params: z.object({ cloudToken: z.string().min(1) }),
  data: z.object({ cloudToken: z.string().min(1), expiresIn: z.number().int().positive() }),
});

// ---- indoor terminal, device side (seed 001 lines 4615-4800)
export const qrcodeGet = api({
  path: '/solution/community/intercom/device/qrcode/get',
  apiVer: '1.0.0',
  needsToken: false,
  params: z.object({ ...deviceIdentity, ts: z.number().int(), sign: z.string().min(1) }),
  data: z.object({
    qrCode: z.string().min(1),
    expireTime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    qrCodeUrl: z.string().optional().nullable(),
  }),
});
export const bindStatusGet = api({
  path: '/solution/community/intercom/device/status/get',
  apiVer: '1.0.1',
  needsToken: false,
  params: z.object(deviceIdentity),
  data: z.object({
    bindId: z.string().optional().nullable(),
    bindStatus: z.boolean(),
    houseName: z.string().optional().nullable(),
    communityId: z.number().int().optional().nullable(),
    bindType: z.union([z.literal(0), z.literal(1)]).optional().nullable(),
  }),
});
export const deviceEndUnbind = api({
  path: '/solution/community/intercom/device/end/unbind',
  apiVer: '1.0.0',
  needsToken: false,
  params: z.object(deviceIdentity),
  data: z.unknown(),
});
export const unitDoorOpen = api({
  path: '/solution/community/intercom/unitdoor/open',
  apiVer: '1.0.1',
  needsToken: false,
  params: z.object({ ...deviceIdentity, iotId: z.string().min(1).optional() }),
  data: z.unknown(),
});
export const channelGet = api({
  path: '/solution/community/intercom/device/channel/get',
  apiVer: '1.0.0',
  needsToken: false,
  params: z.object(deviceIdentity),
  data: z.object({
    communityId: z.number().int(),
    houseName: z.string(),
    unitSpaceId: z.string(),
    houseSpaceId: z.string(),
    sipGroupId: z.string(),
    sipNumber: z.string().min(1).max(50),
    sipPassword: z.string().min(1).max(50),
    sipHost: z.string().min(1),
    sipPort: z.string().regex(/^\d{1,5}$/),
  }),
});
export const entranceDevice = z.object({
  communityId: z.number().int(),
  iotId: z.string(),
  deviceName: z.string(),
  nickName: z.string().optional().nullable(),
  productKey: z.string(),
  productName: z.string().optional().nullable(),
  thingType: z.enum(['VIRTUAL', 'WEB', 'APP', 'DEVICE']),
  status: z.union([z.literal(0), z.literal(1), z.literal(3), z.literal(8)]),
  nodeType: z.union([z.literal(0), z.literal(1)]),
  netType: z.string().optional().nullable(),
  categoryId: z.number().int().optional().nullable(),
  categoryName: z.string().optional().nullable(),
});
export const entranceDeviceList = api({
  path: '/solution/community/intercom/entrance/device/list',
  apiVer: '1.0.0',
  needsToken: false,
  // The seed lists "pageSize" twice; the second is the page number (页号), named pageNo here.
  params: z.object({ ...deviceIdentity, pageSize: z.number().int().positive(), pageNo: z.number().int().positive() }),
  data: z.object({
    pageSize: z.number().int(),
    pageNo: z.number().int(),
    total: z.number().int(),
    data: z.array(entranceDevice),
  }),
});

// ---- indoor terminal, app side (seed 001 lines 4800-4989)
const paasIdentity = { paasIdentityId: z.string().optional() };
export const deviceBind = api({
  path: '/solution/community/intercom/device/bind',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object({
    ...paasIdentity,
    qrCode: z.string().min(1),
    houseSpaceId: z.string().min(1),
    deviceNickName: z.string().min(1).max(64),
  }),
  data: z.object({ bindId: z.string().min(1) }),
});
export const deviceRename = api({
  path: '/solution/community/intercom/device/rename',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object({
    ...paasIdentity,
    bindId: z.string().min(1),
    deviceNickName: z.string().min(1).max(64).regex(/^[\p{Script=Han}A-Za-z0-9\-_.]+$/u),
  }),
  data: z.unknown(),
});
export const deviceList = api({
  path: '/solution/community/intercom/device/list',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object(paasIdentity),
  data: z.array(z.object({
    bindId: z.string(),
    intercomDeviceId: z.string(),
    intercomDeviceType: z.string(),
    houseSpaceId: z.string(),
    houseName: z.string(),
  })),
});
export const deviceAppUnbind = api({
  path: '/solution/community/intercom/device/unbind',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object({ ...paasIdentity, bindId: z.string().min(1) }),
  data: z.unknown(),
});
