// sip.js Transport over node:dgram, with the reliability RFC 3261 puts in the transaction layer
// for unreliable transports, which sip.js leaves out (no Timer A/E/G; D/I/J/K are 0):
//   - client: retransmit requests (never ACK) from T1 doubling (non-INVITE capped at T2, and at
//     T2 steadily once a provisional arrived; INVITE stops at the first response) until a
//     response, giving up at 64*T1 (sip.js's own Timer B/F fire then and report 408);
//   - client: a retransmitted 3xx-6xx to an INVITE we already ACKed gets the same ACK again;
//   - server: a duplicate request is absorbed and answered with the last response sent for it;
//     3xx-6xx to an INVITE are retransmitted until the ACK (Timer G/H);
//   - responses go to where the request came from (received/rport, RFC 3581);
//   - a message over `maxMessageBytes` (MTU) is refused with a clear error instead of being
//     fragmented.
import { createSocket, type Socket } from 'node:dgram';
import { TransportState } from 'sip.js';
import type { Logger } from 'pino';
import { TransportBase, type Endpoint } from './transport-base.js';
import { headerValues, peek, splitHead, transactionKey, uriHostPort, type WireMessage } from './wire.js';

export interface UdpTransportOptions {
  logger: Logger;
  /** Address to bind (default 0.0.0.0). */
  localAddress?: string;
  /** Port to bind (default 0: any). */
  localPort?: number;
  /** Address written into Via/Contact; default: localAddress, or 127.0.0.1 when bound to 0.0.0.0. */
  advertisedAddress?: string;
  /** Where requests without a Route header go when they are not in a dialog (the registrar). */
  outboundProxy?: { host: string; port: number };
  t1Ms?: number;
  t2Ms?: number;
  /**
   * A smaller T1 for some methods (RFC 3261 17.1.2.1 allows it where round trips are short). The
   * default gives INFO 250 ms: the door-open INFO has 3 s for its answer, and on a lossy link
   * four or five tries of each copy in that window open the door where three often would not.
   */
  t1ByMethod?: Partial<Record<string, number>>;
  /** Largest datagram we send (default 1300 bytes, under a 1500-byte MTU with headroom). */
  maxMessageBytes?: number;
  /** Bound on remembered server transactions (duplicate detection). */
  maxServerTransactions?: number;
}

interface ClientTx {
  key: string;
  buf: Buffer;
  dest: Endpoint;
  invite: boolean;
  interval: number;
  deadline: number;
  timer: NodeJS.Timeout | undefined;
  proceeding: boolean;
}

interface ServerTx {
  source: Endpoint;
  method: string;
  last: Buffer | undefined;
  expiresAt: number;
  /** retransmission of a 3xx-6xx to INVITE until ACK */
  timer: NodeJS.Timeout | undefined;
}

interface CompletedInvite {
  dest: Endpoint;
  ack: Buffer | undefined;
  expiresAt: number;
}

