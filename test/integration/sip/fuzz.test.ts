// 10,000 mutated SIP datagrams at a registered panel's UDP port: nothing crashes, nothing rejects
// unhandled, and OPTIONS and a re-REGISTER still work afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SipAccount } from '../../../electron/host/sip/index.js';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { Peer, mulberry32 } from './helpers.js';

const COUNT = 10_000;
let k: Kamailio;
let acc: SipAccount;
const peers: Peer[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  k = await startKamailio({ users: { '4001': 'fuzz-pw' } });
  acc = new SipAccount(
    // A generous INVITE rate so that mutated INVITEs reach sip.js instead of stopping at the guard.
    { sipNumber: '4001', password: 'fuzz-pw', host: '127.0.0.1', port: k.port, transport: 'udp', localAddress: '127.0.0.1', inviteRatePerSecond: 1e6 },
    { logger: pino({ level: process.env['SIP_TEST_LOG'] ?? 'silent' }) },
  );
  await acc.start();
  await acc.waitForState('ONLINE', 5000);
});

afterAll(async () => {
  await acc?.stop();
  await Promise.all(peers.map((p) => p.close()));
  await k?.dispose();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

function corpus(panelPort: number, fuzzPort: number): string[] {
  const via = (b: string): string => `Via: SIP/2.0/UDP 127.0.0.1:${fuzzPort};branch=z9hG4bK${b};rport`;
  const sdp = 'v=0\r\no=door 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\nm=video 40002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n';
  const json = '{"req":"unlock","reqsn":100,"sip":"2001"}';
  const common = (m: string, b: string, cseq = 1, toTag = ''): string =>
    `${via(b)}\r\nFrom: <sip:2001@127.0.0.1>;tag=f${b}\r\nTo: <sip:4001@127.0.0.1:${panelPort}>${toTag}\r\nCall-ID: ${b}@fuzz\r\nCSeq: ${cseq} ${m}\r\nMax-Forwards: 70\r\n`;
  return [
    `INVITE sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('INVITE', 'inv')}Contact: <sip:2001@127.0.0.1:${fuzzPort}>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
    `OPTIONS sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('OPTIONS', 'opt')}Accept: application/sdp\r\nContent-Length: 0\r\n\r\n`,
    `REGISTER sip:127.0.0.1:${panelPort} SIP/2.0\r\n${common('REGISTER', 'reg')}Contact: <sip:2001@127.0.0.1:${fuzzPort}>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n`,
    `INFO sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('INFO', 'info', 2, ';tag=x1')}Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
    `BYE sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('BYE', 'bye', 3, ';tag=x1')}Content-Length: 0\r\n\r\n`,
    `CANCEL sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('CANCEL', 'inv')}Content-Length: 0\r\n\r\n`,
    `ACK sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('ACK', 'inv', 1, ';tag=x1')}Content-Length: 0\r\n\r\n`,
    `NOTIFY sip:4001@127.0.0.1:${panelPort} SIP/2.0\r\n${common('NOTIFY', 'ntf', 1)}Event: message-summary\r\nSubscription-State: active\r\nContent-Length: 0\r\n\r\n`,
    // responses, as if to the panel's own requests (Via host without port, like sip.js writes it)
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKresp;rport=${panelPort}\r\nFrom: <sip:4001@127.0.0.1>;tag=a\r\nTo: <sip:4001@127.0.0.1>;tag=b\r\nCall-ID: resp@fuzz\r\nCSeq: 5 REGISTER\r\nContact: <sip:x@127.0.0.1:${panelPort}>;expires=60\r\nContent-Length: 0\r\n\r\n`,
    `SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 127.0.0.1:${panelPort};branch=z9hG4bKresp2;rport\r\nFrom: <sip:4001@127.0.0.1>;tag=a\r\nTo: <sip:4001@127.0.0.1>;tag=b\r\nCall-ID: resp2@fuzz\r\nCSeq: 6 REGISTER\r\nWWW-Authenticate: Digest realm="asterisk", nonce="abc", algorithm=MD5\r\nContent-Length: 0\r\n\r\n`,
    `SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKresp3\r\nFrom: <sip:4001@127.0.0.1>;tag=a\r\nTo: <sip:2001@127.0.0.1>;tag=b\r\nCall-ID: resp3@fuzz\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
  ];
}

const HEADERS = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length', 'Contact', 'Max-Forwards', 'Content-Type', 'Route', 'Record-Route', 'Expires', 'l', 'v', 'i'];

