// The Akuvox open-ability API (seed 002) as data: every command's `param` and the `result` of its
// success reply. One endpoint serves them all: POST /api/v1.0/invoke/open-ability/method/user-commands
// with a Bearer token and the body {command, id, param}; the answer is {success, timestamp, result}.
// The panel's client checks replies against these; the sandbox checks requests against them.
import { z } from 'zod';

export const AKUVOX_PATH = '/api/v1.0/invoke/open-ability/method/user-commands';

export interface AkuvoxCommandSpec<P extends z.ZodType, R extends z.ZodType> {
  param: P;
  result: R;
  /** Reads and settings can be repeated freely; a door open, a new key or a deletion only when the first certainly did nothing. */
  idempotent: boolean;
}

function command<P extends z.ZodType, R extends z.ZodType>(param: P, result: R, idempotent: boolean): AkuvoxCommandSpec<P, R> {
  return { param, result, idempotent };
}

const residenceId = z.string().min(1).max(64);
const residence = z.object({ residence_id: residenceId });
/** The seed's MACs are 12 hex digits without separators ("0C110532D226"). */
export const akuvoxMac = z.string().regex(/^[0-9A-Fa-f]{12}$/, 'a MAC address of 12 hex digits');
/** Temporary-key times: "2020-03-12 13:32:43", UTC (the seed says so). */
export const akuvoxUtcTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'yyyy-MM-dd HH:mm:ss');
/** The seed's `Object` results with no fields ("result": {}). */
const emptyResult = z.object({}).loose();

export const akuvoxRelaySchema = z.object({
  relay_name: z.string(),
  /** The door phone's keypad key for this relay ("#"). */
  relay_number: z.string(),
  relay_id: z.string().min(1),
});
export type AkuvoxRelay = z.infer<typeof akuvoxRelaySchema>;

export const akuvoxDeviceSchema = z.object({
  /** Opaque; "依赖SDK解析". Never used by the panel. */
  ciphertext: z.string().optional().nullable(),
  // A device without relays (an indoor monitor) may leave the arrays out.
  relays: z.array(akuvoxRelaySchema).nullable().optional().transform((r) => r ?? []),
  security_relays: z.array(akuvoxRelaySchema).nullable().optional().transform((r) => r ?? []),
  is_public: z.boolean().optional().nullable(),
  device_name: z.string(),
  sip: z.string().optional().nullable(),
  /** "Multi-tenants Doorphone", "Single-tenant Doorphone", "Indoor Monitor", "Guard Phone", "Access Control". */
  device_type: z.string(),
  mac: akuvoxMac,
  online: z.boolean(),
  // The field table says rtsp_url, the sample says rtsp: either is read. It carries the camera's
  // password, so it never leaves the host.
  rtsp_url: z.string().optional().nullable(),
  rtsp: z.string().optional().nullable(),
});
export type AkuvoxDevice = z.infer<typeof akuvoxDeviceSchema>;

export const akuvoxTempKeySchema = z.object({
  temp_key: z.string().min(1),
  start_time: akuvoxUtcTime,
  finish_time: akuvoxUtcTime,
  count: z.number().int(),
  qr_code_url: z.string().optional().nullable(),
});

export const akuvoxCallSchema = z.object({
  call_name: z.string(),
  call_sip: z.string(),
  call_time: z.string(),
});

export const akuvoxOpenRecordSchema = z.object({
  open_door: z.boolean(),
  account_name: z.string().optional().nullable(),
  device_name: z.string(),
  capture_thumbnail_url: z.string().optional().nullable(),
  open_door_type: z.string().optional().nullable(),
  capture_picture_url: z.string().optional().nullable(),
  open_door_time: z.string(),
});

