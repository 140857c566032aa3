// What the UDP and TCP transports share: the sip.js Transport surface (state, emitter, callbacks),
// Via sent-by rewriting, RFC 3581 received/rport stamping, the early request filter (INVITE guard,
// method allow-list) with stateless rejections, and "never throw into the socket" delivery.
import { EmitterImpl, TransportState, type Transport } from 'sip.js';
import type { Logger } from 'pino';
import { parseVia, peek, replaceTopVia, statelessResponse, type WireMessage, type WireRequest } from './wire.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface RequestSource extends Endpoint {
  protocol: 'UDP' | 'TCP';
}

export interface Rejection {
  status: number;
  reason: string;
  headers?: string[];
}

/** Decide on a request before sip.js sees it; return a rejection to answer it statelessly. */
export type RequestFilter = (request: WireRequest, source: RequestSource) => Rejection | undefined;

export interface TransportStats {
  datagramsIn: number;
  datagramsOut: number;
  retransmissions: number;
  absorbedDuplicates: number;
  malformed: number;
  rejected: number;
  givenUp: number;
}

export interface LocalTransport extends Transport {
  readonly protocol: 'UDP' | 'TCP';
  /** The address and port put in Via and Contact (valid once bound / connected). */
  readonly local: Endpoint;
  readonly stats: TransportStats;
  requestFilter: RequestFilter | undefined;
  /**
   * Stop retransmitting the request with this Via branch: its answer no longer matters, and a
   * copy arriving late could still act (an unlock INFO past the door's repeat window opens again).
   */
  abandon(branch: string): void;
}

export abstract class TransportBase implements LocalTransport {
  abstract readonly protocol: 'UDP' | 'TCP';
  abstract readonly local: Endpoint;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  requestFilter: RequestFilter | undefined;
  readonly stats: TransportStats = { datagramsIn: 0, datagramsOut: 0, retransmissions: 0, absorbedDuplicates: 0, malformed: 0, rejected: 0, givenUp: 0 };

  private _state: TransportState = TransportState.Disconnected;
  private readonly _stateChange = new EmitterImpl<TransportState>();
  private dropLogCount = 0;
  private dropLogWindow = 0;

  protected constructor(protected readonly logger: Logger) {}

  get state(): TransportState {
    return this._state;
  }

  get stateChange(): EmitterImpl<TransportState> {
    return this._stateChange;
  }

  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;
  abstract dispose(): Promise<void>;
  abstract send(message: string): Promise<void>;

  /** Reliable transports send a request once: nothing to stop. */
  abandon(branch: string): void {
    void branch;
  }

  protected setState(next: TransportState, error?: Error): void {
    if (this._state === next) return;
    this._state = next;
    try {
      this._stateChange.emit(next);
      if (next === TransportState.Connected) this.onConnect?.();
      if (next === TransportState.Disconnected) this.onDisconnect?.(error);
    } catch (e) {
      this.logger.error({ err: e }, 'sip transport: state listener threw');
    }
  }

  /** Our requests: sip.js writes `Via: SIP/2.0/UDP <viaHost>;branch=..` with no port; add ours. */
  protected withOurPort(message: string): string {
    const { address, port } = this.local;
    return replaceTopVia(message, (value) => {
      const via = parseVia(value);
      if (!via || via.port !== undefined || via.host !== address) return value;
      return value.replace(/^(SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+)(\S+?)(\s*;|\s*$)/i, (_m, a: string, h: string, c: string) => `${a}${h}:${port}${c}`);
    });
  }

  /** Responses to our requests: sip.js drops them if the top Via has a port; take ours back out. */
  protected withoutOurPort(message: string): string {
    const { address, port } = this.local;
    return replaceTopVia(message, (value) => {
      const via = parseVia(value);
      if (!via || via.host !== address || via.port !== port) return value;
      return value.replace(/^(SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+)(\S+?):\d+(\s*;|\s*$)/i, (_m, a: string, h: string, c: string) => `${a}${h}${c}`);
    });
  }

  /** RFC 3261 18.2.1 / RFC 3581: record where the request really came from in its top Via. */
  protected stampReceived(message: string, source: Endpoint): string {
    return replaceTopVia(message, (value) => {
      const via = parseVia(value);
      if (!via) return value;
      let v = value.replace(/;\s*received\s*=[^;]*/gi, '');
      if (via.rport) v = v.replace(/;\s*rport(\s*=\s*\d*)?(?=\s*;|\s*$)/i, `;rport=${source.port}`);
      if (via.rport || via.host !== source.address) v += `;received=${source.address}`;
      return v;
    });
  }

  /** Log a dropped message without flooding the log when someone sprays garbage at the port. */
  protected dropped(reason: string, source: Endpoint, sample?: string): void {
    this.stats.malformed++;
    const now = Date.now();
    if (now - this.dropLogWindow > 10_000) {
      if (this.dropLogCount > 10) this.logger.warn({ suppressed: this.dropLogCount - 10 }, 'sip transport: more malformed messages dropped');
      this.dropLogWindow = now;
      this.dropLogCount = 0;
    }
    this.dropLogCount++;
    if (this.dropLogCount <= 10) {
      this.logger.warn({ reason, from: `${source.address}:${source.port}`, sample: sample?.slice(0, 80) }, 'sip transport: dropped malformed message');
    }
  }

  /**
   * Run the request filter; returns the stateless rejection text if the request is refused here.
   */
  protected filterRequest(wire: WireRequest, text: string, source: RequestSource): string | undefined {
    if (!this.requestFilter || wire.method === 'ACK') return undefined;
    let rejection: Rejection | undefined;
    try {
      rejection = this.requestFilter(wire, source);
    } catch (e) {
      this.logger.error({ err: e }, 'sip transport: request filter threw; rejecting 500');
      rejection = { status: 500, reason: 'Server Internal Error' };
    }
    if (!rejection) return undefined;
    this.stats.rejected++;
    this.logger.info({ method: wire.method, from: `${source.address}:${source.port}`, status: rejection.status, reason: rejection.reason }, 'sip: request rejected');
    const toTag = Math.random().toString(36).slice(2, 10);
    return statelessResponse(text, rejection.status, rejection.reason, rejection.headers ?? [], toTag);
  }

  /** Hand a message to sip.js; nothing sip.js throws reaches the socket. */
  protected deliver(text: string): void {
    try {
      this.onMessage?.(text);
    } catch (e) {
      this.logger.warn({ err: e }, 'sip transport: sip.js threw while handling a message; dropped');
    }
  }

  protected peekOrDrop(text: string, source: Endpoint): WireMessage | undefined {
    const wire = peek(text);
    if (!wire) this.dropped('unparseable start line or missing Via/CSeq/Call-ID', source, text);
    return wire;
  }
}
