// The grammar compiler: corpora (data) → one Vosk phrase list per dialog context + the intent
// table resolveIntent matches against. Pure: the vocabulary comes in as a set.

import { corpora as defaultCorpora } from './corpora.js';
import { chineseNumeral, spokenDigits } from './numerals.js';
import { longestWord, segment } from './segment.js';
import { normalisePhrase } from './text.js';
import {
  CONTEXTS,
  INTENTS,
  type Context,
  type Corpora,
  type IntentName,
  type IntentSpec,
  type Slots,
  type WakeRule,
} from './types.js';

export interface CompileOptions {
  corpora?: Corpora;
  wakeWord?: string;
  /** Door / elevator names from the cloud, live in `choosing` (Arabic digits are spoken as Chinese numerals). */
  extraChoices?: readonly string[];
  /** The model's vocabulary; without it phrases are not segmented or checked (tests, CLI). */
  vocabulary?: ReadonlySet<string>;
  /**
   * Put the phrases of commands that are not live in a context into that context's grammar too,
   * so that they are recognised as themselves (→ "not now") instead of being forced onto a live
   * phrase. Default true.
   */
  notNowPhrases?: boolean;
}

export interface PhraseEntry {
  intent: IntentName;
  /** The phrase as written in the corpora (slots filled), e.g. 我住二十三楼. */
  text: string;
  slots: Slots;
  liveIn: readonly Context[];
  notNow: string;
}

export interface IntentTable {
  specs: Readonly<Record<IntentName, IntentSpec>>;
  /** Normalised phrase → its entries (normally one; several only if contexts keep them apart). */
  phrases: ReadonlyMap<string, readonly PhraseEntry[]>;
}

export interface ContextGrammar {
  /** The Vosk grammar (JSON phrase list): space-separated vocabulary words, "[unk]", wake-word variants. */
  voskGrammar: string[];
  live: IntentName[];
}

export interface CompiledGrammar {
  wakeWord: { text: string; key: string; words: string[] };
  contexts: Record<Context, ContextGrammar>;
  intents: IntentTable;
  /** Phrases that could not be segmented into vocabulary words; they are left out of the grammars. */
  unknownWords: { phrase: string; reason: string }[];
  /** The same phrase mapped to different meanings in one context; the first one wins. */
  conflicts: { phrase: string; context: Context; intents: IntentName[] }[];
}

export function compileGrammar(options: CompileOptions = {}): CompiledGrammar {
  const source = options.corpora ?? defaultCorpora;
  const wakeText = options.wakeWord ?? source.wakeWord;
  const wakeKey = normalisePhrase(wakeText);
  if (wakeKey === '') throw new Error('the wake word is empty');

  const entries = INTENTS.flatMap((intent) => expandIntent(intent, source, options.extraChoices ?? []));
  const phrases = new Map<string, PhraseEntry[]>();
  const conflicts: CompiledGrammar['conflicts'] = [];
  const rejected: CompiledGrammar['unknownWords'] = [];
  for (const entry of entries) {
    const key = normalisePhrase(entry.text);
    if (key.startsWith(wakeKey)) {
      // "<wake> X" would be read as the wake word followed by X: the phrase could never be matched.
      rejected.push({ phrase: entry.text, reason: `starts with the wake word ${wakeText}` });
      continue;
    }
    const existing = phrases.get(key) ?? [];
    for (const other of existing) {
      const clash = other.liveIn.filter((context) => entry.liveIn.includes(context));
      const sameMeaning = other.intent === entry.intent && JSON.stringify(other.slots) === JSON.stringify(entry.slots);
      for (const context of sameMeaning ? [] : clash) {
        conflicts.push({ phrase: entry.text, context, intents: [other.intent, entry.intent] });
      }
    }
    phrases.set(key, [...existing, entry]);
  }

  // Segment each distinct phrase once; unknown ones are reported and left out of every grammar.
  const vocabulary = options.vocabulary;
  const maxWordLength = vocabulary ? longestWord(vocabulary) : 1;
  const unknownWords: CompiledGrammar['unknownWords'] = [...rejected];
  const spell = (text: string): string | undefined => {
    if (!vocabulary) return text;
    // Spaces written in the data are forced word boundaries (一 单元, not 一单 元); each chunk is segmented alone.
    const words: string[] = [];
    for (const chunk of text.split(/\s+/).map(normalisePhrase).filter((c) => c !== '')) {
      const result = segment(chunk, vocabulary, maxWordLength);
      if (!result.ok) {
        unknownWords.push({
          phrase: text,
          reason: `cannot be segmented into vocabulary words: no word covers "${result.stuckAt}"`,
        });
        return undefined;
      }
      words.push(...result.words);
    }
    return words.length > 0 ? words.join(' ') : undefined;
  };
  const wakeSpelled = spell(wakeText);
  const spelled = new Map<string, string | undefined>();
  for (const [key, list] of phrases) spelled.set(key, spell((list[0] as PhraseEntry).text));

  const includeNotNow = options.notNowPhrases ?? true;
  const contexts = {} as Record<Context, ContextGrammar>;
  for (const context of CONTEXTS) {
    const voskGrammar = new Set<string>(['[unk]']);
    if (wakeSpelled) voskGrammar.add(wakeSpelled);
    for (const [key, list] of phrases) {
      const words = spelled.get(key);
      const wanted = list.some((e) => e.liveIn.includes(context) || (includeNotNow && source.intents[e.intent].role === 'command'));
      if (!words || !wanted) continue;
      voskGrammar.add(words);
      if (wakeSpelled) voskGrammar.add(`${wakeSpelled} ${words}`);
    }
    const live = INTENTS.filter((intent) => source.intents[intent].live[context] !== undefined);
    contexts[context] = { voskGrammar: [...voskGrammar], live };
  }

  return {
    wakeWord: { text: wakeText, key: wakeKey, words: wakeSpelled?.split(' ') ?? [] },
    contexts,
    intents: { specs: source.intents, phrases },
    unknownWords,
    conflicts,
  };
}

