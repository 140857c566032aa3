// The contract's section for the other intercom systems a panel may serve besides the community
// platform (issue 7): an Akuvox residence (seed 002), ISDP field devices called from the property
// desk (seed 004), and IP cameras with IoT-video voice intercom (seed 003). Re-exported by
// index.ts; `systems` in PanelState and the requests below are part of the one contract.
//
// Nothing here carries a secret: no access token, no RTSP URL (it holds the camera's password),
// no talk-URL token and no AES key.
// index.ts imports this file to build PanelState, so this file imports nothing from index.ts.
import { z } from 'zod';

const via = z.enum(['touch', 'voice']);
const ok = z.object({ ok: z.literal(true) });
const empty = z.object({}).strict();

/** The outcome of the latest action on a system, as the screen should show it after a reload. */
export const systemActionSchema = z.object({
  ok: z.boolean(),
  /** Chinese: what was acted on ("Front Door 3", "巡逻岗"). */
  target: z.string(),
  /** Chinese, to show and to speak. */
  message: z.string(),
  at: z.number(),
});
export type SystemAction = z.infer<typeof systemActionSchema>;

/** A field device or a camera: the id to name it by in a request, and its name for the resident. */
const namedTargetSchema = z.object({ id: z.string(), name: z.string() });

// ---------------------------------------------------------------- Akuvox residence (seed 002)

export const akuvoxRelayViewSchema = z.object({
  relayId: z.string(),
  name: z.string(),
  /** The door phone's keypad key for it during a call ("#"). */
  dialKey: z.string(),
  /** From security_relays (a separate security relay module). */
  security: z.boolean(),
});

export const akuvoxDeviceViewSchema = z.object({
  mac: z.string(),
  name: z.string(),
  /** device_type as the API wrote it. */
  type: z.string(),
  /** Chinese: 梯口机, 门口机, 室内机, 管理机, 门禁 (or the API's word for a type it did not document). */
  typeLabel: z.string(),
  sip: z.string(),
  online: z.boolean(),
  isPublic: z.boolean(),
  relays: z.array(akuvoxRelayViewSchema),
});
export type AkuvoxDeviceView = z.infer<typeof akuvoxDeviceViewSchema>;

export const akuvoxStateSchema = z.object({
  residenceId: z.string(),
  /** The residence's door phones and other devices, as last fetched (kept across restarts). */
  devices: z.array(akuvoxDeviceViewSchema),
  /** When the list was last fetched (host clock); null: not yet. */
  updatedAt: z.number().nullable(),
  /** Why the list could not be fetched, when it could not, and when the host tries again. */
  failure: z.object({ message: z.string(), at: z.number(), retryAt: z.number().nullable() }).nullable(),
  lastOpen: systemActionSchema.nullable(),
});

/** A relay the resident can name: `label` is unique among the choices (the relay's name when that is). */
export const relayChoiceSchema = z.object({ mac: z.string(), relayId: z.string(), label: z.string() });
export type RelayChoice = z.infer<typeof relayChoiceSchema>;

export const akuvoxOpenOutcomeSchema = z.object({
  ok: z.boolean(),
  /** Chinese: "Front Door 3 已打开", "设备离线，暂时无法操作"… */
  message: z.string(),
  /** The relay opened or tried; null when none was. */
  relay: relayChoiceSchema.nullable(),
  /** Non-empty when no relay was named and several could be meant: ask, then call again with one. */
  choices: z.array(relayChoiceSchema),
});
export type AkuvoxOpenOutcome = z.infer<typeof akuvoxOpenOutcomeSchema>;

export const akuvoxCallEntrySchema = z.object({
  name: z.string(),
  sip: z.string(),
  /** As the API wrote it. */
  time: z.string(),
  /** The same instant (read as UTC, like the API's temporary-key times); null when unreadable. */
  at: z.number().nullable(),
});

export const akuvoxOpenEntrySchema = z.object({
  ok: z.boolean(),
  account: z.string(),
  device: z.string(),
  /** open_door_type as the API wrote it (may be empty). */
  type: z.string(),
  time: z.string(),
  at: z.number().nullable(),
  /** Ids for `akuvox.snapshot` (the host fetches the picture; the screen loads nothing remote). */
  thumbnailId: z.string().nullable(),
  pictureId: z.string().nullable(),
});

export const akuvoxTempKeySchema = z.object({
  /** The code to type on the door phone's keypad. */
  key: z.string(),
  /** What the screen renders as a QR code: temp_key exactly as the API returned it. */
  qrText: z.string(),
  /** As the API wrote them (UTC). */
  startTime: z.string(),
  finishTime: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  /** How many times it opens; null when the API did not say. */
  count: z.number().int().nullable(),
});
export type AkuvoxTempKey = z.infer<typeof akuvoxTempKeySchema>;

/** A picture as a data URL (JPEG or PNG), for an <img> under the screen's CSP. */
export const pictureDataUrl = z.string().regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]+=*$/);

// ---------------------------------------------------------------- ISDP field devices (seed 004)

export const isdpDeviceViewSchema = namedTargetSchema;

