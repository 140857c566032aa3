// One RTP stream's transport: the RTP/RTCP socket pair, where to send (symmetric RTP), the
// reception statistics of the far end's sources, and the periodic RTCP reports.
//
// Symmetric RTP: door stations behind NAT, and many that are not, send from the port they
// expect to receive on and ignore the SDP's c=/m= when it disagrees. So once packets arrive we
// answer to where they came from; the SDP address is only the starting guess. A new source
// takes over only when the current one has been quiet for a while, so a stray packet from
// elsewhere cannot hijack a running call.

import type dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { PortPair } from './port-pair.js';
import { ReceptionStats } from './reception-stats.js';
import {
  RTCP_SR,
  buildBye,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  ntpFromUnixMs,
  parseRtcpCompound,
  type RtcpPacketSummary,
} from './rtcp.js';
import { looksLikeRtcp, parseRtpPacket, type RtpPacket } from './rtp-packet.js';
import type { RemoteEndpoint } from './sdp-negotiation.js';

export interface Address {
  address: string;
  port: number;
}

export interface RtpChannelOptions {
  pair: PortPair;
  clockRate: number;
  ssrc: number;
  cname: string;
  now: () => number;
  logger: Logger;
  /** A parsed RTP packet; return false if the channel should ignore it (unknown payload type). */
  onRtp: (packet: RtpPacket, arrivalMs: number) => boolean;
  onRtcp?: (packets: RtcpPacketSummary[]) => void;
  onError: (error: Error) => void;
}

/** How long a latched source must be silent before another source may replace it. */
const RELATCH_AFTER_MS = 1000;
const REPORT_INTERVAL_MS = 5000;

