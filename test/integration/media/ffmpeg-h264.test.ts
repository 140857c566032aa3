// Real H.264 and PCMA from ffmpeg (the stand-in door), through our depacketizer and session,
// and back into ffmpeg's decoder: what WebCodecs will be fed must decode without a complaint.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaEngine, type MediaSession, type VideoAccessUnit } from '../../../electron/host/media/index.js';
import { H264Depacketizer, type H264AccessUnit } from '../../../electron/host/media/h264-depacketizer.js';
import { parseRtcpCompound, RTCP_PSFB } from '../../../electron/host/media/rtcp.js';
import { parseRtpPacket, serializeRtpPacket, type RtpPacket } from '../../../electron/host/media/rtp-packet.js';
import { parseSdp } from '../../../electron/host/media/sdp.js';
import { closePair, decodeAnnexB, doorPorts, doorSenderArgs, runFfmpeg, tempDir, until, type FfmpegRun } from './ffmpeg-rtp.js';

const SECONDS = 3;
const FRAMES = 45;
const tmp = tempDir();
let doorOffer = '';
let videoPackets: RtpPacket[] = [];
let videoDatagrams: Buffer[] = [];
let audioPackets: RtpPacket[] = [];

function concat(units: { data: Uint8Array }[]): Buffer {
  return Buffer.concat(units.map((u) => u.data));
}

/** Every 20th packet, starting at the 14th: 5 %, the same ones on every run. */
const lossy = <T>(list: T[]): T[] => list.filter((_, i) => i % 20 !== 13);

beforeAll(async () => {
  // One capture run: ffmpeg encodes the clip and sends it to two "door" port pairs we hold.
  const video = await doorPorts([31000, 31999]);
  const audio = await doorPorts([32000, 32999]);
  const sdpFile = path.join(tmp.dir, 'door.sdp');
  const run = runFfmpeg(doorSenderArgs({ videoPort: video.port, audioPort: audio.port, sdpFile, seconds: SECONDS, readrate: 3 }));
  try {
    const wait = until(
      () => video.received.filter((p) => parseRtpPacket(p.data)?.marker).length >= FRAMES && audio.received.length >= (SECONDS * 8000) / 160,
      9000,
      'the captured clip',
    );
    video.rtp.on('message', wait.poke);
    audio.rtp.on('message', wait.poke);
    const { code, stderr } = await run.exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await wait.promise;
  } finally {
    run.kill();
    await Promise.all([closePair(video), closePair(audio)]);
  }
  doorOffer = readFileSync(sdpFile, 'utf8');
  videoDatagrams = video.received.map((p) => p.data);
  videoPackets = videoDatagrams.map((d) => parseRtpPacket(d)!);
  audioPackets = audio.received.map((p) => parseRtpPacket(p.data)!);
}, 15_000);

afterAll(() => tmp.remove());

