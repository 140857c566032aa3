// A real baresip (v1.0) door station for tests: generated config in a temp dir (g711, ausine as
// microphone, fakevideo as camera, avcodec/libx264 for H.264, ctrl_tcp to drive it), one account
// registered to kamailio. Commands and events over ctrl_tcp (netstring-framed JSON).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../sandbox/kamailio.js';
import { tempDir } from '../../support/temp.js';

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  [k: string]: unknown;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export class Baresip {
  readonly events: BaresipEvent[] = [];
  log = '';
  private child: ChildProcess | undefined;
  private ctrl: Socket | undefined;
  private buf = Buffer.alloc(0);
  private waiters: Array<{ pred: (e: BaresipEvent) => boolean; resolve: (e: BaresipEvent) => void }> = [];
  private readonly dir = tempDir('baresip');

  constructor(
    private readonly user: string,
    private readonly password: string,
    private readonly kamailioPort: number,
    /** How it takes incoming calls: 'early' sends 183 with its SDP answer and keeps ringing (default: baresip's 'manual', 180). */
    private readonly options: { answermode?: 'manual' | 'early' | 'auto' } = {},
  ) {}

  async start(): Promise<void> {
    const cfg = join(this.dir, 'cfg');
    mkdirSync(cfg);
    const sipPort = await freePort();
    const ctrlPort = await freePort();
    const rtpBase = 40000 + Math.floor(Math.random() * 200) * 100;
    writeFileSync(join(cfg, 'config'), [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      'call_local_timeout 120',
      'call_max_calls 4',
      'audio_player nil,nil',
      'audio_source ausine,440',
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'audio_alert nil,nil',
      'video_source fakevideo,nil',
      'video_display fakevideo,nil',
      'video_size 320x240',
      'video_bitrate 300000',
      'video_fps 15',
      `rtp_ports ${rtpBase}-${rtpBase + 99}`,
      'rtcp_mux no',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module ausine.so',
      'module avcodec.so',
      'module fakevideo.so',
      'module ctrl_tcp.so',
      'module_app menu.so',
      'module_tmp account.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'));
    writeFileSync(join(cfg, 'accounts'),
      `<sip:${this.user}@127.0.0.1:${this.kamailioPort}>;auth_pass=${this.password};regint=60;audio_codecs=PCMA,PCMU;video_codecs=H264;medianat=${this.options.answermode ? `;answermode=${this.options.answermode}` : ''}\n`);
    const child = spawn('/usr/bin/baresip', ['-f', cfg], { stdio: ['pipe', 'pipe', 'pipe'], cwd: this.dir });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const onData = (b: Buffer): void => {
      this.log += b.toString();
      if (this.log.length > 200_000) this.log = this.log.slice(-100_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const deadline = Date.now() + 10_000;
    while (!/baresip is ready/.test(this.log)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`baresip did not start:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    this.ctrl = await new Promise<Socket>((resolve, reject) => {
      const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    this.ctrl.on('data', (d: Buffer) => this.onCtrl(d));
    this.ctrl.on('error', () => undefined);
  }

  /** Netstrings count bytes, not characters: a caller's Chinese display name is 3 bytes a character. */
  private onCtrl(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const colon = this.buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString('ascii'));
      if (!Number.isFinite(len) || this.buf.length < colon + 1 + len + 1) return;
      const json = this.buf.subarray(colon + 1, colon + 1 + len).toString('utf8');
      this.buf = this.buf.subarray(colon + 1 + len + 1);
      try {
        const e = JSON.parse(json) as BaresipEvent & { event?: boolean; response?: boolean };
        if (!e.event) continue;
        this.events.push(e);
        for (const w of [...this.waiters]) {
          if (w.pred(e)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      } catch {
        /* not JSON */
      }
    }
  }

  /** The next event (or one already seen at or after events[fromIndex]) with this type. */
  waitEvent(type: string, timeoutMs = 10_000, fromIndex = 0): Promise<BaresipEvent> {
    const seen = this.events.slice(fromIndex).find((e) => e.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred: (e: BaresipEvent) => e.type === type, resolve: (e: BaresipEvent) => { clearTimeout(t); resolve(e); } };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`baresip: no ${type} within ${timeoutMs} ms; events ${this.events.map((e) => e.type).join(',')}\n${this.log.slice(-3000)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  command(command: string, params = ''): void {
    const json = JSON.stringify({ command, params, token: String(Date.now()) });
    this.ctrl?.write(`${Buffer.byteLength(json)}:${json},`);
  }

  async stop(): Promise<void> {
    this.ctrl?.destroy();
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
