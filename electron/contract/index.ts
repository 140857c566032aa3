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

export const panelStateSchema = z.object({
  deviceId: z.string(),
  binding: bindingSchema,
  intercom: intercomSchema,
  /** The call in progress (or just ended), if any. There is at most one: a second caller gets busy. */
  call: callSchema.nullable(),
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
