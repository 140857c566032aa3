import { describe, expect, it } from 'vitest';
import { InviteGuard, parseAddressRule } from '../../../electron/host/sip/index.js';

describe('InviteGuard', () => {
  it('accepts the registrar and allow-listed doors, refuses strangers with 403', () => {
    const g = new InviteGuard({ trusted: ['10.0.0.1'], allow: ['10.0.0.50:5060', '[fd00::7]'] });
    expect(g.check({ address: '10.0.0.1', port: 5060 }).ok).toBe(true);
    expect(g.check({ address: '::ffff:10.0.0.1', port: 7000 }).ok).toBe(true);
    expect(g.check({ address: '10.0.0.50', port: 5060 }).ok).toBe(true);
    expect(g.check({ address: 'fd00::7', port: 1234 }).ok).toBe(true);
    const wrongPort = g.check({ address: '10.0.0.50', port: 5061 });
    expect(wrongPort).toMatchObject({ ok: false, status: 403 });
    expect(g.check({ address: '192.168.1.9', port: 5060 })).toMatchObject({ ok: false, status: 403, reason: 'Forbidden' });
  });

  it('rate-limits each source with a token bucket (5/s) and answers 503 + Retry-After', () => {
    let now = 0;
    const g = new InviteGuard({ trusted: ['10.0.0.1', '10.0.0.2'], now: () => now });
    for (let i = 0; i < 5; i++) expect(g.check({ address: '10.0.0.1', port: 5060 }).ok).toBe(true);
    const v = g.check({ address: '10.0.0.1', port: 5060 });
    expect(v).toMatchObject({ ok: false, status: 503, retryAfterSec: 1 });
    // another source has its own bucket
    expect(g.check({ address: '10.0.0.2', port: 5060 }).ok).toBe(true);
    now += 200; // one token back
    expect(g.check({ address: '10.0.0.1', port: 5060 }).ok).toBe(true);
    expect(g.check({ address: '10.0.0.1', port: 5060 }).ok).toBe(false);
    now += 10_000; // refill caps at the burst
    let ok = 0;
    for (let i = 0; i < 20; i++) if (g.check({ address: '10.0.0.1', port: 5060 }).ok) ok++;
    expect(ok).toBe(5);
  });

  it('forgets the oldest sources beyond maxSources', () => {
    const g = new InviteGuard({ allow: Array.from({ length: 10 }, (_, i) => `10.1.0.${i}`), maxSources: 3, ratePerSecond: 1, now: () => 0 });
    for (let i = 0; i < 10; i++) expect(g.check({ address: `10.1.0.${i}`, port: 1 }).ok).toBe(true);
    // 10.1.0.0 was evicted, so it starts with a full bucket again
    expect(g.check({ address: '10.1.0.0', port: 1 }).ok).toBe(true);
    expect(g.check({ address: '10.1.0.9', port: 1 }).ok).toBe(false);
  });

  it('parses address rules', () => {
    expect(parseAddressRule('1.2.3.4')).toEqual({ address: '1.2.3.4', port: undefined });
    expect(parseAddressRule('1.2.3.4:5062')).toEqual({ address: '1.2.3.4', port: 5062 });
    expect(parseAddressRule('[::1]:5060')).toEqual({ address: '::1', port: 5060 });
    expect(parseAddressRule('::1')).toEqual({ address: '::1', port: undefined });
    expect(() => parseAddressRule('a b')).toThrow();
  });
});