/** The wake-word rule of an intent in a context, or undefined where the intent is not live. */
export function wakeRule(table: IntentTable, intent: IntentName, context: Context): WakeRule | undefined {
  return table.specs[intent].live[context];
}

/** Fill the slots of an intent's phrase templates. */
function expandIntent(intent: IntentName, source: Corpora, extraChoices: readonly string[]): PhraseEntry[] {
  const spec = source.intents[intent];
  const intentLiveIn = CONTEXTS.filter((context) => spec.live[context] !== undefined);
  return spec.phrases.flatMap((phrase) => {
    const template = typeof phrase === 'string' ? phrase : phrase.text;
    const liveIn = typeof phrase === 'string' ? intentLiveIn : intentLiveIn.filter((c) => phrase.liveIn.includes(c));
    const notNow = (typeof phrase === 'string' ? undefined : phrase.notNow) ?? spec.notNow;
    return fillSlots(template, source, extraChoices).map(({ text, slots }) => ({ intent, text, slots, liveIn, notNow }));
  });
}

function fillSlots(template: string, source: Corpora, extraChoices: readonly string[]): { text: string; slots: Slots }[] {
  const { floor, ordinal, names } = source.slots;
  if (template.includes('{floor}')) {
    const values: { text: string; slots: Slots }[] = [];
    for (let n = floor.lowest; n <= floor.highest; n++) {
      if (n === 0) continue; // there is no floor 0 in Chinese buildings
      const forms = n > 0 ? floor.aboveGround : floor.belowGround;
      for (const form of forms) values.push({ text: form.replace('{n}', chineseNumeral(Math.abs(n))), slots: { floor: n } });
    }
    return values.map((v) => ({ text: fill(template, '{floor}', v.text), slots: v.slots }));
  }
  if (template.includes('{ordinal}')) {
    const values: { text: string; slots: Slots }[] = [];
    for (let n = 1; n <= ordinal.highest; n++) {
      for (const form of ordinal.forms) values.push({ text: form.replace('{n}', chineseNumeral(n)), slots: { ordinal: n } });
    }
    return values.map((v) => ({ text: fill(template, '{ordinal}', v.text), slots: v.slots }));
  }
  if (template.includes('{name}')) {
    const all = [...new Set([...names, ...extraChoices])].filter((name) => normalisePhrase(name) !== '');
    // Built-in names may carry boundary hints (一 单元); the slot value never does. Cloud names come back verbatim.
    return all.map((name) => ({
      text: fill(template, '{name}', spokenDigits(name)),
      slots: { name: names.includes(name) ? name.replace(/\s+/g, '') : name },
    }));
  }
  return [{ text: template, slots: {} }];
}

/**
 * A slot's edges are word boundaries: segmenting 我住地下五楼 as a whole would tie 我 住 地下 with
 * 我 住地 下 (both fewest words); segmenting 我住 | 地下五楼 cannot go wrong that way. Inside a
 * slot value the numeral is not split off, so that 第一个 stays one vocabulary word.
 */
function fill(template: string, slot: string, value: string): string {
  return template.replace(slot, ` ${value} `).trim();
}
