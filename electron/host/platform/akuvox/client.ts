// Calls one Akuvox open-ability command (seed 002): Bearer token, {command, id, param}, the reply's
// {success, timestamp, result} checked against the command's schema, and every way it can fail
// turned into a SystemError with a Chinese reason where the failure code has one.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { httpRequest, statusError, SystemError, SYSTEM_CALL_TIMEOUT_MS, type SystemErrorKind } from '../systems/http.js';
import {
  AKUVOX_PATH,
  akuvoxCommands,
  akuvoxFailureSchema,
  akuvoxReplySchema,
  type AkuvoxCommand,
  type AkuvoxFailureCode,
  type AkuvoxParam,
  type AkuvoxResult,
} from './api.js';

export interface AkuvoxClientOptions {
  /** The open-ability API's origin (and base path, if any), without the command path. */
  endpoint: string;
  /** The Bearer access token. */
  token: string;
  timeoutMs?: number;
}

/** What each failure code means to the resident (the codes are listed in api.ts). */
const REASONS: Partial<Record<AkuvoxFailureCode, string>> = {
  RESIDENCE_FORBIDDEN: '本机的 Akuvox 访问令牌无权访问这个住宅，请联系安装人员',
  DEVICE_NOT_FOUND: '住宅中已没有这台设备',
  RELAY_NOT_FOUND: '这台设备上已没有这个门',
  DEVICE_OFFLINE: '设备离线，暂时无法操作',
  TEMP_KEY_NOT_FOUND: '这个临时密码不存在或已被删除',
  INVALID_TIME_RANGE: '临时密码的结束时间必须晚于开始时间',
  INVALID_PARAM: 'Akuvox 云平台认为请求参数有误',
  UNKNOWN_COMMAND: 'Akuvox 云平台不支持这个功能',
};

export class AkuvoxClient {
  private readonly timeoutMs: number;

  constructor(private readonly o: AkuvoxClientOptions) {
    this.timeoutMs = o.timeoutMs ?? SYSTEM_CALL_TIMEOUT_MS;
  }

  async call<C extends AkuvoxCommand>(command: C, param: AkuvoxParam<C>): Promise<AkuvoxResult<C>> {
    const body = JSON.stringify({ command, id: randomUUID().replace(/-/g, ''), param });
    const answer = await httpRequest('akuvox', command, this.o.endpoint.replace(/\/+$/, '') + AKUVOX_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.o.token}` },
      body,
    }, this.timeoutMs);
    const reply = akuvoxReplySchema.safeParse(answer.json);
    if (!reply.success) {
      if (answer.status >= 200 && answer.status < 300) throw new SystemError('akuvox', 'bad-reply', command, `${command}: reply is not {success, timestamp, result}`, answer.status);
      throw statusError('akuvox', command, answer.status, 'without a failure reply');
    }
    if (!reply.data.success || answer.status < 200 || answer.status >= 300) throw failure(command, answer.status, reply.data.result, answer.json);
    // The spec is indexed by a generic key, so its schema's output is AkuvoxResult<C> by construction.
    const schema = akuvoxCommands[command].result as unknown as z.ZodType<AkuvoxResult<C>>;
    const parsed = schema.safeParse(reply.data.result);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SystemError('akuvox', 'bad-reply', command, `${command}: result.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'does not match the documented schema'}`, answer.status);
    }
    return parsed.data;
  }
}

function failure(command: string, status: number, result: unknown, whole: unknown): SystemError {
  const inner = akuvoxFailureSchema.safeParse(result);
  const outer = akuvoxFailureSchema.safeParse(whole);
  const pick = (f: 'code' | 'message' | 'msg'): string | undefined => {
    const v = (inner.success ? inner.data[f] : undefined) ?? (outer.success ? outer.data[f] : undefined);
    return v === undefined ? undefined : String(v);
  };
  const code = pick('code') ?? null;
  const message = pick('message') ?? pick('msg') ?? '';
  let kind: SystemErrorKind = 'rejected';
  if (status === 401 || status === 403 || code === 'UNAUTHORIZED' || code === 'RESIDENCE_FORBIDDEN') kind = 'auth';
  else if (status === 429 || status === 503 || code === 'TOO_MANY_REQUESTS') kind = 'busy';
  else if (status >= 500 || code === 'INTERNAL_ERROR') kind = 'server';
  const reason = code !== null ? REASONS[code as AkuvoxFailureCode] ?? null : null;
  return new SystemError('akuvox', kind, command, `${command}: ${code ?? 'failure'} ${message}`.trim(), status, code, reason);
}
