// Our outgoing audio stream: microphone samples cut into 20 ms G.711 packets, and RFC 4733
// telephone-events in the same RTP stream (same SSRC and sequence space, as the RFC requires).
// Timestamps follow the 8 kHz sample clock; after a pause they jump by the time that passed
// and the packet carries the marker, so the door's jitter buffer resynchronises cleanly.

import { encodeG711, type G711Law } from './g711.js';
import type { RtpChannel } from './rtp-channel.js';
import { serializeRtpPacket } from './rtp-packet.js';
import { planTelephoneEvent } from './telephone-event.js';

export const SAMPLES_PER_FRAME = 160;
const CLOCK_PER_MS = 8;
/** A silence longer than this is a new talkspurt (RFC 3551 4.1: marker on its first packet). */
const TALKSPURT_GAP_MS = 100;

export class AudioSender {
  payloadType: number | undefined;
  law: G711Law | undefined;
  telephoneEventPayloadType: number | undefined;
  packetsSent = 0;
  eventsSent = 0;
  private sequence = Math.floor(Math.random() * 0x10000);
  private timestamp = Math.floor(Math.random() * 0x100000000);
  private pending = new Int16Array(0);
  private lastFrameAt: number | undefined;
  private nextMarker = true;
  private dtmfActive = false;
  private dtmfQueue: Promise<void> = Promise.resolve();
  /** Pending DTMF timers and how to fail their promise if the session closes first. */
  private readonly timers = new Map<NodeJS.Timeout, (error: Error) => void>();
  private closed = false;

  constructor(
    private readonly channel: RtpChannel,
    private readonly now: () => number,
  ) {}

  /** Encode and send whole 20 ms frames; a remainder waits for the next call. */
  pushSamples(samples: Int16Array): void {
    if (this.closed || this.payloadType === undefined || !this.law) return;
    if (this.dtmfActive) return; // RFC 4733 2.5.1.1: no audio for the time an event covers
    const joined = new Int16Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    let offset = 0;
    for (; offset + SAMPLES_PER_FRAME <= joined.length; offset += SAMPLES_PER_FRAME) {
      this.sendFrame(joined.subarray(offset, offset + SAMPLES_PER_FRAME));
    }
    this.pending = joined.slice(offset);
  }

  /** Drop buffered samples (microphone switched off). */
  reset(): void {
    this.pending = new Int16Array(0);
    this.nextMarker = true;
  }

  sendEvent(event: number, durationMs: number): Promise<void> {
    const run = this.dtmfQueue.then(() => this.runEvent(event, durationMs));
    this.dtmfQueue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    for (const [timer, fail] of this.timers) {
      clearTimeout(timer);
      fail(new Error('media session closed'));
    }
    this.timers.clear();
    this.dtmfActive = false;
  }

  private advanceClock(): void {
    const now = this.now();
    if (this.lastFrameAt !== undefined && now - this.lastFrameAt > TALKSPURT_GAP_MS) {
      this.timestamp = (this.timestamp + Math.round((now - this.lastFrameAt) * CLOCK_PER_MS)) >>> 0;
      this.nextMarker = true;
    }
    this.lastFrameAt = now;
  }

  private sendFrame(frame: Int16Array): void {
    this.advanceClock();
    const packet = serializeRtpPacket({
      marker: this.nextMarker,
      payloadType: this.payloadType!,
      sequenceNumber: this.sequence,
      timestamp: this.timestamp,
      ssrc: this.channel.ssrc,
      payload: encodeG711(this.law!, frame),
    });
    if (this.channel.sendRtp(packet, this.timestamp)) {
      this.packetsSent++;
      this.sequence = (this.sequence + 1) & 0xffff;
      this.nextMarker = false;
    }
    this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
  }

  private runEvent(event: number, durationMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('media session closed'));
    const pt = this.telephoneEventPayloadType;
    if (pt === undefined) return Promise.reject(new Error('telephone-event was not negotiated'));
    if (!this.channel.rtpDestination) return Promise.reject(new Error('no remote media address yet'));
    this.advanceClock();
    const eventTimestamp = this.timestamp;
    const plan = planTelephoneEvent(event, durationMs);
    this.dtmfActive = true;
    this.pending = new Int16Array(0);
    return new Promise((resolve, reject) => {
      let index = 0;
      const start = this.now();
      const sendDue = (): void => {
        if (this.closed) {
          this.dtmfActive = false;
          reject(new Error('media session closed'));
          return;
        }
        const elapsed = this.now() - start;
        while (index < plan.length && plan[index]!.offsetMs <= elapsed) {
          const step = plan[index++]!;
          const packet = serializeRtpPacket({
            marker: step.marker,
            payloadType: pt,
            sequenceNumber: this.sequence,
            timestamp: eventTimestamp,
            ssrc: this.channel.ssrc,
            payload: step.payload,
          });
          this.channel.sendRtp(packet, eventTimestamp);
          this.sequence = (this.sequence + 1) & 0xffff;
        }
        if (index >= plan.length) {
          this.eventsSent++;
          const last = plan[plan.length - 1]!;
          // The event covered its duration on the timeline: audio resumes after it.
          this.timestamp = (eventTimestamp + last.offsetMs * CLOCK_PER_MS + 20 * CLOCK_PER_MS) >>> 0;
          this.lastFrameAt = this.now();
          this.nextMarker = true;
          this.dtmfActive = false;
          resolve();
          return;
        }
        const wait = Math.max(1, plan[index]!.offsetMs - elapsed);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          sendDue();
        }, wait);
        this.timers.set(timer, (error) => reject(error));
      };
      sendDue();
    });
  }
}
