// A signed community-platform call for tests: the IoT envelope, signed with the same gateway
// code the panel uses, over real HTTP. Returns the raw status, headers and parsed body.
import { randomUUID } from 'node:crypto';
import { signedJsonHeaders } from '../../electron/host/platform/gateway-signing.js';

export interface CloudCall {
  url: string;
  appKey: string;
  appSecret: string;
  path: string;
  apiVer: string;
  params?: Record<string, unknown>;
  cloudToken?: string;
  iotToken?: string;
  /** X-Ca-Timestamp; default Date.now(). */
  now?: number;
  id?: string;
  nonce?: string;
  /** Replace the body after signing (e.g. to test a signature over different bytes). */
  tamperBody?: (body: string) => string;
  /** Extra or overriding headers, applied after signing. */
  headers?: Record<string, string>;
}

export interface CloudReply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed envelope, or null when the body is empty or not JSON. */
  body: { id?: string | null; code: number; message?: string | null; localizedMsg?: string | null; data?: unknown } | null;
}

export function envelopeBody(call: Pick<CloudCall, 'apiVer' | 'params' | 'cloudToken' | 'iotToken' | 'id'>): string {
  const request: Record<string, string> = { apiVer: call.apiVer };
  if (call.cloudToken !== undefined) request['cloudToken'] = call.cloudToken;
  if (call.iotToken !== undefined) request['iotToken'] = call.iotToken;
  return JSON.stringify({ id: call.id ?? randomUUID(), version: '1.0', request, params: call.params ?? {} });
}

export async function cloudRequest(call: CloudCall): Promise<CloudReply> {
  const body = envelopeBody(call);
  const headers = signedJsonHeaders({
    appKey: call.appKey,
    appSecret: call.appSecret,
    path: call.path,
    body,
    now: call.now ?? Date.now(),
    ...(call.nonce ? { nonce: call.nonce } : {}),
  });
  const res = await fetch(call.url + call.path, {
    method: 'POST',
    headers: { ...headers, ...call.headers },
    body: call.tamperBody ? call.tamperBody(body) : body,
  });
  const text = await res.text();
  let parsed: CloudReply['body'] = null;
  try {
    parsed = text ? (JSON.parse(text) as CloudReply['body']) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}
