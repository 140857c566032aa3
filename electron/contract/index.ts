// The one API between the host (Electron main / Node) and the screen (renderer).
// Pure data and zod schemas: imported by the host, the preload and the renderer alike.
// Two transports carry it unchanged: Electron IPC (see ../preload.ts) and a local WebSocket.
import { z } from 'zod';
import { systemsRequests, systemsStateSchema } from './systems.js';

// ---------------------------------------------------------------- state the screen mirrors

export const problemCodeSchema = z.enum([
  'cloud-unreachable',
  'bad-app-secret',
  'clock-skew',
  'bad-sign',
  'rate-limited',
  'server-error',
  'bad-reply',
  'rejected',
  'not-configured',
  'storage',
  'internal',
]);
export type ProblemCode = z.infer<typeof problemCodeSchema>;

export const problemSchema = z.object({
  code: problemCodeSchema,
  /** Chinese, for the resident or installer. */
  message: z.string(),
  /** Technical detail for `lintel status` and the installer, never a secret. */
  detail: z.string(),
  at: z.number(),
  /** When the host will try again by itself (epoch ms), if it will. */
  retryAt: z.number().nullable(),
});
export type Problem = z.infer<typeof problemSchema>;

export const bindQrSchema = z.object({
  qrCode: z.string(),
  /** As the cloud wrote it: yyyy-MM-dd HH:mm:ss, community local time. */
  expireTime: z.string(),
  /** The same instant as epoch ms, for the countdown. */
  expiresAt: z.number(),
});
export type BindQr = z.infer<typeof bindQrSchema>;

export const bindingSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('starting') }),
  z.object({ status: z.literal('unbound'), qr: bindQrSchema.nullable() }),
  z.object({
    status: z.literal('bound'),
    houseName: z.string(),
    communityId: z.number().nullable(),
    /** 0 resident (业主), 1 property desk (物业) — seed 001 status/get. */
    bindType: z.union([z.literal(0), z.literal(1)]),
    /** Whether the intercom channel (SIP account) has been fetched and stored. */
    channelReady: z.boolean(),
  }),
]);
export type Binding = z.infer<typeof bindingSchema>;

/** The SIP account's state, named as in the platform SDK (seed 001 lines 25809-26161). */
export const intercomSchema = z.object({
  state: z.enum(['NONE', 'LOGINPROCESS', 'ONLINE', 'OFFLINE']),
  /** Why it is offline, for the installer (English, technical). */
  reason: z.string().nullable(),
  sipNumber: z.string().nullable(),
});
export type Intercom = z.infer<typeof intercomSchema>;

export const callKindSchema = z.enum(['door', 'monitor', 'desk', 'resident']);
export type CallKind = z.infer<typeof callKindSchema>;

/** The latest door-open attempt of a call, as the resident should see it. */
export const callUnlockSchema = z.object({
  state: z.enum(['idle', 'pending', 'opened', 'failed']),
  /** Chinese: "门已打开", "门口机3秒内无应答"… */
  message: z.string().nullable(),
  at: z.number().nullable(),
});
export type CallUnlock = z.infer<typeof callUnlockSchema>;

/**
 * The call the screen shows. The host owns it: a screen that reloads mid-call gets it back from
 * state.get. An ended call stays a few seconds (so the resident sees why it ended), then goes.
 */
export const callSchema = z.object({
  id: z.string(),
  direction: z.enum(['incoming', 'outgoing']),
  kind: callKindSchema,
  /** ringing/early: it rings (early: the door's picture flows); calling: we wait for the far end. */
  state: z.enum(['ringing', 'early', 'calling', 'active', 'ended']),
  remote: z.object({
    number: z.string(),
    /** For the resident: "3号楼1单元门口机", "物业中心", or the number when nothing better is known. */
    name: z.string(),
  }),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Chinese, when ended: "对方已挂断", "未接听"… */
  endReason: z.string().nullable(),
  /** A monitor ends by itself at this instant (host clock). */
  endsAt: z.number().nullable(),
  muted: z.boolean(),
  /** The far end sends video (H.264 negotiated). */
  video: z.boolean(),
  /** Frames on the media channel for this call carry this tag (see media.ts). */
  mediaTag: z.number().int().nonnegative(),
  unlock: callUnlockSchema,
});
export type Call = z.infer<typeof callSchema>;

