// What the door sends: H.264 from an ffmpeg child (testsrc → libx264 baseline → RTP, from the
// port our SDP announced so symmetric RTP latches), and G.711 audio from a generated
// "ding-dong" through the panel's own MediaSession (its AudioSender packetises and paces it).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { bindPortPair } from '../../../electron/host/media/port-pair.js';
import type { MediaSession } from '../../../electron/host/media/index.js';

export const DEFAULT_FFMPEG = '/usr/bin/ffmpeg';
export const DOOR_H264_PT = 96;
const SAMPLE_RATE = 8000;
const FRAME_SAMPLES = 160;
const FRAME_MS = 20;

export interface VideoFormat {
  width: number;
  height: number;
  fps: number;
}

export const DEFAULT_VIDEO: VideoFormat = { width: 640, height: 480, fps: 15 };

// If the process dies without close(), do not leave encoders behind.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function encoderArgs(f: VideoFormat): string[] {
  return [
    '-f', 'lavfi', '-i', `testsrc=size=${f.width}x${f.height}:rate=${f.fps}`,
    '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-g', String(f.fps), '-bf', '0',
  ];
}

// ---- SDP parameters of the stream (sprop-parameter-sets, profile-level-id) ----

export interface H264Parameters {
  spropParameterSets: string;
  profileLevelId: string;
}

const parameterCache = new Map<string, Promise<H264Parameters | undefined>>();

function nalUnits(annexB: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = -1;
  for (let i = 0; i + 2 < annexB.length; i++) {
    if (annexB[i] === 0 && annexB[i + 1] === 0 && annexB[i + 2] === 1) {
      if (start >= 0) out.push(annexB.subarray(start, i > 0 && annexB[i - 1] === 0 ? i - 1 : i));
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0) out.push(annexB.subarray(start));
  return out.filter((n) => n.length > 0);
}

/**
 * SPS/PPS of exactly the encoder settings the sender uses: one frame encoded once per process
 * (about 100 ms), cached. Undefined when ffmpeg cannot be run; the stream carries them in-band anyway.
 */
export function h264Parameters(ffmpeg: string, format: VideoFormat, logger: Logger): Promise<H264Parameters | undefined> {
  const key = `${ffmpeg}|${format.width}x${format.height}@${format.fps}`;
  let cached = parameterCache.get(key);
  if (!cached) {
    cached = new Promise<H264Parameters | undefined>((resolve) => {
      const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...encoderArgs(format), '-frames:v', '1', '-f', 'h264', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', (err) => {
        clearTimeout(timer);
        logger.warn({ err }, 'door: cannot run ffmpeg for sprop-parameter-sets');
        resolve(undefined);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        const nals = nalUnits(Buffer.concat(chunks));
        const sps = nals.find((n) => (n[0]! & 0x1f) === 7);
        const pps = nals.find((n) => (n[0]! & 0x1f) === 8);
        if (code !== 0 || !sps || !pps || sps.length < 4) {
          logger.warn({ code, stderr: stderr.trim() }, 'door: no SPS/PPS from ffmpeg; offering H.264 without sprop-parameter-sets');
          resolve(undefined);
          return;
        }
        resolve({
          spropParameterSets: `${sps.toString('base64')},${pps.toString('base64')}`,
          profileLevelId: sps.subarray(1, 4).toString('hex'),
        });
      });
    });
    parameterCache.set(key, cached);
  }
  return cached;
}

// ---- the video sender ----

/** A free even/odd port pair for ffmpeg to bind (checked, then released: ffmpeg binds it itself). */
export async function reserveVideoPort(address: string, range: [number, number]): Promise<number> {
  const pair = await bindPortPair(address, range);
  await Promise.all([new Promise<void>((r) => pair.rtp.close(() => r())), new Promise<void>((r) => pair.rtcp.close(() => r()))]);
  return pair.port;
}

export interface VideoTarget {
  address: string;
  port: number;
  rtcpPort: number;
  payloadType: number;
  /** RFC 6184 packetization-mode the far end accepted (ffmpeg does 1 by default, 0 on request). */
  packetizationMode: 0 | 1;
}

