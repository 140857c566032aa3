import { describe, expect, it } from 'vitest';
import { ReorderBuffer, seqDistance } from '../../../electron/host/media/reorder-buffer.js';

function harness(maxDepth = 4, maxDelayMs = 50) {
  const out: number[] = [];
  const losses: Array<[number, number]> = [];
  const buffer = new ReorderBuffer<number>({
    maxDepth,
    maxDelayMs,
    onPacket: (item) => out.push(item),
    onLoss: (first, count) => losses.push([first, count]),
  });
  return { buffer, out, losses };
}

describe('reorder buffer', () => {
  it('measures distance modulo 2^16', () => {
    expect(seqDistance(65535, 0)).toBe(1);
    expect(seqDistance(0, 65535)).toBe(-1);
    expect(seqDistance(65000, 500)).toBe(1036);
  });

  it('puts swapped packets back in order across the 65535 → 0 wrap', () => {
    const { buffer, out, losses } = harness();
    for (const s of [65533, 65535, 65534, 1, 0, 2]) buffer.push(s, s, 0);
    expect(out).toEqual([65533, 65534, 65535, 0, 1, 2]);
    expect(losses).toEqual([]);
    expect(buffer.pending).toBe(0);
  });

  it('declares a gap lost when the depth is exceeded and reports where and how many', () => {
    const { buffer, out, losses } = harness(3);
    for (const s of [65534, 65535]) buffer.push(s, s, 0);
    for (const s of [2, 3, 4]) buffer.push(s, s, 0); // 0 and 1 missing
    expect(out).toEqual([65534, 65535]);
    buffer.push(5, 5, 0);
    expect(out).toEqual([65534, 65535, 2, 3, 4, 5]);
    expect(losses).toEqual([[0, 2]]);
    expect(buffer.stats.lost).toBe(2);
  });

  it('declares a gap lost after the delay bound even when no more packets come', () => {
    const { buffer, out, losses } = harness(10, 50);
    buffer.push(10, 10, 0);
    buffer.push(12, 12, 5);
    expect(buffer.nextDeadline()).toBe(55);
    buffer.flushExpired(54);
    expect(out).toEqual([10]);
    buffer.flushExpired(55);
    expect(out).toEqual([10, 12]);
    expect(losses).toEqual([[11, 1]]);
  });

  it('drops duplicates and late packets and resyncs on a restarted sequence', () => {
    const { buffer, out } = harness();
    for (const s of [100, 101, 101, 99, 103, 103]) buffer.push(s, s, 0);
    expect(buffer.stats.duplicates).toBe(1 + 0);
    expect(buffer.stats.late).toBe(2); // the second 101 (already delivered) and 99
    buffer.push(102, 102, 0);
    expect(out).toEqual([100, 101, 102, 103]);
    buffer.push(40000, 40000, 0);
    buffer.push(40001, 40001, 0);
    expect(out.slice(-2)).toEqual([40000, 40001]);
    expect(buffer.stats.resyncs).toBe(1);
  });
});
