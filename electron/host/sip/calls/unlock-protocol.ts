// The door-open protocol over SIP INFO (platform spec, "开锁协议"): Content-Type application/json,
// request {"req":"unlock","reqsn":n,"sip":"<own number>"}, answer {"res":"unlock","reqsn":n,"status":s}.
// reqsn cycles 1-999; every packet is sent twice and a receiver ignores a repeated reqsn within 3 s.

export const UNLOCK_CONTENT_TYPE = 'application/json';
export const UNLOCK_TIMEOUT_MS = 3000;
export const DUPLICATE_WINDOW_MS = 3000;

export interface UnlockRequest {
  req: 'unlock';
  reqsn: number;
  sip: string;
}

export interface UnlockAnswer {
  res: 'unlock';
  reqsn: number;
  status: number;
}

export function unlockRequestBody(reqsn: number, sipNumber: string): string {
  return JSON.stringify({ req: 'unlock', reqsn, sip: sipNumber } satisfies UnlockRequest);
}

export function unlockAnswerBody(reqsn: number, status: number): string {
  return JSON.stringify({ res: 'unlock', reqsn, status } satisfies UnlockAnswer);
}

export type ParsedInfoBody =
  | { kind: 'answer'; answer: UnlockAnswer }
  | { kind: 'request'; request: UnlockRequest }
  | { kind: 'other-json'; value: unknown }
  | { kind: 'malformed'; error: string };

function isReqsn(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 999;
}

/** Parse a JSON INFO body. Never throws. */
export function parseInfoJson(text: string): ParsedInfoBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { kind: 'malformed', error: (e as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'malformed', error: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  if (o['res'] === 'unlock') {
    const status = typeof o['status'] === 'number' ? o['status'] : Number(o['status']);
    if (!isReqsn(o['reqsn']) || !Number.isFinite(status)) return { kind: 'malformed', error: 'unlock answer without a valid reqsn/status' };
    return { kind: 'answer', answer: { res: 'unlock', reqsn: o['reqsn'], status } };
  }
  if (o['req'] === 'unlock') {
    if (!isReqsn(o['reqsn']) || typeof o['sip'] !== 'string') return { kind: 'malformed', error: 'unlock request without a valid reqsn/sip' };
    return { kind: 'request', request: { req: 'unlock', reqsn: o['reqsn'], sip: o['sip'] } };
  }
  return { kind: 'other-json', value };
}

/** Receiver side: true the first time a reqsn is seen within the window, false for the duplicate. */
export class ReqsnDeduper {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs = DUPLICATE_WINDOW_MS, private readonly now: () => number = Date.now) {}
  firstTime(key: string | number): boolean {
    const t = this.now();
    for (const [k, at] of this.seen) if (t - at >= this.windowMs) this.seen.delete(k);
    const k = String(key);
    if (this.seen.has(k)) return false;
    this.seen.set(k, t);
    return true;
  }
}

/** Sliding-window unlock limits: at most one per `minIntervalMs` per call and `perMinute` overall. */
export class UnlockRateLimiter {
  private readonly recent: number[] = [];
  private readonly lastByCall = new Map<string, number>();
  constructor(private readonly minIntervalMs: number, private readonly perMinute: number, private readonly now: () => number = Date.now) {}
  /** undefined when allowed (and counted); otherwise why not. */
  take(callId: string): string | undefined {
    const t = this.now();
    while (this.recent.length && t - this.recent[0]! >= 60_000) this.recent.shift();
    const last = this.lastByCall.get(callId);
    if (last !== undefined && t - last < this.minIntervalMs) return `unlock rate limit: one per ${this.minIntervalMs} ms per call`;
    if (this.recent.length >= this.perMinute) return `unlock rate limit: ${this.perMinute} per minute`;
    this.recent.push(t);
    this.lastByCall.set(callId, t);
    return undefined;
  }
  forget(callId: string): void {
    this.lastByCall.delete(callId);
  }
}
