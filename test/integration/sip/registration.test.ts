// SipAccount against a real kamailio registrar with digest auth (realm "asterisk").
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SipAccount, type AccountStateEvent, type SipAccountConfig } from '../../../electron/host/sip/index.js';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { Peer, header } from './helpers.js';

const log = pino({ level: process.env['SIP_TEST_LOG'] ?? 'silent' });
let k: Kamailio;
const accounts: SipAccount[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  k = await startKamailio({ users: { '1001': 'secret-1001', '1002': 'secret-1002', '2001': 'door-pw' } });
});
afterAll(async () => {
  await k?.dispose();
});
afterEach(async () => {
  await Promise.all(accounts.splice(0).map((a) => a.stop()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
  if (!(await k.ping(300))) await k.start();
});

function account(over: Partial<SipAccountConfig> = {}): SipAccount {
  const a = new SipAccount(
    { sipNumber: '1001', password: 'secret-1001', host: '127.0.0.1', port: k.port, transport: 'udp', localAddress: '127.0.0.1', ...over },
    { logger: log },
  );
  accounts.push(a);
  return a;
}

function record(a: SipAccount): AccountStateEvent[] {
  const events: AccountStateEvent[] = [];
  a.onState((e) => events.push(e));
  return events;
}

async function until<T>(f: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SipAccount registration (kamailio)', () => {
  it('registers with digest auth, shows in the location table, refreshes at ~half the expiry', async () => {
    const a = account({ expiresSec: 4 });
    const events = record(a);
    await a.start();
    const online = await a.waitForState('ONLINE', 5000);
    expect(online.previous).toBe('LOGINPROCESS');
    expect(events.map((e) => e.state)).toEqual(['LOGINPROCESS', 'ONLINE']);
    const contacts = await k.contactsOf('1001');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.contact).toMatch(new RegExp(`^sip:\\w+@127\\.0\\.0\\.1:${a.localEndpoint!.port};transport=udp$`));
    expect(a.grantedExpiresSec).toBe(4);
    // Refreshes at ~2 s: wait for two more successful REGISTERs; never OFFLINE in between.
    const t0 = Date.now();
    await until(() => a.registrations >= 3, 6000, 'two refreshes');
    expect(Date.now() - t0).toBeGreaterThan(3000);
    expect(events.map((e) => e.state)).toEqual(['LOGINPROCESS', 'ONLINE']);
    expect((await k.contactsOf('1001'))).toHaveLength(1);
  });

  it('unREGISTERs on stop (Expires 0), bounded in time', async () => {
    const a = account();
    await a.start();
    await a.waitForState('ONLINE', 5000);
    expect(await k.contactsOf('1001')).toHaveLength(1);
    const t0 = Date.now();
    await a.stop();
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(a.state).toBe('NONE');
    expect(await k.contactsOf('1001')).toHaveLength(0);
  });

  it('stop() is bounded when the registrar is gone', async () => {
    const a = account();
    await a.start();
    await a.waitForState('ONLINE', 5000);
    await k.stop();
    const t0 = Date.now();
    await a.stop();
    expect(Date.now() - t0).toBeLessThan(2600);
    expect(a.state).toBe('NONE');
  });

  it('wrong password: OFFLINE with a clear reason and no tight retry loop', async () => {
    const a = account({ password: 'wrong' });
    await a.start();
    const off = await a.waitForState('OFFLINE', 5000);
    expect(off.statusCode).toBe(401);
    expect(off.reason).toMatch(/refused the credentials \(401.*check the SIP number and password/);
    const sent = a.transport!.stats.datagramsOut;
    expect(sent).toBeLessThanOrEqual(3); // REGISTER, REGISTER with credentials (+ maybe one retransmit)
    await new Promise((r) => setTimeout(r, 1500)); // nothing should happen in this window: absence needs a wait
    expect(a.transport!.stats.datagramsOut).toBe(sent);
    expect(a.state).toBe('OFFLINE');
    expect(await k.contactsOf('1001')).toHaveLength(0);
  });

  it('registers over TCP too', async () => {
    const a = account({ transport: 'tcp', sipNumber: '1002', password: 'secret-1002' });
    await a.start();
    await a.waitForState('ONLINE', 5000);
    const contacts = await k.contactsOf('1002');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.contact).toMatch(/;transport=tcp$/);
  });

  // Product defaults throughout: 60 s expiry refreshed at ~30 s, OPTIONS every 25 s, binding check every 5 s.
  it('quick kamailio restart (location table lost, OPTIONS still answered): registered again within 10 s, never shown offline', async () => {
    const a = account();
    const events = record(a);
    await a.start();
    await a.waitForState('ONLINE', 5000);
    const registrations = a.registrations;
    await k.restart();
    const t0 = Date.now();
    expect(await k.contactsOf('1001')).toHaveLength(0);
    await until(async () => (await k.contactsOf('1001')).length > 0 || undefined, 10_000, 're-registration after the restart');
    const recoveredMs = Date.now() - t0;
    console.log(`[sip] default timers: back in the location table ${recoveredMs} ms after a quick registrar restart`);
    expect(recoveredMs).toBeLessThan(10_000);
    // The binding check asked, found nothing, and re-registered; the refresh was still ~25 s away.
    expect(a.registrations).toBe(registrations + 1);
    expect(events.map((e) => e.state)).toEqual(['LOGINPROCESS', 'ONLINE']);
    // The query itself adds no binding: still exactly ours.
    expect(await k.contactsOf('1001')).toHaveLength(1);
  }, 20_000);

  it('registrar outage: OFFLINE with a reason, ONLINE again within 10 s after it returns (default timers)', async () => {
    const a = account();
    await a.start();
    await a.waitForState('ONLINE', 5000);
    const offline = a.waitForState('OFFLINE', 20_000);
    await k.stop();
    const stoppedAt = Date.now();
    const off = await offline;
    // Noticed by the binding check (every ~5 s, 8 s without an answer) well before the refresh.
    expect(off.at - stoppedAt).toBeLessThan(15_000);
    expect(off.reason).toMatch(/binding check|keepalive|registrar|answer/);
    await k.start();
    const t0 = Date.now();
    await a.waitForState('ONLINE', 10_000);
    const outageMs = Date.now() - t0;
    expect(await k.contactsOf('1001')).toHaveLength(1);
    console.log(`[sip] default timers: OFFLINE ${off.at - stoppedAt} ms into an outage (${off.reason}); ONLINE ${outageMs} ms after the registrar came back`);
    expect(outageMs).toBeLessThan(10_000);
  }, 40_000);

  it('INVITE via the registrar reaches onInvite (default 480); a stranger is refused 403', async () => {
    const a = account();
    let seen = 0;
    const defaultHook = a.onInvite;
    a.onInvite = (inv) => {
      seen++;
      defaultHook(inv);
    };
    await a.start();
    await a.waitForState('ONLINE', 5000);

    // A door station registered at kamailio as 2001 calls 1001 through the proxy.
    const door = await Peer.open();
    peers.push(door);
    await registerRaw(door, '2001', 'door-pw');
    const invite = rawInvite(door, '1001', `127.0.0.1:${k.port}`, 'z9hG4bKdoorcall1');
    await door.send(invite, k.port);
    const final = await door.next((d) => /^SIP\/2\.0 [2-6]\d\d/.test(d.text) && d.text.includes('z9hG4bKdoorcall1'));
    expect(final.text.startsWith('SIP/2.0 480')).toBe(true);
    expect(seen).toBe(1);

    // A direct INVITE from an address that is neither the registrar nor allow-listed.
    const stranger = await Peer.open('127.0.0.2');
    peers.push(stranger);
    await stranger.send(rawInvite(stranger, '1001', `127.0.0.1:${a.localEndpoint!.port}`, 'z9hG4bKstranger'), a.localEndpoint!.port);
    const refused = await stranger.next((d) => d.text.startsWith('SIP/2.0 '));
    expect(refused.text.startsWith('SIP/2.0 403')).toBe(true);
    expect(seen).toBe(1);

    // Methods the panel does not handle: 405 with Allow.
    const msg = rawInvite(stranger, '1001', `127.0.0.1:${a.localEndpoint!.port}`, 'z9hG4bKmsg').replace(/INVITE/g, 'MESSAGE');
    await stranger.send(msg, a.localEndpoint!.port);
    const r405 = await stranger.next((d) => d.text.startsWith('SIP/2.0 405'));
    expect(header(r405.text, 'Allow')).toContain('INVITE');
  });
});

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

