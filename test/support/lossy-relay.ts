// A lossy UDP relay between SIP clients and kamailio, for loss tests on the real signalling path.
// Clients send to `port`; each client (source address:port) gets its own socket towards the
// target, as behind a NAT, so the target can tell the clients apart and answer each one through
// the relay. For the clients `lossy` picks, a seeded share of the datagrams is dropped each way
// (the same datagrams every run for the same traffic), and any that `dropIf` picks.
import { createSocket, type Socket } from 'node:dgram';
import { mulberry32 } from './prng.js';

export interface RelayEndpoint {
  address: string;
  port: number;
}

export interface LossyRelayOptions {
  /** Where the relay forwards to (kamailio). */
  target: RelayEndpoint;
  /** Share of datagrams dropped at random, each way, 0..1. */
  loss: number;
  seed: number;
  /** Which clients lose packets (default: all). The others pass untouched. */
  lossy?: (client: RelayEndpoint) => boolean;
  /** Address the relay binds and its client sockets bind (default 127.0.0.1). */
  address?: string;
}

interface Client {
  endpoint: RelayEndpoint;
  socket: Socket;
  lossy: boolean;
}

export class LossyRelay {
  /** Datagrams dropped / passed for lossy clients: up = client → target, down = target → client. */
  readonly dropped = { up: 0, down: 0 };
  readonly passed = { up: 0, down: 0 };
  /** Share dropped at random each way; may change between tests. */
  loss: number;
  /** Drop these too (lossy clients only): a deterministic case, such as one particular request. */
  dropIf: ((datagram: Buffer, way: 'up' | 'down') => boolean) | undefined;
  private readonly clients = new Map<string, Client>();
  private readonly upRand: () => number;
  private readonly downRand: () => number;

  private constructor(private readonly front: Socket, private readonly options: LossyRelayOptions) {
    this.loss = options.loss;
    this.upRand = mulberry32(options.seed);
    this.downRand = mulberry32(options.seed ^ 0x5bd1e995);
    front.on('message', (msg, rinfo) => {
      const client = this.clientFor({ address: rinfo.address, port: rinfo.port });
      if (client.lossy && this.drop(msg, 'up')) return;
      client.socket.send(msg, options.target.port, options.target.address);
    });
  }

  static async start(options: LossyRelayOptions): Promise<LossyRelay> {
    const front = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(0, options.address ?? '127.0.0.1', () => resolve());
    });
    return new LossyRelay(front, options);
  }

  /** Where clients send (their "registrar"). */
  get port(): number {
    return this.front.address().port;
  }

  private drop(datagram: Buffer, way: 'up' | 'down'): boolean {
    if (this.dropIf?.(datagram, way) || (way === 'up' ? this.upRand : this.downRand)() < this.loss) {
      this.dropped[way]++;
      return true;
    }
    this.passed[way]++;
    return false;
  }

  private clientFor(endpoint: RelayEndpoint): Client {
    const key = `${endpoint.address}:${endpoint.port}`;
    const known = this.clients.get(key);
    if (known) return known;
    const socket = createSocket('udp4');
    // dgram queues sends until the bind completes, so the first datagram is not lost to it.
    socket.bind(0, this.options.address ?? '127.0.0.1');
    const client: Client = { endpoint, socket, lossy: this.options.lossy?.(endpoint) ?? true };
    socket.on('message', (msg) => {
      if (client.lossy && this.drop(msg, 'down')) return;
      this.front.send(msg, endpoint.port, endpoint.address);
    });
    this.clients.set(key, client);
    return client;
  }

  async close(): Promise<void> {
    const close = (s: Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
    await Promise.all([close(this.front), ...[...this.clients.values()].map((c) => close(c.socket))]);
    this.clients.clear();
  }
}