export class UdpTransport extends TransportBase {
  readonly protocol = 'UDP' as const;
  private socket: Socket | undefined;
  private bound: Endpoint | undefined;
  private readonly opts: Required<Pick<UdpTransportOptions, 't1Ms' | 't2Ms' | 'maxMessageBytes' | 'maxServerTransactions'>> & UdpTransportOptions;
  private readonly clientTx = new Map<string, ClientTx>();
  private readonly serverTx = new Map<string, ServerTx>();
  private readonly completedInvites = new Map<string, CompletedInvite>();
  private sweeper: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: UdpTransportOptions) {
    super(options.logger);
    this.opts = { t1Ms: 500, t2Ms: 4000, maxMessageBytes: 1300, maxServerTransactions: 4096, t1ByMethod: { INFO: 250 }, ...options };
  }

  get local(): Endpoint {
    if (!this.bound) throw new Error('UDP transport not bound yet');
    return this.bound;
  }

  get outboundProxy(): { host: string; port: number } | undefined {
    return this.opts.outboundProxy;
  }

  set outboundProxy(value: { host: string; port: number } | undefined) {
    this.opts.outboundProxy = value;
  }

  /** Bind the socket (idempotent). Resolves with the local endpoint for Via/Contact. */
  async listen(): Promise<Endpoint> {
    if (this.disposed) throw new Error('UDP transport disposed');
    if (this.bound) return this.bound;
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      socket.once('error', onError);
      socket.bind(this.opts.localPort ?? 0, this.opts.localAddress ?? '0.0.0.0', () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.on('error', (e) => this.logger.warn({ err: e }, 'sip udp: socket error'));
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, { address: rinfo.address, port: rinfo.port }));
    const addr = socket.address();
    const advertised = this.opts.advertisedAddress ?? (addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address);
    this.socket = socket;
    this.bound = { address: advertised, port: addr.port };
    this.sweeper = setInterval(() => this.sweep(), 2000);
    this.sweeper.unref();
    return this.bound;
  }

  async connect(): Promise<void> {
    this.setState(TransportState.Connecting);
    try {
      await this.listen();
    } catch (e) {
      this.setState(TransportState.Disconnected, e as Error);
      throw e;
    }
    this.setState(TransportState.Connected);
  }

  async disconnect(): Promise<void> {
    // UDP has no connection; keep the socket so the port (our Contact) stays the same.
    this.setState(TransportState.Disconnecting);
    this.setState(TransportState.Disconnected);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const tx of this.clientTx.values()) clearTimeout(tx.timer);
    for (const tx of this.serverTx.values()) clearTimeout(tx.timer);
    this.clientTx.clear();
    this.serverTx.clear();
    this.completedInvites.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.setState(TransportState.Disconnected);
  }

  /** Number of requests still being retransmitted (for tests and diagnostics). */
  get pendingClientTransactions(): number {
    return this.clientTx.size;
  }

  override abandon(branch: string): void {
    // Keys are `${branch}|${method}|${sent-by}` (transactionKey); a late answer is still delivered.
    for (const [key, tx] of this.clientTx) {
      if (!key.startsWith(`${branch}|`)) continue;
      clearTimeout(tx.timer);
      this.clientTx.delete(key);
    }
  }

  async send(message: string): Promise<void> {
    if (!this.socket || !this.bound) throw new Error('UDP transport is not bound');
    const isResponse = message.startsWith('SIP/2.0 ');
    const text = isResponse ? message : this.withOurPort(message);
    const buf = Buffer.from(text, 'utf8');
    if (buf.length > this.opts.maxMessageBytes) {
      throw new Error(`SIP message is ${buf.length} bytes, over the ${this.opts.maxMessageBytes}-byte UDP limit (MTU); use transport 'tcp' for this peer`);
    }
    const wire = peek(text);
    if (!wire) throw new Error('refusing to send a message that is not SIP');
    return wire.kind === 'request' ? this.sendRequest(wire, buf) : this.sendResponse(wire, buf);
  }

  private async sendRequest(wire: Extract<WireMessage, { kind: 'request' }>, buf: Buffer): Promise<void> {
    const dest = this.requestDestination(wire, buf.toString('utf8'));
    if (wire.method === 'ACK') {
      // An ACK to a non-2xx final shares the INVITE's branch: remember it for retransmitted finals.
      const done = this.completedInvites.get(transactionKey(wire, 'INVITE'));
      if (done) done.ack = buf;
      await this.write(buf, dest);
      return;
    }
    const key = transactionKey(wire);
    const old = this.clientTx.get(key);
    if (old) clearTimeout(old.timer);
    const tx: ClientTx = {
      key,
      buf,
      dest,
      invite: wire.method === 'INVITE',
      interval: this.opts.t1ByMethod?.[wire.method] ?? this.opts.t1Ms,
      deadline: Date.now() + 64 * this.opts.t1Ms,
      timer: undefined,
      proceeding: false,
    };
    this.clientTx.set(key, tx);
    try {
      await this.write(buf, dest);
    } catch (e) {
      this.clientTx.delete(key);
      throw e;
    }
    this.armClient(tx);
  }

  private armClient(tx: ClientTx): void {
    tx.timer = setTimeout(() => {
      if (this.clientTx.get(tx.key) !== tx) return;
      if (Date.now() + 1 >= tx.deadline) {
        this.clientTx.delete(tx.key);
        this.stats.givenUp++;
        this.logger.info({ to: `${tx.dest.address}:${tx.dest.port}`, key: tx.key }, 'sip udp: no response after 64*T1; giving up');
        return;
      }
      this.stats.retransmissions++;
      this.write(tx.buf, tx.dest).catch((e: unknown) => this.logger.debug({ err: e }, 'sip udp: retransmission failed'));
      tx.interval = tx.invite ? tx.interval * 2 : Math.min(tx.interval * 2, this.opts.t2Ms);
      if (tx.proceeding) tx.interval = this.opts.t2Ms;
      tx.interval = Math.min(tx.interval, Math.max(1, tx.deadline - Date.now()));
      this.armClient(tx);
    }, tx.interval);
  }

  private async sendResponse(wire: Extract<WireMessage, { kind: 'response' }>, buf: Buffer): Promise<void> {
    const key = transactionKey(wire);
    const tx = this.serverTx.get(key);
    const dest = tx?.source ?? this.viaDestination(wire);
    if (tx) {
      tx.last = buf;
      if (wire.status >= 200) tx.expiresAt = Date.now() + 64 * this.opts.t1Ms;
      clearTimeout(tx.timer);
      tx.timer = undefined;
      if (wire.cseqMethod === 'INVITE' && wire.status >= 300) this.armServerFinal(tx, this.opts.t1Ms, Date.now() + 64 * this.opts.t1Ms);
    }
    await this.write(buf, dest);
  }

  private armServerFinal(tx: ServerTx, interval: number, deadline: number): void {
    tx.timer = setTimeout(() => {
      tx.timer = undefined;
      if (!tx.last || Date.now() >= deadline || this.disposed) return;
      this.stats.retransmissions++;
      this.write(tx.last, tx.source).catch((e: unknown) => this.logger.debug({ err: e }, 'sip udp: final retransmission failed'));
      this.armServerFinal(tx, Math.min(interval * 2, this.opts.t2Ms), deadline);
    }, interval);
  }

  /** RFC 3261 8.1.2 / 16.12 in the small: top Route, else the remote target in a dialog, else the outbound proxy. */
  private requestDestination(wire: Extract<WireMessage, { kind: 'request' }>, text: string): Endpoint {
    const head = splitHead(text);
    const route = head ? headerValues(head.headers, 'route')[0] : undefined;
    const target = (route && uriHostPort(route)) || (!wire.toTag && this.opts.outboundProxy
      ? { host: this.opts.outboundProxy.host, port: this.opts.outboundProxy.port }
      : uriHostPort(wire.requestUri));
    if (!target) throw new Error(`cannot route request to ${wire.requestUri}`);
    return { address: target.host, port: target.port ?? 5060 };
  }

  private viaDestination(wire: WireMessage): Endpoint {
    const raw = wire.via.raw;
    const received = /;\s*received\s*=\s*([^;\s]+)/i.exec(raw)?.[1];
    const rport = /;\s*rport\s*=\s*(\d+)/i.exec(raw)?.[1];
    return { address: received ?? wire.via.host, port: rport ? Number(rport) : wire.via.port ?? 5060 };
  }

  private write(buf: Buffer, dest: Endpoint): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('UDP transport closed'));
    return new Promise<void>((resolve, reject) => {
      try {
        socket.send(buf, dest.port, dest.address, (err) => {
          if (err) reject(err);
          else {
            this.stats.datagramsOut++;
            resolve();
          }
        });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private onDatagram(msg: Buffer, source: Endpoint): void {
    try {
      this.stats.datagramsIn++;
      if (msg.length === 0) return this.dropped('empty datagram', source);
      if (msg.length <= 4 && msg.toString('latin1').trim() === '') return; // CRLF keepalive ping
      if (msg.length > 65_000) return this.dropped('oversized datagram', source);
      const text = msg.toString('utf8');
      const wire = this.peekOrDrop(text, source);
      if (!wire) return;
      if (wire.kind === 'response') this.onResponse(wire, text, source);
      else this.onRequest(wire, text, source);
    } catch (e) {
      this.dropped(`handler error: ${(e as Error).message}`, source);
    }
  }

  private onResponse(wire: Extract<WireMessage, { kind: 'response' }>, text: string, source: Endpoint): void {
    const key = transactionKey(wire);
    const tx = this.clientTx.get(key);
    if (tx) {
      if (tx.invite || wire.status >= 200) {
        clearTimeout(tx.timer);
        this.clientTx.delete(key);
        if (tx.invite) this.completedInvites.set(key, { dest: tx.dest, ack: undefined, expiresAt: Date.now() + 64 * this.opts.t1Ms });
      } else {
        tx.proceeding = true;
      }
    } else if (wire.cseqMethod === 'INVITE' && wire.status >= 300) {
      const done = this.completedInvites.get(key);
      if (done?.ack) {
        // Our ACK was lost: the server retransmits its final. sip.js's transaction is gone (Timer D = 0).
        this.stats.absorbedDuplicates++;
        this.write(done.ack, done.dest).catch((e: unknown) => this.logger.debug({ err: e }, 'sip udp: ACK retransmission failed'));
        return;
      }
    } else if (wire.status >= 200 && wire.cseqMethod !== 'INVITE' && this.recentlyAnswered(key)) {
      this.stats.absorbedDuplicates++;
      return;
    }
    if (wire.cseqMethod !== 'INVITE' && wire.status >= 200) this.rememberAnswered(key);
    this.deliver(this.withoutOurPort(text));
    void source;
  }

  private readonly answered = new Map<string, number>();

  private rememberAnswered(key: string): void {
    this.answered.set(key, Date.now() + 64 * this.opts.t1Ms);
    if (this.answered.size > this.opts.maxServerTransactions) {
      const first = this.answered.keys().next().value;
      if (first !== undefined) this.answered.delete(first);
    }
  }

  private recentlyAnswered(key: string): boolean {
    const until = this.answered.get(key);
    return until !== undefined && until > Date.now();
  }

  private onRequest(wire: Extract<WireMessage, { kind: 'request' }>, text: string, source: Endpoint): void {
    if (wire.method === 'ACK') {
      const inviteTx = this.serverTx.get(transactionKey(wire, 'INVITE'));
      if (inviteTx?.timer) {
        clearTimeout(inviteTx.timer);
        inviteTx.timer = undefined;
      }
      this.deliver(this.stampReceived(text, source));
      return;
    }
    const key = transactionKey(wire);
    const seen = this.serverTx.get(key);
    if (seen) {
      this.stats.absorbedDuplicates++;
      if (seen.last) this.write(seen.last, seen.source).catch((e: unknown) => this.logger.debug({ err: e }, 'sip udp: resend of last response failed'));
      return;
    }
    const tx: ServerTx = {
      source,
      method: wire.method,
      last: undefined,
      // An INVITE may ring for minutes before its final response; others are answered at once.
      expiresAt: Date.now() + (wire.method === 'INVITE' ? 300_000 : 64 * this.opts.t1Ms),
      timer: undefined,
    };
    this.serverTx.set(key, tx);
    if (this.serverTx.size > this.opts.maxServerTransactions) {
      const [oldKey, old] = this.serverTx.entries().next().value as [string, ServerTx];
      clearTimeout(old.timer);
      this.serverTx.delete(oldKey);
    }
    const rejection = this.filterRequest(wire, text, { ...source, protocol: 'UDP' });
    if (rejection !== undefined) {
      const buf = Buffer.from(rejection, 'utf8');
      tx.last = buf;
      tx.expiresAt = Date.now() + 64 * this.opts.t1Ms;
      if (wire.method === 'INVITE') this.armServerFinal(tx, this.opts.t1Ms, Date.now() + 64 * this.opts.t1Ms);
      this.write(buf, source).catch((e: unknown) => this.logger.debug({ err: e }, 'sip udp: rejection send failed'));
      return;
    }
    this.deliver(this.stampReceived(text, source));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, tx] of this.serverTx) {
      if (tx.expiresAt <= now && !tx.timer) this.serverTx.delete(k);
    }
    for (const [k, c] of this.completedInvites) if (c.expiresAt <= now) this.completedInvites.delete(k);
    for (const [k, until] of this.answered) if (until <= now) this.answered.delete(k);
  }
}
