import { MEDIA_WS_PATH, WS_PATH } from '@contract';
import { ipcBridge } from './ipc-bridge';
import type { ScreenBridge } from './screen-bridge';
import { wsBridge } from './ws-bridge';

export type { ScreenBridge } from './screen-bridge';
export { HostRequestError } from './screen-bridge';

/**
 * Inside the Electron kiosk the preload exposes the host as `window.lintel`; in a plain
 * Chromium (tests, machines without Electron) the page is served by the host itself, so the
 * host's WebSocket is on the same origin.
 */
export function connectHost(): ScreenBridge {
  if (window.lintel) return ipcBridge(window.lintel);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return wsBridge({ url: `${scheme}://${location.host}${WS_PATH}`, mediaUrl: `${scheme}://${location.host}${MEDIA_WS_PATH}` });
}
