// The console's unsigned JSON endpoints and its static page. Loopback-only test tooling: no
// signature, but a strict CSP on the page so it loads nothing from elsewhere.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { faultSchema } from '../faults.js';
import type { SandboxConsole } from './service.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { file: string; type: string }> = {
  '/console/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

const bindBody = z.object({ qrCode: z.string().trim().min(1), houseSpaceId: z.string().min(1), deviceNickName: z.string().max(64).optional() });
const unbindBody = z.object({ bindId: z.string().min(1) });
const downBody = z.object({ down: z.boolean() });
const noticeBody = z.object({
  title: z.string().min(1),
  text: z.string().min(1),
  type: z.number().int().min(1).max(9).optional(),
  isTop: z.boolean().optional(),
  houseSpaceId: z.string().min(1).optional(),
});
const noticeRef = z.object({ messageId: z.number().int() });
const deviceStateBody = z.object({ iotId: z.string().min(1), state: z.enum(['online', 'offline', 'send-fail']) });
const ringBody = z.object({ houseSpaceId: z.string().min(1), iotId: z.string().min(1).optional(), waitMs: z.number().int().min(0).max(30_000).optional() });

export function jsonBody(req: FastifyRequest): unknown {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, 'body is not JSON', '请求内容不是 JSON');
  }
}

export async function answer(reply: FastifyReply, run: () => unknown): Promise<void> {
  try {
    const out = await run();
    await reply.header('cache-control', 'no-store').send(out ?? { ok: true });
  } catch (err) {
    const message = err instanceof ApiError ? err.message
      : err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
      : undefined;
    if (message === undefined) throw err;
    await reply.code(400).send({ error: message });
  }
}

export function registerConsole(app: FastifyInstance, svc: SandboxConsole): void {
  const assetDir = new URL('./', import.meta.url);
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, async (_req, reply) => {
      const body = await readFile(new URL(asset.file, assetDir));
      await reply
        .header('content-type', asset.type)
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(body);
    });
  }
  app.get('/console', async (_req, reply) => reply.redirect('/console/'));

  app.get('/console/api/houses', (_req, reply) => answer(reply, () => svc.houses()));
  app.get('/console/api/pending', (_req, reply) => answer(reply, () => svc.pending()));
  app.get('/console/api/bindings', (_req, reply) => answer(reply, () => svc.bindings()));
  app.get('/console/api/events', (req, reply) => answer(reply, () => {
    const kind = (req.query as Record<string, string | undefined>).kind;
    return svc.events(kind || undefined);
  }));
  app.get('/console/api/sip-accounts', (_req, reply) => answer(reply, () => svc.sipAccounts()));
  app.get('/console/api/door-stations', (_req, reply) => answer(reply, () => svc.doorStations()));
  app.post('/console/api/bind', (req, reply) => answer(reply, () => svc.bind(bindBody.parse(jsonBody(req)))));
  app.post('/console/api/unbind', (req, reply) => answer(reply, () => { svc.unbind(unbindBody.parse(jsonBody(req)).bindId); }));
  app.post('/console/api/faults', (req, reply) => answer(reply, () => { svc.injectFault(faultSchema.parse(jsonBody(req))); }));
  app.delete('/console/api/faults', (_req, reply) => answer(reply, () => { svc.clearFaults(); }));
  app.get('/console/api/door-events', (_req, reply) => answer(reply, () => svc.doorEvents()));
  app.post('/console/api/ring', (req, reply) => answer(reply, () => {
    const { houseSpaceId, iotId, waitMs } = ringBody.parse(jsonBody(req));
    return svc.ring(houseSpaceId, { ...(iotId ? { iotId } : {}), ...(waitMs !== undefined ? { waitMs } : {}) });
  }));
  app.get('/console/api/notices', (_req, reply) => answer(reply, () => svc.notices()));
  app.post('/console/api/notices', (req, reply) => answer(reply, () => svc.publishNotice(noticeBody.parse(jsonBody(req)))));
  app.post('/console/api/notices/delete', (req, reply) => answer(reply, () => { svc.deleteNotice(noticeRef.parse(jsonBody(req)).messageId); }));
  app.get('/console/api/doors', (_req, reply) => answer(reply, () => svc.doors().map(({ sipPassword: _secret, ...d }) => d)));
  app.get('/console/api/elevators', (_req, reply) => answer(reply, () => svc.elevators()));
  app.get('/console/api/elevator-events', (_req, reply) => answer(reply, () => svc.elevatorEvents()));
  app.post('/console/api/device-state', (req, reply) => answer(reply, () => {
    const { iotId, state } = deviceStateBody.parse(jsonBody(req));
    svc.setDeviceState(iotId, state);
  }));
  app.get('/console/api/push', (_req, reply) => answer(reply, () => svc.push()));
  app.post('/console/api/push', (req, reply) => answer(reply, () => { svc.setPushDown(downBody.parse(jsonBody(req)).down); }));
  app.post('/console/api/down', (req, reply) => answer(reply, () => { svc.setDown(downBody.parse(jsonBody(req)).down); }));
}
