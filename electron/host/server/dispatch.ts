// Runs one contract request against the HostApi with the params and result checked by the
// contract's schemas. Shared by the WebSocket server and Electron's IPC handler.
import { hostRequests, isHostRequestName, type HostApi, type RequestError } from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';

export type DispatchOutcome = { ok: true; result: unknown } | { ok: false; error: RequestError };

export async function dispatchRequest(api: HostApi, method: string, params: unknown, logger: Logger): Promise<DispatchOutcome> {
  if (!isHostRequestName(method)) return { ok: false, error: { code: 'unknown-method', message: `未知请求 ${method}` } };
  const spec = hostRequests[method];
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'bad-params', message: `请求参数无效：${parsed.error.issues[0]?.message ?? ''}` } };
  try {
    const handler = api[method] as (p: unknown) => Promise<unknown>;
    return { ok: true, result: spec.result.parse(await handler(parsed.data)) };
  } catch (e) {
    if (e instanceof UserFacingError) return { ok: false, error: { code: e.code, message: e.message } };
    logger.error({ method, err: e instanceof Error ? e.stack ?? e.message : String(e) }, 'host request failed');
    return { ok: false, error: { code: 'internal', message: '主机处理请求时出错' } };
  }
}
