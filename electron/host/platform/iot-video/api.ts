// The IoT video platform's QueryVoiceIntercom (seed 003) as data: its own parameters, the common
// parameters it needs beside the signature, and the reply. Shared by the client and the sandbox.
import { z } from 'zod';

export const IOT_VIDEO_ACTION = 'QueryVoiceIntercom';
/** LinkVisual's API version (its "common parameters": the latest is 2018-01-20). */
export const IOT_VIDEO_API_VERSION = '2018-01-20';

/** The camera: IotId, or ProductKey with DeviceName (IotId wins when both are given). */
export type CameraRef = { iotId: string } | { productKey: string; deviceName: string };

/** ws for a web client (this panel), rtmp (the default) for the Android/iOS SDKs. */
export const voiceIntercomScheme = z.enum(['ws', 'rtmp']);
export type VoiceIntercomScheme = z.infer<typeof voiceIntercomScheme>;

export const queryVoiceIntercomParams = z.object({
  Action: z.literal(IOT_VIDEO_ACTION),
  Scheme: voiceIntercomScheme.optional(),
  IotInstanceId: z.string().min(1).optional(),
  ProductKey: z.string().min(1).optional(),
  DeviceName: z.string().min(1).optional(),
  IotId: z.string().min(1).optional(),
  RegionId: z.string().min(1),
});

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

export const voiceIntercomData = z.object({
  Url: z.string().min(1),
  CryptoKey: z.object({ Iv: base64, Key: base64 }),
});

/** Success and business failures share one shape: Code "200" and Success true, or Code/ErrorMessage. */
export const rpcReplySchema = z.object({
  RequestId: z.string().optional(),
  Code: z.string().optional(),
  Success: z.boolean().optional(),
  ErrorMessage: z.string().optional().nullable(),
  /** Gateway-level errors (signature, throttling) say Message instead of ErrorMessage. */
  Message: z.string().optional().nullable(),
  Data: z.unknown().optional(),
});
