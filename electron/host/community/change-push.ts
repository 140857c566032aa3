// The panel's subscription to the platform's change push for notices (seed 001 lines 10200-10274:
// /sys/appkey/${appkey}/community/message/change). The platform's message SDK is Java; the panel
// speaks the sandbox's emulation of the topic: a WebSocket at the topic's path on the API
// endpoint, opened with a signed GET (test/sandbox/README.md "Change push"). The push is a hint
// to fetch the list now; the notice service polls as well, often while the push is down.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import WebSocket from 'ws';
import { changePayload, noticeChangeTopic, type ChangePayload } from '../platform/community-api.js';
import { signedGetHeaders } from '../platform/gateway-signing.js';
import type { PlatformCredentials } from '../platform/index.js';
import type { Logger } from '../log/index.js';

const message = z.object({ topic: z.string(), payload: changePayload }).loose();

export interface ChangePushTiming {
  /** Reconnect backoff (exponential, jittered). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** No frame or ping for this long: the connection is taken for dead and replaced. */
  idleMs: number;
}

export interface ChangePushEvents {
  up: [];
  down: [reason: string];
  change: [payload: ChangePayload];
}

export class ChangePush extends EventEmitter<ChangePushEvents> {
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private running = false;
  private isUp = false;

  constructor(
    private readonly credentials: PlatformCredentials,
    private readonly timing: ChangePushTiming,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    super();
  }

  get up(): boolean {
    return this.isUp;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.drop('stopped');
  }

  private connect(): void {
    if (!this.running) return;
    const path = noticeChangeTopic(this.credentials.appKey);
    const url = this.credentials.endpoint.replace(/^http/, 'ws') + path;
    const headers = signedGetHeaders({ appKey: this.credentials.appKey, appSecret: this.credentials.appSecret, pathAndQuery: path, now: this.now() });
    const ws = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.failures = 0;
      this.isUp = true;
      this.touch();
      this.logger.info('notice change push connected');
      this.emit('up');
    });
    ws.on('ping', () => this.touch());
    ws.on('message', (data, isBinary) => {
      this.touch();
      if (isBinary) return;
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        this.logger.warn('notice change push: a frame that is not JSON was ignored');
        return;
      }
      const m = message.safeParse(json);
      if (!m.success || m.data.topic !== path) {
        this.logger.warn({ issue: m.success ? 'topic' : m.error.issues[0]?.message }, 'notice change push: an unexpected message was ignored');
        return;
      }
      this.emit('change', m.data.payload);
    });
    ws.on('unexpected-response', (_req, res) => {
      // Said once per outage: a cloud without the push keeps refusing, and polling covers it.
      const log = this.failures === 0 ? this.logger.warn.bind(this.logger) : this.logger.debug.bind(this.logger);
      log({ status: res.statusCode, reason: res.headers['x-ca-error-message'] ?? null }, 'notice change push refused; polling meanwhile');
      ws.terminate();
    });
    ws.on('error', (e) => this.logger.debug({ err: e.message }, 'notice change push error'));
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.lost(`closed (${code})`);
    });
  }

  /** Any frame proves the connection alive; silence past idleMs means it died without a close. */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.logger.warn({ idleMs: this.timing.idleMs }, 'notice change push went silent; reconnecting');
      this.ws?.terminate();
    }, this.timing.idleMs);
  }

  private lost(reason: string): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const wasUp = this.isUp;
    this.isUp = false;
    if (wasUp) this.emit('down', reason);
    if (!this.running) return;
    this.failures += 1;
    const ceiling = Math.min(this.timing.retryMaxMs, this.timing.retryBaseMs * 2 ** Math.min(this.failures - 1, 16));
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private drop(reason: string): void {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.terminate();
    }
    this.lost(reason);
  }
}
