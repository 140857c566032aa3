// Two media sessions talking over loopback, and a hand-driven "door" socket pair: audio both
// ways, DTMF, RTCP receiver reports, port allocation, garbage resistance and clean shutdown.

import dgram from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMediaEngine, type AudioFrame, type MediaSession } from '../../../electron/host/media/index.js';
import { encodeAlaw } from '../../../electron/host/media/g711.js';
import { RTCP_SDES, RTCP_SR, parseRtcpCompound } from '../../../electron/host/media/rtcp.js';
import { serializeRtpPacket } from '../../../electron/host/media/rtp-packet.js';
import { parseSdp } from '../../../electron/host/media/sdp.js';
import { closePair, doorPorts, until } from './ffmpeg-rtp.js';

const engine = createMediaEngine();
const open: MediaSession[] = [];
async function session(video = false, portRange?: [number, number]): Promise<MediaSession> {
  const s = await engine.createSession({ localAddress: '127.0.0.1', video, ...(portRange ? { portRange } : {}) });
  open.push(s);
  return s;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const tone = (n: number, hz: number): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));

function audioPort(sdp: string): number {
  return parseSdp(sdp).media.find((m) => m.kind === 'audio')!.port;
}

const doorOffer = (port: number): string =>
  `v=0\r\no=door 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n`;

