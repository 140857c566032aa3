// What the call layer shows the rest of the host: serialisable call views and unlock results.
import type { AudioFrame, VideoAccessUnit } from '../../media/types.js';

export type CallDirection = 'incoming' | 'outgoing';
/** door: a door station calling in; monitor: the panel watching a door; desk: the property desk; resident: panel-to-panel. */
export type CallKind = 'door' | 'monitor' | 'desk' | 'resident';
/**
 * ringing: INVITE received, 183 not sent yet (a few ms); early: 183 with our answer sent (incoming)
 * or received (outgoing), media flows; calling: our INVITE is out; active: answered; ended.
 */
export type CallState = 'ringing' | 'early' | 'calling' | 'active' | 'ended';

export interface CallView {
  id: string;
  direction: CallDirection;
  kind: CallKind;
  remote: { number: string; displayName: string };
  state: CallState;
  endReason?: string;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
}

export type UnlockVia = 'voice' | 'touch' | 'dtmf';

export interface UnlockResult {
  /** The door confirmed (INFO answer status 200), or '*' went out by DTMF (which cannot be confirmed). */
  ok: boolean;
  /** The door itself said it opened. Never true for DTMF. */
  confirmed: boolean;
  /** What actually carried the request; 'none' when nothing was sent (rate limit, no call...). */
  method: 'info' | 'dtmf' | 'none';
  reqsn?: number;
  latencyMs: number;
  reason?: string;
  /** The door's status from the JSON answer (200 = opened, >= 400 failed). */
  doorStatus?: number;
}

export interface UnlockAttemptRecord {
  at: number;
  callId: string;
  doorNumber: string;
  method: 'info' | 'dtmf' | 'none';
  via: UnlockVia;
  reqsn?: number;
  result: 'ok' | 'failed' | 'rate-limited' | 'refused';
  confirmed: boolean;
  latencyMs: number;
  reason?: string;
}

/** The persistence the call layer needs (store/repositories.ts: CallsRepo, UnlockAttemptsRepo). */
export interface CallStore {
  calls?: { save(call: { id: string; direction: CallDirection; kind: string; remoteNumber: string; remoteDisplayName?: string; state: string; endReason?: string; startedAt: number; answeredAt?: number; endedAt?: number }): void };
  unlockAttempts: { nextReqsn(): number; record(attempt: UnlockAttemptRecord): void };
}

export interface CallManagerEvents {
  call: (view: CallView) => void;
  video: (event: { callId: string; unit: VideoAccessUnit }) => void;
  audio: (event: { callId: string; frame: AudioFrame }) => void;
  /** A DTMF digit the far end sent (RFC 4733). */
  dtmf: (event: { callId: string; digit: string }) => void;
}

/** An in-memory CallStore (tests, or before the database is open). reqsn starts at `firstReqsn`. */
export function memoryCallStore(firstReqsn = 1): CallStore & { attempts: UnlockAttemptRecord[] } {
  let last = ((firstReqsn - 2 + 999) % 999) + 1;
  const attempts: UnlockAttemptRecord[] = [];
  return {
    attempts,
    unlockAttempts: {
      nextReqsn: () => (last = (last % 999) + 1),
      record: (a) => void attempts.push(a),
    },
  };
}
