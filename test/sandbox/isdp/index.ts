// The sandbox's ISDP under /isdp: the OAuth2 token (password grant) and openApiSendImMessage
// (seed 004). A message must be well-formed XML (read strictly, as Openfire would), addressed to a
// known device's chatJid, with directives_type qc-intellect-equip-remote-invite and
// directives_attrs naming the calling account and that device; every message received is kept
// for the console, accepted or not.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ISDP_OK,
  ISDP_SEND_IM_PATH,
  ISDP_TOKEN_PATH,
  isdpSendImRequestSchema,
  isdpTokenRequestSchema,
} from '../../../electron/host/platform/isdp/api.js';
import { propertiesNamespace, REMOTE_INVITE } from '../../../electron/host/platform/isdp/xmpp.js';
import { ISDP_DEMO } from '../systems/demo.js';
import { bodyText, header, type SystemsContext } from '../systems/context.js';
import { childElements, parseXml, textOf, XmlError, type XmlElement } from './xml.js';

export const ISDP_PREFIX = '/isdp';

/** The sandbox's stateCode for a message it refuses (ISDP documents only "0" = success). */
export const ISDP_REFUSED = '1';

interface AppRow { username: string; password: string; client_id: string; user_id: number; user_no: string; user_name: string; tenant_id: number }
interface DeviceRow { chat_jid: string; name: string; device_id: string; isdp_device_id: string; tenant_id: number }

const attrsSchema = z.object({
  userId: z.number().int(),
  userName: z.string(),
  userNo: z.string(),
  tenantId: z.number().int(),
  deviceId: z.string().min(1),
  isdpDeviceId: z.string().min(1),
});

class Refusal extends Error {}

export interface IsdpOptions {
  /** Access token lifetime in seconds (default the demo's 1199). */
  tokenLifetimeSec?: number;
}

