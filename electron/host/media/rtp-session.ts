// MediaSession over node:dgram: one RTP/RTCP port pair for audio, one for video when asked.
// Receiving starts as soon as a local description exists (our offer or our answer), so early
// media (183) and a door that starts sending before our ACK both work.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { AudioSender, SAMPLES_PER_FRAME } from './audio-sender.js';
import { decodeG711 } from './g711.js';
import { H264Depacketizer } from './h264-depacketizer.js';
import { bindPortPair, type PortPair } from './port-pair.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { buildFir, buildPli } from './rtcp.js';
import { RtpChannel } from './rtp-channel.js';
import type { RtpPacket } from './rtp-packet.js';
import { applyAnswer, buildAnswer, buildOffer, type Negotiated } from './sdp-negotiation.js';
import { TelephoneEventReceiver, digitToEvent } from './telephone-event.js';
import type { MediaSession, MediaSessionEvents, MediaSessionOptions, MediaStats } from './types.js';

/** PLI/FIR at most this often: a key frame takes a while to arrive, more requests only add load. */
const KEY_FRAME_REQUEST_INTERVAL_MS = 500;
/** Audio waits little for a late packet (latency matters); video can wait for a burst to settle. */
const AUDIO_REORDER = { maxDepth: 3, maxDelayMs: 40 };
const VIDEO_REORDER = { maxDepth: 64, maxDelayMs: 60 };
const DEFAULT_DTMF_MS = 160;

interface Arrival {
  packet: RtpPacket;
  arrivalMs: number;
}

export interface RtpMediaSessionDeps {
  logger: Logger;
  now: () => number;
}

function randomSsrc(): number {
  return randomBytes(4).readUInt32BE(0);
}

