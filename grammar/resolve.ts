// Vosk's output (space-separated words, maybe "[unk]") + the dialog context → what to do.

import type { CompiledGrammar, PhraseEntry } from './compile.js';
import { hear } from './text.js';
import { CONTEXTS, type Context, type Resolution } from './types.js';

export function resolveIntent(text: string, context: Context, compiled: CompiledGrammar): Resolution {
  const heard = hear(text);
  // "[unk]" is Vosk's "something outside the grammar": alone or dominating, nothing was understood,
  // and acting on the few words around it would be guessing.
  if (heard.unknown > 0 && heard.unknown >= heard.known) return { kind: 'none', reason: 'unk', wakeWord: false };

  const wakeWord = heard.text.startsWith(compiled.wakeWord.key);
  const phrase = wakeWord ? heard.text.slice(compiled.wakeWord.key.length) : heard.text;
  if (phrase === '') return { kind: 'none', reason: 'empty', wakeWord };

  const entries = compiled.intents.phrases.get(phrase);
  if (!entries || entries.length === 0) return { kind: 'none', reason: 'unknown', wakeWord };

  const live = entries.find((entry) => entry.liveIn.includes(context));
  if (live) {
    const spec = compiled.intents.specs[live.intent];
    const wakeRule = spec.live[context] ?? 'wake';
    const action = spec.action?.[context];
    return {
      kind: 'intent',
      intent: live.intent,
      slots: { ...live.slots },
      wakeWord,
      needsWakeWord: wakeRule !== 'none' && !wakeWord,
      wakeRule,
      ...(action ? { action } : {}),
      phrase: printed(live.text),
    };
  }
  const other = entries[0] as PhraseEntry;
  return {
    kind: 'not-now',
    intent: other.intent,
    liveIn: CONTEXTS.filter((c) => other.liveIn.includes(c)),
    speak: other.notNow,
    wakeWord,
    // Where every live command needs the wake word (home), a stray phrase without it is room
    // noise, not a request: the dialog stays silent instead of saying "not now".
    needsWakeWord: !wakeWord && !listensWithoutWakeWord(context, compiled),
    phrase: printed(other.text),
  };
}

/** True if some intent is live in the context without the wake word (the panel is expecting speech). */
export function listensWithoutWakeWord(context: Context, compiled: CompiledGrammar): boolean {
  return Object.values(compiled.intents.specs).some((spec) => spec.live[context] === 'none');
}

/** Phrases may carry word-boundary hints (一 单元); the resolution shows the phrase as written. */
function printed(text: string): string {
  return text.replace(/\s+/g, '');
}
