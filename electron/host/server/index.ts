// Serves the screen on 127.0.0.1 and carries the contract over a WebSocket, for a screen shown in
// an ordinary Chromium (tests, machines without Electron). Only pages this server served may talk
// to the host: the Origin and Host of every connection are checked, so no other page in any browser
// on the machine can drive the panel.
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { MEDIA_WS_PATH, WS_PATH, clientMessageSchema, peekVideoFrame, type ServerMessage } from '../../contract/index.js';
import type { Host } from '../index.js';
import type { Logger } from '../log/index.js';
import { modelArchive } from '../speech/model-files.js';
import { MODEL_ARCHIVE_PATH } from '../voice/index.js';
import { dispatchRequest } from './dispatch.js';

export const SCREEN_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; " +
  "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const MEDIA_BACKLOG_BYTES = 2 << 20;

export interface ScreenServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startScreenServer(opts: { host: Host; rendererDir: string; port: number; logger: Logger }): Promise<ScreenServer> {
  if (!existsSync(opts.rendererDir)) throw new Error(`the screen is not built: ${opts.rendererDir} is missing (run npm run build)`);
  const app: FastifyInstance = Fastify({ logger: false });
  let port = opts.port;
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  app.addHook('onRequest', async (req, reply) => {
    if (!allowedHosts().has(req.headers.host ?? '')) return reply.code(421).send('wrong host');
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', SCREEN_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 1 << 20 } });
  await app.register(fastifyStatic, { root: opts.rendererDir, prefix: '/' });
  app.get(MODEL_ARCHIVE_PATH, async (_req, reply) => {
    const dir = opts.host.voiceModelDir();
    if (!dir) return reply.code(404).send('no voice model installed');
    return reply.type('application/gzip').header('cache-control', 'no-store').send(modelArchive(dir));
  });

  const sockets = new Set<WebSocket>();
  const admit = (socket: WebSocket, origin: string | undefined): boolean => {
    if (![...allowedHosts()].some((h) => origin === `http://${h}`)) {
      opts.logger.warn({ origin }, 'refused a host connection from a foreign origin');
      socket.close(1008, 'origin not allowed');
      return false;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return true;
  };
  app.register(async (scope) => {
    scope.get(MEDIA_WS_PATH, { websocket: true }, (socket, req) => {
      if (!admit(socket, req.headers.origin)) return;
      socket.binaryType = 'arraybuffer';
      // After a dropped video frame the next ones would decode to garbage (they refer to the one
      // lost), so video resumes at the next key frame.
      let videoResumesAtKey = false;
      const off = opts.host.media.onFrame((frame) => {
        if (socket.readyState !== socket.OPEN) return;
        const { video, key } = peekVideoFrame(frame);
        if (video && videoResumesAtKey && !key) return;
        // A screen that cannot keep up loses frames rather than queueing seconds of stale video.
        if (socket.bufferedAmount >= MEDIA_BACKLOG_BYTES) {
          if (video) videoResumesAtKey = true;
          return;
        }
        if (video) videoResumesAtKey = false;
        socket.send(frame);
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary && data instanceof ArrayBuffer) opts.host.media.receive(data);
      });
      socket.on('close', off);
    });
    scope.get(WS_PATH, { websocket: true }, (socket, req) => {
      if (!admit(socket, req.headers.origin)) return;
      const send = (m: ServerMessage): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      };
      const offState = opts.host.on('state', (payload) => send({ kind: 'event', name: 'state', payload }));
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          opts.logger.warn('dropped a host message that is not JSON');
          return;
        }
        const msg = clientMessageSchema.safeParse(parsed);
        if (!msg.success) {
          opts.logger.warn('dropped a malformed host message');
          return;
        }
        void dispatchRequest(opts.host.api, msg.data.method, msg.data.params, opts.logger).then((outcome) =>
          send(outcome.ok ? { kind: 'response', id: msg.data.id, ok: true, result: outcome.result } : { kind: 'response', id: msg.data.id, ok: false, error: outcome.error }),
        );
      });
      socket.on('close', offState);
    });
  });

  await app.listen({ host: '127.0.0.1', port: opts.port });
  port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      for (const s of sockets) s.terminate();
      await app.close();
    },
  };
}
