// Only the screen this host served may drive it: a page from any other origin, or a request
// under another Host name (DNS rebinding), is refused.
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { startPanel, type TestPanel } from '../support/panel.js';
import { tempDir } from '../support/temp.js';

function connect(url: string, origin: string): Promise<{ opened: boolean; closeCode: number | null; firstMessage: string | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    let opened = false;
    ws.on('open', () => {
      opened = true;
      ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'state.get', params: {} }));
    });
    ws.on('message', (data) => {
      resolve({ opened, closeCode: null, firstMessage: data.toString() });
      ws.close();
    });
    ws.on('close', (code) => resolve({ opened, closeCode: code, firstMessage: null }));
    ws.on('error', () => resolve({ opened, closeCode: null, firstMessage: null }));
  });
}

/** fetch() will not send a Host header of our choosing; a raw request will. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the screen server', () => {
  let sandbox: Sandbox;
  let panel: TestPanel;
  beforeAll(async () => {
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false });
    panel = await startPanel({ sandbox, dataDir: tempDir('panel') });
  });
  afterAll(async () => {
    await panel?.stop();
    await sandbox?.close();
  });

  it('answers its own screen over the WebSocket', async () => {
    const origin = panel.url.replace(/\/$/, '');
    const r = await connect(`${origin.replace('http', 'ws')}/host`, origin);
    expect(JSON.parse(r.firstMessage ?? '{}')).toMatchObject({ kind: 'response', id: 1, ok: true, result: { deviceId: panel.host.deviceId } });
  });

  it('refuses a page from another origin', async () => {
    const r = await connect(`${panel.url.replace('http', 'ws')}host`, 'http://attacker.example');
    expect(r.firstMessage).toBeNull();
    expect(r.closeCode).toBe(1008);
  });

  it('refuses a request that names another host, and sends the screen with its CSP', async () => {
    expect(await getWithHost(panel.url, 'rebind.example')).toBe(421);
    const own = await fetch(panel.url);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