export function registerIsdp(app: FastifyInstance, sc: SystemsContext, o: IsdpOptions = {}): void {
  const json = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).header('content-type', 'application/json;charset=UTF-8').send(JSON.stringify(body));

  app.post(ISDP_PREFIX + ISDP_TOKEN_PATH, async (req, reply) => {
    if (sc.faults.isDown('isdp')) return reply.code(503).send('');
    const fault = sc.faults.take('isdp', 'token');
    if (fault?.malformed) return json(reply, 200, { access_token: 42 });
    if (fault) return json(reply, fault.status ?? 500, { error: fault.code ?? 'server_error', error_description: fault.message ?? 'injected fault' });
    let parsed: z.ZodSafeParseResult<z.infer<typeof isdpTokenRequestSchema>>;
    try {
      parsed = isdpTokenRequestSchema.safeParse(JSON.parse(bodyText(req)));
    } catch {
      return json(reply, 400, { error: 'invalid_request', error_description: 'body is not JSON' });
    }
    if (!parsed.success) return json(reply, 400, { error: 'invalid_request', error_description: `${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim() });
    const r = parsed.data;
    const appRow = sc.db.prepare('SELECT * FROM isdp_apps WHERE username = ?').get(r.username) as AppRow | undefined;
    // Spring Security OAuth2's answers: a wrong client is 401 invalid_client, a wrong user 400 invalid_grant.
    if (!appRow || r.client_id !== appRow.client_id || r.client_secret !== r.client_id) return json(reply, 401, { error: 'invalid_client', error_description: 'Bad client credentials' });
    if (r.password !== appRow.password) return json(reply, 400, { error: 'invalid_grant', error_description: 'Bad credentials' });
    const lifetime = o.tokenLifetimeSec ?? ISDP_DEMO.tokenLifetimeSec;
    const token = randomBytes(24).toString('base64');
    sc.db.prepare('INSERT INTO isdp_tokens (token, username, expires_at) VALUES (?, ?, ?)').run(token, appRow.username, sc.now() + lifetime * 1000);
    sc.log.info({ username: appRow.username }, 'isdp token issued');
    return json(reply, 200, {
      access_token: token, token_type: 'bearer', expires_in: lifetime, scope: 'all',
      plat_user: {
        userId: appRow.user_id, userNo: appRow.user_no, userName: appRow.user_name, userType: 'API', phone: null, tenantId: appRow.tenant_id,
        status: '0', deleteFlag: 0, userExtendMap: { clientId: appRow.client_id }, password: null, salt: null, currentLoginType: 'password',
      },
    });
  });

  app.post(ISDP_PREFIX + ISDP_SEND_IM_PATH, async (req, reply) => {
    if (sc.faults.isDown('isdp')) return reply.code(503).send('');
    const token = /^bearer (\S+)$/i.exec(header(req, 'authorization'))?.[1];
    const caller = token
      ? (sc.db.prepare('SELECT a.* FROM isdp_tokens t JOIN isdp_apps a ON a.username = t.username WHERE t.token = ? AND t.expires_at > ?').get(token, sc.now()) as AppRow | undefined)
      : undefined;
    if (!caller) return json(reply, 401, { error: 'invalid_token', error_description: 'check_token error' });
    const fault = sc.faults.take('isdp', 'send');
    if (fault?.malformed) return json(reply, 200, { state: 'malformed' });
    if (fault) return json(reply, fault.status ?? 200, { stateCode: fault.code ?? ISDP_REFUSED, errorMessage: fault.message ?? '注入的故障', result: null });
    return json(reply, 200, receive(sc, req, caller));
  });
}

/** Checks one message and keeps it; the reply is ISDP's {stateCode, errorMessage, result}. */
function receive(sc: SystemsContext, req: FastifyRequest, caller: AppRow): { stateCode: string; errorMessage: string | null; result: null } {
  let message = '';
  let root: XmlElement | null = null;
  let attrs: z.infer<typeof attrsSchema> | null = null;
  try {
    let body: unknown;
    try {
      body = JSON.parse(bodyText(req));
    } catch {
      throw new Refusal('请求体不是 JSON');
    }
    const parsed = isdpSendImRequestSchema.safeParse(body);
    if (!parsed.success) throw new Refusal('请求参数错误：缺少 message');
    message = parsed.data.message;
    try {
      root = parseXml(message).root;
    } catch (e) {
      throw new Refusal(`message 不是格式正确的 XML：${e instanceof XmlError ? e.message : String(e)}`);
    }
    attrs = checkInvite(root, caller);
    const device = sc.db.prepare('SELECT * FROM isdp_devices WHERE chat_jid = ?').get(root.attrs['to']) as DeviceRow | undefined;
    if (!device || device.tenant_id !== caller.tenant_id) throw new Refusal(`未找到设备 ${root.attrs['to'] ?? ''}`);
    if (attrs.deviceId !== device.device_id || attrs.isdpDeviceId !== device.isdp_device_id) throw new Refusal('directives_attrs 中的设备与 chatJid 不一致');
    store(sc, caller, message, root, attrs, ISDP_OK, null);
    sc.log.info({ to: device.chat_jid, id: root.attrs['id'] }, 'isdp remote invite delivered');
    return { stateCode: ISDP_OK, errorMessage: null, result: null };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    store(sc, caller, message, root, attrs, ISDP_REFUSED, e.message);
    sc.log.warn({ reason: e.message }, 'isdp message refused');
    return { stateCode: ISDP_REFUSED, errorMessage: e.message, result: null };
  }
}

/** The seed's remote-invite stanza, element by element. */
function checkInvite(root: XmlElement, caller: AppRow): z.infer<typeof attrsSchema> {
  if (root.name !== 'message') throw new Refusal(`根元素是 <${root.name}>，应为 <message>`);
  if (!root.attrs['to'] || !root.attrs['id']) throw new Refusal('<message> 缺少 to 或 id');
  if (root.attrs['type'] !== 'chat') throw new Refusal('<message> 的 type 应为 chat');
  const child = (parent: XmlElement, name: string): XmlElement => {
    const found = childElements(parent).filter((c) => c.name === name);
    if (found.length !== 1 || !found[0]) throw new Refusal(`<${parent.name}> 应有且只有一个 <${name}>`);
    return found[0];
  };
  if (textOf(child(root, 'subject')) !== REMOTE_INVITE) throw new Refusal(`不支持的指令 ${textOf(child(root, 'subject'))}`);
  child(root, 'body');
  const props = child(root, 'properties');
  if (props.attrs['xmlns'] !== propertiesNamespace(ISDP_DEMO.xmppDomain)) throw new Refusal(`properties 的命名空间应为 ${propertiesNamespace(ISDP_DEMO.xmppDomain)}`);
  const typed = (name: string): string => {
    const e = child(props, name);
    if (e.attrs['type'] !== 'string') throw new Refusal(`<${name}> 的 type 应为 string`);
    return textOf(e);
  };
  if (typed('directives_type') !== REMOTE_INVITE) throw new Refusal('directives_type 应为 qc-intellect-equip-remote-invite');
  let json: unknown;
  try {
    json = JSON.parse(typed('directives_attrs'));
  } catch {
    throw new Refusal('directives_attrs 不是 JSON');
  }
  const attrs = attrsSchema.safeParse(json);
  if (!attrs.success) throw new Refusal(`directives_attrs.${attrs.error.issues[0]?.path.join('.') ?? ''} 有误`);
  const a = attrs.data;
  if (a.userId !== caller.user_id || a.userName !== caller.user_name || a.userNo !== caller.user_no || a.tenantId !== caller.tenant_id) {
    throw new Refusal('directives_attrs 中的账号与调用账号不一致');
  }
  return a;
}

function store(sc: SystemsContext, caller: AppRow, message: string, root: XmlElement | null, attrs: object | null, stateCode: string, error: string | null): void {
  sc.db.prepare(`INSERT INTO isdp_messages (at, username, message, message_id, to_jid, attrs, state_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(sc.now(), caller.username, message, root?.attrs['id'] ?? null, root?.attrs['to'] ?? null, attrs ? JSON.stringify(attrs) : null, stateCode, error);
}
