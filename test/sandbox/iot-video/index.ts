// The sandbox's IoT video platform under /linkvisual: the RPC gateway (AccessKey, HMAC-SHA1
// signature, timestamp window, nonce replay, Version, Action) and QueryVoiceIntercom (seed 003).
// Answers JSON or XML as Format asks (XML by default, as the platform's common parameters say).
// The talk URL it hands out is not served: the protocol behind it is not in the specification.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IOT_VIDEO_ACTION, IOT_VIDEO_API_VERSION, queryVoiceIntercomParams } from '../../../electron/host/platform/iot-video/api.js';
import { RPC_TIMESTAMP_WINDOW_MS, verifyRpcRequest, type RpcVerifyFailure } from '../../../electron/host/platform/iot-video/rpc-signing.js';
import { escapeXml } from '../../../electron/host/platform/isdp/xmpp.js';
import { bodyText, origin, type SystemsContext } from '../systems/context.js';

export const IOT_VIDEO_PREFIX = '/linkvisual';
const HOST_ID = 'linkvisual.sandbox.lintel.test';

/** Alibaba Cloud's gateway error codes, statuses and wording for each way a signature check fails. */
const GATEWAY: Record<RpcVerifyFailure, { status: number; code: string; message: string }> = {
  'missing-parameter': { status: 400, code: 'MissingParameter', message: 'The input parameter that is mandatory for processing this request is not supplied.' },
  'unknown-access-key': { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' },
  'unsupported-signature-method': { status: 400, code: 'IncompleteSignature', message: 'The request signature does not conform to Aliyun standards.' },
  'invalid-timestamp': { status: 400, code: 'InvalidTimeStamp.Expired', message: 'Specified time stamp or date value is expired.' },
  'replayed-nonce': { status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.' },
  'invalid-signature': { status: 400, code: 'SignatureDoesNotMatch', message: 'Specified signature is not matched with our calculation.' },
};

type Answer = { status: number; root: string; body: Record<string, unknown> };

export function registerIotVideo(app: FastifyInstance, sc: SystemsContext): void {
  const nonces = new Map<string, number>();
  const seenNonce = (key: string, nonce: string): boolean => {
    const now = sc.now();
    for (const [k, exp] of nonces) if (exp <= now) nonces.delete(k);
    const id = `${key}\n${nonce}`;
    if (nonces.has(id)) return true;
    nonces.set(id, now + 2 * RPC_TIMESTAMP_WINDOW_MS);
    return false;
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (sc.faults.isDown('iot-video')) return void (await reply.code(503).send(''));
    const params = Object.fromEntries([
      ...new URLSearchParams(req.url.split('?')[1] ?? ''),
      ...(req.method === 'POST' ? new URLSearchParams(bodyText(req)) : []),
    ]);
    const answer = respond(sc, req, params, seenNonce);
    const xml = (params['Format'] ?? 'XML').toUpperCase() !== 'JSON';
    await reply
      .code(answer.status)
      .header('content-type', xml ? 'text/xml;charset=utf-8' : 'application/json;charset=utf-8')
      .send(xml ? toXml(answer.root, answer.body) : JSON.stringify(answer.body));
  };
  for (const path of [IOT_VIDEO_PREFIX, `${IOT_VIDEO_PREFIX}/`]) {
    app.get(path, handler);
    app.post(path, handler);
  }
}

function respond(sc: SystemsContext, req: FastifyRequest, params: Record<string, string>, seenNonce: (k: string, n: string) => boolean): Answer {
  const RequestId = randomUUID().toUpperCase();
  const gateway = (status: number, Code: string, Message: string): Answer => ({ status, root: 'Error', body: { RequestId, HostId: HOST_ID, Code, Message } });
  const failed = (Code: string, ErrorMessage: string, status = 200): Answer => ({ status, root: `${IOT_VIDEO_ACTION}Response`, body: { RequestId, Success: false, Code, ErrorMessage } });

  const verdict = verifyRpcRequest(req.method, params, (id) => keyRow(sc, id)?.secret, sc.now(), seenNonce);
  if (!verdict.ok) {
    const g = GATEWAY[verdict.reason];
    const detail = verdict.reason === 'missing-parameter' ? ` (${verdict.missing})` : verdict.serverStringToSign ? ` server string to sign is:${verdict.serverStringToSign}` : '';
    sc.log.warn({ reason: verdict.reason }, 'iot-video gateway rejected request');
    return gateway(g.status, g.code, g.message + detail);
  }
  if (params['Version'] !== IOT_VIDEO_API_VERSION) return gateway(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
  if (params['Action'] !== IOT_VIDEO_ACTION) return gateway(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');

  const fault = sc.faults.take('iot-video', IOT_VIDEO_ACTION);
  if (fault?.malformed) return { status: 200, root: `${IOT_VIDEO_ACTION}Response`, body: { RequestId, Code: '200', Success: true, Data: { Url: 5 } } };
  if (fault) {
    const status = fault.status ?? 200;
    return failed(fault.code ?? (status >= 500 ? 'iot.system.SystemException' : 'iot.system.IllegalRequest'), fault.message ?? 'injected fault', status);
  }
  const p = queryVoiceIntercomParams.safeParse(params);
  if (!p.success) return failed('iot.system.IllegalRequest', `${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? 'is invalid'}`.trim());
  const q = p.data;
  const instance = keyRow(sc, verdict.accessKeyId)?.instance_id ?? null;
  // "If your instance has an ID, you must specify the ID for this parameter. Otherwise, the call fails."
  if (instance !== null && q.IotInstanceId !== instance) return failed('iot.common.InvalidTenant', 'tenant auth error');
  let camera: { iot_id: string } | undefined;
  if (q.IotId) camera = sc.db.prepare('SELECT iot_id FROM iot_video_cameras WHERE iot_id = ?').get(q.IotId) as { iot_id: string } | undefined;
  else if (q.ProductKey && q.DeviceName) {
    camera = sc.db.prepare('SELECT iot_id FROM iot_video_cameras WHERE product_key = ? AND device_name = ?').get(q.ProductKey, q.DeviceName) as { iot_id: string } | undefined;
  } else if (q.ProductKey || q.DeviceName) return failed('iot.system.IllegalRequest', 'ProductKey and DeviceName must be given together');
  else return failed('iot.system.IllegalRequest', 'IotId, or ProductKey and DeviceName, is required');
  if (!camera) return failed('iot.device.NotExistedDevice', 'The specified device does not exist.');

  const scheme = q.Scheme ?? 'rtmp';
  const token = randomBytes(16).toString('hex');
  const host = new URL(origin(req)).host;
  const Url = scheme === 'ws' ? `ws://${host}${IOT_VIDEO_PREFIX}/talk?token=${token}` : `rtmp://${host.split(':')[0]}:8000/talk?token=${token}`;
  sc.db.prepare('INSERT INTO iot_video_queries (at, access_key_id, iot_id, scheme, request_id, code) VALUES (?, ?, ?, ?, ?, ?)')
    .run(sc.now(), verdict.accessKeyId, camera.iot_id, scheme, RequestId, '200');
  sc.log.info({ iotId: camera.iot_id, scheme }, 'iot-video voice intercom issued');
  return {
    status: 200,
    root: `${IOT_VIDEO_ACTION}Response`,
    body: { RequestId, Data: { Url, CryptoKey: { Iv: randomBytes(16).toString('base64'), Key: randomBytes(16).toString('base64') } }, Code: '200', Success: true },
  };
}

function keyRow(sc: SystemsContext, accessKeyId: string): { secret: string; instance_id: string | null } | undefined {
  return sc.db.prepare('SELECT secret, instance_id FROM iot_video_keys WHERE access_key_id = ?').get(accessKeyId) as { secret: string; instance_id: string | null } | undefined;
}

/** The platform's XML form: one element per field, nested for structs (the seed's sample). */
function toXml(root: string, body: Record<string, unknown>): string {
  const inner = (o: Record<string, unknown>): string =>
    Object.entries(o).map(([k, v]) => `<${k}>${v !== null && typeof v === 'object' ? inner(v as Record<string, unknown>) : escapeXml(String(v))}</${k}>`).join('');
  return `<?xml version='1.0' encoding='UTF-8'?><${root}>${inner(body)}</${root}>`;
}
