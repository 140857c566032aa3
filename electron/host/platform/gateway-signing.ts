// Alibaba Cloud API Gateway "digital signature" (AppKey/AppSecret, HmacSHA256), as used by the
// community platform (seeds 000/001, DESIGN.md "Cloud APIs"). The same functions sign on the
// panel and verify in the sandbox, so the two can never drift apart.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_METHOD = 'HmacSHA256';
export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';
export const JSON_ACCEPT = 'application/json';
/** The gateway accepts an X-Ca-Timestamp for 15 minutes. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

export interface SignInput {
  method: string;
  /** Path with its query string, if any. */
  pathAndQuery: string;
  accept: string;
  contentMd5: string;
  contentType: string;
  date: string;
  /** Signed headers (lower-case names). */
  signedHeaders: Record<string, string>;
}

export function contentMd5(body: string | Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/** Path plus its query parameters sorted by name, as the gateway canonicalises the URL. */
export function canonicalPath(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return pathAndQuery;
  const path = pathAndQuery.slice(0, q);
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  const sorted = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return path;
  return `${path}?${sorted.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`;
}

export function stringToSign(input: SignInput): string {
  const names = Object.keys(input.signedHeaders).sort();
  const headers = names.map((n) => `${n}:${input.signedHeaders[n] ?? ''}\n`).join('');
  return [input.method.toUpperCase(), input.accept, input.contentMd5, input.contentType, input.date].join('\n') +
    '\n' + headers + canonicalPath(input.pathAndQuery);
}

export function signature(appSecret: string, input: SignInput): string {
  return createHmac('sha256', appSecret).update(stringToSign(input), 'utf8').digest('base64');
}

/** Headers for a signed JSON POST. */
export function signedJsonHeaders(opts: {
  appKey: string;
  appSecret: string;
  path: string;
  body: string;
  now: number;
  nonce?: string;
}): Record<string, string> {
  const signed: Record<string, string> = {
    'x-ca-key': opts.appKey,
    'x-ca-nonce': opts.nonce ?? randomUUID(),
    'x-ca-signature-method': SIGNATURE_METHOD,
    'x-ca-timestamp': String(opts.now),
  };
  const md5 = contentMd5(opts.body);
  const sig = signature(opts.appSecret, {
    method: 'POST',
    pathAndQuery: opts.path,
    accept: JSON_ACCEPT,
    contentMd5: md5,
    contentType: JSON_CONTENT_TYPE,
    date: '',
    signedHeaders: signed,
  });
  return {
    ...signed,
    'x-ca-signature-headers': Object.keys(signed).sort().join(','),
    'x-ca-signature': sig,
    'content-md5': md5,
    'content-type': JSON_CONTENT_TYPE,
    accept: JSON_ACCEPT,
  };
}

/**
 * Headers for a signed GET without a body (the change push's WebSocket upgrade): the same
 * scheme with empty Content-MD5 and Content-Type, which the gateway's string to sign allows.
 */
export function signedGetHeaders(opts: { appKey: string; appSecret: string; pathAndQuery: string; now: number; nonce?: string }): Record<string, string> {
  const signed: Record<string, string> = {
    'x-ca-key': opts.appKey,
    'x-ca-nonce': opts.nonce ?? randomUUID(),
    'x-ca-signature-method': SIGNATURE_METHOD,
    'x-ca-timestamp': String(opts.now),
  };
  const sig = signature(opts.appSecret, {
    method: 'GET', pathAndQuery: opts.pathAndQuery, accept: JSON_ACCEPT, contentMd5: '', contentType: '', date: '', signedHeaders: signed,
  });
  return { ...signed, 'x-ca-signature-headers': Object.keys(signed).sort().join(','), 'x-ca-signature': sig, accept: JSON_ACCEPT };
}

export type VerifyFailure =
  | 'missing-headers'
  | 'unknown-app-key'
  | 'unsupported-signature-method'
  | 'invalid-timestamp'
  | 'replayed-nonce'
  | 'content-md5-mismatch'
  | 'invalid-signature';

export interface VerifyRequest {
  method: string;
  pathAndQuery: string;
  /** Header names lower-case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

function header(h: VerifyRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Gateway-side check. Returns the app key on success. */
export function verifySignedRequest(
  req: VerifyRequest,
  lookupSecret: (appKey: string) => string | undefined,
  now: number,
  seenNonce: (appKey: string, nonce: string) => boolean,
): { ok: true; appKey: string } | { ok: false; reason: VerifyFailure; serverStringToSign?: string } {
  const appKey = header(req.headers, 'x-ca-key');
  const given = header(req.headers, 'x-ca-signature');
  const headerList = header(req.headers, 'x-ca-signature-headers');
  if (!appKey || !given || !headerList) return { ok: false, reason: 'missing-headers' };
  const secret = lookupSecret(appKey);
  if (secret === undefined) return { ok: false, reason: 'unknown-app-key' };
  const method = header(req.headers, 'x-ca-signature-method') ?? 'HmacSHA256';
  if (method !== SIGNATURE_METHOD) return { ok: false, reason: 'unsupported-signature-method' };
  const ts = Number(header(req.headers, 'x-ca-timestamp'));
  if (!Number.isFinite(ts) || Math.abs(now - ts) > TIMESTAMP_WINDOW_MS) return { ok: false, reason: 'invalid-timestamp' };
  const md5 = header(req.headers, 'content-md5') ?? '';
  if (md5 !== '' && md5 !== contentMd5(req.rawBody)) return { ok: false, reason: 'content-md5-mismatch' };
  const signedHeaders: Record<string, string> = {};
  for (const raw of headerList.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name) signedHeaders[name] = header(req.headers, name) ?? '';
  }
  const input: SignInput = {
    method: req.method,
    pathAndQuery: req.pathAndQuery,
    accept: header(req.headers, 'accept') ?? '',
    contentMd5: md5,
    contentType: header(req.headers, 'content-type') ?? '',
    date: header(req.headers, 'date') ?? '',
    signedHeaders,
  };
  const expected = Buffer.from(signature(secret, input));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { ok: false, reason: 'invalid-signature', serverStringToSign: stringToSign(input) };
  }
  const nonce = header(req.headers, 'x-ca-nonce');
  if (nonce && seenNonce(appKey, nonce)) return { ok: false, reason: 'replayed-nonce' };
  return { ok: true, appKey };
}

/** The binding service's own `sign` (seed 001, "获取绑定二维码"): md5(`${appKey}-${ts}-${deviceId}${deviceType}`). */
export function bindQrSign(appKey: string, ts: number, deviceId: string, deviceType: string | undefined): string {
  return createHash('md5').update(`${appKey}-${ts}-${deviceId}${deviceType ?? ''}`, 'utf8').digest('hex');
}