// ---------------------------------------------------------------- voice

export const voiceContextSchema = z.enum(['home', 'ringing', 'inCall', 'monitoring', 'noticeAlert', 'noticePlaying', 'floorSetup', 'choosing']);
export type VoiceContext = z.infer<typeof voiceContextSchema>;

/**
 * The voice bar and the dialog. The host decides what a heard sentence means (grammar/, the
 * context, the wake-word and safety rules) and acts; the screen listens, shows and plays.
 */
export const voiceStateSchema = z.object({
  /** The dialog context: the recognizer switches to this context's grammar (voice.grammar). */
  context: voiceContextSchema,
  phase: z.enum(['idle', 'heard', 'doing', 'done', 'not-understood', 'refused']),
  /** The sentence last heard, as recognised. */
  heard: z.string().nullable(),
  /** Chinese feedback shown in the bar (and spoken when it is a confirmation). */
  message: z.string().nullable(),
  at: z.number().nullable(),
  /** 开门 heard without the wake word while a door rings: the resident confirms by touch. */
  confirm: z.object({ id: z.string(), action: z.literal('unlock'), callId: z.string(), expiresAt: z.number() }).nullable(),
  /** The panel is speaking (frames of kind 'speech' with mediaTag = id). */
  speaking: z.object({ id: z.number().int().nonnegative(), text: z.string() }).nullable(),
  /** The recognizer's model as the screen last reported it ('unknown' until it does). */
  model: z.object({
    status: z.enum(['unknown', 'loading', 'ready', 'missing', 'failed']),
    /** Chinese, for the screen: why voice is not available. */
    message: z.string().nullable(),
  }),
});
export type VoiceState = z.infer<typeof voiceStateSchema>;
// ---------------------------------------------------------------- community services (issue 6)
// Notices, doors opened from home (开门), the elevator (帮我呼叫电梯) and history. The host keeps them
// in step with the community cloud; the screen shows them and asks through `communityRequests`.

/** A notice's `type` (1..9) in words, as the platform names them. */
export const NOTICE_TYPE_LABELS: Readonly<Record<number, string>> = {
  1: '社区公告', 2: '账单通知', 3: '缴费结果', 4: '业务受理', 5: '业务办结', 6: '小区通知', 7: '活动推荐', 8: '物业服务', 9: '便民生活',
};

/** A type the platform may add later reads as a plain "通知". */
export function noticeTypeLabel(type: number): string {
  return NOTICE_TYPE_LABELS[type] ?? '通知';
}

export const noticeSummarySchema = z.object({
  messageId: z.number().int(),
  title: z.string(),
  /** 1..9 as the cloud sends it; typeLabel is its name ("社区公告"…). */
  type: z.number().int(),
  typeLabel: z.string(),
  /** 置顶: listed before the others. */
  isTop: z.boolean(),
  /** When the property published it (cloud gmtCreate, epoch ms). */
  publishedAt: z.number(),
  /** The beginning of the text, for a list row. */
  preview: z.string(),
  read: z.boolean(),
});
export type NoticeSummary = z.infer<typeof noticeSummarySchema>;

