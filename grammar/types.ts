// Shared vocabulary of the voice grammar: dialog contexts, intents, the shape of the corpora
// data and of a resolution. Types only (plus the two name lists), so data and code can both
// depend on it without depending on each other.

/** Dialog contexts. The recognizer's grammar is switched whenever the context changes. */
export const CONTEXTS = [
  'home',
  'ringing',
  'inCall',
  'monitoring',
  'noticeAlert',
  'noticePlaying',
  'floorSetup',
  'choosing',
] as const;
export type Context = (typeof CONTEXTS)[number];

export const INTENTS = [
  'answer',
  'hangup',
  'openDoor',
  'playNotice',
  'dismissNotice',
  'stopNotice',
  'viewVideo',
  'callProperty',
  'callElevator',
  'setFloor',
  'confirm',
  'deny',
  'choose',
] as const;
export type IntentName = (typeof INTENTS)[number];

/**
 * What must accompany a phrase for the dialog to act on it in a context:
 * - `none`: the phrase alone is enough (the panel is ringing / asked a question / is in a call);
 * - `wake`: the wake word must be heard in front, otherwise the dialog ignores the phrase;
 * - `wakeOrTouch`: the wake word, or else a touch confirmation on the screen (door opening).
 */
export type WakeRule = 'none' | 'wake' | 'wakeOrTouch';

/** What the dialog does with openDoor depends on the context: cloud open vs SIP unlock. */
export type IntentAction = 'cloudOpenUnitDoor' | 'sipUnlockCallingDoor';

export interface Slots {
  /** setFloor: 1..60 above ground, -1..-5 below. */
  floor?: number;
  /** choose: 1-based position in the list the panel shows / reads out. */
  ordinal?: number;
  /** choose: the door / elevator name as the cloud gave it (not its spoken form). */
  name?: string;
}

/** A phrase that is live in fewer contexts than its intent (e.g. the bare 播放). */
export interface PhraseSpec {
  text: string;
  liveIn: readonly Context[];
  /** What to say when it is heard elsewhere; defaults to the intent's notNow. */
  notNow?: string;
}

export interface IntentSpec {
  /** The seed's 场景 (or our own scene name for intents the seed describes only in prose). */
  scene: string;
  /**
   * `command`: something a resident says on their own initiative; its phrases are also put
   * into the grammars of contexts where it is not live, so that it is recognised as itself
   * and answered with "not now" instead of being forced onto a live phrase.
   * `reply`: an answer to the panel's question; only in the grammars where it is live.
   */
  role: 'command' | 'reply';
  /** Phrases as printed / spoken, without the wake word. `{floor}`, `{ordinal}`, `{name}` are slots; a space forces a word boundary. */
  phrases: readonly (string | PhraseSpec)[];
  /** The contexts where the intent is live, each with its wake-word rule. */
  live: Readonly<Partial<Record<Context, WakeRule>>>;
  action?: Readonly<Partial<Record<Context, IntentAction>>>;
  /** Short Chinese sentence the panel speaks when the intent is heard where it is not live. */
  notNow: string;
}

export interface FloorSlotSpec {
  lowest: number;
  highest: number;
  /** Spoken forms; `{n}` is the Chinese numeral of the absolute floor number. */
  aboveGround: readonly string[];
  belowGround: readonly string[];
}

export interface OrdinalSlotSpec {
  highest: number;
  /** Spoken forms; `{n}` is the Chinese numeral. */
  forms: readonly string[];
}

export interface Corpora {
  /** Default wake word (overridable at compile time). */
  wakeWord: string;
  intents: Readonly<Record<IntentName, IntentSpec>>;
  slots: {
    floor: FloorSlotSpec;
    ordinal: OrdinalSlotSpec;
    /** Choice names that always exist; the cloud's door / elevator names are added at compile time. */
    names: readonly string[];
  };
}

export type Resolution =
  | {
      kind: 'intent';
      intent: IntentName;
      slots: Slots;
      /** The wake word was heard in front of the phrase. */
      wakeWord: boolean;
      /** The policy needed the wake word here and it was absent: the dialog refuses (or, for wakeOrTouch, asks for a touch). */
      needsWakeWord: boolean;
      wakeRule: WakeRule;
      action?: IntentAction;
      /** The matched phrase, without the wake word. */
      phrase: string;
    }
  | {
      kind: 'not-now';
      intent: IntentName;
      liveIn: Context[];
      speak: string;
      wakeWord: boolean;
      /** The wake word was absent where nothing is live without it (home): stay silent, do not speak. */
      needsWakeWord: boolean;
      phrase: string;
    }
  | {
      kind: 'none';
      reason: 'unknown' | 'empty' | 'unk';
      /** The wake word alone is 'empty' with wakeWord true: the dialog may prompt "请说". */
      wakeWord: boolean;
    };
