// Per-source reception statistics for RTCP receiver reports (RFC 3550 appendix A.1, A.3, A.8):
// extended highest sequence number, expected vs received for cumulative and fractional loss,
// and interarrival jitter. Fed with every packet as it arrives, before reordering.

import { type ReportBlock, ntpMiddle32 } from './rtcp.js';

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class ReceptionStats {
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private started = false;
  private lastTransit: number | undefined;
  private jitter = 0;
  private lastSrMiddle = 0;
  private lastSrArrivalMs: number | undefined;

  constructor(
    readonly ssrc: number,
    /** RTP clock rate, to express arrival times in timestamp units for the jitter. */
    private readonly clockRate: number,
  ) {}

  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): void {
    if (!this.started) {
      this.started = true;
      this.baseSeq = sequenceNumber;
      this.maxSeq = sequenceNumber;
    } else {
      const delta = (sequenceNumber - this.maxSeq) & 0xffff;
      if (delta < MAX_DROPOUT) {
        if (sequenceNumber < this.maxSeq) this.cycles += 0x10000; // wrapped
        this.maxSeq = sequenceNumber;
      } else if (delta <= 0x10000 - MAX_MISORDER) {
        // A very large jump: the sender restarted. Start over rather than report a huge loss.
        this.baseSeq = sequenceNumber;
        this.maxSeq = sequenceNumber;
        this.cycles = 0;
        this.received = 0;
        this.expectedPrior = 0;
        this.receivedPrior = 0;
      }
      // else: duplicate or reordered packet; counted as received below.
    }
    this.received++;
    const arrival = Math.floor((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - rtpTimestamp) | 0;
    if (this.lastTransit !== undefined) {
      const d = Math.abs((transit - this.lastTransit) | 0);
      this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }

  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    this.lastSrMiddle = ntpMiddle32(ntpSeconds, ntpFraction);
    this.lastSrArrivalMs = arrivalMs;
  }

  get extendedHighestSeq(): number {
    return (this.cycles + this.maxSeq) >>> 0;
  }

  get cumulativeLost(): number {
    if (!this.started) return 0;
    const expected = this.cycles + this.maxSeq - this.baseSeq + 1;
    return expected - this.received;
  }

  /** Build a report block and start a new fraction-lost interval. */
  report(nowMs: number): ReportBlock {
    const expected = this.started ? this.cycles + this.maxSeq - this.baseSeq + 1 : 0;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    const dlsr =
      this.lastSrArrivalMs === undefined ? 0 : Math.floor(((nowMs - this.lastSrArrivalMs) / 1000) * 65536) >>> 0;
    return {
      ssrc: this.ssrc,
      fractionLost,
      cumulativeLost: this.cumulativeLost,
      extendedHighestSeq: this.extendedHighestSeq,
      jitter: Math.floor(this.jitter),
      lastSr: this.lastSrMiddle,
      delaySinceLastSr: dlsr,
    };
  }
}
