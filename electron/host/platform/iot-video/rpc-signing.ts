// Alibaba Cloud's RPC request signature (signature method V2: HMAC-SHA1, SignatureVersion 1.0), as
// the IoT video platform (seed 003, "common request parameters") requires:
//   StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(CanonicalizedQuery)
//   CanonicalizedQuery = every parameter but Signature, sorted by name, each percentEncode(name) +
//                        "=" + percentEncode(value), joined with "&"
//   Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
// percentEncode is RFC 3986 over UTF-8: A-Z a-z 0-9 - _ . ~ stay, everything else is %XY (upper
// case), a space is %20. The same functions sign on the panel and verify in the sandbox.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const RPC_SIGNATURE_METHOD = 'HMAC-SHA1';
export const RPC_SIGNATURE_VERSION = '1.0';
/** Alibaba's gateways refuse a Timestamp more than 15 minutes off. */
export const RPC_TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

export function percentEncode(value: string): string {
  // encodeURIComponent leaves !'()* alone; RFC 3986 (and the signature) encodes them.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sorted by name in byte order (the names are ASCII), Signature excluded. */
export function canonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
}

export function rpcStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

export function rpcSignature(accessKeySecret: string, method: string, params: Readonly<Record<string, string>>): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(rpcStringToSign(method, params), 'utf8').digest('base64');
}

/** ISO 8601 in UTC without milliseconds: 2016-02-23T12:46:24Z. */
export function rpcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The common parameters plus the Signature, ready to send as a query string or a form body. */
export function signRpcParams(o: {
  method: string;
  accessKeyId: string;
  accessKeySecret: string;
  version: string;
  params: Readonly<Record<string, string>>;
  now: number;
  nonce?: string;
  format?: 'JSON' | 'XML';
}): Record<string, string> {
  const all: Record<string, string> = {
    ...o.params,
    Format: o.format ?? 'JSON',
    Version: o.version,
    AccessKeyId: o.accessKeyId,
    SignatureMethod: RPC_SIGNATURE_METHOD,
    SignatureVersion: RPC_SIGNATURE_VERSION,
    SignatureNonce: o.nonce ?? randomUUID(),
    Timestamp: rpcTimestamp(o.now),
  };
  return { ...all, Signature: rpcSignature(o.accessKeySecret, o.method, all) };
}

export type RpcVerifyFailure =
  | 'missing-parameter'
  | 'unknown-access-key'
  | 'unsupported-signature-method'
  | 'invalid-timestamp'
  | 'replayed-nonce'
  | 'invalid-signature';

/** The gateway's check, for the sandbox. Returns the AccessKeyId on success. */
export function verifyRpcRequest(
  method: string,
  params: Readonly<Record<string, string>>,
  lookupSecret: (accessKeyId: string) => string | undefined,
  now: number,
  seenNonce: (accessKeyId: string, nonce: string) => boolean,
): { ok: true; accessKeyId: string } | { ok: false; reason: RpcVerifyFailure; missing?: string; serverStringToSign?: string } {
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'Timestamp', 'Version']) {
    if (!params[name]) return { ok: false, reason: 'missing-parameter', missing: name };
  }
  const accessKeyId = params['AccessKeyId'] ?? '';
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-access-key' };
  if (params['SignatureMethod'] !== RPC_SIGNATURE_METHOD || (params['SignatureVersion'] ?? RPC_SIGNATURE_VERSION) !== RPC_SIGNATURE_VERSION) {
    return { ok: false, reason: 'unsupported-signature-method' };
  }
  const ts = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params['Timestamp'] ?? '') ? Date.parse(params['Timestamp'] ?? '') : NaN;
  if (!Number.isFinite(ts) || Math.abs(now - ts) > RPC_TIMESTAMP_WINDOW_MS) return { ok: false, reason: 'invalid-timestamp' };
  const expected = Buffer.from(rpcSignature(secret, method, params));
  const given = Buffer.from(params['Signature'] ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'invalid-signature', serverStringToSign: rpcStringToSign(method, params) };
  }
  if (seenNonce(accessKeyId, params['SignatureNonce'] ?? '')) return { ok: false, reason: 'replayed-nonce' };
  return { ok: true, accessKeyId };
}