describe('H.264 from ffmpeg', () => {
  it('captured a realistic stream: FU-A fragmented IDRs every 15 frames', () => {
    expect(videoPackets.filter((p) => p.marker)).toHaveLength(FRAMES);
    expect(videoPackets.some((p) => (p.payload[0]! & 0x1f) === 28)).toBe(true);
    expect(audioPackets.every((p) => p.payloadType === 8 && p.payload.length === 160)).toBe(true);
    expect(parseSdp(doorOffer).media.map((m) => m.kind)).toEqual(['video', 'audio']);
  });

  it('depacketizes the clip into 45 access units that ffmpeg decodes without errors', async () => {
    const units: H264AccessUnit[] = [];
    const d = new H264Depacketizer({ onAccessUnit: (u) => units.push(u) });
    videoPackets.forEach((p, i) => d.push(p, i));
    expect(units).toHaveLength(FRAMES);
    expect(units.filter((u) => u.key).map((u) => units.indexOf(u))).toEqual([0, 15, 30]);
    const file = path.join(tmp.dir, 'clean.h264');
    writeFileSync(file, concat(units));
    const decoded = await decodeAnnexB(file);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBe(FRAMES);

    // Throughput on the same clip, for the record.
    const rounds = 200;
    let count = 0;
    const started = performance.now();
    for (let r = 0; r < rounds; r++) {
      const bench = new H264Depacketizer({ onAccessUnit: () => count++ });
      for (const p of videoPackets) bench.push(p, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(`h264 depacketizer: ${Math.round(count / seconds)} access units/s, ${Math.round((rounds * videoPackets.length) / seconds)} packets/s`);
    expect(count).toBe(rounds * FRAMES);
  });

  it('on a path losing 5 % of packets yields only decodable units and keeps asking for key frames', async () => {
    const units: H264AccessUnit[] = [];
    let keyRequests = 0;
    const d = new H264Depacketizer({ onAccessUnit: (u) => units.push(u), onKeyFrameNeeded: () => keyRequests++ });
    const kept = lossy(videoPackets);
    expect(videoPackets.length - kept.length).toBe(Math.floor((videoPackets.length + 6) / 20));
    kept.forEach((p, i) => d.push(p, i));
    expect(units.length).toBeGreaterThan(5);
    expect(units.length).toBeLessThan(FRAMES);
    expect(units[0]!.key).toBe(true);
    expect(units.filter((u) => u.key).length).toBeGreaterThanOrEqual(2);
    expect(keyRequests).toBeGreaterThanOrEqual(kept.length < videoPackets.length ? 1 : 0);
    const file = path.join(tmp.dir, 'lossy.h264');
    writeFileSync(file, concat(units));
    const decoded = await decodeAnnexB(file);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBe(units.length);
  });
});

describe('a media session fed by ffmpeg', () => {
  let session: MediaSession | undefined;
  let sender: FfmpegRun | undefined;

  afterAll(async () => {
    sender?.kill();
    await session?.close();
  });

  it("answers ffmpeg's SDP and receives live H.264 + PCMA: decodable video, audible audio", async () => {
    session = await createMediaEngine().createSession({ localAddress: '127.0.0.1', video: true });
    const answer = parseSdp(session.answer(doorOffer));
    const videoPort = answer.media.find((m) => m.kind === 'video')!.port;
    const audioPort = answer.media.find((m) => m.kind === 'audio')!.port;
    expect(videoPort).toBeGreaterThan(0);
    expect(audioPort).toBeGreaterThan(0);

    const units: VideoAccessUnit[] = [];
    let samples = 0;
    let energy = 0;
    const expectedSamples = audioPackets.length * 160;
    const done = until(() => units.length >= FRAMES && samples >= expectedSamples, 9000, '45 access units and 3 s of audio');
    session.on('video', (u) => {
      units.push(u);
      done.poke();
    });
    session.on('audio', (f) => {
      samples += f.samples.length;
      for (const s of f.samples) energy += s * s;
      done.poke();
    });
    sender = runFfmpeg(doorSenderArgs({ videoPort, audioPort, sdpFile: path.join(tmp.dir, 'live.sdp'), seconds: SECONDS, readrate: 3 }));
    await done.promise;
    expect((await sender.exited).stderr).toBe('');

    expect(units).toHaveLength(FRAMES);
    expect(units.filter((u) => u.key)).toHaveLength(3);
    expect(units[0]!.key).toBe(true);
    const file = path.join(tmp.dir, 'session.h264');
    writeFileSync(file, concat(units));
    const decoded = await decodeAnnexB(file);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBe(FRAMES);

    const rms = Math.sqrt(energy / samples);
    expect(rms).toBeGreaterThan(1000); // lavfi's sine is 1/8 full scale: ≈ 2900 RMS
    const stats = session.stats();
    expect(stats.videoPacketsIn).toBe(videoPackets.length);
    expect(stats.audioPacketsIn).toBe(audioPackets.length);
    expect(stats.videoAccessUnits).toBe(FRAMES);
    expect(stats.packetsLost).toBe(0);
  }, 10_000);

  it('asks the door for a key frame with PLI + FIR when packets go missing', async () => {
    await session?.close();
    session = await createMediaEngine().createSession({ localAddress: '127.0.0.1', video: true });
    const door = await doorPorts([33000, 33999]);
    try {
      // The door's SDP names the door's own port, so RTCP feedback comes back to door.rtcp.
      const offer = doorOffer.replace(/m=video \d+/, `m=video ${door.port}`);
      const answer = parseSdp(session.answer(offer));
      const videoPort = answer.media.find((m) => m.kind === 'video')!.port;
      const units: VideoAccessUnit[] = [];
      const offline: H264AccessUnit[] = [];
      const reference = new H264Depacketizer({ onAccessUnit: (u) => offline.push(u) });
      // After the lossy clip the door sends its first IDR once more (sequence numbers going on):
      // the unit it yields is the sign that everything before it has been processed.
      const last = videoPackets[videoPackets.length - 1]!;
      const firstIdr = videoPackets.filter((p) => p.timestamp === videoPackets[0]!.timestamp);
      const tail = firstIdr.map((p, i) =>
        serializeRtpPacket({ ...p, sequenceNumber: (last.sequenceNumber + 1 + i) & 0xffff, timestamp: (last.timestamp + 6000) >>> 0 }),
      );
      const kept = [...lossy(videoDatagrams), ...tail];
      kept.forEach((d, i) => reference.push(parseRtpPacket(d)!, i));
      expect(offline[offline.length - 1]!.key).toBe(true);

      const feedback = () => door.rtcpReceived.flatMap((b) => parseRtcpCompound(b) ?? []).filter((p) => p.type === RTCP_PSFB);
      const done = until(
        () => units.length >= offline.length && feedback().length > 0 && feedback().length === 2 * session!.stats().keyFrameRequests,
        5000,
        'units and a PLI',
      );
      session.on('video', (u) => {
        units.push(u);
        done.poke();
      });
      door.rtcp.on('message', done.poke);
      for (const d of kept) door.rtp.send(d, videoPort, '127.0.0.1');
      await done.promise;

      expect(units.map((u) => u.key)).toEqual(offline.map((u) => u.key));
      // PLI (FMT 1, media SSRC = the door's) and FIR (FMT 4, target in the FCI) go out together,
      // at most one pair per 500 ms: three losses within a burst normally give one pair.
      const psfb = feedback();
      const plis = psfb.filter((p) => p.count === 1);
      expect(plis.length).toBeGreaterThanOrEqual(1);
      expect(psfb.filter((p) => p.count === 4)).toHaveLength(plis.length);
      expect(plis.every((p) => p.mediaSsrc === videoPackets[0]!.ssrc)).toBe(true);
      expect(session.stats().keyFrameRequests).toBe(plis.length);
      expect(plis.length).toBeLessThanOrEqual(videoDatagrams.length - lossy(videoDatagrams).length);
      expect(session.stats().packetsLost).toBe(videoDatagrams.length - lossy(videoDatagrams).length);
      const file = path.join(tmp.dir, 'session-lossy.h264');
      writeFileSync(file, concat(units));
      expect((await decodeAnnexB(file)).errors).toBe('');
    } finally {
      await closePair(door);
    }
  });
});

