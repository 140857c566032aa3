// The recognizer's model is an install-time asset: this only looks at what is on disk, never fetches.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export const MODEL_NAME = 'vosk-model-small-cn-0.22';

/** What Vosk needs for grammar decoding: the acoustic model, its config, the graph with Gr/HCLr, ivectors. */
const REQUIRED_FILES = ['am/final.mdl', 'conf/model.conf', 'conf/mfcc.conf', 'graph/HCLr.fst', 'graph/Gr.fst', 'graph/disambig_tid.int', 'ivector/final.ie'];

export type ModelLayoutState = 'ok' | 'missing' | 'incomplete';

export interface ModelLayout {
  state: ModelLayoutState;
  /** Every directory looked in, in order. */
  lookedIn: string[];
  dir: string | null;
  missingFiles: string[];
}

export function modelSearchPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [env['LINTEL_MODEL_DIR'], join(dataDir, 'models', MODEL_NAME), join('/usr/share/lintel/models', MODEL_NAME)].filter(
    (d): d is string => Boolean(d),
  );
}

export function checkModelLayout(candidates: string[]): ModelLayout {
  for (const dir of candidates) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const missingFiles = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
    return { state: missingFiles.length === 0 ? 'ok' : 'incomplete', lookedIn: candidates, dir, missingFiles };
  }
  return { state: 'missing', lookedIn: candidates, dir: null, missingFiles: [] };
}

/**
 * The model's vocabulary, to compile grammars Vosk will not silently shorten: the graph's own
 * words.txt when the model has one, else LINTEL_VOCABULARY_FILE, else a words list beside the model.
 */
export function vocabularyFileFor(layout: ModelLayout, dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    layout.dir ? join(layout.dir, 'graph', 'words.txt') : undefined,
    env['LINTEL_VOCABULARY_FILE'],
    join(dataDir, 'models', `${MODEL_NAME}.words.txt`),
  ];
  return candidates.find((f): f is string => Boolean(f) && existsSync(f as string)) ?? null;
}

/**
 * The model directory as the gzipped tar vosk-browser loads (its `Model(url)` fetches an archive).
 * Built by the system tar on the fly: the model is an install-time asset of ~40 MB and the screen
 * loads it once per page load. Entries are made owner-writable whatever the installed copy's
 * modes: vosk-browser unpacks into a directory it then writes to (it removes the archive and marks
 * the model unpacked), and a read-only model directory (a read-only install, a shared copy) would
 * otherwise fail there with an "FS error" that looks like a corrupt model.
 */
export function modelArchive(dir: string): Readable {
  const child = spawn('tar', ['-cz', '--mode=u+w', '-C', dirname(dir), basename(dir)], { stdio: ['ignore', 'pipe', 'ignore'] });
  return child.stdout;
}

/**
 * Names this installed copy of the model (its files' sizes and times): the screen's recognizer
 * caches an unpacked model under its URL in IndexedDB, so the URL must change when the model does,
 * or a replaced model (a repaired corrupt one, say) would never be loaded.
 */
export function modelFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of REQUIRED_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const st = statSync(path);
    hash.update(`${file}:${st.size}:${st.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
