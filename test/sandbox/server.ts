// Builds the fastify app: the console under /console/, the change push (a WebSocket per topic),
// and every other POST is a platform API.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { registerConsole } from './console/routes.js';
import type { SandboxConsole } from './console/service.js';
import { handlePlatform, type PlatformDeps } from './platform.js';
import { registerPush, type PushHub } from './push.js';

export function buildServer(
  deps: PlatformDeps,
  svc: SandboxConsole,
  logger: FastifyBaseLogger,
  opts: { pushHeartbeatMs?: number } = {},
): { app: FastifyInstance; push: PushHub } {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 1024 * 1024 });
  // The gateway signs the exact bytes (Content-MD5), so every body stays a Buffer; JSON is parsed later.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  void app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  registerConsole(app, svc);
  const push = registerPush(app, { ...deps, ...(opts.pushHeartbeatMs !== undefined ? { heartbeatMs: opts.pushHeartbeatMs } : {}) });
  app.post('/*', (req, reply) => handlePlatform(req, reply, deps));
  app.setErrorHandler(async (err, _req, reply) => {
    logger.error({ err }, 'request failed');
    await reply.code(500).send({ error: 'internal error' });
  });
  return { app, push };
}