function mutate(base: string, r: () => number, n: number): Buffer {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const op = Math.floor(r() * 14);
  let s = base;
  const uniq = `${n}x${Math.floor(r() * 1e9)}`;
  // fresh branches/call-ids most of the time, so the transaction layer cannot absorb them all
  if (r() < 0.8) s = s.replace(/z9hG4bK(\w+)/g, `z9hG4bK$1${uniq}`).replace(/Call-ID: (\S+)/, `Call-ID: $1${uniq}`);
  const bytes = Buffer.from(s, 'utf8');
  switch (op) {
    case 0: { // flip random bytes
      const k = 1 + Math.floor(r() * 12);
      for (let i = 0; i < k; i++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      return bytes;
    }
    case 1: // truncate
      return bytes.subarray(0, Math.floor(r() * bytes.length));
    case 2: { // duplicate a header line many times
      const lines = s.split('\r\n');
      const i = 1 + Math.floor(r() * Math.max(1, lines.indexOf('') - 1));
      const times = 1 + Math.floor(r() * 40);
      lines.splice(i, 0, ...Array<string>(times).fill(lines[i] ?? 'X: y'));
      return Buffer.from(lines.join('\r\n'));
    }
    case 3: // huge / negative / junk Content-Length
      return Buffer.from(s.replace(/Content-Length: \d+/, `Content-Length: ${pick(['99999999999', '-1', '4294967296', 'abc', '1e9', '', '0x10', '00000000000000000000001'])}`));
    case 4: { // bad UTF-8 sprinkled in
      const bad = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x9f, 0x92]), Buffer.from([0xed, 0xa0, 0x80])];
      const at = Math.floor(r() * bytes.length);
      return Buffer.concat([bytes.subarray(0, at), pick(bad), bytes.subarray(at)]);
    }
    case 5: // empty
      return Buffer.alloc(0);
    case 6: { // random garbage
      const len = Math.floor(r() * 1500);
      const g = Buffer.alloc(len);
      for (let i = 0; i < len; i++) g[i] = Math.floor(r() * 256);
      return g;
    }
    case 7: { // drop a header
      const h = pick(HEADERS);
      return Buffer.from(s.replace(new RegExp(`^${h}:.*\\r\\n`, 'mi'), ''));
    }
    case 8: // bare LF line endings / mixed
      return Buffer.from(r() < 0.5 ? s.replace(/\r\n/g, '\n') : s.replace(/\r\n/, '\n'));
    case 9: { // absurdly long header value / URI
      const long = 'a'.repeat(Math.floor(Math.exp(r() * Math.log(60_000)))); // log-uniform, up to 60 kB
      return Buffer.from(r() < 0.5 ? s.replace(/\r\n/, `\r\nX-Long: ${long}\r\n`) : s.replace(/sip:4001@/, `sip:${long}@`));
    }
    case 10: { // weird values in structured headers
      const h = pick(['CSeq: 4294967296 INVITE', 'CSeq: 1 BOGUS', 'CSeq: -1 INVITE', 'Via: SIP/2.0/UDP ;branch=', 'Via: SIP/3.0/UDP 1.2.3.4', 'From: <>', 'To: "unterminated <sip:x@y>', 'Max-Forwards: 0', 'Contact: *', 'Route: <sip:1.2.3.4;lr>', 'Content-Type: application/sdp;;;', 'Via: SIP/2.0/UDP 127.0.0.1:99999;branch=z9hG4bKx']);
      const name = h.slice(0, h.indexOf(':'));
      const re = new RegExp(`^${name}:.*$`, 'mi');
      return Buffer.from(re.test(s) ? s.replace(re, h) : s.replace(/\r\n/, `\r\n${h}\r\n`));
    }
    case 11: { // start line mutations
      const first = s.slice(0, s.indexOf('\r\n'));
      const alt = pick(['INVITE  SIP/2.0', 'SIP/2.0 999 Nope', 'SIP/2.0 99 x', 'SIP/2.0 200', 'invite sip:x@y SIP/2.0', 'INVITE sip:x@y SIP/1.0', 'OPTIONS * SIP/2.0', `${first} extra`, 'SIP/2.0 180 Ringing']);
      return Buffer.from(s.replace(first, alt));
    }
    case 12: { // body longer/shorter than Content-Length, trailing junk
      return Buffer.from(r() < 0.5 ? `${s}trailing-junk-${uniq}` : s.replace(/\r\n\r\n[\s\S]*$/, '\r\n\r\n'));
    }
    default: // the valid message itself (with fresh ids)
      return bytes;
  }
}

describe('fuzzing the panel UDP port', () => {
  it(`survives ${COUNT} mutated messages and still works`, async () => {
    const port = acc.localEndpoint!.port;
    const fuzz = await Peer.open();
    peers.push(fuzz);
    const base = corpus(port, fuzz.port);
    const r = mulberry32(0xf022);
    const t0 = Date.now();
    const stats = acc.transport!.stats;
    const in0 = stats.datagramsIn;
    let lost = 0;
    for (let i = 0; i < COUNT; i++) {
      await fuzz.send(mutate(base[i % base.length]!, r, i), port);
      if (i % 20 === 19) {
        // Flow control: let the panel take in this batch so the kernel buffer does not drop any.
        const until = Date.now() + 500;
        while (stats.datagramsIn - in0 < i + 1 - lost && Date.now() < until) await new Promise((res) => setImmediate(res));
        lost = i + 1 - (stats.datagramsIn - in0);
      }
    }
    const sprayMs = Date.now() - t0;
    const delivered = stats.datagramsIn - in0;
    expect(delivered).toBeGreaterThanOrEqual(COUNT * 0.99);
    // Let everything in flight be processed, then probe: a fresh OPTIONS gets its 200.
    const probe = await Peer.open();
    peers.push(probe);
    const opts =
      `OPTIONS sip:4001@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${probe.port};branch=z9hG4bKafterfuzz;rport\r\n` +
      `From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:4001@127.0.0.1>\r\nCall-ID: afterfuzz@probe\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    await probe.send(opts, port);
    const ok = await probe.next((d) => d.text.startsWith('SIP/2.0 200') && d.text.includes('afterfuzz'), 5000);
    expect(ok.text).toContain('CSeq: 1 OPTIONS');
    // And the account can still register.
    const before = acc.registrations;
    acc.refresh();
    const deadline = Date.now() + 5000;
    while (acc.registrations === before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(acc.registrations).toBe(before + 1);
    expect(acc.state).toBe('ONLINE');
    expect(await k.contactsOf('4001')).toHaveLength(1);
    expect(unhandled).toEqual([]);
    const s = acc.transport!.stats;
    console.log(`[sip] fuzz: ${COUNT} datagrams in ${sprayMs} ms; panel dropped ${s.malformed} as malformed, rejected ${s.rejected}, absorbed ${s.absorbedDuplicates}, received ${delivered} of ${COUNT}`);
    expect(s.malformed).toBeGreaterThan(3000);
  }, 30_000);
});