export const noticeSchema = noticeSummarySchema.extend({
  /** The whole text (what 播放 reads after the title). */
  text: z.string(),
  /** The element groups as published: each a text, maybe with a picture. */
  publications: z.array(z.object({ text: z.string(), pictureUrl: z.string().nullable() })),
  /** A cloud URL; the screen's CSP loads no remote content, so it is information only for now. */
  pictureUrl: z.string().nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

/** "有新公告": the newest notice that arrived since the resident last dismissed the alert. */
export const noticeAlertSchema = z.object({
  messageId: z.number().int(),
  title: z.string(),
  typeLabel: z.string(),
  /** How many notices arrived since the alert was last dismissed; it names the newest. */
  count: z.number().int().positive(),
  at: z.number(),
});
export type NoticeAlert = z.infer<typeof noticeAlertSchema>;

export const noticesStateSchema = z.object({
  unread: z.number().int().nonnegative(),
  /** Shown until 不要 (notices.dismissAlert) or until that notice is read. */
  alert: noticeAlertSchema.nullable(),
  /** How new notices reach the panel: the change push, polling while the push is down, or not at all (unbound). */
  delivery: z.enum(['push', 'polling', 'off']),
  /** Chinese, when the list could not be fetched (the last list stays available). */
  problem: z.string().nullable(),
  /** The last successful sync with the cloud (epoch ms). */
  syncedAt: z.number().nullable(),
});
export type NoticesState = z.infer<typeof noticesStateSchema>;

export const doorSchema = z.object({
  iotId: z.string(),
  /** "1幢1单元门口机" */
  name: z.string(),
  /** As the cloud last listed it; an offline door is still offered (the list may be stale). */
  online: z.boolean(),
});
export type Door = z.infer<typeof doorSchema>;

export const elevatorSchema = z.object({
  iotId: z.string(),
  /** "1幢1单元1号梯" */
  name: z.string(),
  online: z.boolean(),
});
export type Elevator = z.infer<typeof elevatorSchema>;

/** A call to the elevator while it is on its way, and for a few seconds after it arrived or failed. */
export const elevatorProgressSchema = z.object({
  iotId: z.string(),
  name: z.string(),
  /** The resident's floor, where the car is called to. */
  floor: z.string(),
  state: z.enum(['calling', 'coming', 'arrived', 'failed']),
  /** Where the car is now (QueryElevatorStatus CurrentPosition); null until the first status. */
  carFloor: z.string().nullable(),
  direction: z.enum(['up', 'down', 'none', 'unknown']),
  arrived: z.boolean(),
  /** Chinese, to show and to speak: "电梯上行中，当前 3 层", "电梯已到达 12 层", or why it failed. */
  message: z.string(),
  startedAt: z.number(),
  updatedAt: z.number(),
});
export type ElevatorProgress = z.infer<typeof elevatorProgressSchema>;

const via = z.enum(['touch', 'voice']);
const iotRef = z.string().min(1).max(100);
const noParams = z.object({}).strict();
const done = z.object({ ok: z.literal(true) });
const historyLimit = z.object({ limit: z.number().int().min(1).max(500).optional() }).strict();

/** 开门 at home. Never throws for a door that fails: the outcome says why, in Chinese. */
export const doorOpenOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('opened'), door: doorSchema, message: z.string() }),
  z.object({ status: z.literal('failed'), door: doorSchema.nullable(), message: z.string() }),
  /** Several doors and none named: ask which, then doors.open with its iotId. */
  z.object({ status: z.literal('choose'), choices: z.array(doorSchema), message: z.string() }),
]);
export type DoorOpenOutcome = z.infer<typeof doorOpenOutcomeSchema>;

/** 帮我呼叫电梯. Never throws for an elevator that fails: the outcome says why, in Chinese. */
export const elevatorCallOutcomeSchema = z.discriminatedUnion('status', [
  /** Called: follow `state.elevator` until it arrives. */
  z.object({ status: z.literal('calling'), progress: elevatorProgressSchema, message: z.string() }),
  z.object({ status: z.literal('failed'), elevator: elevatorSchema.nullable(), message: z.string() }),
  z.object({ status: z.literal('choose'), choices: z.array(elevatorSchema), message: z.string() }),
  /** First use: ask the resident's floor (voice or keypad), elevator.floor.set, then call again. */
  z.object({ status: z.literal('need-floor'), suggested: z.string().nullable(), message: z.string() }),
]);
export type ElevatorCallOutcome = z.infer<typeof elevatorCallOutcomeSchema>;

