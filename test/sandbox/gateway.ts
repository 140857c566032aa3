// The API-gateway half of the sandbox: signature check (shared code with the panel), replayed
// nonces and the per-appKey rate limit, with the gateway's own error wording.
import { PLATFORM_ERRORS } from '../../electron/host/platform/envelope.js';
import { TIMESTAMP_WINDOW_MS, verifySignedRequest, type VerifyFailure, type VerifyRequest } from '../../electron/host/platform/gateway-signing.js';

export interface GatewayRejection {
  code: 400 | 403;
  message: string;
  localizedMsg: string;
  /** Value of X-Ca-Error-Message, as Alibaba Cloud API Gateway names the reason. */
  errorHeader: string;
}

const REASONS: Record<VerifyFailure, { code: 400 | 403; header: string }> = {
  'missing-headers': { code: 403, header: 'Empty Signature' },
  'unknown-app-key': { code: 403, header: 'Invalid AppKey' },
  'unsupported-signature-method': { code: 400, header: 'Invalid Signature Method' },
  'invalid-timestamp': { code: 400, header: 'Invalid Timestamp' },
  'replayed-nonce': { code: 400, header: 'Nonce Used' },
  'content-md5-mismatch': { code: 400, header: 'Invalid Content-MD5' },
  'invalid-signature': { code: 403, header: 'Invalid Signature' },
};

export class Gateway {
  private readonly nonces = new Map<string, number>();
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly apps: ReadonlyMap<string, string>,
    private readonly now: () => number,
    private readonly ratePerSecond: number,
  ) {}

  verify(req: VerifyRequest): { ok: true; appKey: string } | { ok: false; rejection: GatewayRejection } {
    const now = this.now();
    const r = verifySignedRequest(req, (k) => this.apps.get(k), now, (appKey, nonce) => this.seenNonce(appKey, nonce, now));
    if (r.ok) return r;
    const { code, header } = REASONS[r.reason];
    // The real gateway echoes its StringToSign so a client can see where it differs; the
    // header value must stay on one line.
    const errorHeader = r.serverStringToSign ? `${header}, Server StringToSign:\`${r.serverStringToSign.replace(/\n/g, '#')}\`` : header;
    const rejection: GatewayRejection = code === 403
      ? { code, message: PLATFORM_ERRORS[403].message, localizedMsg: PLATFORM_ERRORS[403].localizedMsg, errorHeader }
      : { code, message: header, localizedMsg: PLATFORM_ERRORS[400].localizedMsg, errorHeader };
    return { ok: false, rejection };
  }

  /** True when the app has already made `ratePerSecond` calls in the last second. */
  overLimit(appKey: string): boolean {
    const now = this.now();
    const recent = (this.hits.get(appKey) ?? []).filter((t) => now - t < 1000);
    const limited = recent.length >= this.ratePerSecond;
    if (!limited) recent.push(now);
    this.hits.set(appKey, recent);
    return limited;
  }

  private seenNonce(appKey: string, nonce: string, now: number): boolean {
    if (this.nonces.size > 10_000) {
      for (const [k, exp] of this.nonces) if (exp <= now) this.nonces.delete(k);
    }
    const key = `${appKey}\n${nonce}`;
    const exp = this.nonces.get(key);
    if (exp !== undefined && exp > now) return true;
    this.nonces.set(key, now + 2 * TIMESTAMP_WINDOW_MS);
    return false;
  }
}