describe('media session', () => {
  it('carries G.711 both ways between two sessions and DTMF * once', async () => {
    const panel = await session(true);
    const door = await session();
    const offer = panel.createOffer();
    const answer = door.answer(offer);
    panel.acceptAnswer(answer);
    expect(answer).toContain('m=audio');
    expect(answer).toMatch(/m=video 0 /); // the "door" session was made without video

    const atPanel: AudioFrame[] = [];
    const atDoor: AudioFrame[] = [];
    const digits: string[] = [];
    const frames = 50;
    const dtmfPackets = 10; // 160 ms: start + 6 updates at 20 ms + 3 end packets
    const done = until(
      () => atPanel.length >= frames && atDoor.length >= frames + 1,
      5000,
      'audio both ways',
    );
    panel.on('audio', (f) => (atPanel.push(f), done.poke()));
    door.on('audio', (f) => (atDoor.push(f), done.poke()));
    door.on('dtmf', (d) => (digits.push(d), done.poke()));

    panel.sendAudio(tone(1600, 1000)); // not sending yet: dropped
    expect(panel.stats().audioPacketsOut).toBe(0);
    panel.setSending(true);
    door.setSending(true);
    panel.sendAudio(tone(frames * 160 - 40, 1000)); // 40 samples short: they wait for the rest
    panel.sendAudio(tone(40, 1000));
    door.sendAudio(tone(frames * 160, 500));
    await panel.sendDtmf('*');
    // One more frame after the event: it arrives behind the DTMF end packets, so once it is
    // here every end packet has been seen too.
    panel.sendAudio(tone(160, 1000));
    await done.promise.catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify({ panel: panel.stats(), door: door.stats(), atPanel: atPanel.length, atDoor: atDoor.length })}`);
    });

    expect(atDoor).toHaveLength(frames + 1);
    expect(atPanel).toHaveLength(frames);
    expect(atDoor.every((f) => f.samples.length === 160)).toBe(true);
    // Timestamps advance by one frame each: the far end's jitter buffer can rely on them.
    expect(atDoor.slice(1, frames).every((f, i) => (f.timestamp - atDoor[i]!.timestamp) >>> 0 === 160)).toBe(true);
    const rms = Math.sqrt(atDoor.flatMap((f) => [...f.samples]).reduce((s, x) => s + x * x, 0) / ((frames + 1) * 160));
    expect(rms).toBeGreaterThan(5000);
    expect(digits).toEqual(['*']);
    expect(panel.stats()).toMatchObject({ audioPacketsOut: frames + 1, telephoneEventsOut: 1, audioPacketsIn: frames });
    expect(door.stats()).toMatchObject({ audioPacketsOut: frames, audioPacketsIn: frames + 1 + dtmfPackets, packetsLost: 0 });
  });

  it('answers to where the door really sends from (symmetric RTP), reorders, and reports in RTCP RRs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const door = await doorPorts([34000, 34999]);
    try {
      const panel = await session();
      // The door claims port 9 in its SDP but really sends from door.rtp.
      const port = audioPort(panel.answer(doorOffer(9)));
      const frames: AudioFrame[] = [];
      const done = until(() => frames.length >= 10, 3000, 'ten frames');
      panel.on('audio', (f) => (frames.push(f), done.poke()));
      const order = [0, 1, 3, 2, 4, 5, 7, 8, 9, 10]; // 2/3 swapped, 6 lost
      for (const i of order) {
        const pkt = serializeRtpPacket({ payloadType: 8, sequenceNumber: (65533 + i) & 0xffff, timestamp: i * 160, ssrc: 0xd00d, payload: encodeAlaw(tone(160, 440)) });
        door.rtp.send(pkt, port, '127.0.0.1');
      }
      await done.promise;
      // 3 packets held behind the hole at 6 is the audio depth: then 6 is given up as lost.
      expect(frames.map((f) => f.timestamp / 160)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9, 10]);
      panel.setSending(true);
      const back = until(() => door.received.length >= 1, 3000, 'audio back at the door');
      door.rtp.on('message', back.poke);
      panel.sendAudio(tone(160, 440));
      await back.promise;
      expect(panel.stats().packetsLost).toBe(1);

      vi.advanceTimersByTime(8000); // the report interval is 5 s ± 50 %
      const rr = until(() => door.rtcpReceived.length >= 1, 3000, 'an RTCP report');
      door.rtcp.on('message', rr.poke);
      await rr.promise;
      const report = parseRtcpCompound(door.rtcpReceived[0]!)!;
      expect(report.map((p) => p.type)).toEqual([RTCP_SR, RTCP_SDES]); // we sent audio, so an SR
      const block = report[0]!.reportBlocks![0]!;
      expect(block).toMatchObject({ ssrc: 0xd00d, cumulativeLost: 1, extendedHighestSeq: 0x10000 + ((65533 + 10) & 0xffff) });
      expect(block.fractionLost).toBe(Math.floor(256 / 11));
    } finally {
      vi.useRealTimers();
      await closePair(door);
    }
  });

  it('survives garbage on every port and keeps working', async () => {
    const panel = await session(true);
    const sdp = parseSdp(panel.createOffer());
    const ports = sdp.media.flatMap((m) => [m.port, m.port + 1]);
    const junk = dgram.createSocket('udp4');
    const errors: Error[] = [];
    panel.on('error', (e) => errors.push(e));
    try {
      let seed = 1;
      const rand = (): number => (seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 400; i++) {
        const buf = Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)));
        if (i % 2 === 0 && buf.length > 1) buf[0] = 0x80; // v2 RTP/RTCP lookalikes
        if (i % 4 === 0 && buf.length > 1) buf[1] = i % 8 === 0 ? 96 : 8;
        sends.push(new Promise((r) => junk.send(buf, ports[i % ports.length]!, '127.0.0.1', () => r())));
      }
      await Promise.all(sends);
      // A well-formed packet after the junk still arrives: the sockets are alive.
      const frames: AudioFrame[] = [];
      const ok = until(() => frames.length > 0, 3000, 'a frame after the junk');
      panel.on('audio', (f) => (frames.push(f), ok.poke()));
      junk.send(serializeRtpPacket({ payloadType: 8, sequenceNumber: 1, timestamp: 0, ssrc: 5, payload: new Uint8Array(160) }), ports[0]!, '127.0.0.1');
      // Junk with PT 8 may have started a sequence: keep sending in-order packets until one arrives.
      for (let s = 2; s < 2000 && frames.length === 0; s++) {
        await new Promise<void>((r) =>
          junk.send(serializeRtpPacket({ payloadType: 8, sequenceNumber: s, timestamp: s * 160, ssrc: 5, payload: new Uint8Array(160) }), ports[0]!, '127.0.0.1', () => r()),
        );
      }
      await ok.promise;
      expect(errors).toEqual([]);
    } finally {
      junk.close();
    }
  });

  it('skips ports in use, and close() frees its sockets', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(35000, '127.0.0.1', () => r()));
    try {
      const s = await session(false, [35000, 35003]);
      expect(audioPort(s.createOffer())).toBe(35002);
      await expect(session(false, [35000, 35003])).rejects.toThrow(/no free RTP\/RTCP port pair/);
      await s.close();
      await s.close(); // idempotent
      const again = await session(false, [35000, 35003]);
      expect(audioPort(again.createOffer())).toBe(35002);
      expect(() => s.createOffer()).toThrow(/closed/);
      await expect(s.sendDtmf('*')).rejects.toThrow(/closed/);
    } finally {
      blocker.close();
    }
  });

  it('rejects DTMF that was not negotiated and unknown digits', async () => {
    const panel = await session();
    panel.answer(doorOffer(40000).replace(' 8 101', ' 8').replace(/a=rtpmap:101.*\r\n/, ''));
    await expect(panel.sendDtmf('*')).rejects.toThrow(/telephone-event/);
    await expect(panel.sendDtmf('x')).rejects.toThrow(RangeError);
  });
});
