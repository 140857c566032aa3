// The change push (seed 001 lines 10200-10274), emulated over a WebSocket. The platform delivers
// `/sys/appkey/${appkey}/community/message/change` through its message SDK (MessageClient over
// HTTPS with the app's key and secret); the sandbox offers the same topic as a WebSocket at that
// path. The upgrade request is signed like any API call (GET, no body), and its appkey must be the
// caller's. Each change arrives as one JSON text frame {topic, messageId, generateTime, payload}
// with the seed's payload {communityId, ids, type}. See README.md "Change push".
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { noticeChangeTopic } from '../../electron/host/platform/community-api.js';
import type { SandboxContext } from './context.js';
import type { FaultBoard } from './faults.js';
import type { Gateway } from './gateway.js';

export const PUSH_ROUTE = '/sys/appkey/:appKey/community/message/change';
/** A server ping this often lets a subscriber tell a dead connection from a quiet one. */
export const DEFAULT_PUSH_HEARTBEAT_MS = 15_000;
/** Close code when the push service goes away (the panel reconnects later). */
const TRY_AGAIN_LATER = 1013;

interface Subscriber { socket: WebSocket; appKey: string }

export interface PushHub {
  /** Subscribers connected now. */
  subscribers(): number;
  close(): void;
}

export function registerPush(app: FastifyInstance, deps: { ctx: SandboxContext; gateway: Gateway; faults: FaultBoard; heartbeatMs?: number }): PushHub {
  const { ctx, gateway, faults } = deps;
  const subs = new Set<Subscriber>();
  const unavailable = (): boolean => faults.down || faults.pushDown;
  const dropAll = (reason: string): void => {
    for (const s of subs) s.socket.close(TRY_AGAIN_LATER, reason);
    subs.clear();
  };
  const offSwitch = faults.onSwitch(() => { if (unavailable()) dropAll('push unavailable'); });
  const offChanges = ctx.changes.subscribe((change) => {
    for (const s of subs) {
      // The sandbox's one app may see every community (it created them all).
      s.socket.send(JSON.stringify({ topic: noticeChangeTopic(s.appKey), messageId: randomUUID(), generateTime: ctx.now(), payload: change.payload }));
    }
  });
  const heartbeat = setInterval(() => { for (const s of subs) s.socket.ping(); }, deps.heartbeatMs ?? DEFAULT_PUSH_HEARTBEAT_MS);
  heartbeat.unref();

  app.register(async (scope) => {
    scope.get(PUSH_ROUTE, {
      websocket: true,
      // Refusals happen before the upgrade, as plain HTTP answers with the gateway's wording.
      preValidation: async (req, reply) => {
        if (unavailable()) return reply.code(503).send('');
        const verdict = gateway.verify({ method: 'GET', pathAndQuery: req.url, headers: req.headers, rawBody: Buffer.alloc(0) });
        if (!verdict.ok) {
          return reply.code(verdict.rejection.code).header('x-ca-error-message', verdict.rejection.errorHeader)
            .send({ code: verdict.rejection.code, message: verdict.rejection.message, localizedMsg: verdict.rejection.localizedMsg });
        }
        if ((req.params as { appKey: string }).appKey !== verdict.appKey) {
          return reply.code(403).header('x-ca-error-message', 'Topic Not Authorized')
            .send({ code: 403, message: 'request forbidden.', localizedMsg: '请求被禁止' });
        }
        return undefined;
      },
    }, (socket, req) => {
      const sub = { socket, appKey: (req.params as { appKey: string }).appKey };
      subs.add(sub);
      socket.on('close', () => subs.delete(sub));
      ctx.log.info({ appKey: sub.appKey }, 'push subscriber connected');
    });
  });

  return {
    subscribers: () => subs.size,
    close() {
      clearInterval(heartbeat);
      offSwitch();
      offChanges();
      dropAll('sandbox closing');
    },
  };
}
