// The media engine: G.711 audio and received H.264 video over plain RTP for the SIP layer.
import type { Logger } from 'pino';
import { silentLogger } from '../log/index.js';
import { RtpMediaSession } from './rtp-session.js';
import type { MediaEngine } from './types.js';

export * from './types.js';

export interface MediaEngineOptions {
  logger?: Logger;
  /** Host clock in ms (receivedAt, rate limits); injectable for tests. */
  now?: () => number;
}

export function createMediaEngine(opts: MediaEngineOptions = {}): MediaEngine {
  const logger = (opts.logger ?? silentLogger()).child({ module: 'media' });
  // Wall-clock ms by default: the screen compares receivedAt with its own clock.
  const now = opts.now ?? Date.now;
  return {
    createSession: (options) => RtpMediaSession.create(options, { logger, now }),
  };
}
