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

// ---- notices (seed 001 lines 9979-10130, "2.7.18 公告服务"). The platform's rule "下文未做特殊说明情况下，
// 接口访问均加上cloudToken" (lines 5470-5480) covers them, so they carry the community cloudToken.

/** `type` 1..9 (their names are the contract's NOTICE_TYPE_LABELS, for the screen). */
export const noticeType = z.number().int().min(1).max(9);
/** publishType bits: 1 支付宝生活号, 2 支付宝小程序通知, 4 天猫精灵 (the indoor terminal). */
export const PUBLISH_TYPE_TERMINAL = 4;
const flag = z.union([z.literal(0), z.literal(1)]);

export const noticeAdd = api({
  path: '/solution/community/notice/add',
  apiVer: '1.0.3',
  needsToken: true,
  params: z.object({
    // "最大长度为20。只允许数字、中英文字符。"
    title: z.string().min(1).max(20).regex(/^[\p{Script=Han}A-Za-z0-9]+$/u, 'only digits, Chinese and English letters'),
    // "每个元素分组最少包含一条文本，可以包含一个图片。最多5组。"
    publications: z.array(z.object({ text: z.string().min(1).max(1000), uploadId: z.string().min(1).optional() })).min(1).max(5),
    type: noticeType,
    isTop: flag,
    communityId: z.number().int().optional(),
    publishType: z.number().int().min(1).max(7),
    spaceIds: z.array(z.string().min(1)).optional(),
  }),
  // "消息ID。数据类型为String。"
  data: z.string().min(1),
});
export const noticeUpdate = api({
  path: '/solution/community/notice/update',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object({ messageId: z.number().int(), communityId: z.number().int().optional(), isTop: flag }),
  data: z.unknown(),
});
/** One element group of a published notice. The seed names the list but not its fields: each
 * group is written as a text and an uploadId, and read back as its text and the picture's URL. */
export const noticePublication = z.object({ text: z.string(), pictureUrl: z.string().nullable().optional() });
const noticeFields = {
  messageId: z.number().int(),
  title: z.string(),
  publications: z.array(noticePublication),
  text: z.string(),
  pictureUrl: z.string().nullable().optional(),
  // An integer outside 1..9 is shown as a plain "通知" rather than failing the whole list.
  type: z.number().int(),
  isTop: flag,
  gmtCreate: z.number().int(),
  publishRange: flag,
  spaceIds: z.array(z.string()).nullable().optional(),
};
export const noticeItem = z.object({ ...noticeFields, publishType: z.number().int() });
export const noticeQuery = api({
  path: '/solution/community/notice/query',
  apiVer: '1.0.9',
  needsToken: true,
  params: z.object({
    communityId: z.number().int().optional(),
    pageNo: z.number().int().positive(),
    pageSize: z.number().int().positive().max(100),
    publishType: z.number().int().min(0).max(7).optional(),
    type: noticeType.optional(),
    topFirst: flag.optional(),
    spaceId: z.string().min(1).optional(),
  }),
  data: z.object({ total: z.number().int(), pageNo: z.number().int(), pageSize: z.number().int(), data: z.array(noticeItem) }),
});
export const noticeDelete = api({
  path: '/solution/community/notice/delete',
  apiVer: '1.0.0',
  needsToken: true,
  params: z.object({ messageIds: z.array(z.number().int()).min(1), communityId: z.number().int().optional() }),
  data: z.unknown(),
});
export const noticeGet = api({
  path: '/solution/community/notice/get',
  apiVer: '1.0.6',
  needsToken: true,
  params: z.object({ communityId: z.number().int().optional(), messageId: z.number().int() }),
  data: z.object(noticeFields),
});

/** The change push (seed 001 lines 10200-10274): topic and payload of "公告 … 当小区公告有新增发布时推送". */
export const noticeChangeTopic = (appKey: string): string => `/sys/appkey/${appKey}/community/message/change`;
export const changePayload = z.object({
  communityId: z.number().int(),
  ids: z.array(z.union([z.string(), z.number()]).transform(String)),
  type: z.enum(['insert', 'delete', 'update', 'publish']),
});
export type ChangePayload = z.infer<typeof changePayload>;

// ---- thing services (seed 001 lines 8731-8745 remote open; lines 26162-26700 elevator)

/** "调用设备服务": one path for every thing-model service; `data` is the service's output. */
export const thingServiceInvoke = api({
  path: '/cloud/thing/service/invoke',
  apiVer: '1.0.1',
  needsToken: false,
  params: z.object({ iotId: z.string().min(1), identifier: z.string().min(1), args: z.record(z.string(), z.unknown()) }),
  data: z.unknown(),
});

const text2048 = z.string().max(2048);
/** The elevator services' own result: 0 success, 4 "send to device fail". */
export const ELEVATOR_OK = 0;
export const ELEVATOR_SEND_FAIL = 4;
const elevatorResult = { code: z.number().int(), message: z.string().nullable().optional() };
/** CarStatus -1 unknown, 0 stopped, 1 running; CarDirection -1 unknown, 0 none, 1 up, 2 down. */
export const elevatorStatusItem = z.object({
  ElevatorID: z.string(),
  CurrentPosition: z.string(),
  CarStatus: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  CarDirection: z.union([z.literal(-1), z.literal(0), z.literal(1), z.literal(2)]),
});

/** Each service's args and output (the `data` of a successful invoke). */
export const thingServices = {
  remoteOpen: { args: z.object({}).strict(), output: z.unknown() },
  CloudCallElevator: {
    args: z.object({
      ElevatorID: text2048.min(1),
      StartFloor: text2048.min(1),
      StartRoomNumber: text2048.optional(),
      TargetFloor: text2048.optional(),
      TargetRoomNumber: text2048.optional(),
      TargetDirection: z.union([z.literal(1), z.literal(2)]).optional(),
    }),
    output: z.object(elevatorResult),
  },
  QueryElevatorStatus: {
    args: z.object({}).strict(),
    // Only a successful query (code 0) carries ElevatorStatus.
    output: z.object({ ...elevatorResult, ElevatorStatus: z.array(elevatorStatusItem).optional() }),
  },
  QueryElevatorInfo: {
    args: z.object({}).strict(),
    output: z.object({
      ...elevatorResult,
      ElevatorMode: z.string().optional(),
      ElevatorInfo: z.array(z.object({ ElevatorID: z.string(), ElevatorName: z.string(), IsDualCardDoor: z.boolean() })).optional(),
      FloorRoomInfo: z.array(z.object({ ElevatorID: z.string(), Floor: z.string(), RoomNumber: z.string() })).optional(),
    }),
  },
} as const;
export type ThingServiceName = keyof typeof thingServices;

/** "远程呼梯" (seed 001 lines 26443-26470). */
export const elevatorCall = api({
  path: '/elevator/control/elevator/call',
  apiVer: '1.0.1',
  needsToken: false,
  params: z.object({
    iotId: z.string().min(1),
    startFloor: z.string().min(1),
    startRoomNo: z.string().min(1).optional(),
    targetFloor: z.string().min(1).optional(),
    targetRoomNo: z.string().min(1).optional(),
  }),
  data: z.unknown(),
});
