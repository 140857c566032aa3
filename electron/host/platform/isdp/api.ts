// ISDP's APIs as data. openApiSendImMessage is seed 004; the token it needs ("获取Token", the
// seed's "5.2.1中获取的access_token") is ISDP's public OAuth2 password grant, which the seed names
// but does not print: POST /oauth2/oauth/rest_token {client_id, client_secret, grant_type:
// "password", username: the API application's id, password: its token}. Its answer's plat_user is
// the API account, whose userId/userName/userNo/tenantId are exactly what directives_attrs needs.
import { z } from 'zod';

export const ISDP_TOKEN_PATH = '/oauth2/oauth/rest_token';
export const ISDP_SEND_IM_PATH = '/openapi/v1/openSendImMessage/openApiSendImMessage';

export const isdpTokenRequestSchema = z.object({
  client_id: z.string().min(1),
  /** ISDP: "客户端密钥，和client_id保持一致". */
  client_secret: z.string().min(1),
  grant_type: z.literal('password'),
  username: z.string().min(1),
  password: z.string().min(1),
});

export const isdpPlatUserSchema = z.object({
  userId: z.number().int(),
  userNo: z.string(),
  userName: z.string(),
  tenantId: z.number().int(),
}).loose();
export type IsdpPlatUser = z.infer<typeof isdpPlatUserSchema>;

export const isdpTokenReplySchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  // One ISDP page types it INT, another String: either is read, in seconds.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  scope: z.string().optional(),
  plat_user: isdpPlatUserSchema,
});

/** OAuth2's error body (Spring Security OAuth): {"error": "invalid_token", "error_description": "…"}. */
export const isdpOauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

export const isdpSendImRequestSchema = z.object({ message: z.string().min(1) });

export const isdpSendImReplySchema = z.object({
  /** "0" success, anything else a failure. */
  stateCode: z.string(),
  errorMessage: z.string().nullable().optional(),
  result: z.unknown().optional(),
});

export const ISDP_OK = '0';
