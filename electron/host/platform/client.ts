// Calls one community-platform API: signs, sends the IoT envelope, checks the reply's envelope and
// its `data` against the API's schema, and turns every way it can fail into a PlatformError.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ApiSpec } from './community-api.js';
import { iotResponseSchema, isRetryableCode } from './envelope.js';
import { signedJsonHeaders } from './gateway-signing.js';

/** The seed's documented timeout for every platform call. */
export const CALL_TIMEOUT_MS = 10_000;

export type PlatformErrorKind =
  /** No HTTP answer at all (refused, DNS, timeout) or an HTTP status that is not the platform's. */
  | 'unreachable'
  /** The platform answered with an error code in its envelope. */
  | 'api'
  /** The platform answered, but not in the documented shape. */
  | 'bad-reply';

export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    readonly path: string,
    message: string,
    readonly code: number | null = null,
    readonly localizedMsg: string | null = null,
    /** The gateway's own explanation (X-Ca-Error-Message), when it gave one. */
    readonly gatewayMessage: string | null = null,
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  get retryable(): boolean {
    if (this.kind === 'unreachable' || this.kind === 'bad-reply') return true;
    return this.code !== null && isRetryableCode(this.code);
  }
}

export interface PlatformCredentials {
  endpoint: string;
  appKey: string;
  appSecret: string;
}

export interface CommunityClientOptions extends PlatformCredentials {
  now?: () => number;
  timeoutMs?: number;
}

export class CommunityClient {
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: CommunityClientOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
  }

  get appKey(): string {
    return this.options.appKey;
  }

  async call<P extends z.ZodType, D extends z.ZodType>(
    spec: ApiSpec<P, D>,
    params: z.input<P>,
    auth: { cloudToken?: string } = {},
  ): Promise<z.output<D>> {
    const body = JSON.stringify({
      id: randomUUID(),
      version: '1.0',
      request: { apiVer: spec.apiVer, ...(auth.cloudToken ? { cloudToken: auth.cloudToken } : {}) },
      params,
    });
    const headers = signedJsonHeaders({ appKey: this.options.appKey, appSecret: this.options.appSecret, path: spec.path, body, now: this.now() });
    let response: Response;
    try {
      response = await fetch(this.options.endpoint + spec.path, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const cause = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new PlatformError('unreachable', spec.path, `${spec.path}: no answer from ${this.options.endpoint} (${cause})`);
    }
    const gatewayMessage = response.headers.get('x-ca-error-message');
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (response.status >= 500 || response.status === 429) {
        throw new PlatformError('api', spec.path, `${spec.path}: HTTP ${response.status}`, response.status, null, gatewayMessage);
      }
      if (!response.ok) throw new PlatformError('unreachable', spec.path, `${spec.path}: HTTP ${response.status} without a platform reply`, null, null, gatewayMessage);
      throw new PlatformError('bad-reply', spec.path, `${spec.path}: reply is not JSON`);
    }
    const envelope = iotResponseSchema.safeParse(json);
    if (!envelope.success) throw new PlatformError('bad-reply', spec.path, `${spec.path}: reply envelope does not match (${envelope.error.issues[0]?.message ?? 'invalid'})`);
    const { code, message, localizedMsg, data } = envelope.data;
    if (code !== 200) {
      throw new PlatformError('api', spec.path, `${spec.path}: ${code} ${message ?? ''}`.trim(), code, localizedMsg ?? null, gatewayMessage);
    }
    const parsed = spec.data.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PlatformError('bad-reply', spec.path, `${spec.path}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'does not match the documented schema'}`);
    }
    return parsed.data;
  }
}
