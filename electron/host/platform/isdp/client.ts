// ISDP device call (seed 004): get an access token (password grant), then openApiSendImMessage with
// the remote-invite XMPP message addressed to the device's chatJid. A token ISDP no longer accepts
// (401 invalid_token) is replaced once and the message sent again; stateCode other than "0" is a
// refusal with ISDP's errorMessage.
import { randomUUID } from 'node:crypto';
import { httpRequest, statusError, SystemError, SYSTEM_CALL_TIMEOUT_MS } from '../systems/http.js';
import {
  ISDP_OK,
  ISDP_SEND_IM_PATH,
  ISDP_TOKEN_PATH,
  isdpOauthErrorSchema,
  isdpSendImReplySchema,
  isdpTokenReplySchema,
  type IsdpPlatUser,
} from './api.js';
import { remoteInviteMessage } from './xmpp.js';

export interface IsdpClientOptions {
  /** https://isdp.<domain>, without a path. */
  endpoint: string;
  /** The OAuth2 client id from ISDP's console (初始设置 > oauth2集成设置); the client secret equals it. */
  clientId: string;
  /** The API application's id. */
  username: string;
  /** The API application's token (a secret). */
  password: string;
  /** The Openfire service's domain (the properties namespace). */
  xmppDomain: string;
  timeoutMs?: number;
  now?: () => number;
}

export interface IsdpDeviceAddress {
  chatJid: string;
  deviceId: string;
  isdpDeviceId: string;
}

interface Token {
  accessToken: string;
  user: IsdpPlatUser;
  renewAt: number;
}

/** Renew when this fraction of the token's lifetime has passed. */
const RENEW_AT = 0.8;

export class IsdpClient {
  private current: Token | null = null;
  private pending: Promise<Token> | null = null;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly o: IsdpClientOptions) {
    this.now = o.now ?? Date.now;
    this.timeoutMs = o.timeoutMs ?? SYSTEM_CALL_TIMEOUT_MS;
  }

  /** A token valid now, and the API account it belongs to. Concurrent callers share one request. */
  token(): Promise<Token> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current);
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  invalidate(): void {
    this.current = null;
  }

  /** Sends the remote invite to one device; resolves with the message id ISDP accepted. */
  async callDevice(device: IsdpDeviceAddress): Promise<{ messageId: string }> {
    for (let attempt = 1; ; attempt++) {
      const { accessToken, user } = await this.token();
      const messageId = randomUUID();
      const message = remoteInviteMessage({
        to: device.chatJid,
        id: messageId,
        xmppDomain: this.o.xmppDomain,
        attrs: { userId: user.userId, userName: user.userName, userNo: user.userNo, tenantId: user.tenantId, deviceId: device.deviceId, isdpDeviceId: device.isdpDeviceId },
      });
      try {
        await this.sendIm(accessToken, message);
        return { messageId };
      } catch (e) {
        // Someone (or a restart of ISDP) invalidated the token: one fresh token, one more try.
        if (e instanceof SystemError && e.kind === 'auth' && e.status === 401 && attempt === 1) {
          this.invalidate();
          continue;
        }
        throw e;
      }
    }
  }

  async sendIm(accessToken: string, message: string): Promise<void> {
    const op = 'openApiSendImMessage';
    const answer = await httpRequest('isdp', op, this.url(ISDP_SEND_IM_PATH), {
      method: 'POST',
      // The seed writes the scheme in lower case: "bearer ${access_token}".
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `bearer ${accessToken}` },
      body: JSON.stringify({ message }),
    }, this.timeoutMs);
    if (answer.status === 401 || answer.status === 403) throw oauthError(op, answer.status, answer.json);
    const reply = isdpSendImReplySchema.safeParse(answer.json);
    if (!reply.success) {
      if (answer.status >= 200 && answer.status < 300) throw new SystemError('isdp', 'bad-reply', op, `${op}: reply is not {stateCode, errorMessage, result}`, answer.status);
      throw statusError('isdp', op, answer.status, 'without a reply');
    }
    const { stateCode, errorMessage } = reply.data;
    if (stateCode !== ISDP_OK) {
      const kind = answer.status >= 500 ? 'server' : 'rejected';
      throw new SystemError('isdp', kind, op, `${op}: stateCode ${stateCode} ${errorMessage ?? ''}`.trim(), answer.status, stateCode,
        `ISDP 平台未能呼叫该设备：${errorMessage || `状态码 ${stateCode}`}`);
    }
  }

  private async fetchToken(): Promise<Token> {
    const op = 'getToken';
    const startedAt = this.now();
    const answer = await httpRequest('isdp', op, this.url(ISDP_TOKEN_PATH), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_id: this.o.clientId, client_secret: this.o.clientId, grant_type: 'password', username: this.o.username, password: this.o.password }),
    }, this.timeoutMs);
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) throw oauthError(op, answer.status, answer.json);
    const reply = isdpTokenReplySchema.safeParse(answer.json);
    if (!reply.success) {
      if (answer.status >= 200 && answer.status < 300) {
        const issue = reply.error.issues[0];
        throw new SystemError('isdp', 'bad-reply', op, `${op}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'does not match'}`.trim(), answer.status);
      }
      throw statusError('isdp', op, answer.status, 'without a token');
    }
    const t = reply.data;
    this.current = { accessToken: t.access_token, user: t.plat_user, renewAt: startedAt + t.expires_in * 1000 * RENEW_AT };
    return this.current;
  }

  private url(path: string): string {
    return this.o.endpoint.replace(/\/+$/, '') + path;
  }
}

/** OAuth2 refusals: a bad grant (wrong application id or token) and a dead access token alike need new credentials or a new token. */
function oauthError(op: string, status: number, json: unknown): SystemError {
  const body = isdpOauthErrorSchema.safeParse(json);
  const code = body.success ? body.data.error : null;
  const detail = body.success ? body.data.error_description ?? '' : '';
  return new SystemError('isdp', 'auth', op, `${op}: HTTP ${status} ${code ?? ''} ${detail}`.replace(/\s+/g, ' ').trim(), status, code);
}
