export * as communityApi from './community-api.js';
export { CommunityClient, PlatformError, CALL_TIMEOUT_MS, type PlatformCredentials, type PlatformErrorKind } from './client.js';
export { CloudTokenOwner } from './token.js';
export { bindQrSign } from './gateway-signing.js';
export { isRetryableCode } from './envelope.js';
export { describePlatformError } from './problems.js';
