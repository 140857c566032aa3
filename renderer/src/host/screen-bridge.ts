import type { HostBridge } from '@contract';

/**
 * The contract's HostBridge plus what only the screen cares about: whether the host is
 * reachable right now. The contract has no notion of a connection because over Electron IPC
 * there is none to lose.
 */
export interface ScreenBridge extends HostBridge {
  readonly connected: boolean;
  /** Called with every change; returns an unsubscribe function. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

/** A failed request, with the host's error code when the host gave one. */
export class HostRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostRequestError';
  }
}
