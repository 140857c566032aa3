// 20 % UDP loss each way between the panel and kamailio (a seeded, test-side relay): the account
// registers and stays registered across several refreshes thanks to retransmission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SipAccount, type AccountStateEvent } from '../../../electron/host/sip/index.js';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { LossyRelay } from '../../support/lossy-relay.js';
import { mulberry32 } from './helpers.js';

let k: Kamailio;
let relay: LossyRelay;
let acc: SipAccount | undefined;

beforeAll(async () => {
  k = await startKamailio({ users: { '3001': 'lossy-pw' } });
  relay = await LossyRelay.start({ target: { address: '127.0.0.1', port: k.port }, loss: 0.2, seed: Number(process.env['SIP_LOSS_SEED'] ?? 1) });
});
afterAll(async () => {
  await acc?.stop();
  await relay?.close();
  await k?.dispose();
});

describe('registration over a lossy path', () => {
  it('registers and stays registered across refreshes with 20 % loss each way', async () => {
    acc = new SipAccount(
      { sipNumber: '3001', password: 'lossy-pw', host: '127.0.0.1', port: relay.port, transport: 'udp', localAddress: '127.0.0.1', expiresSec: 10, keepaliveSec: 1, keepaliveTimeoutSec: 20, stopTimeoutMs: 500 },
      { logger: pino({ level: process.env['SIP_TEST_LOG'] ?? 'silent' }), random: mulberry32(7) },
    );
    const events: AccountStateEvent[] = [];
    acc.onState((e) => events.push(e));
    await acc.start();
    await acc.waitForState('ONLINE', 15_000);
    // Three refreshes at ~5 s each, and an OPTIONS keepalive every second for more traffic; any OFFLINE in between would show in `events`.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${acc!.registrations} registrations`)), 25_000);
      const poll = setInterval(() => {
        if (acc!.registrations >= 4) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        }
      }, 100);
    });
    expect(events.map((e) => e.state)).toEqual(['LOGINPROCESS', 'ONLINE']);
    expect(relay.dropped.up).toBeGreaterThan(0);
    expect(relay.dropped.down).toBeGreaterThan(0);
    expect(acc.transport!.stats.retransmissions).toBeGreaterThan(0);
    expect(await k.contactsOf('3001')).toHaveLength(1);
    console.log(
      `[sip] lossy: ${acc.registrations} REGISTERs ok, relay dropped ${relay.dropped.up} up / ${relay.dropped.down} down ` +
        `of ${relay.dropped.up + relay.passed.up} / ${relay.dropped.down + relay.passed.down}, panel retransmissions ${acc.transport!.stats.retransmissions}`,
    );
  }, 45_000);
});
