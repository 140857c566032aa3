// Split a phrase into vocabulary words: Vosk silently drops grammar words it does not know, so a
// grammar phrase must be a space-separated sequence of words from the model's vocabulary.

export type Segmentation = { ok: true; words: string[] } | { ok: false; stuckAt: string };

/** Longest word in the vocabulary (in characters); computed once per compile. */
export function longestWord(vocabulary: ReadonlySet<string>): number {
  let longest = 1;
  for (const word of vocabulary) longest = Math.max(longest, Array.from(word).length);
  return longest;
}

/**
 * Fewest words wins (longer words carry more acoustic context and fewer chances to mis-split);
 * among equally short splits, the longest first word wins, so 二十三楼 is 二十三 楼, not 二十 三楼.
 */
export function segment(phrase: string, vocabulary: ReadonlySet<string>, maxWordLength = longestWord(vocabulary)): Segmentation {
  const chars = Array.from(phrase);
  const n = chars.length;
  // fewest[i]: fewest words covering chars[i..n), Infinity if impossible.
  const fewest: number[] = new Array<number>(n + 1).fill(Infinity);
  fewest[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let len = 1; len <= Math.min(maxWordLength, n - i); len++) {
      if (!vocabulary.has(chars.slice(i, i + len).join(''))) continue;
      fewest[i] = Math.min(fewest[i] ?? Infinity, (fewest[i + len] ?? Infinity) + 1);
    }
  }
  if (n === 0 || fewest[0] === Infinity) return { ok: false, stuckAt: chars.slice(furthestReachable(chars, vocabulary, maxWordLength)).join('') };

  const words: string[] = [];
  for (let i = 0; i < n; ) {
    for (let len = Math.min(maxWordLength, n - i); len >= 1; len--) {
      const word = chars.slice(i, i + len).join('');
      if (vocabulary.has(word) && (fewest[i + len] ?? Infinity) + 1 === fewest[i]) {
        words.push(word);
        i += len;
        break;
      }
    }
  }
  return { ok: true, words };
}

/** For the error message: how far from the start vocabulary words can reach. */
function furthestReachable(chars: string[], vocabulary: ReadonlySet<string>, maxWordLength: number): number {
  const reachable = new Set<number>([0]);
  let furthest = 0;
  for (let i = 0; i < chars.length; i++) {
    if (!reachable.has(i)) continue;
    furthest = i;
    for (let len = 1; len <= Math.min(maxWordLength, chars.length - i); len++) {
      if (vocabulary.has(chars.slice(i, i + len).join(''))) reachable.add(i + len);
    }
  }
  return furthest;
}
