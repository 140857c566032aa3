// One normal form for phrases and for what Vosk outputs, so matching is plain string equality:
// Vosk separates words by spaces and the CLI user may type "你好门楣，开门".

const UNK = /^(\[unk\]|<unk>)$/i;

export interface Heard {
  /** The words, joined without spaces or punctuation. */
  text: string;
  /** Tokens that were "[unk]". */
  unknown: number;
  /** Tokens that were words. */
  known: number;
}

export function normalisePhrase(phrase: string): string {
  return phrase.normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function hear(output: string): Heard {
  const tokens = output
    .normalize('NFKC')
    .replace(/\[unk\]|<unk>/gi, ' $& ')
    .split(/\s+/)
    .filter((token) => token !== '');
  let unknown = 0;
  const words: string[] = [];
  for (const token of tokens) {
    if (UNK.test(token)) unknown++;
    else if (normalisePhrase(token) !== '') words.push(normalisePhrase(token));
  }
  return { text: words.join(''), unknown, known: words.length };
}
