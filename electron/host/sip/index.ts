// SIP for the panel: one registered account over our own reliable UDP (or TCP) transport for
// sip.js, with recovery, keepalive and an INVITE guard. The call layer builds on `SipAccount`
// (its `onInvite` hook and `userAgent`).
export { SipAccount, ACCEPTED_METHODS } from './account.js';
export type { AccountState, AccountStateEvent, SipAccountConfig, SipAccountDeps } from './account.js';
export { UdpTransport } from './udp-transport.js';
export type { UdpTransportOptions } from './udp-transport.js';
export { TcpTransport } from './tcp-transport.js';
export type { TcpTransportOptions } from './tcp-transport.js';
export type { Endpoint, LocalTransport, RequestFilter, RequestSource, Rejection, TransportStats } from './transport-base.js';
export { InviteGuard, parseAddressRule } from './invite-guard.js';
export type { InviteGuardOptions, InviteVerdict } from './invite-guard.js';
export { peek, parseVia, transactionKey } from './wire.js';
export type { WireMessage, WireRequest, WireResponse, WireVia } from './wire.js';
export { IntercomLine, readStoredLineState, INTERCOM_LINE_SETTINGS_KEY } from './line.js';
export type { IntercomLineState, IntercomLineOptions } from './line.js';
export { PanelCalls, describeEnd } from './panel-calls.js';
export type { PanelCallsOptions } from './panel-calls.js';
