// Two panels of one house, each with its own SIP account, against kamailio and the door station
// simulator calling the house: both ring with live video; the first to answer gets the door and the
// other stops ringing at once with "answered elsewhere" (RFC 3326 Reason in the CANCEL), which its
// history does not count as missed; with one panel busy, a second door call rings only the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIG_HOUSE, startCallRig, type CallRig } from '../../support/call-rig.js';
import { waitForState } from '../../support/panel.js';
import pino from 'pino';
import { createMediaEngine } from '../../../electron/host/media/index.js';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { ANSWERED_ELSEWHERE, CallManager, completedElsewhere, memoryCallStore } from '../../../electron/host/sip/calls/index.js';
import { until } from './helpers.js';

const silent = pino({ level: 'silent' });

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({ panels: 2, endedCallLingerMs: 60_000 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('several panels in one home', () => {
  it('both ring with video; A answers; B stops within 1 s, "answered elsewhere", not missed', async () => {
    const [a, b] = rig.panels as [CallRig['panels'][0], CallRig['panels'][0]];
    const videoUnits = [0, 0];
    const offs = [a, b].map((p, i) => p.panel.host.media.onFrame((frame) => {
      if (new DataView(frame).getUint8(0) === 1) videoUnits[i]! += 1;
    }));
    const ring = rig.sandbox.doorStations!.ring(RIG_HOUSE);
    const [sa, sb] = await Promise.all([a, b].map((p) => waitForState(p.panel.host, (s) => s.call?.state === 'early', 5000)));
    expect((await ring).calls.map((c) => c.target).sort()).toEqual([a.number, b.number].sort());
    await until(() => videoUnits.every((n) => n >= 15) || undefined, 8000, 'video on both panels before anyone answers');
    expect([sa!.call!.remote.name, sb!.call!.remote.name]).toEqual(['1幢1单元门口机', '1幢1单元门口机']);

    await a.panel.host.api['call.answer']({ callId: sa!.call!.id });
    const answeredAt = Date.now();
    const bEnded = await waitForState(b.panel.host, (s) => s.call?.state === 'ended', 1000);
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    expect(bEnded.call!.endReason).toBe('已在其他设备接听');
    expect(a.panel.host.state().call?.state).toBe('active');
    // The door talks to A; its call to B ends as answered elsewhere.
    const doorCalls = rig.door.activeCalls();
    const toB = doorCalls.find((c) => c.target === b.number);
    await toB?.waitFor('ended', 2000);
    expect(toB?.endReason).toBe('answered elsewhere');
    expect(doorCalls.find((c) => c.target === a.number)?.state).toBe('answered');

    const { calls } = await b.panel.host.api['calls.history']({});
    expect(calls[0]).toMatchObject({ id: sb!.call!.id, missed: false, endReason: '已在其他设备接听' });
    offs.forEach((off) => off());
  }, 30_000);

  it('with A busy, a second door call rings only B (A answers 486 without a trace on its screen)', async () => {
    const [a, b] = rig.panels as [CallRig['panels'][0], CallRig['panels'][0]];
    const callOfA = a.panel.host.state().call;
    expect(callOfA?.state).toBe('active');
    await b.panel.host.api['call.dismiss']({ callId: b.panel.host.state().call!.id });

    const wall = await rig.sandbox.doorStations!.ring(RIG_HOUSE, { iotId: 'iot-wall-east' });
    const byTarget = Object.fromEntries(wall.calls.map((c) => [c.target, c]));
    expect(byTarget[a.number]).toMatchObject({ state: 'ended', statusCode: 486 });
    const ringingB = await waitForState(b.panel.host, (s) => s.call?.state === 'early', 5000);
    expect(ringingB.call!.remote.number).toBe(wall.door.sipNumber);
    expect(a.panel.host.state().call).toMatchObject({ id: callOfA!.id, state: 'active' });

    await b.panel.host.api['call.hangup']({ callId: ringingB.call!.id });
    await a.panel.host.api['call.hangup']({ callId: callOfA!.id });
    await waitForState(a.panel.host, (s) => s.call?.state === 'ended', 3000);
  }, 30_000);

  it('kamailio forking one account to two devices: the CANCEL kamailio sends the other carries cause=200', async () => {
    await rig.kamailio.addUser('house1201', 'house-pw');
    const devices = await Promise.all([0, 1].map(async () => {
      const account = new SipAccount({ sipNumber: 'house1201', password: 'house-pw', host: rig.kamailio.host, port: rig.kamailio.port, transport: 'udp', localAddress: '127.0.0.1', keepaliveSec: 300 }, { logger: silent });
      const calls = new CallManager({ account, media: createMediaEngine(), store: memoryCallStore(), logger: silent });
      await account.start();
      await account.waitForState('ONLINE', 5000);
      return { account, calls };
    }));
    try {
      expect(await rig.kamailio.contactsOf('house1201')).toHaveLength(2);
      const doorCall = await rig.door.ring('house1201');
      const early = await Promise.all(devices.map((d) => until(() => d.calls.list().find((c) => c.state === 'early'), 5000, 'both forks ringing')));
      // A forked INVITE gets one early-media session at the door (the first 183 wins: sip.js, like
      // most doors, streams to one fork). The device that gets the picture answers, as a
      // resident looking at it would.
      const watching = await until(() => {
        const i = devices.findIndex((d, k) => (d.calls.mediaOf(early[k]!.id)?.stats().videoAccessUnits ?? 0) > 0);
        return i >= 0 ? i : undefined;
      }, 8000, 'the door streaming to one fork');
      const other = 1 - watching;
      await devices[watching]!.calls.answer(early[watching]!.id);
      await doorCall.waitFor('answered', 3000);
      await devices[other]!.calls.whenEnded(early[other]!.id);
      expect(devices[other]!.calls.get(early[other]!.id)?.endReason).toBe(ANSWERED_ELSEWHERE);
      await devices[watching]!.calls.hangup(early[watching]!.id);
    } finally {
      for (const d of devices) {
        await d.calls.close();
        await d.account.stop();
      }
    }
  }, 30_000);
});

describe('Reason: completed elsewhere', () => {
  it('is recognised by cause 200 or its text, and nothing else', () => {
    expect(completedElsewhere('SIP ;cause=200 ;text="Call completed elsewhere"')).toBe(true);
    expect(completedElsewhere('SIP;cause=200;text="OK"')).toBe(true);
    expect(completedElsewhere('Q.850;cause=16, SIP;cause=200')).toBe(true);
    expect(completedElsewhere('SIP;cause=487;text="Request Terminated"')).toBe(false);
    expect(completedElsewhere('Q.850;cause=200')).toBe(false);
    expect(completedElsewhere(undefined)).toBe(false);
  });
});