function sends(direction: string): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export class RtpMediaSession implements MediaSession {
  static async create(options: MediaSessionOptions, deps: RtpMediaSessionDeps): Promise<RtpMediaSession> {
    const audioPair = await bindPortPair(options.localAddress, options.portRange);
    let videoPair: PortPair | undefined;
    if (options.video) {
      try {
        videoPair = await bindPortPair(options.localAddress, options.portRange);
      } catch (error) {
        audioPair.rtp.close();
        audioPair.rtcp.close();
        throw error;
      }
    }
    return new RtpMediaSession(options, deps, audioPair, videoPair);
  }

  private readonly emitter = new EventEmitter();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sessionId = String(Math.floor(Math.random() * 1e9));
  private sdpVersion = 0;
  private negotiated: Negotiated | undefined;
  private offered: Negotiated | undefined;
  private sending = false;
  private closing: Promise<void> | undefined;
  private readonly counters: MediaStats = {
    audioPacketsIn: 0,
    audioPacketsOut: 0,
    videoPacketsIn: 0,
    videoAccessUnits: 0,
    packetsLost: 0,
    keyFrameRequests: 0,
    telephoneEventsOut: 0,
  };

  private readonly audio: RtpChannel;
  private readonly audioSender: AudioSender;
  private readonly audioReorder: ReorderBuffer<Arrival>;
  private readonly dtmfReceiver = new TelephoneEventReceiver();
  private audioReorderTimer: NodeJS.Timeout | undefined;

  private readonly video: RtpChannel | undefined;
  private readonly videoReorder: ReorderBuffer<Arrival>;
  private videoReorderTimer: NodeJS.Timeout | undefined;
  private depacketizer: H264Depacketizer | undefined;
  private depacketizerSprop: string | undefined;
  private lastKeyFrameRequestAt = -Infinity;
  private firSequence = 0;

  private constructor(
    private readonly options: MediaSessionOptions,
    deps: RtpMediaSessionDeps,
    audioPair: PortPair,
    videoPair: PortPair | undefined,
  ) {
    this.logger = deps.logger;
    this.now = deps.now;
    const cname = `lintel-${randomBytes(6).toString('hex')}`;
    const onError = (error: Error): void => this.fail(error);

    this.audio = new RtpChannel({
      pair: audioPair,
      clockRate: 8000,
      ssrc: randomSsrc(),
      cname,
      now: this.now,
      logger: this.logger,
      onRtp: (packet, arrivalMs) => this.onAudioRtp(packet, arrivalMs),
      onError,
    });
    this.audioSender = new AudioSender(this.audio, this.now);
    this.audioReorder = new ReorderBuffer<Arrival>({
      ...AUDIO_REORDER,
      onPacket: (a) => this.deliverAudio(a),
      onLoss: (_first, count) => (this.counters.packetsLost += count),
    });

    this.videoReorder = new ReorderBuffer<Arrival>({
      ...VIDEO_REORDER,
      onPacket: (a) => this.depacketizer?.push(a.packet, a.arrivalMs),
      onLoss: (_first, count) => (this.counters.packetsLost += count),
    });
    if (videoPair) {
      this.video = new RtpChannel({
        pair: videoPair,
        clockRate: 90000,
        ssrc: randomSsrc(),
        cname,
        now: this.now,
        logger: this.logger,
        onRtp: (packet, arrivalMs) => this.onVideoRtp(packet, arrivalMs),
        onError,
      });
    }
  }

  // ---- SDP ----

  createOffer(): string {
    this.assertOpen();
    const { sdp, negotiated } = buildOffer(this.localParameters());
    this.offered = negotiated;
    // Until the answer comes, receive what we offered: a door may send before we see its 200.
    this.apply(this.negotiated ? { ...negotiated, audio: { ...this.negotiated.audio, ...negotiated.audio } } : negotiated);
    return sdp;
  }

  answer(remoteOffer: string): string {
    this.assertOpen();
    const { sdp, negotiated } = buildAnswer(remoteOffer, this.localParameters());
    this.apply(negotiated);
    return sdp;
  }

  acceptAnswer(remoteAnswer: string): void {
    this.assertOpen();
    if (!this.offered) throw new Error('acceptAnswer() without a prior createOffer()');
    this.apply(applyAnswer(remoteAnswer, this.offered));
    this.offered = undefined;
  }

  private localParameters(): Parameters<typeof buildOffer>[0] {
    const params: Parameters<typeof buildOffer>[0] = {
      address: this.options.localAddress,
      sessionId: this.sessionId,
      version: this.sdpVersion++,
      audioPort: this.audio.localPort,
    };
    if (this.video) params.videoPort = this.video.localPort;
    return params;
  }

  private apply(negotiated: Negotiated): void {
    this.negotiated = negotiated;
    this.audio.remote = negotiated.audio.remote;
    const canSend = sends(negotiated.audio.direction);
    this.audioSender.payloadType = canSend ? negotiated.audio.sendPt : undefined;
    this.audioSender.law = negotiated.audio.sendLaw;
    this.audioSender.telephoneEventPayloadType = canSend ? negotiated.audio.sendTelephoneEventPt : undefined;
    if (this.video) {
      this.video.remote = negotiated.video?.remote;
      const sprop = negotiated.video?.spropParameterSets;
      if (negotiated.video && (!this.depacketizer || sprop !== this.depacketizerSprop)) {
        this.depacketizerSprop = sprop;
        this.depacketizer = new H264Depacketizer({
          ...(sprop ? { spropParameterSets: sprop } : {}),
          onAccessUnit: (unit) => {
            this.counters.videoAccessUnits++;
            this.emit('video', unit);
          },
          onKeyFrameNeeded: () => this.requestKeyFrame(),
        });
      }
    }
    this.logger.debug(
      { audioPt: negotiated.audio.sendPt, law: negotiated.audio.sendLaw, video: negotiated.video?.packetizationMode },
      'media negotiated',
    );
  }

  // ---- sending ----

  setSending(on: boolean): void {
    if (this.sending && !on) this.audioSender.reset();
    this.sending = on;
  }

  sendAudio(samples: Int16Array): void {
    if (!this.sending || this.closing) return;
    const before = this.audioSender.packetsSent;
    this.audioSender.pushSamples(samples);
    this.counters.audioPacketsOut += this.audioSender.packetsSent - before;
  }

  async sendDtmf(digit: string, durationMs = DEFAULT_DTMF_MS): Promise<void> {
    this.assertOpen();
    const event = digitToEvent(digit);
    if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
    await this.audioSender.sendEvent(event, durationMs);
    this.counters.telephoneEventsOut++;
  }

  requestKeyFrame(): void {
    const video = this.video;
    if (!video || this.closing || video.remoteSsrc === undefined) return;
    const now = this.now();
    if (now - this.lastKeyFrameRequestAt < KEY_FRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyFrameRequestAt = now;
    // Feedback must ride in a compound packet that starts with a report (RFC 4585 3.1).
    const feedback = [buildPli(video.ssrc, video.remoteSsrc), buildFir(video.ssrc, video.remoteSsrc, this.firSequence++)];
    if (video.sendRtcp(video.buildCompound(feedback))) this.counters.keyFrameRequests++;
  }

  // ---- receiving ----

  private onAudioRtp(packet: RtpPacket, arrivalMs: number): boolean {
    const audio = this.negotiated?.audio;
    if (!audio || this.closing) return false;
    const pt = packet.payloadType;
    if (!audio.receiveCodecs.has(pt) && pt !== audio.receiveTelephoneEventPt) return false;
    this.counters.audioPacketsIn++;
    this.audioReorder.push(packet.sequenceNumber, { packet, arrivalMs }, arrivalMs);
    this.audioReorderTimer = this.armReorderTimer(this.audioReorder, this.audioReorderTimer);
    return true;
  }

  private deliverAudio({ packet }: Arrival): void {
    const audio = this.negotiated?.audio;
    if (!audio) return;
    if (packet.payloadType === audio.receiveTelephoneEventPt) {
      const digit = this.dtmfReceiver.onPacket(packet.timestamp, packet.payload);
      if (digit !== undefined) this.emit('dtmf', digit);
      return;
    }
    const law = audio.receiveCodecs.get(packet.payloadType);
    if (!law) return;
    const samples = decodeG711(law, packet.payload);
    // Peers with ptime 30/40 send several frames per packet: hand them on as 20 ms frames.
    for (let offset = 0; offset < samples.length; offset += SAMPLES_PER_FRAME) {
      this.emit('audio', {
        samples: samples.slice(offset, offset + SAMPLES_PER_FRAME),
        timestamp: (packet.timestamp + offset) >>> 0,
      });
    }
  }

  private onVideoRtp(packet: RtpPacket, arrivalMs: number): boolean {
    const video = this.negotiated?.video;
    if (!video || this.closing || !video.receivePayloadTypes.has(packet.payloadType)) return false;
    this.counters.videoPacketsIn++;
    this.videoReorder.push(packet.sequenceNumber, { packet, arrivalMs }, arrivalMs);
    this.videoReorderTimer = this.armReorderTimer(this.videoReorder, this.videoReorderTimer);
    return true;
  }

  /** A gap is open: make sure it gets declared lost in time even if no more packets arrive. */
  private armReorderTimer(buffer: ReorderBuffer<Arrival>, timer: NodeJS.Timeout | undefined): NodeJS.Timeout | undefined {
    if (timer || buffer.pending === 0) return timer;
    const deadline = buffer.nextDeadline();
    if (deadline === undefined) return undefined;
    const t = setTimeout(
      () => {
        if (buffer === this.audioReorder) this.audioReorderTimer = undefined;
        else this.videoReorderTimer = undefined;
        if (this.closing) return;
        buffer.flushExpired(this.now());
        const next = this.armReorderTimer(buffer, undefined);
        if (buffer === this.audioReorder) this.audioReorderTimer = next;
        else this.videoReorderTimer = next;
      },
      Math.max(1, deadline - this.now()),
    );
    t.unref();
    return t;
  }

  // ---- events, stats, lifecycle ----

  receivesVideo(): boolean {
    const video = this.negotiated?.video;
    return video !== undefined && (video.direction === 'sendrecv' || video.direction === 'recvonly');
  }

  stats(): MediaStats {
    return { ...this.counters, telephoneEventsOut: this.audioSender.eventsSent };
  }

  on<K extends keyof MediaSessionEvents>(event: K, listener: MediaSessionEvents[K]): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends keyof MediaSessionEvents>(event: K, listener: MediaSessionEvents[K]): this {
    this.emitter.off(event, listener);
    return this;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of [this.audioReorderTimer, this.videoReorderTimer]) if (t) clearTimeout(t);
      this.audioSender.close();
      await Promise.all([this.audio.close(), this.video?.close()]);
      this.emitter.removeAllListeners();
    })();
    return this.closing;
  }

  private emit<K extends keyof MediaSessionEvents>(event: K, ...args: Parameters<MediaSessionEvents[K]>): void {
    // A throwing listener must not take the socket handler (and the host) down with it.
    try {
      this.emitter.emit(event, ...args);
    } catch (error) {
      this.logger.error({ err: error, event }, 'media listener threw');
    }
  }

  private fail(error: Error): void {
    if (this.emitter.listenerCount('error') > 0) this.emit('error', error);
    else this.logger.warn({ err: error }, 'media socket error');
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('media session closed');
  }
}
