// The host's calls as the screen sees them, against real peers: a door station simulator rings
// through kamailio; the panel's state shows the call with the door's name while it rings; H.264
// access units for that call arrive on the media channel before the answer and decode; answering,
// the microphone frames the screen sends reach the door as audio; 开门 opens the door; 挂断 ends
// the call at the door. A missed call lands in the history with the screen's snapshot.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MEDIA_WS_PATH, decodeMediaFrame, encodeMediaFrame, type MediaFrameMessage } from '../../../electron/contract/index.js';
import { startCallRig, type CallRig } from '../../support/call-rig.js';
import { waitForState } from '../../support/panel.js';
import { tempDir } from '../../support/temp.js';
import { decodeAnnexB } from '../media/ffmpeg-rtp.js';
import { sineFrame, until } from './helpers.js';

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({ endedCallLingerMs: 60_000 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** The screen's side of the media channel, with the Origin a page served by the panel has. */
async function openMedia(): Promise<{ frames: MediaFrameMessage[]; ws: WebSocket; until: (check: () => boolean, ms: number, what: string) => Promise<void> }> {
  const origin = rig.panel.url.replace(/\/$/, '');
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${MEDIA_WS_PATH}`, { origin });
  const frames: MediaFrameMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer) => {
    frames.push(decodeMediaFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer));
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = (check: () => boolean, ms: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (check()) return resolve();
      const poke = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(poke);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(poke);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      waiters.add(poke);
    });
  return { frames, ws, until };
}

function tone(mediaTag: number, i: number): ArrayBuffer {
  return encodeMediaFrame({ kind: 'microphone', mediaTag, timestamp: 0, receivedAt: 0, samples: sineFrame(440, i) });
}

describe('calls on the panel, as the screen sees them', () => {
  it('rings with the door name and live H.264 before the answer; answer, talk, open, hang up', async () => {
    const media = await openMedia();
    const doorCall = await rig.door.ring(rig.panelNumber);
    const ringing = await waitForState(rig.panel.host, (s) => s.call?.state === 'early', 5000);
    const call = ringing.call!;
    expect(call).toMatchObject({ direction: 'incoming', kind: 'door', remote: { number: rig.door.sipNumber, name: '1幢1单元门口机' }, answeredAt: null, muted: false });

    // Two key frames for this call on the media channel, the call still unanswered.
    const units = (): Extract<MediaFrameMessage, { kind: 'video' }>[] =>
      media.frames.filter((f): f is Extract<MediaFrameMessage, { kind: 'video' }> => f.kind === 'video' && f.mediaTag === call.mediaTag);
    await media.until(() => units().filter((u) => u.key).length >= 2, 8000, 'two key frames while ringing');
    expect(rig.panel.host.state().call?.state).toBe('early');
    expect(rig.panel.host.state().call?.video).toBe(true);
    expect(doorCall.state).toBe('early');
    const fromKey = units().slice(units().findIndex((u) => u.key));
    const file = join(tempDir('host-calls'), 'early.h264');
    writeFileSync(file, Buffer.concat(fromKey.map((u) => u.data)));
    const decoded = await decodeAnnexB(file);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBeGreaterThanOrEqual(16);
    expect(media.frames.some((f) => f.kind === 'audio' && f.mediaTag === call.mediaTag)).toBe(true);

    await rig.panel.host.api['call.answer']({ callId: call.id });
    await doorCall.waitFor('answered', 3000);
    expect(rig.panel.host.state().call).toMatchObject({ state: 'active', answeredAt: expect.any(Number) });

    // The screen's microphone (a 440 Hz tone here) reaches the door as audio it can hear.
    let i = 0;
    const talking = setInterval(() => media.ws.send(tone(call.mediaTag, i++)), 20);
    try {
      await until(() => doorCall.stats().audioFramesHeard >= 20, 5000, 'the door hearing the panel');
    } finally {
      clearInterval(talking);
    }
    // Muted, the door gets silence instead.
    await rig.panel.host.api['call.mute']({ callId: call.id, muted: true });
    // Tone frames already on their way before the mute may still land: let five muted ones through first.
    const sendTones = async (count: number): Promise<void> => {
      const before = doorCall.stats().audioPacketsReceived;
      for (let n = 0; n < count; n++) media.ws.send(tone(call.mediaTag, i++));
      await until(() => doorCall.stats().audioPacketsReceived >= before + count - 5, 3000, 'muted frames at the door');
    };
    await sendTones(10);
    const heard = doorCall.stats().audioFramesHeard;
    await sendTones(25);
    expect(doorCall.stats().audioFramesHeard).toBe(heard);
    // A frame tagged for another call is not sent anywhere.
    await rig.panel.host.api['call.mute']({ callId: call.id, muted: false });

    const opened = await rig.panel.host.api['call.unlock']({ callId: call.id, via: 'touch' });
    expect(opened).toEqual({ ok: true, confirmed: true, message: '门已打开' });
    expect(rig.panel.host.state().call?.unlock).toMatchObject({ state: 'opened', message: '门已打开' });
    expect(doorCall.unlocks).toEqual([expect.objectContaining({ method: 'info', from: rig.panelNumber })]);

    await rig.panel.host.api['call.hangup']({ callId: call.id });
    await doorCall.waitFor('ended', 3000);
    const ended = await waitForState(rig.panel.host, (s) => s.call?.state === 'ended');
    expect(ended.call).toMatchObject({ id: call.id, endReason: '通话已结束', endedAt: expect.any(Number) });
    await rig.panel.host.api['call.dismiss']({ callId: call.id });
    expect(rig.panel.host.state().call).toBeNull();
    media.ws.close();
  }, 30_000);

  it('a call the door gives up on is missed: history shows it with the snapshot the screen took', async () => {
    const doorCall = await rig.door.ring(rig.panelNumber);
    const { call } = await waitForState(rig.panel.host, (s) => s.call?.state === 'early', 5000);
    const jpeg = 'data:image/jpeg;base64,' + Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]).toString('base64');
    await rig.panel.host.api['call.snapshot']({ callId: call!.id, image: jpeg });
    await doorCall.hangup();
    const ended = await waitForState(rig.panel.host, (s) => s.call?.state === 'ended', 5000);
    expect(ended.call?.endReason).toBe('对方已取消呼叫');
    await doorCall.closed; // the door is free again for the monitor test

    const { calls } = await rig.panel.host.api['calls.history']({});
    expect(calls[0]).toMatchObject({ id: call!.id, missed: true, hasSnapshot: true, remote: { name: '1幢1单元门口机' }, endReason: '对方已取消呼叫' });
    expect(calls[1]).toMatchObject({ missed: false, hasSnapshot: false });
    expect((await rig.panel.host.api['calls.snapshot']({ callId: call!.id })).image).toBe(jpeg);
    await expect(rig.panel.host.api['call.snapshot']({ callId: 'no-such-call', image: jpeg })).rejects.toThrow('没有这个通话');
  }, 20_000);

  it('查看视频 watches the last door that called; 呼叫物业 without a desk number says so', async () => {
    await rig.panel.host.api['call.dismiss']({ callId: rig.panel.host.state().call?.id ?? '' });
    await rig.panel.host.api['call.monitor']({});
    const watching = await waitForState(rig.panel.host, (s) => s.call?.kind === 'monitor' && s.call.state === 'active', 5000);
    expect(watching.call).toMatchObject({ direction: 'outgoing', remote: { number: rig.door.sipNumber, name: '1幢1单元门口机' }, endsAt: expect.any(Number) });
    expect(watching.call!.endsAt! - watching.call!.answeredAt!).toBe(60_000);
    await expect(rig.panel.host.api['call.desk']({})).rejects.toThrow('未配置物业中心号码');
    await rig.panel.host.api['call.hangup']({ callId: watching.call!.id });
    await waitForState(rig.panel.host, (s) => s.call?.state === 'ended', 3000);
  }, 20_000);

  it('the media channel refuses a page from another origin', async () => {
    const ws = new WebSocket(`${rig.panel.url.replace('http', 'ws').replace(/\/$/, '')}${MEDIA_WS_PATH}`, { origin: 'http://evil.example' });
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1008);
  });
});
