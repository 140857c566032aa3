// What the three other intercom systems' clients (Akuvox, ISDP, IoT video) share: one error type
// that says how a call failed and whether trying again can help, one HTTP round trip that turns
// every transport failure into that error, and the retry policy of DESIGN.md "Cloud APIs" (retry
// what may succeed later, with backoff and jitter; never retry a refusal).
import { setTimeout as sleep } from 'node:timers/promises';

/** The seed 000/001 timeout; none of the other systems documents its own. */
export const SYSTEM_CALL_TIMEOUT_MS = 10_000;

export type SystemName = 'akuvox' | 'isdp' | 'iot-video';

export type SystemErrorKind =
  /** No HTTP answer (refused, DNS, timeout). */
  | 'unreachable'
  /** The credentials were refused (token, password, AccessKey, signature). Needs the installer. */
  | 'auth'
  /** Rate limited or temporarily unavailable: the request was not processed. */
  | 'busy'
  /** The system failed while processing (5xx): it may or may not have acted. */
  | 'server'
  /** The system answered, but not in the documented shape. */
  | 'bad-reply'
  /** The system refused this request (its failure reply): trying again changes nothing. */
  | 'rejected';

export class SystemError extends Error {
  constructor(
    readonly system: SystemName,
    readonly kind: SystemErrorKind,
    /** The command, path or Action that failed. */
    readonly operation: string,
    message: string,
    readonly status: number | null = null,
    /** The system's own failure code ("DEVICE_OFFLINE", "iot.common.InvalidTenant", stateCode "1"…). */
    readonly code: string | null = null,
    /** Chinese, when the client knows what this failure means for the resident. */
    readonly reason: string | null = null,
    /** Only for 'unreachable': the connection was refused, so the request certainly did nothing. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'SystemError';
  }

  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'busy' || this.kind === 'server' || this.kind === 'bad-reply';
  }
}

export interface HttpAnswer {
  status: number;
  /** The parsed body; undefined when it is empty or not JSON. */
  json: unknown;
  text: string;
}

/** The response of one request; only a transport failure throws (as 'unreachable'). */
export async function httpFetch(system: SystemName, operation: string, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    const detail = cause instanceof Error ? cause.message : String(cause);
    const refused = (cause as { code?: unknown } | null)?.code === 'ECONNREFUSED';
    throw new SystemError(system, 'unreachable', operation, `${operation}: no answer from ${new URL(url).origin} (${detail})`, null, null, null, refused);
  }
}

/** One request with its body read as JSON when it is JSON; only a transport failure throws. */
export async function httpRequest(system: SystemName, operation: string, url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  const response = await httpFetch(system, operation, url, init, timeoutMs);
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** The HTTP status alone, when the body did not explain itself. */
export function statusError(system: SystemName, operation: string, status: number, what: string): SystemError {
  const kind: SystemErrorKind = status === 401 || status === 403 ? 'auth' : status === 429 || status === 503 ? 'busy' : status >= 500 ? 'server' : 'bad-reply';
  return new SystemError(system, kind, operation, `${operation}: HTTP ${status} ${what}`.trim(), status);
}

export interface RetryPolicy {
  /**
   * Whether running the request twice is harmless (a read, a query). A door open, a new key or a
   * call invite is retried only when the system certainly did not act on the first try.
   */
  idempotent: boolean;
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
}

/** Short retries for requests a person is waiting on: 3 attempts within about two seconds. */
export async function withRetries<T>(run: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const attempts = policy.attempts ?? 3;
  const base = policy.baseMs ?? 250;
  const max = policy.maxMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof SystemError) || attempt >= attempts || !worthRetrying(e, policy.idempotent)) throw e;
      await sleep(jittered(attempt, base, max));
    }
  }
}

function worthRetrying(e: SystemError, idempotent: boolean): boolean {
  if (idempotent) return e.retryable;
  return e.kind === 'busy' || (e.kind === 'unreachable' && e.refused);
}

/** Exponential, with full jitter in its upper half so panels that failed together do not retry together. */
export function jittered(failures: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
