// Electron main process: the host runs here, the screen is a locked-down window that talks to it
// over IPC only. The screen is served from a privileged custom scheme (never file://) so that the
// recognizer's worker can load its model.
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session } from 'electron';
import { join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { modelArchive } from './host/speech/model-files.js';
import { MODEL_ARCHIVE_PATH } from './host/voice/index.js';
import { IPC_EVENT, IPC_MEDIA, IPC_REQUEST } from './contract/index.js';
import { loadConfig } from './host/config/index.js';
import { createLogger } from './host/log/index.js';
import { dispatchRequest } from './host/server/dispatch.js';
import { SCREEN_CSP } from './host/server/index.js';
import { safeStorageCipher } from './host/store/index.js';
import { RENDERER_DIR, startKiosk, type Kiosk } from './kiosk.js';

const SCHEME = 'lintel';
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const logger = createLogger();
let kiosk: Kiosk | null = null;

async function boot(): Promise<void> {
  await app.whenReady();
  protocol.handle(SCHEME, async (request) => {
    if (new URL(request.url).pathname === MODEL_ARCHIVE_PATH) {
      const dir = kiosk?.host.voiceModelDir();
      if (!dir) return new Response('no voice model installed', { status: 404 });
      return new Response(Readable.toWeb(modelArchive(dir)) as ReadableStream, { headers: { 'content-type': 'application/gzip' } });
    }
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(new URL(request.url).pathname)));
    if (!path.startsWith(RENDERER_DIR + sep) && path !== RENDERER_DIR) return new Response('not found', { status: 404 });
    const file = path.endsWith(sep) || path === RENDERER_DIR ? join(path, 'index.html') : path;
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', SCREEN_CSP);
    return new Response(response.body, { status: response.status, headers });
  });
  // The screen never needs the network beyond its own scheme.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !details.url.startsWith(`${SCHEME}:`) && !details.url.startsWith('devtools:') });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'media'));

  const config = loadConfig();
  kiosk = await startKiosk({
    config,
    logger,
    serveScreen: false,
    hostOptions: safeStorage.isEncryptionAvailable() ? { cipher: safeStorageCipher(safeStorage) } : {},
  });
  const host = kiosk.host;
  ipcMain.handle(IPC_REQUEST, (e, method: unknown, params: unknown) => {
    // Only the kiosk's own page may drive the host, never a frame from anywhere else.
    if (!e.senderFrame?.url.startsWith(`${SCHEME}:`)) {
      logger.warn({ url: e.senderFrame?.url }, 'refused an IPC request from a foreign frame');
      return { kind: 'response', id: 0, ok: false, error: { code: 'forbidden', message: 'forbidden' } };
    }
    return dispatchRequest(host.api, String(method), params, logger).then((o) => (o.ok ? { kind: 'response', id: 0, ok: true, result: o.result } : { kind: 'response', id: 0, ok: false, error: o.error }));
  });

  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    kiosk: process.env['LINTEL_KIOSK'] === '1',
    autoHideMenuBar: true,
    backgroundColor: '#0b1a2b',
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // A door call must ring on a panel nobody has touched since it booted.
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  host.on('state', (payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, 'state', payload);
  });
  host.media.onFrame((frame) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_MEDIA, frame);
  });
  ipcMain.on(IPC_MEDIA, (e, frame: unknown) => {
    if (!e.senderFrame?.url.startsWith(`${SCHEME}:`)) return;
    if (frame instanceof ArrayBuffer) host.media.receive(frame);
    else if (frame instanceof Uint8Array) host.media.receive(frame.slice().buffer);
  });
  // The IPC media channel has no subscription to notice a reload, so tell the host here.
  win.webContents.on('did-finish-load', () => host.media.screenReloaded());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${SCHEME}:`)) e.preventDefault();
  });
  await win.loadURL(`${SCHEME}://screen/index.html`);
}

app.on('window-all-closed', () => app.quit());
app.on('will-quit', (e) => {
  if (!kiosk) return;
  e.preventDefault();
  const k = kiosk;
  kiosk = null;
  void k.stop().finally(() => app.quit());
});

boot().catch((e: unknown) => {
  logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'kiosk failed to start');
  app.exit(1);
});
