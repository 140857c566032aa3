// IoT video platform (seed 003): the Alibaba Cloud RPC signature and QueryVoiceIntercom.
export * from './api.js';
export * from './rpc-signing.js';
export { IotVideoClient, type IotVideoClientOptions, type VoiceIntercomSession } from './client.js';
