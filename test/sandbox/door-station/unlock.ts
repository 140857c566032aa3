// The platform's unlock extension (seed 001 §3.1): SIP INFO, Content-Type application/json,
// {"req":"unlock","reqsn":n,"sip":"<caller>"}; every request is sent twice with the same reqsn and
// the receiver ignores a repeat within 3 s; the answer is {"res":"unlock","reqsn":n,"status":200}.

import type { UnlockRequest } from '../../../electron/host/sip/calls/unlock-protocol.js';
import { unlockAnswerBody } from '../../../electron/host/sip/calls/unlock-protocol.js';

// The message shapes are the panel's own: the door speaks the same protocol from the other end.
export type { UnlockAnswer, UnlockRequest } from '../../../electron/host/sip/calls/unlock-protocol.js';

export type ParsedInfo =
  | { kind: 'unlock'; request: UnlockRequest }
  /** JSON naming req "unlock" but missing or bad fields: answered with status 400. */
  | { kind: 'bad-unlock'; reqsn: number | undefined; why: string }
  /** Not JSON at all (or not an object): 400 Bad Request at the SIP level. */
  | { kind: 'malformed'; why: string }
  /** Some other INFO (another req, another content type): 200, no action. */
  | { kind: 'other' };

export function parseUnlockInfo(contentType: string | undefined, body: string): ParsedInfo {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { kind: 'other' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: 'malformed', why: 'body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'malformed', why: 'body is not a JSON object' };
  const o = value as Record<string, unknown>;
  if (o['req'] !== 'unlock') return { kind: 'other' };
  const reqsn = o['reqsn'];
  const validSn = typeof reqsn === 'number' && Number.isInteger(reqsn) && reqsn >= 0;
  if (!validSn) return { kind: 'bad-unlock', reqsn: undefined, why: 'reqsn must be an integer' };
  const sip = o['sip'];
  if (typeof sip !== 'string' || sip.length === 0) return { kind: 'bad-unlock', reqsn, why: 'sip must be the caller\'s SIP number' };
  return { kind: 'unlock', request: { req: 'unlock', reqsn, sip } };
}

export const unlockAnswer = unlockAnswerBody;

/** "Same packet within 3 s" per sender and reqsn. */
export class ReqsnDedupe {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** True the first time (key, reqsn) is seen within the window; false for a repeat. */
  first(key: string, reqsn: number): boolean {
    const t = this.now();
    for (const [k, at] of this.seen) if (t - at >= this.windowMs) this.seen.delete(k);
    const id = `${key}\u0000${reqsn}`;
    if (this.seen.has(id)) return false;
    this.seen.set(id, t);
    return true;
  }
}
