// The IoT request/response envelope shared by every community-platform API (seeds 000/001).
import { z } from 'zod';

export const iotRequestSchema = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  request: z.object({
    apiVer: z.string().min(1),
    cloudToken: z.string().optional(),
    iotToken: z.string().optional(),
    language: z.string().optional(),
  }).loose(),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type IotRequest = z.infer<typeof iotRequestSchema>;

export const iotResponseSchema = z.object({
  id: z.string().optional(),
  code: z.number().int(),
  message: z.string().nullable().optional(),
  localizedMsg: z.string().nullable().optional(),
  data: z.unknown().optional(),
});
export type IotResponse = z.infer<typeof iotResponseSchema>;

/** Error codes of seed 001 lines 46960-47260, with the platform's own wording. */
export const PLATFORM_ERRORS = {
  400: { message: 'request error.', localizedMsg: '请求错误' },
  401: { message: 'request auth error.', localizedMsg: '请求授权失败' },
  403: { message: 'request forbidden.', localizedMsg: '请求被禁止' },
  429: { message: 'too many requests.', localizedMsg: '太多请求' },
  460: { message: 'request parameter error.', localizedMsg: '请求参数错误' },
  500: { message: 'System Error', localizedMsg: '服务端错误' },
  20003: { message: 'gateway.not found backend router', localizedMsg: '没有找到路由服务' },
  20004: { message: 'gateway.backend service error', localizedMsg: '调用后端服务时发生异常' },
} as const;
export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/** 429 and 5xx may succeed later; 400/403/460 never will without a change on our side. */
export function isRetryableCode(code: number): boolean {
  return code === 429 || (code >= 500 && code < 600);
}
