// `lintel intent "<text>" [--context <ctx>] [--vocabulary <file>] [--wake-word <w>] [--choice <name>]...`
// Resolves what Vosk would output, for trying phrases out by hand. Prints JSON on stdout.

import { compileGrammar } from './compile.js';
import { resolveIntent } from './resolve.js';
import { CONTEXTS, type Context } from './types.js';
import { loadVocabulary } from './vocabulary-file.js';

export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = 'usage: lintel intent "<text>" [--context <' + CONTEXTS.join('|') + '>] [--vocabulary <file>] [--wake-word <word>] [--choice <name>]...\n';

const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit code 0 when a resolution was printed (whatever its kind), 1 if the vocabulary cannot be read, 2 on bad usage. */
export async function runIntentCli(args: readonly string[], io: CliOutput = processOutput): Promise<number> {
  let text: string | undefined;
  let context: Context = 'home';
  let vocabularyFile: string | undefined;
  let wakeWord: string | undefined;
  const choices: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = args[i + 1];
    if (arg === '--context' || arg === '--vocabulary' || arg === '--wake-word' || arg === '--choice') {
      if (value === undefined) return usage(io, `${arg} needs a value`);
      i++;
      if (arg === '--context') {
        if (!isContext(value)) return usage(io, `unknown context ${value}`);
        context = value;
      } else if (arg === '--vocabulary') vocabularyFile = value;
      else if (arg === '--wake-word') wakeWord = value;
      else choices.push(value);
    } else if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else if (arg.startsWith('--')) {
      return usage(io, `unknown option ${arg}`);
    } else if (text === undefined) {
      text = arg;
    } else {
      return usage(io, 'give the text as one argument (quote it)');
    }
  }
  if (text === undefined) return usage(io, 'no text given');

  let vocabulary: Set<string> | undefined;
  if (vocabularyFile !== undefined) {
    try {
      vocabulary = await loadVocabulary(vocabularyFile);
    } catch (error) {
      io.err(`cannot read the vocabulary ${vocabularyFile}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const compiled = compileGrammar({
    extraChoices: choices,
    ...(wakeWord !== undefined ? { wakeWord } : {}),
    ...(vocabulary ? { vocabulary } : {}),
  });
  const resolution = resolveIntent(text, context, compiled);
  const report = {
    text,
    context,
    resolution,
    ...(vocabulary ? { unknownWords: compiled.unknownWords } : {}),
  };
  io.out(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

function isContext(value: string): value is Context {
  return (CONTEXTS as readonly string[]).includes(value);
}

function usage(io: CliOutput, problem: string): number {
  io.err(`lintel intent: ${problem}\n${USAGE}`);
  return 2;
}
