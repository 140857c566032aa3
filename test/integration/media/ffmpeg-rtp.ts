// Test helpers around the real ffmpeg: capture the RTP it sends, run it as a live sender, and
// check that our Annex-B output decodes. Every child process and socket is cleaned up.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bindPortPair, type PortPair } from '../../../electron/host/media/port-pair.js';

export const FFMPEG = '/usr/bin/ffmpeg';

export interface CapturedPacket {
  data: Buffer;
  from: number;
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lintel-media-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port pair standing in for the door: it receives ffmpeg's RTP (and absorbs its RTCP). */
export async function doorPorts(range: [number, number]): Promise<PortPair & { received: CapturedPacket[]; rtcpReceived: Buffer[] }> {
  const pair = await bindPortPair('127.0.0.1', range);
  pair.rtp.setRecvBufferSize(4 * 1024 * 1024);
  const received: CapturedPacket[] = [];
  const rtcpReceived: Buffer[] = [];
  pair.rtp.on('message', (data, rinfo) => received.push({ data, from: rinfo.port }));
  pair.rtcp.on('message', (data) => rtcpReceived.push(data));
  return Object.assign(pair, { received, rtcpReceived });
}

export function closePair(pair: PortPair): Promise<void> {
  const close = (s: PortPair['rtp']): Promise<void> => new Promise((r) => s.close(() => r()));
  return Promise.all([close(pair.rtp), close(pair.rtcp)]).then(() => undefined);
}

export interface FfmpegRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stderr: string }>;
  kill: () => void;
}

export function runFfmpeg(args: string[]): FfmpegRun {
  const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    // ffmpeg's RTP output binds an ephemeral port and port+1 for RTCP; when +1 is taken it logs
    // "bind failed" at error level and simply retries with another pair. Not a failure.
    const meaningful = (): string =>
      stderr
        .split('\n')
        .filter((l) => l.trim() && !/bind failed: Address already in use/.test(l))
        .join('\n');
    child.once('exit', (code) => resolve({ code, stderr: meaningful() }));
    child.once('error', (error) => resolve({ code: -1, stderr: String(error) }));
  });
  return {
    child,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resolve when check() holds, re-checking whenever poke() is called; reject after timeoutMs. */
export function until(check: () => boolean, timeoutMs: number, what: string): { promise: Promise<void>; poke: () => void } {
  let poke = (): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    poke = () => {
      if (check()) {
        clearTimeout(timer);
        resolve();
      }
    };
    poke();
  });
  return { promise, poke: () => poke() };
}

/** The ffmpeg arguments of a door: H.264 baseline 640×480@15 (+ optional PCMA tone) as RTP. */
export function doorSenderArgs(o: {
  videoPort: number;
  audioPort?: number;
  sdpFile: string;
  seconds: number;
  readrate?: number;
}): string[] {
  const args = [
    ...(o.readrate ? ['-readrate', String(o.readrate)] : []),
    '-f', 'lavfi', '-i', `testsrc=size=640x480:rate=15:duration=${o.seconds}`,
    ...(o.audioPort ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=8000:duration=${o.seconds}`] : []),
    '-map', '0:v', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast',
    '-g', '15', '-bsf:v', 'h264_mp4toannexb',
    '-f', 'rtp', '-payload_type', '96', '-pkt_size', '1200', `rtp://127.0.0.1:${o.videoPort}?rtcpport=${o.videoPort + 1}`,
  ];
  if (o.audioPort) {
    args.push(
      '-map', '1:a', '-af', 'asetnsamples=n=160', '-c:a', 'pcm_alaw', '-ar', '8000', '-ac', '1',
      '-f', 'rtp', '-payload_type', '8', `rtp://127.0.0.1:${o.audioPort}?rtcpport=${o.audioPort + 1}`,
    );
  }
  args.push('-sdp_file', o.sdpFile);
  return args;
}

/** Decode an Annex-B file with ffmpeg; returns the decoder's complaints and the frame count. */
export async function decodeAnnexB(file: string): Promise<{ errors: string; frames: number }> {
  const run = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'h264', '-i', file, '-f', 'framemd5', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errors = '';
  run.stdout.on('data', (d: Buffer) => (out += d.toString()));
  run.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  await new Promise((r) => run.once('exit', r));
  const frames = out.split('\n').filter((l) => l && !l.startsWith('#')).length;
  return { errors: errors.trim(), frames };
}
