// `lintel intent`, called as a function with its output captured.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runIntentCli } from '../../../grammar/index.js';

const VOCABULARY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/models/vosk-model-small-cn-0.22.words.txt');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runIntentCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('lintel intent', () => {
  it('prints the resolved intent and slots as JSON', async () => {
    const { code, out } = await run(['我 住 二十三 楼', '--context', 'floorSetup']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      context: 'floorSetup',
      resolution: { kind: 'intent', intent: 'setFloor', slots: { floor: 23 } },
    });
  });

  it('defaults to home and says why nothing matched', async () => {
    const { code, out } = await run(['今天 天气']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ context: 'home', resolution: { kind: 'none', reason: 'unknown' } });
  });

  it('checks the grammar against a vocabulary file and takes extra choices', async () => {
    const { code, out } = await run(['三号 楼 东门', '--context', 'choosing', '--vocabulary', VOCABULARY, '--choice', '3号楼东门']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ resolution: { intent: 'choose', slots: { name: '3号楼东门' } }, unknownWords: [] });
  });

  it('writes to process.stdout by default', async () => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (chunks.push(chunk), true)) as typeof process.stdout.write;
    try {
      expect(await runIntentCli(['你好 门楣 开门', '--context', 'ringing'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(JSON.parse(chunks.join(''))).toMatchObject({ resolution: { intent: 'openDoor', action: 'sipUnlockCallingDoor', wakeWord: true } });
  });

  it('rejects bad usage with exit code 2 and a missing vocabulary with 1', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['开门', '--context', 'kitchen'])).err).toContain('unknown context kitchen');
    expect((await run(['开门', '--context'])).code).toBe(2);
    expect((await run(['开门', '--vocabulary', '/nonexistent/words.txt'])).code).toBe(1);
  });
});
