// The only I/O of grammar/: read the model's word list (one word per line, e.g.
// vosk-model-small-cn-0.22.words.txt, the symbol table of graph/Gr.fst without the ids).

import { readFile } from 'node:fs/promises';

export async function loadVocabulary(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8');
  // Tolerate a words.txt with "word id" columns and CRLF line ends.
  const words = text.split(/\r?\n/).map((line) => line.trim().split(/\s+/)[0] ?? '');
  return new Set(words.filter((word) => word !== ''));
}
