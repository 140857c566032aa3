// Who may ring the panel: INVITEs are accepted only from the registrar's address or a configured
// allow-list of door stations, and at most `ratePerSecond` per source address (token bucket).
// Everything else is answered before sip.js sees it: 403 for a stranger, 503 + Retry-After when
// a source floods.
import { isIP } from 'node:net';

export interface InviteGuardOptions {
  /** Addresses always allowed ("127.0.0.1", "10.0.0.7:5060", "[::1]:5060"): the registrar. */
  trusted?: string[];
  /** Door stations allowed to call directly, same syntax. */
  allow?: string[];
  /** Sustained INVITEs per second per source address (default 5). */
  ratePerSecond?: number;
  /** Bucket size (default = ratePerSecond). */
  burst?: number;
  /** Remembered sources (oldest are forgotten). */
  maxSources?: number;
  now?: () => number;
}

export type InviteVerdict =
  | { ok: true }
  | { ok: false; status: 403; reason: 'Forbidden'; why: string }
  | { ok: false; status: 503; reason: 'Service Unavailable'; why: string; retryAfterSec: number };

interface Rule {
  address: string;
  port: number | undefined;
}

export function parseAddressRule(rule: string): Rule {
  const s = rule.trim();
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(s);
  if (v6) return { address: v6[1]!.toLowerCase(), port: v6[2] ? Number(v6[2]) : undefined };
  if (isIP(s) === 6) return { address: s.toLowerCase(), port: undefined };
  const v4 = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(s);
  if (!v4) throw new Error(`bad address rule: ${rule}`);
  return { address: v4[1]!.toLowerCase(), port: v4[2] ? Number(v4[2]) : undefined };
}

function normalise(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export class InviteGuard {
  private trusted: Rule[];
  private allow: Rule[];
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxSources: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: InviteGuardOptions = {}) {
    this.trusted = (options.trusted ?? []).map(parseAddressRule);
    this.allow = (options.allow ?? []).map(parseAddressRule);
    this.rate = options.ratePerSecond ?? 5;
    this.burst = options.burst ?? this.rate;
    this.maxSources = options.maxSources ?? 1024;
    this.now = options.now ?? Date.now;
  }

  /** Replace the registrar's addresses (e.g. after resolving its host name again). */
  setTrusted(rules: string[]): void {
    this.trusted = rules.map(parseAddressRule);
  }

  setAllowList(rules: string[]): void {
    this.allow = rules.map(parseAddressRule);
  }

  check(source: { address: string; port: number }): InviteVerdict {
    const address = normalise(source.address);
    const matches = (r: Rule): boolean => normalise(r.address) === address && (r.port === undefined || r.port === source.port);
    if (!this.trusted.some(matches) && !this.allow.some(matches)) {
      return { ok: false, status: 403, reason: 'Forbidden', why: `INVITE from ${address}:${source.port} is neither the registrar nor an allowed door station` };
    }
    const t = this.now();
    let b = this.buckets.get(address);
    if (!b) {
      b = { tokens: this.burst, at: t };
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    } else {
      this.buckets.delete(address); // re-insert: Map order doubles as LRU
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    this.buckets.set(address, b);
    if (b.tokens < 1) {
      const retryAfterSec = Math.max(1, Math.ceil((1 - b.tokens) / this.rate));
      return { ok: false, status: 503, reason: 'Service Unavailable', why: `more than ${this.rate} INVITEs/s from ${address}`, retryAfterSec };
    }
    b.tokens -= 1;
    return { ok: true };
  }
}