async function registerRaw(p: Peer, user: string, password: string): Promise<void> {
  const uri = `sip:127.0.0.1:${k.port}`;
  const build = (cseq: number, auth?: string): string =>
    `REGISTER ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${p.port};branch=z9hG4bKreg${cseq}${user};rport\r\n` +
    `From: <sip:${user}@127.0.0.1>;tag=r${user}\r\nTo: <sip:${user}@127.0.0.1>\r\nCall-ID: reg-${user}-${p.port}\r\nCSeq: ${cseq} REGISTER\r\n` +
    `Contact: <sip:${user}@127.0.0.1:${p.port}>\r\nExpires: 60\r\nMax-Forwards: 70\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`;
  const idx = p.received.length;
  await p.send(build(1), k.port);
  const challenge = await p.next((d) => d.text.startsWith('SIP/2.0 401'), 3000, idx);
  const www = header(challenge.text, 'WWW-Authenticate')!;
  const realm = /realm="([^"]+)"/.exec(www)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(www)![1]!;
  const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${md5(`REGISTER:${uri}`)}`);
  await p.send(build(2, `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`), k.port);
  await p.next((d) => d.text.startsWith('SIP/2.0 200') && d.text.includes('CSeq: 2 REGISTER'), 3000, idx);
}

function rawInvite(p: Peer, to: string, hostPort: string, branch: string): string {
  const sdp = 'v=0\r\no=door 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n';
  return (
    `INVITE sip:${to}@${hostPort} SIP/2.0\r\nVia: SIP/2.0/UDP ${p.address}:${p.port};branch=${branch};rport\r\n` +
    `From: <sip:2001@127.0.0.1>;tag=d${branch.slice(-6)}\r\nTo: <sip:${to}@127.0.0.1>\r\nCall-ID: ${branch}@door\r\nCSeq: 1 INVITE\r\n` +
    `Contact: <sip:2001@${p.address}:${p.port}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`
  );
}
