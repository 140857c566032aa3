// The UDP transport's reliability layer against a raw dgram peer: no sip.js, no kamailio.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { UdpTransport } from '../../../electron/host/sip/index.js';
import { Peer, header, responseTo } from './helpers.js';

const log = pino({ level: 'silent' });
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(opts: { t1Ms?: number; t2Ms?: number } = {}): Promise<{ t: UdpTransport; peer: Peer; inbox: string[] }> {
  const peer = await Peer.open();
  const t = new UdpTransport({ logger: log, localAddress: '127.0.0.1', outboundProxy: { host: '127.0.0.1', port: peer.port }, ...opts });
  await t.connect();
  const inbox: string[] = [];
  t.onMessage = (m) => inbox.push(m);
  cleanup.push(() => peer.close(), () => t.dispose());
  return { t, peer, inbox };
}

/** A request the way sip.js writes it: Via sent-by without a port. */
function sipjsRequest(method: string, branch: string, extra = ''): string {
  return (
    `${method} sip:127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1;branch=${branch};rport\r\n` +
    `To: <sip:1001@127.0.0.1>\r\nFrom: <sip:1001@127.0.0.1>;tag=abc\r\n` +
    `Call-ID: call-${branch}\r\nCSeq: 7 ${method}\r\nMax-Forwards: 70\r\n${extra}Content-Length: 0\r\n\r\n`
  );
}

