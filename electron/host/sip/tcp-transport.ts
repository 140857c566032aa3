// sip.js Transport over one persistent TCP connection to the registrar/proxy (RFC 3261 18.3:
// messages framed by Content-Length). Reconnects on close with backoff; `onConnect` fires again
// after a reconnect so the account can re-register (the local port, hence the Contact, changes).
import { connect as netConnect, type Socket } from 'node:net';
import { TransportState } from 'sip.js';
import type { Logger } from 'pino';
import { TransportBase, type Endpoint } from './transport-base.js';
import { splitHead } from './wire.js';

export interface TcpTransportOptions {
  logger: Logger;
  server: { host: string; port: number };
  localAddress?: string;
  localPort?: number;
  advertisedAddress?: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Largest message accepted or sent (default 64 KiB). */
  maxMessageBytes?: number;
  connectTimeoutMs?: number;
}

export class TcpTransport extends TransportBase {
  readonly protocol = 'TCP' as const;
  private socket: Socket | undefined;
  private localEndpoint: Endpoint | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  private closing = false;
  private connecting: Promise<void> | undefined;
  private readonly opts: TcpTransportOptions & { reconnectMinMs: number; reconnectMaxMs: number; maxMessageBytes: number; connectTimeoutMs: number };

  constructor(options: TcpTransportOptions) {
    super(options.logger);
    this.opts = { reconnectMinMs: 1000, reconnectMaxMs: 30_000, maxMessageBytes: 65_535, connectTimeoutMs: 5000, ...options };
    this.reconnectDelay = this.opts.reconnectMinMs;
  }

  get local(): Endpoint {
    if (!this.localEndpoint) throw new Error('TCP transport not connected yet');
    return this.localEndpoint;
  }

  connect(): Promise<void> {
    this.closing = false;
    if (this.socket && this.isConnected()) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(): Promise<void> {
    this.setState(TransportState.Connecting);
    return new Promise<void>((resolve, reject) => {
      const socket = netConnect({
        host: this.opts.server.host,
        port: this.opts.server.port,
        ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
        ...(this.opts.localPort ? { localPort: this.opts.localPort } : {}),
      });
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 15_000);
      const timer = setTimeout(() => socket.destroy(new Error('TCP connect timeout')), this.opts.connectTimeoutMs);
      let opened = false;
      socket.once('connect', () => {
        clearTimeout(timer);
        opened = true;
        this.socket = socket;
        this.buffer = Buffer.alloc(0);
        this.reconnectDelay = this.opts.reconnectMinMs;
        this.localEndpoint = { address: this.opts.advertisedAddress ?? socket.localAddress ?? '127.0.0.1', port: socket.localPort ?? 0 };
        this.setState(TransportState.Connected);
        resolve();
      });
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('error', (e) => this.logger.debug({ err: e }, 'sip tcp: socket error'));
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = undefined;
        if (!opened) {
          this.setState(TransportState.Disconnected, new Error('TCP connect failed'));
          reject(new Error(`TCP connect to ${this.opts.server.host}:${this.opts.server.port} failed`));
        } else {
          this.setState(TransportState.Disconnected, this.closing ? undefined : new Error('TCP connection closed'));
        }
        if (!this.closing) this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closing) return;
    const delay = this.reconnectDelay * (0.8 + Math.random() * 0.4);
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.opts.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((e: unknown) => this.logger.debug({ err: e }, 'sip tcp: reconnect failed'));
    }, delay);
    this.reconnectTimer.unref();
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    if (!socket) {
      this.setState(TransportState.Disconnected);
      return;
    }
    this.setState(TransportState.Disconnecting);
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }

  async send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isConnected()) throw new Error('TCP transport is not connected');
    const text = message.startsWith('SIP/2.0 ') ? message : this.withOurPort(message);
    const buf = Buffer.from(text, 'utf8');
    if (buf.length > this.opts.maxMessageBytes) throw new Error(`SIP message is ${buf.length} bytes, over the ${this.opts.maxMessageBytes}-byte limit`);
    await new Promise<void>((resolve, reject) => socket.write(buf, (err) => (err ? reject(err) : resolve())));
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const source = { address: this.opts.server.host, port: this.opts.server.port };
    for (;;) {
      // RFC 5626 keepalive: CRLF CRLF ping, CRLF pong; skip stray CRLFs between messages.
      let skip = 0;
      while (skip < this.buffer.length && (this.buffer[skip] === 0x0d || this.buffer[skip] === 0x0a)) skip++;
      if (skip > 0) {
        if (skip >= 4 && this.socket) this.socket.write('\r\n');
        this.buffer = this.buffer.subarray(skip);
      }
      if (this.buffer.length === 0) return;
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) {
        if (this.buffer.length > this.opts.maxMessageBytes) return this.resync('header block too large', source);
        return;
      }
      const head = splitHead(this.buffer.subarray(0, headEnd + 4).toString('utf8'));
      if (!head) return this.resync('malformed header block', source);
      const cl = head.headers.find(([n]) => n === 'content-length')?.[1];
      // On a stream, Content-Length is mandatory (RFC 3261 18.3 / 20.14).
      if (cl === undefined || !/^\s*\d{1,9}\s*$/.test(cl)) return this.resync('missing or bad Content-Length on a stream', source);
      const bodyLen = Number(cl);
      if (headEnd + 4 + bodyLen > this.opts.maxMessageBytes) return this.resync(`Content-Length ${bodyLen} too large`, source);
      if (this.buffer.length < headEnd + 4 + bodyLen) return;
      const text = this.buffer.subarray(0, headEnd + 4 + bodyLen).toString('utf8');
      this.buffer = this.buffer.subarray(headEnd + 4 + bodyLen);
      this.handle(text, source);
    }
  }

  /** Framing is lost: the only safe recovery on a stream is a new connection. */
  private resync(reason: string, source: Endpoint): void {
    this.dropped(reason, source);
    this.buffer = Buffer.alloc(0);
    this.socket?.destroy();
  }

  private handle(text: string, source: Endpoint): void {
    const wire = this.peekOrDrop(text, source);
    if (!wire) return;
    if (wire.kind === 'response') {
      this.deliver(this.withoutOurPort(text));
      return;
    }
    const rejection = this.filterRequest(wire, text, { ...source, protocol: 'TCP' });
    if (rejection !== undefined) {
      this.socket?.write(rejection);
      return;
    }
    this.deliver(this.stampReceived(text, source));
  }
}
