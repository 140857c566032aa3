// Public entry of the voice grammar: corpora as data, a pure compiler, the intent resolver,
// the vocabulary loader (the only I/O) and the `lintel intent` command.

export { CONTEXTS, INTENTS } from './types.js';
export type {
  Context,
  Corpora,
  IntentAction,
  IntentName,
  IntentSpec,
  PhraseSpec,
  Resolution,
  Slots,
  WakeRule,
} from './types.js';
export { corpora, DEFAULT_WAKE_WORD } from './corpora.js';
export { compileGrammar, wakeRule } from './compile.js';
export type { CompileOptions, CompiledGrammar, ContextGrammar, IntentTable, PhraseEntry } from './compile.js';
export { resolveIntent, listensWithoutWakeWord } from './resolve.js';
export { segment } from './segment.js';
export { chineseNumeral } from './numerals.js';
export { loadVocabulary } from './vocabulary-file.js';
export { runIntentCli } from './cli.js';
