// The recognizer's model is an install-time asset the host serves to the screen as the archive
// vosk-browser loads. Here: the realistically corrupt copy (its layout is complete), which the
// screen must then fail to load; `lintel status` names where the host looked.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startPanel, type TestPanel } from '../../support/panel.js';
import { tempDir } from '../../support/temp.js';

const run = promisify(execFile);
const CORRUPT = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'models', 'vosk-model-small-cn-0.22-corrupt');
const LINTEL = join(import.meta.dirname, '..', '..', '..', 'build', 'bin', 'lintel.mjs');
let sandbox: Sandbox;
let panel: TestPanel;

beforeAll(async () => {
  sandbox = await startSandbox({ dbFile: join(tempDir('model-sandbox'), 'sandbox.sqlite'), logger: false });
  panel = await startPanel({ sandbox, dataDir: tempDir('model-panel'), env: { LINTEL_MODEL_DIR: CORRUPT } });
});
afterAll(async () => {
  await panel?.stop();
  await sandbox?.close();
});

describe('the voice model for the screen', () => {
  it("is served as a gzipped tar of the model directory", async () => {
    const g = await panel.host.api['voice.grammar']({ context: 'home' });
    // Versioned, so the screen's cache of the unpacked model follows the installed copy.
    expect(g.modelUrl).toMatch(/^\/model\/vosk-model\.tar\.gz\?v=[0-9a-f]{16}$/);
    const res = await fetch(new URL(g.modelUrl!, panel.url));
    expect(res.status).toBe(200);
    const tar = gunzipSync(Buffer.from(await res.arrayBuffer()));
    // ustar headers: file names at offset 0 of each 512-byte header block.
    expect(tar.includes(Buffer.from('vosk-model-small-cn-0.22-corrupt/am/final.mdl'))).toBe(true);
    expect(tar.includes(Buffer.from('vosk-model-small-cn-0.22-corrupt/graph/HCLr.fst'))).toBe(true);
    // The installed copy is read-only; the archive's entries are owner-writable all the same, or
    // vosk-browser could not finish unpacking it (ustar mode: 8 octal digits at offset 100).
    const mode = parseInt(tar.subarray(100, 107).toString('latin1'), 8);
    expect(mode & 0o200).toBe(0o200);
  });

  it("the screen's report of a model that fails to load shows on the panel and in lintel status", async () => {
    await panel.host.api['voice.model']({ status: 'failed', detail: 'Failed to load model: am/final.mdl: bad header' });
    expect(panel.host.state().voice.model).toEqual({ status: 'failed', message: '语音模型已损坏，语音功能不可用，请用触摸操作' });
    const { stdout } = await run(process.execPath, [LINTEL, 'status'], { env: { ...process.env, LINTEL_DATA_DIR: panel.dataDir, LINTEL_MODEL_DIR: CORRUPT } });
    const status = JSON.parse(stdout) as { model: { state: string; dir: string; lookedIn: string[]; screenReport: { status: string; detail: string } } };
    expect(status.model).toMatchObject({ state: 'ok', dir: CORRUPT, screenReport: { status: 'failed', detail: expect.stringContaining('final.mdl') } });
    expect(status.model.lookedIn[0]).toBe(CORRUPT);
  });
});
