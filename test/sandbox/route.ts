// A platform API as the sandbox serves it: the shared spec (path, apiVer, params, data) plus
// the handler. Handlers get params already checked against the spec's schema.
import type { z } from 'zod';
import type { ApiSpec } from '../../electron/host/platform/community-api.js';
import type { IotRequest } from '../../electron/host/platform/envelope.js';
import type { SandboxContext } from './context.js';

export interface CallContext {
  ctx: SandboxContext;
  /** The app key the gateway verified. */
  appKey: string;
  request: IotRequest;
  /** The community granted by the cloudToken, for APIs that need one. */
  communityId: number | undefined;
}

export type AnySpec = ApiSpec<z.ZodType, z.ZodType>;

export interface Route {
  spec: AnySpec;
  handle(params: unknown, call: CallContext): unknown;
}

export function route<P extends z.ZodType, D extends z.ZodType>(
  spec: ApiSpec<P, D>,
  handler: (params: z.output<P>, call: CallContext) => z.input<D>,
): Route {
  // The server parsed `params` with spec.params before calling, so the cast only restores that type.
  return { spec, handle: (params, call) => handler(params as z.output<P>, call) };
}