export const isdpStateSchema = z.object({
  /** The field devices the desk can call ("巡逻岗"…), as the installer listed them. */
  devices: z.array(isdpDeviceViewSchema),
  /** Calling field devices is the property desk's job: false on a panel bound as a resident's. */
  allowed: z.boolean(),
  lastCall: systemActionSchema.nullable(),
});

export const isdpCallOutcomeSchema = z.object({
  ok: z.boolean(),
  /** Chinese: "已呼叫巡逻岗", "ISDP 平台未能呼叫该设备：…" */
  message: z.string(),
  device: isdpDeviceViewSchema.nullable(),
  /** Non-empty when no device was named and several could be meant. */
  choices: z.array(isdpDeviceViewSchema),
});

// ---------------------------------------------------------------- IP cameras (seed 003)

export const cameraViewSchema = namedTargetSchema;

export const camerasStateSchema = z.object({
  /** IP cameras with voice intercom, for the monitor list. */
  cameras: z.array(cameraViewSchema),
  /**
   * Chinese, for the screen to show beside them: the platform gives a talk URL and an AES key, but
   * the protocol spoken over that URL is not in the specification, so the panel cannot talk yet.
   */
  note: z.string(),
  lastQuery: systemActionSchema.nullable(),
});

export const cameraIntercomOutcomeSchema = z.object({
  ok: z.boolean(),
  /** Chinese: says the URL was obtained and that talking over it is not specified, or why it failed. */
  message: z.string(),
  camera: cameraViewSchema,
  /** The talk URL without its query (the token stays in the host); null on failure. */
  talkEndpoint: z.string().nullable(),
  /** Always false: the talk protocol behind the URL is not in the specification. */
  talkSupported: z.literal(false),
});

// ---------------------------------------------------------------- state and requests

export const systemsStateSchema = z.object({
  /** null: this panel is not bound to an Akuvox residence. */
  akuvox: akuvoxStateSchema.nullable(),
  /** null: no ISDP field devices configured. */
  isdp: isdpStateSchema.nullable(),
  /** null: no IoT-video cameras configured. */
  cameras: camerasStateSchema.nullable(),
});
export type SystemsState = z.infer<typeof systemsStateSchema>;

const relayRef = {
  /** Which relay: its id (with the device's MAC when ids could repeat across devices)… */
  relayId: z.string().min(1).max(100).optional(),
  mac: z.string().min(1).max(32).optional(),
  /** …or its spoken/label name, as the voice dialog's choice gives it back. */
  name: z.string().min(1).max(100).optional(),
};

export const systemsRequests = {
  /** The residence's devices and relays; `refresh` asks the cloud now rather than the kept list. */
  'akuvox.devices': { params: z.object({ refresh: z.boolean().optional() }).strict(), result: z.object({ devices: z.array(akuvoxDeviceViewSchema) }) },
  /**
   * Open a relay (trigger_akuvox_remote_open_door), by touch or by voice. With nothing named it
   * opens the configured default relay, or the only one; otherwise it answers with `choices`.
   * Never throws for a door that fails: see the outcome. Rate-limited and audited with its evidence.
   */
  'akuvox.openRelay': {
    params: z.object({
      ...relayRef,
      via,
      /** For voice: what was heard and how sure the recognizer was (kept in the audit trail). */
      transcript: z.string().max(200).optional(),
      confidence: z.number().min(0).max(1).optional(),
    }).strict(),
    result: akuvoxOpenOutcomeSchema,
  },
  'akuvox.callHistory': { params: empty, result: z.object({ calls: z.array(akuvoxCallEntrySchema) }) },
  'akuvox.openHistory': { params: empty, result: z.object({ entries: z.array(akuvoxOpenEntrySchema) }) },
  /** A capture from the open-door history, fetched by the host. */
  'akuvox.snapshot': { params: z.object({ id: z.string().min(1).max(64) }).strict(), result: z.object({ image: pictureDataUrl }) },
  'akuvox.tempKeys': { params: empty, result: z.object({ keys: z.array(akuvoxTempKeySchema) }) },
  /** A temporary key valid from now (or `startsInMinutes`) for `validMinutes`, opening `count` times. */
  'akuvox.createTempKey': {
    params: z.object({
      validMinutes: z.number().int().min(5).max(7 * 24 * 60),
      count: z.number().int().min(1).max(100),
      startsInMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
    }).strict(),
    result: z.object({ key: akuvoxTempKeySchema }),
  },
  'akuvox.deleteTempKeys': { params: z.object({ keys: z.array(z.string().min(1).max(64)).min(1).max(50) }).strict(), result: ok },
  /** Call a field device from the property desk (呼叫巡逻岗): by id, by name, or the only one. */
  'isdp.call': {
    params: z.object({ deviceId: z.string().min(1).max(64).optional(), name: z.string().min(1).max(64).optional(), via }).strict(),
    result: isdpCallOutcomeSchema,
  },
  /** Ask the IoT video platform for a camera's voice-intercom session (Scheme ws). */
  'cameras.intercom': { params: z.object({ cameraId: z.string().min(1).max(200) }).strict(), result: cameraIntercomOutcomeSchema },
} as const;
