import type { HostBridge } from '@contract';
import type { ScreenBridge } from './screen-bridge';

/**
 * Wraps the preload's `window.lintel`. The host lives in the same Electron process as the
 * IPC channel, so the channel is up for as long as this page exists.
 */
export function ipcBridge(lintel: HostBridge): ScreenBridge {
  return {
    connected: true,
    request: (method, params) => lintel.request(method, params),
    on: (event, listener) => lintel.on(event, listener),
    media: lintel.media,
    onConnectionChange: () => () => {},
  };
}
