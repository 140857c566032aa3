// ISDP device call (seed 004): token, the remote-invite XMPP message, openApiSendImMessage.
export * from './api.js';
export * from './xmpp.js';
export { IsdpClient, type IsdpClientOptions, type IsdpDeviceAddress } from './client.js';
