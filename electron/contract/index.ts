// The one API between the host (Electron main / Node) and the screen (renderer).
// Pure data and zod schemas: imported by the host, the preload and the renderer alike.
// Two transports carry it unchanged: Electron IPC (see ../preload.ts) and a local WebSocket.
import { z } from 'zod';

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

export const panelStateSchema = z.object({
  deviceId: z.string(),
  binding: bindingSchema,
  intercom: intercomSchema,
  problem: problemSchema.nullable(),
  /** Host clock when the state was produced; the screen's countdowns use the offset to it. */
  hostTime: z.number(),
  version: z.string(),
});
export type PanelState = z.infer<typeof panelStateSchema>;

// ---------------------------------------------------------------- requests (screen -> host)

const empty = z.object({}).strict();

export const hostRequests = {
  'state.get': { params: empty, result: panelStateSchema },
  /** Ask for a fresh bind QR now (e.g. after a failure). */
  'binding.renewQr': { params: empty, result: z.object({ ok: z.literal(true) }) },
  /** Unbind this panel from its house: the cloud forgets it, the panel wipes its credentials. */
  'binding.unbind': { params: empty, result: z.object({ ok: z.literal(true) }) },
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
export { IPC_EVENT, IPC_REQUEST } from './ipc.js';

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
}
