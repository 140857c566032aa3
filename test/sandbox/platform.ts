// The platform API pipeline, in the order the real gateway and backend apply their checks:
// signature → rate limit → (injected faults) → route → envelope/apiVer → params → token → handler.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { iotRequestSchema, PLATFORM_ERRORS } from '../../electron/host/platform/envelope.js';
import type { SandboxContext } from './context.js';
import { ApiError } from './errors.js';
import type { FaultBoard } from './faults.js';
import type { Gateway } from './gateway.js';
import type { Route } from './route.js';
import { tokenCommunity } from './token-store.js';

export interface Envelope {
  id: string | null;
  code: number;
  message: string | null;
  localizedMsg: string | null;
  data: unknown;
}

export interface PlatformDeps {
  ctx: SandboxContext;
  gateway: Gateway;
  faults: FaultBoard;
  routes: ReadonlyMap<string, Route>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function errorEnvelope(id: string | null, code: number, message?: string, localizedMsg?: string): Envelope {
  const known = (PLATFORM_ERRORS as Record<number, { message: string; localizedMsg: string } | undefined>)[code];
  return { id, code, message: message ?? known?.message ?? 'injected fault', localizedMsg: localizedMsg ?? known?.localizedMsg ?? '注入的故障', data: null };
}

/** Best effort, so even a rejected request gets its id echoed. */
function parseBody(raw: Buffer): { json: unknown; id: string | null } {
  try {
    const json: unknown = JSON.parse(raw.toString('utf8'));
    const id = typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'string' ? json.id : null;
    return { json, id };
  } catch {
    return { json: undefined, id: null };
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid params';
  const field = issue.path.map(String).join('.') || '(params)';
  return `${field}: ${issue.message}`;
}

export async function handlePlatform(req: FastifyRequest, reply: FastifyReply, deps: PlatformDeps): Promise<void> {
  const { ctx, gateway, faults, routes } = deps;
  if (faults.down) {
    await reply.code(503).send('');
    return;
  }
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const { json, id } = parseBody(raw);
  const send = async (env: Envelope, status = 200) => {
    await reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(env));
  };
  try {
    const verdict = gateway.verify({ method: req.method, pathAndQuery: req.url, headers: req.headers, rawBody: raw });
    if (!verdict.ok) {
      const r = verdict.rejection;
      ctx.log.warn({ path: req.url, reason: r.errorHeader.split(',')[0] }, 'gateway rejected request');
      reply.header('x-ca-error-message', r.errorHeader);
      await send(errorEnvelope(id, r.code, r.message, r.localizedMsg), r.code);
      return;
    }
    const appKey = verdict.appKey;
    if (gateway.overLimit(appKey)) return await send(errorEnvelope(id, 429));
    const path = req.url.split('?')[0] ?? '';
    const fault = faults.take(path);
    if (fault?.kind === 'code') return await send(errorEnvelope(id, fault.code, fault.message));
    const route = routes.get(path);
    if (!route) return await send(errorEnvelope(id, 20003));
    const env = iotRequestSchema.safeParse(json);
    if (!env.success) return await send(errorEnvelope(id, 460, `request envelope: ${describeIssue(env.error)}`));
    const { request, params } = env.data;
    if (request.apiVer !== route.spec.apiVer) {
      return await send(errorEnvelope(id, 460, `apiVer ${request.apiVer} is not supported by ${path}; expected ${route.spec.apiVer}`));
    }
    const parsed = route.spec.params.safeParse(params);
    if (!parsed.success) return await send(errorEnvelope(id, 460, `request parameter error: ${describeIssue(parsed.error)}`));
    let communityId: number | undefined;
    if (route.spec.needsToken) {
      communityId = request.cloudToken ? tokenCommunity(ctx, request.cloudToken, appKey) : undefined;
      if (communityId === undefined) return await send(errorEnvelope(id, 401));
    }
    const data = route.handle(parsed.data, { ctx, appKey, request: env.data, communityId });
    // A schema-breaking `data` lets tests check that the panel refuses replies it cannot trust.
    const sent = fault?.kind === 'malformed' ? { malformed: true } : (data ?? null);
    await send({ id: env.data.id, code: 200, message: null, localizedMsg: null, data: sent });
  } catch (err) {
    if (err instanceof ApiError) {
      await send(errorEnvelope(id, err.code, err.message, err.localizedMsg));
      return;
    }
    ctx.log.error({ err, path: req.url }, 'platform handler failed');
    await send(errorEnvelope(id, 500));
  }
}
