/**
 * Which language a visitor writes in, from character trigrams (a naive Bayes identifier trained
 * with the router, stored in its model file). Chat openers are short, so whole-word statistics are
 * too thin; trigrams with their accents kept ("ção", " je ", "ß") tell the five languages apart in
 * a few words. Chosen over a library (franc-min needs tens of characters to be reliable and knows
 * 80 languages we would have to map back; tinyld ships its own 500 kB model): this one is trained
 * on the same openers as the router, costs a few microseconds, and knows exactly the languages the
 * router reads.
 */

/** The languages the router reads; docs/router.md says how to add one. */
export const ROUTER_LANGUAGES = ['en', 'fr', 'de', 'es', 'pt'] as const;
export type RouterLanguage = (typeof ROUTER_LANGUAGES)[number];

/**
 * The identifier's class for text in any other language (Italian, Dutch, Polish …), trained on a
 * few openers in such languages (`data/router/other-languages.jsonl`) so that a language close to
 * one the router reads is not taken for it; such text goes to the fallback queue, unread.
 */
export const OTHER_LANGUAGE = 'other';

/** Names an agent reads in the routing reason. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  fr: 'French',
  de: 'German',
  es: 'Spanish',
  pt: 'Portuguese',
};

/** Stored in the router model: per trigram, its log-probability in each language. */
export interface LanguageProfile {
  languages: string[];
  /** Trigram → log-probabilities, one per entry of `languages`. */
  grams: Record<string, number[]>;
  /** Log-probability of a trigram the profile does not list, per language. */
  unseen: number[];
}

export interface LanguageGuess {
  /** The likeliest language, or null when the text has no letters. */
  language: string | null;
  /** Posterior probability of `language` among the profile's languages (0 to 1). */
  confidence: number;
}

/** Only the opening of a text is read: a few sentences settle the language. */
const MAX_LANGUAGE_CHARS = 400;
/** Trigrams kept per language in a profile: enough for chat openers, small in the model file. */
const GRAMS_PER_LANGUAGE = 1_200;
/** Additive smoothing of the trigram counts. */
const SMOOTHING = 0.5;
/** Posteriors of naive Bayes are overconfident; scores are divided by this before the softmax. */
const SOFTMAX_TEMPERATURE = 4;

const URL_OR_EMAIL = /\S*[@/.]\S*\.\S+|https?:\/\/\S+/g;
const NOT_LETTER = /[^\p{L}]+/gu;

/** Visits the padded trigrams of each letter-only word of a text, accents kept. */
export function visitLanguageGrams(text: string, visit: (gram: string) => void): void {
  if (typeof text !== 'string' || text.length === 0) return;
  const s = (text.length > MAX_LANGUAGE_CHARS ? text.slice(0, MAX_LANGUAGE_CHARS) : text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(URL_OR_EMAIL, ' ')
    .replace(NOT_LETTER, ' ');
  for (const word of s.split(' ')) {
    if (word.length === 0) continue;
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) visit(padded.slice(i, i + 3));
  }
}

/** Builds a profile from texts labelled with their language. Deterministic for the same rows. */
export function trainLanguageProfile(rows: readonly { text: string; language: string }[]): LanguageProfile {
  const languages = [...new Set(rows.map((r) => r.language))].sort();
  const counts = languages.map(() => new Map<string, number>());
  rows.forEach((row) => {
    const table = counts[languages.indexOf(row.language)] as Map<string, number>;
    visitLanguageGrams(row.text, (gram) => table.set(gram, (table.get(gram) ?? 0) + 1));
  });
  const kept = new Set<string>();
  for (const table of counts) {
    [...table.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, GRAMS_PER_LANGUAGE)
      .forEach(([gram]) => kept.add(gram));
  }
  const vocabulary = [...kept].sort();
  const totals = counts.map((table) => vocabulary.reduce((sum, gram) => sum + (table.get(gram) ?? 0), 0));
  const denominator = totals.map((total) => total + SMOOTHING * (vocabulary.length + 1));
  const grams: Record<string, number[]> = {};
  for (const gram of vocabulary) {
    grams[gram] = counts.map((table, l) => round(Math.log(((table.get(gram) ?? 0) + SMOOTHING) / (denominator[l] as number))));
  }
  return { languages, grams, unseen: denominator.map((d) => round(Math.log(SMOOTHING / d))) };
}

/** Checks the shape of a stored profile; throws saying what is wrong. */
export function checkLanguageProfile(value: unknown): LanguageProfile {
  const fail = (why: string): never => {
    throw new Error(`Invalid router model: "languages" ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('must be an object');
  const profile = value as LanguageProfile;
  if (!Array.isArray(profile.languages) || profile.languages.some((l) => typeof l !== 'string')) fail('needs a list of language codes');
  const n = profile.languages.length;
  const isRow = (row: unknown): boolean => Array.isArray(row) && row.length === n && row.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isRow(profile.unseen)) fail(`"unseen" must hold ${n} numbers`);
  if (typeof profile.grams !== 'object' || profile.grams === null) fail('"grams" must be an object');
  for (const [gram, row] of Object.entries(profile.grams)) if (!isRow(row)) fail(`has a bad row for "${gram}"`);
  return profile;
}

/** A reusable identifier over a profile. `identify` never throws. */
export function createLanguageIdentifier(profile: LanguageProfile): { identify(text: string): LanguageGuess } {
  const n = profile.languages.length;
  const table = new Map(Object.entries(profile.grams));
  const scores = new Float64Array(n);
  return {
    identify(text) {
      scores.fill(0);
      let seen = 0;
      visitLanguageGrams(text, (gram) => {
        seen++;
        const row = table.get(gram) ?? profile.unseen;
        for (let l = 0; l < n; l++) scores[l] = (scores[l] as number) + (row[l] as number);
      });
      if (seen === 0 || n === 0) return { language: null, confidence: 0 };
      let best = 0;
      for (let l = 1; l < n; l++) if ((scores[l] as number) > (scores[best] as number)) best = l;
      let sum = 0;
      for (let l = 0; l < n; l++) sum += Math.exp(((scores[l] as number) - (scores[best] as number)) / SOFTMAX_TEMPERATURE);
      return { language: profile.languages[best] as string, confidence: 1 / sum };
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
