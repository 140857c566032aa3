// The property desk (a panel bound to the property office, bindType 1) against kamailio and the
// door station simulator: residents' 呼叫物业 rings the desk with the caller's house; several
// callers queue instead of getting busy; the desk answers one at a time; a door calling the
// property is answered by the desk, which opens it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTY_OFFICE } from '../../sandbox/index.js';
import { addRigPanel, startCallRig, type CallRig, type RigPanel } from '../../support/call-rig.js';
import { waitForState } from '../../support/panel.js';

let rig: CallRig;
let desk: RigPanel;
let residentA: RigPanel;
let residentB: RigPanel;

beforeAll(async () => {
  // The rig's first panel becomes the desk; the residents call its number (LINTEL_DESK_NUMBER).
  rig = await startCallRig({ panels: 0 });
  desk = await addRigPanel(rig, PROPERTY_OFFICE.spaceId, { endedCallLingerMs: 0 });
  const env = { LINTEL_DESK_NUMBER: desk.number };
  residentA = await addRigPanel(rig, 'sp-house-1-1-1201', { env, endedCallLingerMs: 0 });
  residentB = await addRigPanel(rig, 'sp-house-1-1-1202', { env, endedCallLingerMs: 0 });
}, 90_000);
afterAll(async () => {
  await rig?.close();
});

describe('the property desk', () => {
  it('is bound as the property office', () => {
    const b = desk.panel.host.state().binding;
    expect(b).toMatchObject({ status: 'bound', bindType: 1 });
  });

  it('two residents call at once: both ring at the desk with their house, one on screen and one queued; the desk talks to one at a time', async () => {
    await residentA.panel.host.api['call.desk']({});
    const first = await waitForState(desk.panel.host, (s) => s.call?.state === 'early', 5000);
    expect(first.call).toMatchObject({ kind: 'resident', remote: { number: residentA.number, name: '1幢1单元1201' } });
    await residentB.panel.host.api['call.desk']({});
    const both = await waitForState(desk.panel.host, (s) => s.callQueue.length === 1 && s.callQueue[0]!.state === 'early', 5000);
    expect(both.call?.remote.number).toBe(residentA.number);
    expect(both.callQueue[0]).toMatchObject({ kind: 'resident', state: 'early', remote: { number: residentB.number, name: '1幢1单元1202' } });
    // B waits: 'calling', or 'early' once the desk's 183 arrived.
    expect(residentB.panel.host.state().call).toMatchObject({ kind: 'desk', state: expect.stringMatching(/^(calling|early)$/), remote: { name: '物业中心' } });

    await desk.panel.host.api['call.answer']({ callId: first.call!.id });
    await waitForState(residentA.panel.host, (s) => s.call?.state === 'active', 3000);
    // While talking to A, B cannot be answered; B keeps waiting (not busy).
    await expect(desk.panel.host.api['call.answer']({ callId: both.callQueue[0]!.id })).rejects.toThrow('请先结束当前通话');
    expect(residentB.panel.host.state().call?.state).toMatch(/^(calling|early)$/);

    await desk.panel.host.api['call.hangup']({ callId: first.call!.id });
    const next = await waitForState(desk.panel.host, (s) => s.call?.remote.number === residentB.number && s.callQueue.length === 0, 3000);
    await desk.panel.host.api['call.answer']({ callId: next.call!.id });
    await waitForState(residentB.panel.host, (s) => s.call?.state === 'active', 3000);
    await residentB.panel.host.api['call.hangup']({ callId: residentB.panel.host.state().call!.id });
    await waitForState(desk.panel.host, (s) => s.call === null, 3000);
    await waitForState(residentA.panel.host, (s) => s.call === null, 3000);
  }, 30_000);

  it('a door calling the property rings the desk, which answers and opens it', async () => {
    const ring = await rig.sandbox.doorStations!.ring(PROPERTY_OFFICE.spaceId);
    const doorCall = [...rig.sandbox.doorStations!.stations.values()].flatMap((d) => d.activeCalls()).find((c) => c.target === desk.number);
    expect(ring.calls).toEqual([expect.objectContaining({ target: desk.number })]);
    const ringing = await waitForState(desk.panel.host, (s) => s.call?.state === 'early', 5000);
    expect(ringing.call).toMatchObject({ kind: 'door', remote: { name: ring.door.nickName } });
    await desk.panel.host.api['call.answer']({ callId: ringing.call!.id });
    await doorCall!.waitFor('answered', 3000);
    expect(await desk.panel.host.api['call.unlock']({ callId: ringing.call!.id, via: 'touch' })).toMatchObject({ ok: true, confirmed: true });
    expect(doorCall!.unlocks).toEqual([expect.objectContaining({ method: 'info', from: desk.number })]);
    await desk.panel.host.api['call.hangup']({ callId: ringing.call!.id });
    await doorCall!.waitFor('ended', 3000);
  }, 30_000);
});
