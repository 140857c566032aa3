// Door station simulator for the sandbox community and the integration tests: a real SIP door
// (registration, early-media calls with H.264 from ffmpeg, the platform's INFO unlock, RFC 2833
// '*', silent auto-answered monitor views). See README.md in this folder.
export { DoorStation, startDoorStation } from './station.js';
export type {
  DoorCall,
  DoorCallState,
  DoorCallStats,
  DoorOpenEvent,
  DoorSessionKind,
  DoorStationEvents,
  DoorStationOptions,
  RingOptions,
  UnlockMode,
} from './station.js';
export { SdhRegistry } from './sdh.js';
export type { SdpHandlers } from './sdh.js';
export { parseUnlockInfo, unlockAnswer, ReqsnDedupe } from './unlock.js';
export type { UnlockRequest, UnlockAnswer, ParsedInfo } from './unlock.js';
export { h264Parameters, DEFAULT_VIDEO, DOOR_H264_PT } from './media.js';
export type { VideoFormat, H264Parameters } from './media.js';
export { startDoorStations } from './sandbox-hub.js';
export type { DoorStationHub, DoorStationsOptions, RingHouseCall, RingHouseOptions, RingHouseResult } from './sandbox-hub.js';
