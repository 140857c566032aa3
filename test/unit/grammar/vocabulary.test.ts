// Against the real vocabulary of vosk-model-small-cn-0.22: Vosk silently drops unknown grammar words.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS, compileGrammar, corpora, loadVocabulary, resolveIntent, segment, type Corpora } from '../../../grammar/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const VOCABULARY = resolve(repoRoot, '../shared/models/vosk-model-small-cn-0.22.words.txt');

let vocabulary: Set<string>;
beforeAll(async () => {
  vocabulary = await loadVocabulary(VOCABULARY);
});

describe('grammar against the model vocabulary', () => {
  it('reads the whole vocabulary', () => {
    expect(vocabulary.size).toBe(99_982);
    expect(vocabulary.has('[unk]')).toBe(true);
    expect(vocabulary.has('挂断')).toBe(false);
  });

  it('puts only vocabulary words into every context grammar and reports nothing unknown', () => {
    const compiled = compileGrammar({ vocabulary, extraChoices: ['3号楼东门', '地库电梯'] });
    expect(compiled.unknownWords).toEqual([]);
    for (const context of CONTEXTS) {
      const grammar = compiled.contexts[context].voskGrammar;
      expect(grammar).toContain('[unk]');
      expect(new Set(grammar).size).toBe(grammar.length);
      for (const phrase of grammar) {
        for (const word of phrase.split(' ')) expect(vocabulary.has(word), `${word} in ${phrase} (${context})`).toBe(true);
      }
    }
  });

  it('segments 挂断 into 挂 断, with and without the wake word', () => {
    expect(segment('挂断', vocabulary)).toEqual({ ok: true, words: ['挂', '断'] });
    const ringing = compileGrammar({ vocabulary }).contexts.ringing.voskGrammar;
    expect(ringing).toContain('挂 断');
    expect(ringing).toContain('你好 门楣 挂 断');
    expect(ringing).toContain('你好 门楣');
  });

  it('prefers the fewest, longest words and keeps numerals whole', () => {
    expect(segment('二十三楼', vocabulary)).toEqual({ ok: true, words: ['二十三', '楼'] });
    expect(segment('五十四楼', vocabulary)).toEqual({ ok: true, words: ['五十', '四', '楼'] });
    const floor = compileGrammar({ vocabulary }).contexts.floorSetup.voskGrammar;
    expect(floor).toContain('我 住 地下 五 楼'); // not 我 住地 下: slot edges are word boundaries
    expect(floor).toContain('我 住 二十三 楼');
    expect(compileGrammar({ vocabulary }).contexts.choosing.voskGrammar).toEqual(expect.arrayContaining(['第二个', '一 单元']));
  });

  it('resolves what Vosk would output for each grammar phrase back to a live intent', () => {
    const compiled = compileGrammar({ vocabulary });
    for (const context of CONTEXTS) {
      for (const phrase of compiled.contexts[context].voskGrammar) {
        const resolution = resolveIntent(phrase, context, compiled);
        if (phrase === '[unk]') expect(resolution).toEqual({ kind: 'none', reason: 'unk', wakeWord: false });
        else if (phrase === '你好 门楣') expect(resolution).toEqual({ kind: 'none', reason: 'empty', wakeWord: true });
        else expect(resolution.kind, `${phrase} (${context})`).not.toBe('none');
      }
    }
  });

  it('reports a phrase it cannot segment and leaves it out of the grammar', () => {
    const withBadPhrase: Corpora = {
      ...corpora,
      intents: { ...corpora.intents, openDoor: { ...corpora.intents.openDoor, phrases: [...corpora.intents.openDoor.phrases, '开门吧Lintel'] } },
    };
    const compiled = compileGrammar({ corpora: withBadPhrase, vocabulary });
    expect(compiled.unknownWords).toEqual([{ phrase: '开门吧Lintel', reason: expect.stringContaining('Lintel') }]);
    expect(compiled.contexts.home.voskGrammar.some((p) => p.includes('Lintel'))).toBe(false);
    expect(compileGrammar({ vocabulary, wakeWord: 'Hey Lintel' }).unknownWords).toEqual([
      { phrase: 'Hey Lintel', reason: expect.stringContaining('cannot be segmented') },
    ]);
  });
});