function peerRequest(method: string, branch: string, viaPort = 9, cseq = 1): string {
  return (
    `${method} sip:1001@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${viaPort};branch=${branch};rport\r\n` +
    `From: <sip:door@127.0.0.1>;tag=door1\r\nTo: <sip:1001@127.0.0.1>\r\n` +
    `Call-ID: peer-${branch}\r\nCSeq: ${cseq} ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

describe('UDP transport reliability', () => {
  it('retransmits a request at ~T1, 2T1, 4T1 until a response, then stops', async () => {
    const { t, peer, inbox } = await setup();
    const branch = 'z9hG4bKretx1';
    const third = peer.next(() => peer.received.length === 3, 4000);
    const t0 = performance.now();
    await t.send(sipjsRequest('REGISTER', branch));
    const d3 = await third;
    const [a, b, c] = peer.received;
    expect(a!.at - t0).toBeLessThan(100);
    expect(b!.at - a!.at).toBeGreaterThan(400);
    expect(b!.at - a!.at).toBeLessThan(650);
    expect(c!.at - b!.at).toBeGreaterThan(900);
    expect(c!.at - b!.at).toBeLessThan(1150);
    // All copies are byte-identical, and our port went into the Via sent-by.
    expect(new Set(peer.received.map((d) => d.text)).size).toBe(1);
    expect(header(d3.text, 'Via')).toBe(`SIP/2.0/UDP 127.0.0.1:${t.local.port};branch=${branch};rport`);
    const delivered = new Promise<void>((resolve) => {
      t.onMessage = (m) => {
        inbox.push(m);
        resolve();
      };
    });
    await peer.send(responseTo(d3.text, 200, 'OK').replace(';rport', `;rport=${t.local.port};received=127.0.0.1`), t.local.port);
    await delivered;
    expect(t.pendingClientTransactions).toBe(0);
    // sip.js drops responses whose Via carries a port: it gets its own sent-by back.
    expect(header(inbox[0]!, 'Via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1;branch=z9hG4bKretx1;rport=\d+;received=127\.0\.0\.1$/);
    expect(t.stats.retransmissions).toBe(2);
  });

  it('caps non-INVITE retransmission at T2 and gives up at 64*T1', async () => {
    // Timers wide enough that a loaded machine's slack (tens of ms) cannot blur T1 into T2.
    const { t, peer } = await setup({ t1Ms: 50, t2Ms: 200 });
    await t.send(sipjsRequest('OPTIONS', 'z9hG4bKcap'));
    await peer.next(() => peer.received.length >= 7, 5000);
    const gaps = peer.received.slice(1, 7).map((d, i) => d.at - peer.received[i]!.at);
    expect(gaps[0]).toBeLessThan(150); // T1, well short of T2
    expect(Math.max(...gaps)).toBeLessThan(330); // never beyond T2 (+ timer slack)
    expect(gaps[4]).toBeGreaterThan(150); // capped at T2 by then
    const deadline = Date.now() + 6000;
    while (t.stats.givenUp === 0 && Date.now() < deadline) await peer.next(() => true, 200).catch(() => undefined);
    expect(t.stats.givenUp).toBe(1);
    expect(t.pendingClientTransactions).toBe(0);
    const copies = peer.received.length;
    expect(copies).toBeGreaterThan(10);
    expect(copies).toBeLessThan(25); // 64*T1 = 3.2 s at T1 = 50 ms, T2 = 200 ms: about 17 copies
  });

  it('INVITE retransmission stops at the first provisional response', async () => {
    const { t, peer } = await setup({ t1Ms: 50 });
    await t.send(sipjsRequest('INVITE', 'z9hG4bKinv'));
    const second = await peer.next(() => peer.received.length === 2, 1000);
    await peer.send(responseTo(second.text, 100, 'Trying'), t.local.port);
    await peer.next(() => false, 400).catch(() => undefined); // would be copies at +150 and +350
    expect(peer.received.length).toBe(2);
    expect(t.pendingClientTransactions).toBe(0);
  });

  it('retransmits a 486 to an INVITE until the ACK arrives', async () => {
    const { t, peer, inbox } = await setup({ t1Ms: 100, t2Ms: 400 });
    const invite = peerRequest('INVITE', 'z9hG4bKbusy', 9);
    await peer.send(invite, t.local.port);
    const start = peer.received.length;
    while (inbox.length === 0) await new Promise((r) => setImmediate(r));
    // sip.js would build the 486 from the message it was handed (with received/rport stamped).
    expect(header(inbox[0]!, 'Via')).toBe(`SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbusy;rport=${peer.port};received=127.0.0.1`);
    await t.send(responseTo(inbox[0]!, 486, 'Busy Here'));
    const third = await peer.next(() => peer.received.length - start === 3, 2000);
    expect(third.text.startsWith('SIP/2.0 486')).toBe(true);
    const gaps = peer.received.slice(start + 1).map((d, i) => d.at - peer.received[start + i]!.at);
    expect(gaps[0]).toBeGreaterThan(80);
    expect(gaps[1]).toBeGreaterThan(170);
    // The response went to where the INVITE came from (rport), not to the Via's port 9.
    const ack =
      `ACK sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbusy;rport\r\n` +
      `From: <sip:door@127.0.0.1>;tag=door1\r\nTo: <sip:1001@127.0.0.1>;tag=peer1\r\nCall-ID: peer-z9hG4bKbusy\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    await peer.send(ack, t.local.port);
    const count = peer.received.length;
    await peer.next(() => true, 900).catch(() => undefined); // next copy would have come within 400 ms
    expect(peer.received.length).toBe(count);
  });

  it('answers a duplicate request with the last response instead of passing it on', async () => {
    const { t, peer, inbox } = await setup();
    const opts = peerRequest('OPTIONS', 'z9hG4bKdup', 7777);
    await peer.send(opts, t.local.port);
    while (inbox.length === 0) await new Promise((r) => setImmediate(r));
    await t.send(responseTo(inbox[0]!, 200, 'OK'));
    const first = await peer.next((d) => d.text.startsWith('SIP/2.0 200'));
    await peer.send(opts, t.local.port);
    const again = await peer.next((d) => d.text.startsWith('SIP/2.0 200') && d !== first);
    expect(again.text).toBe(first.text);
    expect(inbox.length).toBe(1);
    expect(t.stats.absorbedDuplicates).toBe(1);
  });

  it('re-sends the ACK when a 486 to our INVITE is retransmitted', async () => {
    const { t, peer, inbox } = await setup();
    await t.send(sipjsRequest('INVITE', 'z9hG4bKack'));
    const inv = await peer.next();
    const busy = responseTo(inv.text, 486, 'Busy Here');
    await peer.send(busy, t.local.port);
    while (inbox.length === 0) await new Promise((r) => setImmediate(r));
    await t.send(sipjsRequest('ACK', 'z9hG4bKack').replace('CSeq: 7 ACK', 'CSeq: 7 ACK'));
    const ack1 = await peer.next((d) => d.text.startsWith('ACK'));
    await peer.send(busy, t.local.port);
    const ack2 = await peer.next((d) => d.text.startsWith('ACK') && d !== ack1);
    expect(ack2.text).toBe(ack1.text);
    expect(inbox.length).toBe(1);
  });

  it('refuses a message over the MTU clearly instead of fragmenting', async () => {
    const { t, peer } = await setup();
    const big = sipjsRequest('MESSAGE', 'z9hG4bKbig', `X-Pad: ${'x'.repeat(1400)}\r\n`);
    await expect(t.send(big)).rejects.toThrow(/over the 1300-byte UDP limit.*tcp/);
    expect(peer.received.length).toBe(0);
  });

  it('drops garbage without throwing and keeps working', async () => {
    const { t, peer, inbox } = await setup();
    for (const junk of ['', '\r\n\r\n', 'hello', 'INVITE sip:x SIP/2.0\r\n\r\n', '\xff\xfe\x00']) {
      await peer.send(Buffer.from(junk, 'latin1'), t.local.port);
    }
    await peer.send(peerRequest('OPTIONS', 'z9hG4bKafter'), t.local.port);
    while (inbox.length === 0) await new Promise((r) => setImmediate(r));
    expect(inbox[0]!.startsWith('OPTIONS')).toBe(true);
    expect(t.stats.malformed).toBeGreaterThanOrEqual(3);
  });
});
