// tshark on loopback, for tests that must show what actually went on the wire rather than what an
// endpoint reports. Capturing needs root or CAP_NET_RAW (CI runs as root; .ci/run installs tshark).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';

const TSHARK = '/usr/bin/tshark';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** One RTP packet to the watched port, as tshark decoded it. */
export interface WireRtpPacket {
  payloadType: number;
  /** RFC 4733 event code (10 = '*'), when tshark decoded the payload as telephone-event. */
  eventId?: number;
  /** The event's E (end) bit. */
  end?: boolean;
}

/**
 * RTP sent to one UDP port on lo, decoded by tshark as it is captured: the port as RTP, and
 * `eventPayloadType` (a dynamic type, negotiated in SDP) as RFC 4733 telephone-event.
 */
export class RtpCapture {
  readonly packets: WireRtpPacket[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private exited = false;
  private stopped = false;

  private constructor(private readonly child: ChildProcess, private readonly port: number, private readonly probe: Socket, private readonly probePort: number) {}

  static async start(port: number, eventPayloadType: number, timeoutMs = 15_000): Promise<RtpCapture> {
    // A datagram to a port of our own shows when the capture is live: tshark's "Capturing on"
    // can come before the kernel delivers packets to it.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(0, '127.0.0.1', () => resolve());
    });
    const probePort = probe.address().port;
    const child = spawn(TSHARK, [
      '-i', 'lo', '-n', '-l',
      '-f', `udp dst port ${port} or udp dst port ${probePort}`,
      '-d', `udp.port==${port},rtp`,
      '-d', `rtp.pt==${eventPayloadType},rtpevent`,
      '-T', 'fields', '-E', 'separator=/t',
      '-e', 'udp.dstport', '-e', 'rtp.p_type', '-e', 'rtpevent.event_id', '-e', 'rtpevent.end_of_event',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const capture = new RtpCapture(child, port, probe, probePort);
    await capture.live(timeoutMs);
    return capture;
  }

  private async live(timeoutMs: number): Promise<void> {
    let ready = false;
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const [dstPort, pt, eventId, end] = buffered.slice(0, nl).split('\t');
        buffered = buffered.slice(nl + 1);
        if (Number(dstPort) === this.probePort) ready = true;
        else if (Number(dstPort) === this.port && pt) {
          this.packets.push({
            payloadType: Number(pt),
            ...(eventId ? { eventId: Number(eventId) } : {}),
            ...(end ? { end: end === '1' || end === 'True' } : {}),
          });
        }
        for (const w of [...this.waiters]) w();
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.child.once('exit', () => {
      this.exited = true;
      running.delete(this.child);
      for (const w of [...this.waiters]) w();
    });
    const deadline = Date.now() + timeoutMs;
    // Re-sent until seen: tshark gives no other sign of a live capture.
    while (!ready) {
      if (this.exited || Date.now() > deadline) {
        await this.stop();
        throw new Error(`tshark capture on lo did not start (root or CAP_NET_RAW is needed):\n${this.stderr}`);
      }
      this.probe.send('probe', this.probePort, '127.0.0.1');
      await this.next(100);
    }
  }

  /** Resolves at the next decoded line (or after ms). */
  private next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Resolves with the first captured packet pred accepts (already captured ones count). */
  async waitFor(pred: (p: WireRtpPacket) => boolean, timeoutMs: number, what: string): Promise<WireRtpPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.packets.find(pred);
      if (hit) return hit;
      if (this.exited) throw new Error(`tshark exited before ${what}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`not seen on the wire within ${timeoutMs} ms: ${what} (${this.packets.length} RTP packets captured)`);
      await this.next(deadline - Date.now());
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.probe.close(() => resolve()));
  }
}