export interface VideoSender {
  readonly pid: number | undefined;
  /** Frames ffmpeg reported as encoded and sent (from -progress, every 0.5 s). */
  framesSent(): number;
  /** Resolves when the child has exited (after stop() or on its own). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export function startVideoSender(o: {
  ffmpeg: string;
  format: VideoFormat;
  localAddress: string;
  localPort: number;
  target: VideoTarget;
  logger: Logger;
}): VideoSender {
  const { target } = o;
  const host = target.address.includes(':') ? `[${target.address}]` : target.address;
  const url = `rtp://${host}:${target.port}?localaddr=${o.localAddress}&localport=${o.localPort}&rtcpport=${target.rtcpPort}&pkt_size=1200`;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1', '-stats_period', '0.5',
    '-re', ...encoderArgs(o.format),
    ...(target.packetizationMode === 0 ? ['-rtpflags', 'h264_mode0'] : []),
    '-payload_type', String(target.payloadType), '-ssrc', String(randomInt(1, 0x7fffffff)),
    '-f', 'rtp', url,
  ];
  const child = spawn(o.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let frames = 0;
  let stopping = false;
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    for (const m of text.matchAll(/^frame=(\d+)$/gm)) frames = Number(m[1]);
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      o.logger.error({ err }, 'door: cannot start ffmpeg for video');
      liveChildren.delete(child);
      resolve();
    });
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      if (!stopping) o.logger.warn({ code, signal, stderr: stderr.trim() }, 'door: ffmpeg video sender exited by itself');
      resolve();
    });
  });
  o.logger.debug({ pid: child.pid, to: `${target.address}:${target.port}`, from: o.localPort }, 'door: video sender started');
  return {
    pid: child.pid,
    framesSent: () => frames,
    exited,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---- SDP text for the door's video stream ----

export function videoSection(o: {
  port: number;
  payloadType: number;
  packetizationMode: 0 | 1;
  parameters: H264Parameters | undefined;
  direction: 'sendonly' | 'inactive';
}): string {
  const fmtp = [
    `packetization-mode=${o.packetizationMode}`,
    `profile-level-id=${o.parameters?.profileLevelId ?? '42c01e'}`,
    ...(o.parameters ? [`sprop-parameter-sets=${o.parameters.spropParameterSets}`] : []),
  ].join(';');
  return [
    `m=video ${o.port} RTP/AVP ${o.payloadType}`,
    `a=rtpmap:${o.payloadType} H264/90000`,
    `a=fmtp:${o.payloadType} ${fmtp}`,
    `a=${o.direction}`,
  ].join('\r\n') + '\r\n';
}

/** Replace the first m=video section of an SDP (up to the next m= line) with `section`; append it when there is none. */
export function withVideoSection(sdp: string, section: string): string {
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  const start = lines.findIndex((l) => l.startsWith('m=video '));
  if (start < 0) return lines.join('\r\n') + '\r\n' + section;
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith('m=')) end++;
  const before = lines.slice(0, start).join('\r\n') + '\r\n';
  const after = lines.slice(end);
  return before + section + (after.length ? after.join('\r\n') + '\r\n' : '');
}

// ---- audio ----

export type AudioProgram = 'ding-dong' | 'voice' | 'silence';

/** 8 kHz samples of the door's programmes; `t` counts samples since the programme started. */
function sampleOf(program: AudioProgram, t: number): number {
  if (program === 'silence') return 0;
  const s = t / SAMPLE_RATE;
  if (program === 'voice') {
    // A soft two-tone murmur standing in for the visitor's voice.
    return Math.round(2500 * (Math.sin(2 * Math.PI * 220 * s) + 0.6 * Math.sin(2 * Math.PI * 370 * s)) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * s)));
  }
  // "Ding" (G5, 0.5 s) then "dong" (E5, 0.8 s), each decaying, then silence: a 2 s cycle.
  const c = s % 2;
  if (c < 0.5) return Math.round(9000 * Math.exp(-4 * c) * Math.sin(2 * Math.PI * 784 * c));
  if (c < 1.3) return Math.round(9000 * Math.exp(-3 * (c - 0.5)) * Math.sin(2 * Math.PI * 659 * (c - 0.5)));
  return 0;
}

/** Feeds 20 ms frames into a MediaSession at real-time pace (catching up after a late timer). */
export class AudioPump {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private framesDone = 0;
  private sampleClock = 0;

  constructor(
    private readonly media: MediaSession,
    public program: AudioProgram,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.media.setSending(true);
    this.startedAt = this.now();
    this.framesDone = 0;
    this.timer = setInterval(() => this.tick(), FRAME_MS);
    this.tick();
  }

  /** Switch programme; the new one starts from its beginning. */
  play(program: AudioProgram): void {
    if (program === this.program) return;
    this.program = program;
    this.sampleClock = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const due = Math.floor((this.now() - this.startedAt) / FRAME_MS) + 1;
    // After a long stall (debugger, loaded machine) do not burst more than 100 ms.
    if (due - this.framesDone > 5) this.framesDone = due - 5;
    try {
      for (; this.framesDone < due; this.framesDone++) {
        const frame = new Int16Array(FRAME_SAMPLES);
        for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = sampleOf(this.program, this.sampleClock++);
        this.media.sendAudio(frame);
      }
    } catch {
      this.stop(); // the session closed under us
    }
  }
}
