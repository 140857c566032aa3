// Small test-side SIP peers: a raw dgram socket that can send and await datagrams, a seeded PRNG.
import { createSocket, type Socket } from 'node:dgram';

export { mulberry32 } from '../../support/prng.js';

export interface Datagram {
  text: string;
  at: number;
  from: { address: string; port: number };
}

export class Peer {
  readonly received: Datagram[] = [];
  private waiters: Array<{ pred: (d: Datagram) => boolean; resolve: (d: Datagram) => void }> = [];
  onDatagram: ((d: Datagram) => void) | undefined;

  private constructor(readonly socket: Socket, readonly address: string, readonly port: number) {
    socket.on('message', (msg, rinfo) => {
      const d = { text: msg.toString('utf8'), at: performance.now(), from: { address: rinfo.address, port: rinfo.port } };
      this.received.push(d);
      this.onDatagram?.(d);
      for (const w of [...this.waiters]) {
        if (w.pred(d)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(d);
        }
      }
    });
  }

  static async open(address = '127.0.0.1'): Promise<Peer> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, address, () => resolve());
    });
    return new Peer(s, address, s.address().port);
  }

  send(text: string | Buffer, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, address, (e) => (e ? reject(e) : resolve())));
  }

  /** Next datagram (already received ones count if `fromIndex` is given) matching pred. */
  next(pred: (d: Datagram) => boolean = () => true, timeoutMs = 5000, fromIndex?: number): Promise<Datagram> {
    if (fromIndex !== undefined) {
      const hit = this.received.slice(fromIndex).find(pred);
      if (hit) return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (d: Datagram) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no matching datagram within ${timeoutMs} ms (got ${this.received.length})`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export function header(text: string, name: string): string | undefined {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im');
  return re.exec(text)?.[1]?.trim();
}

/** A 2xx-6xx response to a raw request, built the way a UAS would (Via/From/To/Call-ID/CSeq copied). */
export function responseTo(request: string, status: number, reason: string, toTag = 'peer1'): string {
  const lines = request.split('\r\n');
  const out = [`SIP/2.0 ${status} ${reason}`];
  for (const l of lines.slice(1)) {
    if (l === '') break;
    const n = l.slice(0, l.indexOf(':')).trim().toLowerCase();
    if (n === 'via' || n === 'from' || n === 'call-id' || n === 'cseq') out.push(l);
    if (n === 'to') out.push(/;tag=/.test(l) ? l : `${l};tag=${toTag}`);
  }
  out.push('Content-Length: 0', '', '');
  return out.join('\r\n');
}
