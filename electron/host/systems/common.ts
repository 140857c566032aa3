// What the three system services share: their dependencies, how a failure becomes a Chinese
// sentence (or a UserFacingError for the screen), how a spoken or typed name picks a target, and
// the audit trail.
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { describeSystemError } from '../platform/systems/problems.js';
import { SystemError } from '../platform/systems/http.js';
import type { SystemActionsRepo, StoredSystemAction } from '../store/system-actions.js';
import type { ProblemDescription } from '../platform/problems.js';

export interface SystemServiceDeps {
  actions: SystemActionsRepo;
  logger: Logger;
  now: () => number;
  /** The state the screen mirrors changed. */
  onChange: () => void;
}

/** A failure as the resident should read it; anything but a SystemError is the panel's own fault. */
export function describeFailure(e: unknown): ProblemDescription {
  if (e instanceof SystemError) return describeSystemError(e);
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'internal', message: '本机出现内部错误，请稍后再试', detail, retryable: true };
}

/** For requests that return data: the screen gets { code, message } instead of a generic error. */
export function asUserFacing(e: unknown, logger: Logger, what: string): UserFacingError {
  if (e instanceof UserFacingError) return e;
  const d = describeFailure(e);
  logger.warn({ code: d.code, detail: d.detail }, `${what} failed`);
  return new UserFacingError(d.code, d.message);
}

/** Spaces, case and full-width forms do not matter when a name is spoken or typed. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** The items a name means: exact matches of any of their names, else those whose names contain it. */
export function pickByName<T>(items: readonly T[], name: string, namesOf: (item: T) => string[]): T[] {
  const wanted = normalizeName(name);
  if (!wanted) return [];
  const exact = items.filter((i) => namesOf(i).some((n) => normalizeName(n) === wanted));
  return exact.length > 0 ? exact : items.filter((i) => namesOf(i).some((n) => normalizeName(n).includes(wanted)));
}

export function recordAction(deps: SystemServiceDeps, action: StoredSystemAction): void {
  try {
    deps.actions.record(action);
  } catch (e) {
    // A full disk must not turn an opened door into a reported failure.
    deps.logger.error({ err: e instanceof Error ? e.message : String(e), system: action.system, action: action.action }, 'could not store the action');
  }
}

/** "yyyy-MM-dd HH:mm:ss" as UTC (Akuvox's temporary-key times say UTC; its histories say nothing, and are read the same way). */
export function parseUtcTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function formatUtcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
