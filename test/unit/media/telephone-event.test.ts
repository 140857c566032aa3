import { describe, expect, it } from 'vitest';
import {
  TelephoneEventReceiver,
  decodeTelephoneEvent,
  digitToEvent,
  encodeTelephoneEvent,
  eventToDigit,
  planTelephoneEvent,
} from '../../../electron/host/media/telephone-event.js';

describe('RFC 4733 telephone-event', () => {
  it("maps '*' to event 10 and '#' to 11, both ways", () => {
    expect(digitToEvent('*')).toBe(10);
    expect(digitToEvent('#')).toBe(11);
    expect(digitToEvent('5')).toBe(5);
    expect(digitToEvent('d')).toBe(15);
    expect(digitToEvent('x')).toBeUndefined();
    expect(eventToDigit(10)).toBe('*');
  });

  it('encodes event, E bit, volume and duration as the RFC lays them out', () => {
    const p = encodeTelephoneEvent({ event: 10, end: true, volume: 10, duration: 1280 });
    expect([...p]).toEqual([10, 0x80 | 10, 0x05, 0x00]);
    expect(decodeTelephoneEvent(p)).toEqual({ event: 10, end: true, volume: 10, duration: 1280 });
    expect(decodeTelephoneEvent(Uint8Array.of(1, 2))).toBeNull();
  });

  it("plans '*' as a marked start, growing updates and three identical end packets", () => {
    const plan = planTelephoneEvent(10, 100);
    const decoded = plan.map((p) => decodeTelephoneEvent(p.payload)!);
    expect(plan[0]!.marker).toBe(true);
    expect(plan.slice(1).every((p) => !p.marker)).toBe(true);
    expect(decoded.every((e) => e.event === 10)).toBe(true);
    const ends = decoded.filter((e) => e.end);
    expect(ends).toHaveLength(3);
    expect(new Set(ends.map((e) => e.duration))).toEqual(new Set([800]));
    const durations = decoded.filter((e) => !e.end).map((e) => e.duration);
    expect(durations).toEqual([160, 320, 480, 640]);
  });

  it('reports each event once, keyed by RTP timestamp, even if its start was lost', () => {
    const rx = new TelephoneEventReceiver();
    const star = planTelephoneEvent(10, 100).map((p) => p.payload);
    const seen = [...star.map((p) => rx.onPacket(1000, p)), ...star.slice(3).map((p) => rx.onPacket(5000, p))].filter(
      (d) => d !== undefined,
    );
    expect(seen).toEqual(['*', '*']);
    const hash = encodeTelephoneEvent({ event: 11, end: false, volume: 10, duration: 160 });
    expect(rx.onPacket(9000, hash)).toBe('#');
    expect(rx.onPacket(9000, hash)).toBeUndefined();
  });
});