export const unlockHistoryEntrySchema = z.object({
  at: z.number(),
  /** 'call': opened during a door call (SIP INFO / DTMF); 'panel': 开门 at home (cloud API). */
  source: z.enum(['call', 'panel']),
  door: z.string(),
  doorId: z.string(),
  /** 'info' | 'dtmf' | 'unitdoor/open' | 'remoteOpen' | 'none' */
  method: z.string(),
  /** 'touch' | 'voice' | 'dtmf' */
  via: z.string(),
  ok: z.boolean(),
  /** 'ok' | 'failed' | 'rate-limited' | 'refused' */
  result: z.string(),
  reason: z.string().nullable(),
});
export type UnlockHistoryEntry = z.infer<typeof unlockHistoryEntrySchema>;

export const noticeReadEntrySchema = z.object({ messageId: z.number().int(), title: z.string(), typeLabel: z.string(), readAt: z.number() });
export type NoticeReadEntry = z.infer<typeof noticeReadEntrySchema>;

/** Floors as the elevator names them: "12", "1", "-1". */
export const floorSchema = z.string().trim().regex(/^-?\d{1,3}$/, '楼层应为数字，例如 12 或 -1');

export const communityRequests = {
  /**
   * The notices of the house, pinned first then newest, from the panel's mirror. `since` keeps those
   * published at or after it (epoch ms; 播放公告 plays today's); `refresh` asks the cloud first.
   */
  'notices.list': {
    params: z.object({ limit: z.number().int().min(1).max(200).optional(), since: z.number().optional(), refresh: z.boolean().optional() }).strict(),
    result: z.object({ notices: z.array(noticeSummarySchema), unread: z.number().int().nonnegative(), syncedAt: z.number().nullable() }),
  },
  /** One notice in full (notice/get; the mirror's copy when the cloud cannot be reached). Does not mark it read. */
  'notices.get': { params: z.object({ messageId: z.number().int() }).strict(), result: noticeSchema },
  /** Read (shown or played): one notice, or all. Clears the alert when it named a notice now read. */
  'notices.markRead': {
    params: z.union([z.object({ messageId: z.number().int() }).strict(), z.object({ all: z.literal(true) }).strict()]),
    result: z.object({ unread: z.number().int().nonnegative() }),
  },
  /** 不要: the alert goes; the notices stay unread. */
  'notices.dismissAlert': { params: noParams, result: done },
  /** The doors this house may open. */
  'doors.list': { params: noParams, result: z.object({ doors: z.array(doorSchema) }) },
  /** 开门 at home: the named door, the only door, or a choice. Logged whatever happens. */
  'doors.open': { params: z.object({ iotId: iotRef.optional(), via }).strict(), result: doorOpenOutcomeSchema },
  /** The elevators the house may call. */
  'elevator.list': { params: noParams, result: z.object({ elevators: z.array(elevatorSchema) }) },
  /** The resident's floor (null before first use) and the panel's guess from the room number. */
  'elevator.floor.get': { params: noParams, result: z.object({ floor: z.string().nullable(), suggested: z.string().nullable() }) },
  'elevator.floor.set': { params: z.object({ floor: floorSchema }).strict(), result: z.object({ floor: z.string() }) },
  /** Calls the car to the resident's floor; progress follows in `state.elevator`. */
  'elevator.call': { params: z.object({ iotId: iotRef.optional(), via }).strict(), result: elevatorCallOutcomeSchema },
  /** The resident has seen the outcome: drop `state.elevator` (polling stops; the car still comes). */
  'elevator.dismiss': { params: noParams, result: done },
  /** Doors opened, newest first: during calls and from home. */
  'history.unlocks': { params: historyLimit, result: z.object({ unlocks: z.array(unlockHistoryEntrySchema) }) },
  /** Notices read, newest first. */
  'history.notices': { params: historyLimit, result: z.object({ notices: z.array(noticeReadEntrySchema) }) },
} as const;

