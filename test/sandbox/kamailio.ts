// A real kamailio on loopback as a registrar (digest auth, realm "asterisk" like the platform's)
// and a plain proxy between registered users: the tests' SIP server, and the sandbox community's
// when `npm start` runs without a cloud. Each instance lives in its own temp dir: config,
// pid file, ctl socket. Readiness is a real OPTIONS answered over UDP, never a sleep.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp.js';

const execFileP = promisify(execFile);
export const KAMAILIO = '/usr/sbin/kamailio';
const KAMCMD = '/usr/sbin/kamcmd';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export const KAMAILIO_REALM = 'asterisk';

// If a test process dies without stop(), do not leave kamailio behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) {
    try {
      c.kill('SIGTERM'); // kamailio's main process takes its children down with it
    } catch {
      /* already gone */
    }
  }
});

export interface KamailioOptions {
  /** sip number → password */
  users: Record<string, string>;
  port?: number;
  /** registrar min_expires (kamailio's default is 60) */
  minExpires?: number;
  /**
   * A relay in front of kamailio on this port of 127.0.0.1 (test/support/lossy-relay.ts).
   * kamailio writes it into its Via and Record-Route, so the responses to what it forwards and
   * every in-dialog request pass the relay; and it sends requests to a client where the client's
   * REGISTER came from, so calls to a client that registered through the relay pass it too.
   */
  relayPort?: number;
}

export interface LocationContact {
  aor: string;
  contact: string;
  expires: number;
  received?: string;
}

