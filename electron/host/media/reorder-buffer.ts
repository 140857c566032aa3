// A small reorder buffer keyed by RTP sequence number. UDP on a LAN rarely reorders, but Wi-Fi
// panels and some door firmware do; the H.264 depacketizer must see packets in order, and a
// gap it sees must mean a real loss. Packets are held only while a gap is open, and only up to
// maxDepth packets or maxDelayMs, after which the gap is declared lost and delivery goes on.
// Sequence numbers wrap at 65535; every comparison is done modulo 2^16.

export interface ReorderBufferOptions<T> {
  /** Packets held behind a gap before the gap is declared lost. */
  maxDepth: number;
  /** How long the oldest held packet may wait before the gap is declared lost. */
  maxDelayMs: number;
  onPacket: (item: T, sequenceNumber: number) => void;
  onLoss?: (firstMissing: number, count: number) => void;
}

export interface ReorderStats {
  delivered: number;
  lost: number;
  late: number;
  duplicates: number;
  resyncs: number;
}

/** Beyond this distance either way the sender has restarted its sequence: start over. */
const RESYNC_DISTANCE = 1000;

/** Signed distance from a to b modulo 2^16, in [-32768, 32767]. */
export function seqDistance(a: number, b: number): number {
  return ((b - a + 0x8000) & 0xffff) - 0x8000;
}

export class ReorderBuffer<T> {
  private expected: number | undefined;
  private readonly held = new Map<number, { item: T; arrivedAt: number }>();
  readonly stats: ReorderStats = { delivered: 0, lost: 0, late: 0, duplicates: 0, resyncs: 0 };

  constructor(private readonly options: ReorderBufferOptions<T>) {}

  get pending(): number {
    return this.held.size;
  }

  /** When flushExpired() next has work to do, or undefined if nothing is held. */
  nextDeadline(): number | undefined {
    let oldest: number | undefined;
    for (const h of this.held.values()) if (oldest === undefined || h.arrivedAt < oldest) oldest = h.arrivedAt;
    return oldest === undefined ? undefined : oldest + this.options.maxDelayMs;
  }

  push(sequenceNumber: number, item: T, nowMs: number): void {
    const seq = sequenceNumber & 0xffff;
    if (this.expected === undefined) this.expected = seq;
    const d = seqDistance(this.expected, seq);
    if (d < -RESYNC_DISTANCE || d > RESYNC_DISTANCE) {
      this.stats.resyncs++;
      this.flushAll();
      this.expected = seq;
      this.deliver(seq, item);
      return;
    }
    if (d < 0) {
      this.stats.late++;
      return;
    }
    if (d === 0) {
      this.deliver(seq, item);
      this.releaseConsecutive();
      return;
    }
    if (this.held.has(seq)) {
      this.stats.duplicates++;
      return;
    }
    this.held.set(seq, { item, arrivedAt: nowMs });
    if (this.held.size > this.options.maxDepth) this.skipGap();
    this.flushExpired(nowMs);
  }

  /** Declare gaps lost whose held packets have waited longer than maxDelayMs. */
  flushExpired(nowMs: number): void {
    for (;;) {
      const deadline = this.nextDeadline();
      if (deadline === undefined || deadline > nowMs) return;
      this.skipGap();
    }
  }

  /** Deliver everything held, in order, counting the gaps as lost (used on resync and close). */
  flushAll(): void {
    while (this.held.size > 0) this.skipGap();
  }

  private deliver(seq: number, item: T): void {
    this.expected = (seq + 1) & 0xffff;
    this.stats.delivered++;
    this.options.onPacket(item, seq);
  }

  private releaseConsecutive(): void {
    while (this.expected !== undefined) {
      const next = this.held.get(this.expected);
      if (!next) return;
      this.held.delete(this.expected);
      this.deliver(this.expected, next.item);
    }
  }

  /** Give up on the gap in front of the nearest held packet, then deliver what follows it. */
  private skipGap(): void {
    if (this.expected === undefined || this.held.size === 0) return;
    let nearest = -1;
    let nearestDistance = Infinity;
    for (const seq of this.held.keys()) {
      const dist = (seq - this.expected) & 0xffff;
      if (dist < nearestDistance) {
        nearestDistance = dist;
        nearest = seq;
      }
    }
    if (nearestDistance > 0) {
      this.stats.lost += nearestDistance;
      this.options.onLoss?.(this.expected, nearestDistance);
    }
    this.expected = nearest;
    this.releaseConsecutive();
  }
}
