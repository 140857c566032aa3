// The recognizer's model is an install-time asset: this only looks at what is on disk, never fetches.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