export const panelStateSchema = z.object({
  deviceId: z.string(),
  binding: bindingSchema,
  intercom: intercomSchema,
  /** The call on screen (or the one just ended), if any. A resident's panel has at most one: a second caller gets busy. */
  call: callSchema.nullable(),
  /** Other callers ringing meanwhile, in the order they called: a property desk's queue (empty on a resident's panel). */
  callQueue: z.array(callSchema),
  voice: voiceStateSchema,
  /** Unread count, the "有新公告" alert and how notices arrive (community services). */
  notices: noticesStateSchema,
  /** The elevator called from this panel while it comes (and briefly after), else null. */
  elevator: elevatorProgressSchema.nullable(),
  problem: problemSchema.nullable(),
  /** The other intercom systems this panel serves (Akuvox, ISDP, IoT-video cameras): systems.ts. */
  systems: systemsStateSchema,
  /** Host clock when the state was produced; the screen's countdowns use the offset to it. */
  hostTime: z.number(),
  version: z.string(),
});
export type PanelState = z.infer<typeof panelStateSchema>;

// ---------------------------------------------------------------- requests (screen -> host)

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
const callRef = z.object({ callId: z.string().min(1).max(100) }).strict();

export const callHistoryEntrySchema = z.object({
  id: z.string(),
  direction: z.enum(['incoming', 'outgoing']),
  kind: callKindSchema,
  remote: z.object({ number: z.string(), name: z.string() }),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** An incoming call nobody answered. */
  missed: z.boolean(),
  endReason: z.string().nullable(),
  hasSnapshot: z.boolean(),
});
export type CallHistoryEntry = z.infer<typeof callHistoryEntrySchema>;

/** A JPEG of the door's picture as a data URL; the host refuses anything larger. */
export const SNAPSHOT_MAX_CHARS = 400_000;
const snapshotDataUrl = z.string().max(SNAPSHOT_MAX_CHARS).regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/);

export const unlockOutcomeSchema = z.object({
  ok: z.boolean(),
  /** The door itself said it opened (SIP INFO answer); a DTMF '*' cannot be confirmed. */
  confirmed: z.boolean(),
  message: z.string(),
});
export type UnlockOutcome = z.infer<typeof unlockOutcomeSchema>;

export const hostRequests = {
  'state.get': { params: empty, result: panelStateSchema },
  /** Ask for a fresh bind QR now (e.g. after a failure). */
  'binding.renewQr': { params: empty, result: z.object({ ok: z.literal(true) }) },
  /** Unbind this panel from its house: the cloud forgets it, the panel wipes its credentials. */
  'binding.unbind': { params: empty, result: z.object({ ok: z.literal(true) }) },
  /** Answer the ringing call: the door gets 200 OK, the microphone goes live. */
  'call.answer': { params: callRef, result: ok },
  /** End the call: BYE when answered, 603 Decline while it rings, CANCEL while we call. */
  'call.hangup': { params: callRef, result: ok },
  /** Open the door of this call (SIP INFO, DTMF '*' as fallback). Never throws for a door that fails: see the outcome. */
  'call.unlock': { params: callRef.extend({ via: z.enum(['touch', 'voice']) }).strict(), result: unlockOutcomeSchema },
  'call.mute': { params: callRef.extend({ muted: z.boolean() }).strict(), result: ok },
  /** Watch a door (查看视频): the given door, else the configured one, else the last door that called. */
  'call.monitor': { params: z.object({ doorNumber: z.string().min(1).max(50).optional() }).strict(), result: ok },
  /** Call the property desk (呼叫物业). */
  'call.desk': { params: empty, result: ok },
  /** The resident has read the call-ended view: drop it now rather than after its few seconds. */
  'call.dismiss': { params: callRef, result: ok },
  /** The screen's still of the door's picture, stored with the call (shown for missed calls). */
  'call.snapshot': { params: callRef.extend({ image: snapshotDataUrl }).strict(), result: ok },
  'calls.history': { params: z.object({ limit: z.number().int().min(1).max(200).optional() }).strict(), result: z.object({ calls: z.array(callHistoryEntrySchema) }) },
  'calls.snapshot': { params: callRef, result: z.object({ image: z.string().nullable() }) },
  /** The Vosk grammar (JSON phrase list) of a dialog context, and where the model archive is served. */
  'voice.grammar': { params: z.object({ context: voiceContextSchema }).strict(), result: z.object({ context: voiceContextSchema, phrases: z.array(z.string()), modelUrl: z.string().nullable() }) },
  /** The recognizer heard a sentence (final result). The host resolves and acts on it. */
  'voice.heard': {
    params: z.object({ text: z.string().max(200), confidence: z.number().min(0).max(1), context: voiceContextSchema }).strict(),
    result: z.object({
      outcome: z.enum(['done', 'failed', 'refused', 'ignored', 'not-now', 'not-understood', 'confirm']),
      intent: z.string().nullable(),
      message: z.string().nullable(),
    }),
  },
  /** The resident's touch answer to a voice confirmation (e.g. 开门 without the wake word). */
  'voice.confirm': { params: z.object({ id: z.string(), accept: z.boolean() }).strict(), result: ok },
  /** 播放 by touch: the panel reads the notice aloud (as the voice's 播放 does) and marks it read. */
  'notices.play': { params: z.object({ messageId: z.number().int() }).strict(), result: ok },
  /** Stop the panel's speech (the resident spoke over it, or tapped). */
  'voice.stopSpeaking': { params: empty, result: ok },
  /** What the screen's recognizer found when it loaded the model. */
  'voice.model': { params: z.object({ status: z.enum(['loading', 'ready', 'missing', 'failed']), detail: z.string().max(500) }).strict(), result: ok },
  ...communityRequests,
  // Akuvox residence, ISDP field devices, IoT-video cameras (issue 7): systems.ts.
  ...systemsRequests,
} as const;

