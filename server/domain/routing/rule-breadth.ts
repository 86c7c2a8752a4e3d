/**
 * Whether a routing rule's phrase would catch most messages, so that one careless rule sends every
 * visitor to one queue. A rule matches whole words anywhere in the message (rules.ts); a phrase is
 * too broad when, once normalised as rules are matched:
 *
 * - it has fewer than `MIN_RULE_CHARACTERS` letters and digits ("", "   ", "?!", "a", "ok"), or
 * - every word of it is a word nearly every message has (`COMMON_WORDS`: "the", "I need", "help",
 *   "hello", "can you please"): greetings, pronouns, articles, auxiliaries, politeness.
 *
 * A phrase with at least one word of substance ("refund", "api key", "my invoice") passes.
 */
import { normalizeForRules } from './rules';

/** Two letters catch too much ("ok", "hi", "is"); three is the shortest product word we saw ("api", "vpn", "sso"). */
export const MIN_RULE_CHARACTERS = 3;

/** Words found in most chat openers, in the widget's languages, normalised (lower case, no accents). */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    // English
    'a an the and or but of to in on at for with from by about as is are was were be been am do does did done have has had ' +
    'i me my mine we us our you your he she it its they them their this that these those there here what which who how why when where ' +
    'can could would should will shall may might must not no yes ok okay hi hello hey dear please thanks thank thx help need want like ' +
    'get got just so some any all one question problem issue ask asking know tell' +
    // French
    ' le la les un une des du de et ou je j tu il elle nous vous ils est suis ai a pour avec dans sur bonjour salut merci aide svp ' +
    // German
    ' der die das ein eine und oder ich du er sie es wir ihr ist bin habe hallo danke bitte hilfe ' +
    // Spanish
    ' el los las uno y o yo tu es soy tengo necesito pregunta hola gracias por favor ayuda'
  )
    .split(/\s+/)
    .filter(Boolean),
);

/** Why `phrase` is too broad for a rule, in words a site owner reads; null when it is specific enough. */
export function ruleBreadthProblem(phrase: string): string | null {
  const words = normalizeForRules(phrase).trim().split(' ').filter(Boolean);
  const characters = words.join('').length;
  if (characters < MIN_RULE_CHARACTERS) {
    return `"${phrase}" has ${characters === 0 ? 'no letter or digit' : `only ${characters} letter${characters === 1 ? '' : 's'} or digit${characters === 1 ? '' : 's'}`}: a rule needs at least ${MIN_RULE_CHARACTERS}`;
  }
  if (words.every((word) => COMMON_WORDS.has(word))) {
    return `"${phrase}" is made of words nearly every message has: add a word only this queue's questions contain`;
  }
  return null;
}