/** Every command of seed 002, in the seed's order. */
export const akuvoxCommands = {
  get_akuvox_device_list: command(residence, z.array(akuvoxDeviceSchema), true),
  get_akuvox_open_door_private_key_config: command(residence, z.object({ private_key: z.string() }), true),
  update_akuvox_open_door_private_key_config: command(residence.extend({ private_key: z.string().min(1).max(32) }), emptyResult, true),
  get_akuvox_open_door_nfc_config: command(residence, z.object({ nfc_code: z.string(), enable_nfc: z.boolean() }), true),
  update_akuvox_open_door_nfc_config: command(residence.extend({ enable_nfc: z.boolean() }), z.object({ nfc_code: z.string() }), true),
  get_akuvox_open_door_ble_config: command(residence, z.object({ ble_code: z.string(), enable_ble: z.boolean() }), true),
  update_akuvox_open_door_ble_config: command(residence.extend({ enable_ble: z.boolean() }), z.object({ ble_code: z.string() }), true),
  get_akuvox_open_door_temp_key_config: command(residence, z.array(akuvoxTempKeySchema), true),
  create_akuvox_open_door_temp_key_config: command(
    residence.extend({ start_time: akuvoxUtcTime, finish_time: akuvoxUtcTime, count: z.number().int().min(1) }),
    z.object({ temp_key: z.string().min(1), qr_code_url: z.string().optional().nullable() }),
    false,
  ),
  delete_akuvox_open_door_temp_key_config: command(residence.extend({ temp_key: z.string().min(1) }), emptyResult, false),
  batch_delete_akuvox_open_door_temp_key_config: command(residence.extend({ temp_key: z.array(z.string().min(1)).min(1) }), emptyResult, false),
  get_akuvox_face_file_info: command(residence, z.object({ is_uploaded: z.boolean() }), true),
  update_akuvox_face_file_info: command(residence.extend({ filename: z.string().min(1).max(255) }), emptyResult, true),
  delete_akuvox_face_file_info: command(residence, emptyResult, true),
  check_akuvox_device_permission: command(
    residence.extend({ devices: z.array(z.object({ mac: akuvoxMac })).min(1) }),
    z.array(z.object({ permission: z.boolean(), mac: z.string() })),
    true,
  ),
  get_akuvox_call_history: command(residence, z.array(akuvoxCallSchema), true),
  get_akuvox_open_door_history: command(residence, z.array(akuvoxOpenRecordSchema), true),
  trigger_akuvox_remote_open_door: command(residence.extend({ mac: akuvoxMac, relay_id: z.string().min(1) }), emptyResult, false),
} as const;

export type AkuvoxCommand = keyof typeof akuvoxCommands;
export type AkuvoxParam<C extends AkuvoxCommand> = z.input<(typeof akuvoxCommands)[C]['param']>;
export type AkuvoxResult<C extends AkuvoxCommand> = z.output<(typeof akuvoxCommands)[C]['result']>;

export function isAkuvoxCommand(name: string): name is AkuvoxCommand {
  return Object.hasOwn(akuvoxCommands, name);
}

/** The request body: {command, id, param}. */
export const akuvoxRequestSchema = z.object({
  command: z.string().min(1),
  id: z.string().min(1),
  param: z.record(z.string(), z.unknown()),
});

/** The answer of every command: {success, timestamp, result}. */
export const akuvoxReplySchema = z.object({
  success: z.boolean(),
  timestamp: z.number().int(),
  result: z.unknown().optional(),
});

/**
 * The failure reply. Seed 002 refers to "接口失败返回" without printing it; Lintel (client and
 * sandbox) uses the documented envelope with `success: false` and the reason in `result`:
 * {"success": false, "timestamp": …, "result": {"code": "DEVICE_OFFLINE", "message": "…"}}.
 * The client also reads `code`/`message`/`msg` beside `result`, in case a real cloud puts them there.
 */
export const akuvoxFailureSchema = z.object({
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  msg: z.string().optional(),
}).loose();

/** The failure codes Lintel knows the meaning of (the sandbox sends exactly these). */
export const AKUVOX_FAILURES = {
  UNAUTHORIZED: 'the access token is missing, unknown or expired',
  RESIDENCE_FORBIDDEN: 'the token does not grant this residence',
  INVALID_REQUEST: 'the body is not {command, id, param}',
  UNKNOWN_COMMAND: 'no such command',
  INVALID_PARAM: 'a parameter is missing or malformed',
  DEVICE_NOT_FOUND: 'no such device in the residence',
  RELAY_NOT_FOUND: 'no such relay on the device',
  DEVICE_OFFLINE: 'the device is offline',
  TEMP_KEY_NOT_FOUND: 'no such temporary key',
  INVALID_TIME_RANGE: 'finish_time is not after start_time',
  TOO_MANY_REQUESTS: 'rate limited',
  INTERNAL_ERROR: 'server error',
} as const;
export type AkuvoxFailureCode = keyof typeof AKUVOX_FAILURES;