export type HostRequestName = keyof typeof hostRequests;
export type HostRequestParams<K extends HostRequestName> = z.infer<(typeof hostRequests)[K]['params']>;
export type HostRequestResult<K extends HostRequestName> = z.infer<(typeof hostRequests)[K]['result']>;

/** What the host implements and the screen calls, whatever carries it. */
export type HostApi = {
  [K in HostRequestName]: (params: HostRequestParams<K>) => Promise<HostRequestResult<K>>;
};

// ---------------------------------------------------------------- events (host -> screen)

export const hostEvents = {
  state: panelStateSchema,
} as const;
export type HostEventName = keyof typeof hostEvents;
export type HostEventPayload<K extends HostEventName> = z.infer<(typeof hostEvents)[K]>;

// ---------------------------------------------------------------- wire framing (WebSocket)

export const requestErrorSchema = z.object({ code: z.string(), message: z.string() });
export type RequestError = z.infer<typeof requestErrorSchema>;

export const clientMessageSchema = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// A plain union: zod cannot discriminate two 'response' shapes on `kind` alone.
export const serverMessageSchema = z.union([
  z.object({ kind: z.literal('response'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number(), ok: z.literal(false), error: requestErrorSchema }),
  z.object({ kind: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const WS_PATH = '/host';
export { IPC_EVENT, IPC_MEDIA, IPC_REQUEST } from './ipc.js';
export * from './media.js';
export * from './systems.js';

export function isHostRequestName(name: string): name is HostRequestName {
  return Object.hasOwn(hostRequests, name);
}

export function isHostEventName(name: string): name is HostEventName {
  return Object.hasOwn(hostEvents, name);
}

/** What the preload exposes on `window.lintel` and the WebSocket client implements. */
export interface HostBridge {
  request<K extends HostRequestName>(method: K, params: HostRequestParams<K>): Promise<HostRequestResult<K>>;
  on<K extends HostEventName>(event: K, listener: (payload: HostEventPayload<K>) => void): () => void;
  /** The media channel: encoded frames both ways (see media.ts for the layout). */
  media: MediaBridge;
}

export interface MediaBridge {
  onFrame(listener: (frame: ArrayBuffer) => void): () => void;
  send(frame: ArrayBuffer): void;
}