/** A free port on 127.0.0.1 for both UDP and TCP (best effort: checked, then released). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const tcpOk = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (tcpOk) return port;
  }
  throw new Error('no free UDP+TCP port on 127.0.0.1');
}

function escapeCfgString(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s) || /["\\$]/.test(s)) throw new Error(`unsupported characters in kamailio test credential: ${JSON.stringify(s)}`);
  return s;
}

function configText(dir: string, port: number, users: Record<string, string>, minExpires: number, relayPort: number | undefined): string {
  const relay = relayPort !== undefined;
  const userLines = Object.entries(users)
    .map(([u, p]) => `  $sht(auth=>${escapeCfgString(u)}) = "${escapeCfgString(p)}";`)
    .join('\n');
  return `#!KAMAILIO
debug=2
log_stderror=yes
memdbg=5
memlog=5
fork=yes
children=2
tcp_children=2
auto_aliases=no
listen=udp:127.0.0.1:${port}${relay ? ` advertise 127.0.0.1:${relayPort}` : ''}
listen=tcp:127.0.0.1:${port}
alias="127.0.0.1:${port}"
${relay ? `alias="127.0.0.1:${relayPort}"` : ''}
tcp_connection_lifetime=3605
dns=no
rev_dns=no
use_dns_cache=no
server_signature=no
server_header="Server: lintel-test-kamailio"
rundir="${dir}"

mpath="${MODULES}"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "htable.so"
loadmodule "auth.so"
loadmodule "ctl.so"

modparam("ctl", "binrpc", "unix:${dir}/kamailio_ctl")
modparam("htable", "htable", "auth=>size=6;")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", ${minExpires})
modparam("registrar", "default_expires", 300)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("rr", "enable_full_lr", 1)
modparam("tm", "fr_timer", 8000)
modparam("tm", "fr_inv_timer", 30000)

event_route[htable:mod-init] {
  # An empty route is a syntax error; accounts may all arrive later (addUser).
  xlog("L_INFO", "loading test users\n");
${userLines}
}

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check("1511", "7")) { xlog("L_WARN", "malformed $rm from $si:$sp\\n"); exit; }
  force_rport();

  if (is_method("OPTIONS") && uri==myself && $rU==$null) {
    sl_send_reply("200", "Keepalive");
    exit;
  }

  if (has_totag()) {
    if (loose_route()) {
      t_relay();
      exit;
    }
    if (is_method("ACK")) {
      if (t_check_trans()) t_relay();
      exit;
    }
    sl_send_reply("404", "Not here");
    exit;
  }

  if (is_method("CANCEL")) {
    if (t_check_trans()) t_relay();
    exit;
  }
  t_check_trans();

  if (is_method("REGISTER")) {
    if (!pv_auth_check("${KAMAILIO_REALM}", "$sht(auth=>$tU)", "0", "1")) {
      xlog("L_INFO", "REGISTER auth failed/challenged for $tU from $si:$sp ($rc)\\n");
      auth_challenge("${KAMAILIO_REALM}", "0");
      exit;
    }
    consume_credentials();
${relay ? '    $avp(RECEIVED) = "sip:" + $si + ":" + $sp;' : ''}
    if (!save("location")) sl_reply_error();
    exit;
  }

  if (is_method("INVITE|SUBSCRIBE")) record_route();

  if (!lookup("location")) {
    sl_send_reply("404", "Not Found");
    exit;
  }
  if (!t_relay()) sl_reply_error();
  exit;
}
`;
}

export class Kamailio {
  readonly dir: string;
  readonly host = '127.0.0.1';
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private logTail: string[] = [];
  private readonly cfgPath: string;

  constructor(private readonly options: KamailioOptions) {
    this.dir = tempDir('kamailio');
    this.cfgPath = join(this.dir, 'kamailio.cfg');
  }

  get ctlSocket(): string {
    return join(this.dir, 'kamailio_ctl');
  }

  /** The last lines kamailio wrote (stderr), for failure messages. */
  log(): string {
    return this.logTail.join('');
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('kamailio already running');
    if (!this.port) this.port = this.options.port ?? (await freePort());
    writeFileSync(this.cfgPath, configText(this.dir, this.port, this.options.users, this.options.minExpires ?? 1, this.options.relayPort));
    const args = ['-DD', '-E', '-f', this.cfgPath, '-P', join(this.dir, 'kamailio.pid'), '-Y', this.dir, '-m', '32', '-M', '4'];
    const child = spawn(KAMAILIO, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
    this.child = child;
    running.add(child);
    const onData = (b: Buffer): void => {
      this.logTail.push(b.toString('utf8'));
      if (this.logTail.length > 200) this.logTail.splice(0, this.logTail.length - 200);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let early: Error | undefined;
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (this.child === child) this.child = undefined;
      early = new Error(`kamailio exited (code ${code}, signal ${signal}):\n${this.log()}`);
    });
    child.once('error', (e) => { early = e; });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (early) throw early;
      if (await this.ping(150)) return;
    }
    await this.stop();
    throw new Error(`kamailio did not answer OPTIONS within 10 s:\n${this.log()}`);
  }

  /** One OPTIONS over UDP; true when any response comes back within timeoutMs. */
  async ping(timeoutMs = 500): Promise<boolean> {
    const sock = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(0, '127.0.0.1', () => resolve());
      });
      const lport = sock.address().port;
      const branch = `z9hG4bK-ping-${Math.random().toString(36).slice(2)}`;
      const msg =
        `OPTIONS sip:${this.host}:${this.port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${lport};branch=${branch};rport\r\n` +
        `From: <sip:ping@127.0.0.1>;tag=${branch.slice(-8)}\r\n` +
        `To: <sip:${this.host}:${this.port}>\r\n` +
        `Call-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        sock.on('message', (m) => {
          if (m.toString('latin1').startsWith('SIP/2.0 ')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        sock.send(msg, this.port, this.host, (err) => {
          if (err) {
            clearTimeout(timer);
            resolve(false);
          }
        });
      });
    } catch {
      return false;
    } finally {
      try { sock.close(); } catch { /* closed */ }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** Stop and start again on the same port; the in-memory location table is lost. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Remove the temp dir (after stop). */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The location table as kamailio has it (`kamcmd ul.dump` over the ctl socket). */
  async locations(): Promise<LocationContact[]> {
    const { stdout } = await execFileP(KAMCMD, ['-s', `unix:${this.ctlSocket}`, 'ul.dump'], { timeout: 5000 });
    return parseUlDump(stdout);
  }

  async contactsOf(user: string): Promise<LocationContact[]> {
    return (await this.locations()).filter((c) => c.aor === user);
  }

  /** Provision an account while running, as the platform does when a panel is bound. */
  async addUser(user: string, password: string): Promise<void> {
    await execFileP(KAMCMD, ['-s', `unix:${this.ctlSocket}`, 'htable.sets', 'auth', user, password], { timeout: 5000 });
    this.options.users[user] = password;
  }
}

/** Parse kamcmd's text rendering of ul.dump: AoR blocks containing Contact blocks. */
export function parseUlDump(text: string): LocationContact[] {
  const out: LocationContact[] = [];
  let aor = '';
  let current: LocationContact | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = /^AoR:\s*(.+)$/.exec(line);
    if (m) { aor = m[1]!.trim(); continue; }
    m = /^Address:\s*(.+)$/.exec(line);
    if (m) {
      current = { aor, contact: m[1]!.trim(), expires: -1 };
      out.push(current);
      continue;
    }
    m = /^Expires:\s*(\S+)$/.exec(line);
    if (m && current) { current.expires = Number(m[1]); continue; }
    m = /^Received:\s*(.*)$/.exec(line);
    if (m && current && m[1]!.trim() && m[1]!.trim() !== '[not set]') current.received = m[1]!.trim();
  }
  return out;
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const k = new Kamailio(options);
  try {
    await k.start();
  } catch (e) {
    await k.dispose().catch(() => undefined);
    throw e;
  }
  return k;
}