export class RtpChannel {
  remote: RemoteEndpoint | undefined;
  malformedPackets = 0;
  ignoredPackets = 0;
  private latchedRtp: Address | undefined;
  private latchedRtcp: Address | undefined;
  private lastFromLatchedAt = 0;
  private readonly sources = new Map<number, ReceptionStats>();
  /** The SSRC of the far end's media stream (the latest one seen from the latched source). */
  remoteSsrc: number | undefined;
  private packetsSent = 0;
  private octetsSent = 0;
  private lastRtpTimestamp = 0;
  private lastRtpSentAt = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RtpChannelOptions) {
    options.pair.rtp.on('message', (data, rinfo) => this.onRtpSocket(data, rinfo));
    options.pair.rtcp.on('message', (data, rinfo) => this.onRtcpSocket(data, rinfo));
    for (const socket of [options.pair.rtp, options.pair.rtcp]) {
      socket.on('error', (error) => options.onError(error));
    }
    this.scheduleReport();
  }

  get localPort(): number {
    return this.options.pair.port;
  }

  get ssrc(): number {
    return this.options.ssrc;
  }

  /** Where RTP goes: the latched source, else what the SDP said. */
  get rtpDestination(): Address | undefined {
    if (this.latchedRtp) return this.latchedRtp;
    return this.remote ? { address: this.remote.address, port: this.remote.rtpPort } : undefined;
  }

  get rtcpDestination(): Address | undefined {
    if (this.latchedRtcp) return this.latchedRtcp;
    if (this.latchedRtp) {
      if (this.remote && this.remote.address === this.latchedRtp.address && this.remote.rtpPort === this.latchedRtp.port) {
        return { address: this.remote.rtcpAddress, port: this.remote.rtcpPort };
      }
      return { address: this.latchedRtp.address, port: this.latchedRtp.port + 1 };
    }
    return this.remote ? { address: this.remote.rtcpAddress, port: this.remote.rtcpPort } : undefined;
  }

  sendRtp(packet: Buffer, rtpTimestamp: number): boolean {
    const to = this.rtpDestination;
    if (!to || this.closed) return false;
    this.packetsSent++;
    this.octetsSent += Math.max(0, packet.length - 12);
    this.lastRtpTimestamp = rtpTimestamp;
    this.lastRtpSentAt = this.options.now();
    this.send(this.options.pair.rtp, packet, to);
    return true;
  }

  sendRtcp(packet: Buffer): boolean {
    const to = this.rtcpDestination;
    if (!to || this.closed) return false;
    this.send(this.options.pair.rtcp, packet, to);
    return true;
  }

  /** An RR (or SR when we send) with SDES, optionally followed by feedback packets. */
  buildCompound(extra: Buffer[] = []): Buffer {
    const now = this.options.now();
    const blocks = [...this.sources.values()].map((s) => s.report(now));
    let report: Buffer;
    if (this.packetsSent > 0) {
      const ntp = ntpFromUnixMs(Date.now());
      const elapsed = now - this.lastRtpSentAt;
      const rtpTimestamp = (this.lastRtpTimestamp + Math.round((elapsed * this.options.clockRate) / 1000)) >>> 0;
      report = buildSenderReport(
        this.options.ssrc,
        { ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp, packetCount: this.packetsSent, octetCount: this.octetsSent },
        blocks,
      );
    } else {
      report = buildReceiverReport(this.options.ssrc, blocks);
    }
    return Buffer.concat([report, buildSdesCname(this.options.ssrc, this.options.cname), ...extra]);
  }

  sendReport(): void {
    if (this.sources.size === 0 && this.packetsSent === 0) return;
    this.sendRtcp(this.buildCompound());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.reportTimer) clearTimeout(this.reportTimer);
    if (this.sources.size > 0 || this.packetsSent > 0) this.sendRtcp(this.buildCompound([buildBye(this.options.ssrc)]));
    this.closed = true;
    await Promise.all([this.options.pair.rtp, this.options.pair.rtcp].map((s) => closeSocket(s)));
  }

  private send(socket: dgram.Socket, packet: Buffer, to: Address): void {
    try {
      socket.send(packet, to.port, to.address, (error) => {
        // Unreachable networks happen (Wi-Fi roaming); the next packet will try again.
        if (error) this.options.logger.debug({ err: error, to }, 'rtp send failed');
      });
    } catch (error) {
      this.options.logger.debug({ err: error, to }, 'rtp send failed');
    }
  }

  private onRtpSocket(data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (looksLikeRtcp(data)) {
      // A peer that multiplexes RTCP anyway (RFC 5761): treat it as RTCP from that address.
      this.onRtcpSocket(data, rinfo, true);
      return;
    }
    const packet = parseRtpPacket(data);
    if (!packet) {
      this.malformedPackets++;
      return;
    }
    const now = this.options.now();
    if (!this.options.onRtp(packet, now)) {
      this.ignoredPackets++;
      return;
    }
    this.latch(rinfo, now);
    this.remoteSsrc = packet.ssrc;
    let stats = this.sources.get(packet.ssrc);
    if (!stats) {
      if (this.sources.size >= 4) this.sources.clear(); // a restarted sender: forget the old ones
      stats = new ReceptionStats(packet.ssrc, this.options.clockRate);
      this.sources.set(packet.ssrc, stats);
    }
    stats.onPacket(packet.sequenceNumber, packet.timestamp, now);
  }

  private onRtcpSocket(data: Buffer, rinfo: dgram.RemoteInfo, muxed = false): void {
    const packets = parseRtcpCompound(data);
    if (!packets) {
      this.malformedPackets++;
      return;
    }
    const now = this.options.now();
    if (!muxed) this.latchedRtcp = { address: rinfo.address, port: rinfo.port };
    else this.latchedRtcp ??= { address: rinfo.address, port: rinfo.port };
    for (const p of packets) {
      if (p.type === RTCP_SR && p.ssrc !== undefined && p.senderInfo) {
        this.sources.get(p.ssrc)?.onSenderReport(p.senderInfo.ntpSeconds, p.senderInfo.ntpFraction, now);
      }
    }
    this.options.onRtcp?.(packets);
  }

  private latch(rinfo: dgram.RemoteInfo, now: number): void {
    const current = this.latchedRtp;
    if (current && current.address === rinfo.address && current.port === rinfo.port) {
      this.lastFromLatchedAt = now;
      return;
    }
    if (!current || now - this.lastFromLatchedAt > RELATCH_AFTER_MS) {
      this.options.logger.debug({ from: rinfo.address, port: rinfo.port }, 'rtp source latched');
      this.latchedRtp = { address: rinfo.address, port: rinfo.port };
      this.lastFromLatchedAt = now;
    }
  }

  private scheduleReport(): void {
    // RFC 3550 6.3.1: randomise the interval (0.5-1.5 ×) so reports of many panels do not align.
    const delay = REPORT_INTERVAL_MS * (0.5 + Math.random());
    this.reportTimer = setTimeout(() => {
      this.sendReport();
      this.scheduleReport();
    }, delay);
    this.reportTimer.unref();
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
