// Calls for the panel: door calls with early media (183 + SDP), answer / reject / hangup, door
// monitoring, calls to the property desk, and door unlock (SIP INFO JSON protocol, DTMF '*'
// fallback), over a SipAccount and the media engine.
export { ANSWERED_ELSEWHERE, DECLINED_BY_RESIDENT, CallManager, CallError, PANEL_USER_AGENT, classifyCaller, completedElsewhere } from './call-manager.js';
export type { CallManagerOptions, MonitorOptions } from './call-manager.js';
export { MediaSessionDescriptionHandler, MediaSdhRegistry } from './sdh.js';
export {
  UNLOCK_CONTENT_TYPE,
  UNLOCK_TIMEOUT_MS,
  DUPLICATE_WINDOW_MS,
  ReqsnDeduper,
  UnlockRateLimiter,
  parseInfoJson,
  unlockAnswerBody,
  unlockRequestBody,
} from './unlock-protocol.js';
export type { UnlockAnswer, UnlockRequest, ParsedInfoBody } from './unlock-protocol.js';
export { memoryCallStore } from './types.js';
export type {
  CallDirection,
  CallKind,
  CallManagerEvents,
  CallState,
  CallStore,
  CallView,
  UnlockAttemptRecord,
  UnlockResult,
  UnlockVia,
} from './types.js';
