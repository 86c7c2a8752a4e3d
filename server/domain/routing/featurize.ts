/**
 * Text normalisation and feature extraction for the service-vs-support router.
 *
 * Training (`train.ts`) and inference (`classifier.ts`) both go through `visitFeatures`, so a
 * model always sees features built exactly as they were when it was trained. Changing anything
 * here changes the features: bump `FEATURIZER_VERSION` and retrain the shipped model.
 */

/**
 * Stored in every model; the classifier refuses a model built by another featurizer version.
 * Version 2 reads French, German, Spanish and Portuguese too: accents folded, French elisions
 * split, function words of the five languages.
 * @default 2
 */
export const FEATURIZER_VERSION = 2;

/** Only the first 4,000 characters are read: the message limit, and a bound on the work per decision. */
export const MAX_CLASSIFIED_CHARS = 4_000;

/**
 * Tokens kept per message. A 4,000-character message has about 800 words; the first 200 carry
 * the topic of a chat opener many times over, and the cap keeps the worst case (a 4,000-character
 * paste) well under a millisecond.
 */
export const MAX_TOKENS = 200;

/** A longer token (a pasted hash, a base64 blob, a run of characters without spaces) says nothing. */
const MAX_TOKEN_LENGTH = 30;

/** Placeholders for things whose exact value carries no topic, only their kind. */
export const PLACEHOLDERS = {
  url: '_url_',
  email: '_email_',
  user: '_user_',
  error: '_err_',
  money: '_money_',
  number: '_num_',
  id: '_id_',
  emoji: '_emoji_',
  long: '_long_',
} as const;

const PLACEHOLDER_SET: ReadonlySet<string> = new Set(Object.values(PLACEHOLDERS));

/**
 * The two feature blocks. `word`: unigrams ("refund") and bigrams ("not working"); `char`:
 * character 3- to 5-grams inside one word, padded with a space at each end (" cras", "ash "),
 * which is what makes "crashs", "craches" and "crashing" close. Each block is scaled on its own
 * (see `blockScale`), so neither drowns the other.
 */
export type FeatureBlock = 'word' | 'char';

/** Character n-gram sizes: 3 catches typos in short words, 5 keeps whole stems ("refun"). */
export const CHAR_NGRAM_MIN = 3;
export const CHAR_NGRAM_MAX = 5;

// Patterns applied in order by `normalizeTokens`, before lower-casing where case matters
// (ERR_CONNECTION_RESET, TypeError). Each match becomes a placeholder surrounded by spaces.
const HTML_TAG = /<\/?[a-z!][^<>]{0,200}>/gi;
const HTML_ENTITY = /&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-f]{1,6});/gi;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
// Bare domains ("mysite.com is down"); a short list of common endings avoids eating "e.g".
const DOMAIN =
  /\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|uk|de|fr|es|it|nl|eu|us|ca|au|in|app|dev|ai|shop|store|info|biz|me|tv)\b(?:\/\S*)?/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const MENTION = /(^|[^\w@])@\w+/g;
const HEX_CODE = /\b0x[0-9a-f]{2,}\b/gi;
const SCREAMING_CODE = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;
const DASHED_CODE = /\b[a-z]{1,4}[-_]\d{2,}(?:-\d+)*\b/gi;
const ERROR_WORD_CODE = /\b(?:e|err|error|code)\d{2,}\b/gi;
// Capitals then digits, as typed from an error dialog (AADSTS50020, WS37397); an order or
// tracking reference is usually digits first or mixed.
const CAPITAL_CODE = /\b[A-Z]{2,}\d{3,}\b/g;
const EXCEPTION_NAME = /\b[A-Za-z]*[a-z](?:Error|Exception)\b/g;
const MONEY =
  /[$€£¥₹]\s?\d[\d,.]*(?:\s?[km]\b)?|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|bucks|quid)\b/gi;
const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}]+/gu;
// Skin tones, variation selectors and joiners are what is left of an emoji sequence.
const EMOJI_LEFTOVERS = /[\u{1F3FB}-\u{1F3FF}\u200d\ufe0e\ufe0f\u20e3]/gu;
const EMOTICON = /(^|\s)(?:[:;=][-']?[()dpo/\\|\][*3]+|<3|\^\^|xd+)(?=\s|$)/gi;
const APOSTROPHE = /['’‘`´]/g;
// French elisions ("l'appli", "j'ai", "qu'il"): the letter before the apostrophe is a word of its
// own, spelt out so it joins the function words. English contractions never start a word with one
// of these letters alone ("don't", "I'm"), so English reads as before.
const ELISION = /(?<![\p{L}\p{N}])(qu|[cdjlmnst])['’‘`´](?=\p{L})/gu;
// Accents are folded: visitors type "remboursement", "rembourssement" and "remboursé" alike, and on
// phones often without accents at all.
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}_]+/gu;
const NOT_WORD_ASCII = /[^a-z0-9_]+/g;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const EMOTICON_HINT = /[:;=<^x]/;
const REPEATED = /(\p{L})\1{2,}/gu;
const DIGITS = /^\d+$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /\p{L}/u;

/** HTTP-style status codes (4xx, 5xx) count as error codes when a neighbour says so. */
const STATUS_CODE = /^[45]\d\d$/;
const ERROR_CONTEXT_BEFORE: ReadonlySet<string> = new Set([
  'error', 'err', 'code', 'http', 'status', 'got', 'get', 'getting', 'gets', 'throws', 'returns',
  'returned', 'returning', 'shows', 'showing', 'says', 'a', 'an',
]);
const ERROR_CONTEXT_AFTER: ReadonlySet<string> = new Set(['error', 'errors', 'page', 'response', 'status', 'code']);
const CODE_CONTEXT: ReadonlySet<string> = new Set(['error', 'err', 'code']);

/**
 * Chat spellings and frequent misspellings → one spelling, so "pls", "plz" and "please" are the
 * same feature. Apostrophes are already gone ("can't" is "cant"). Kept short on purpose: character
 * n-grams catch the long tail of typos; this list catches the ones too short for n-grams to help.
 */
const SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['u', 'you'], ['ya', 'you'], ['yu', 'you'], ['ur', 'your'], ['youre', 'your'], ['r', 'are'],
  ['pls', 'please'], ['plz', 'please'], ['plse', 'please'], ['pleas', 'please'], ['pleaze', 'please'],
  ['thx', 'thanks'], ['thnx', 'thanks'], ['thanx', 'thanks'], ['ty', 'thanks'], ['tks', 'thanks'],
  ['thank', 'thanks'],
  ['im', 'i'], ['ive', 'i'],
  ['cannot', 'cant'], ['cnt', 'cant'], ['caint', 'cant'],
  ['doesent', 'doesnt'], ['dosent', 'doesnt'], ['dosnt', 'doesnt'], ['doesn', 'doesnt'],
  ['aint', 'isnt'],
  ['wat', 'what'], ['wut', 'what'], ['whats', 'what'], ['wats', 'what'],
  ['hw', 'how'], ['y', 'why'], ['bc', 'because'], ['cuz', 'because'], ['coz', 'because'],
  ['bcoz', 'because'], ['becuase', 'because'], ['becasue', 'because'],
  ['b4', 'before'], ['2day', 'today'], ['tmrw', 'tomorrow'], ['tmr', 'tomorrow'], ['tomorow', 'tomorrow'],
  ['smth', 'something'], ['sth', 'something'], ['somthing', 'something'], ['tho', 'though'],
  ['ppl', 'people'], ['msg', 'message'], ['msgs', 'messages'], ['txt', 'text'],
  ['acct', 'account'], ['acc', 'account'], ['acount', 'account'], ['accnt', 'account'],
  ['pw', 'password'], ['pwd', 'password'], ['passwd', 'password'], ['pasword', 'password'],
  ['passowrd', 'password'], ['psswd', 'password'], ['passcode', 'password'],
  ['recieve', 'receive'], ['recieved', 'received'], ['recived', 'received'], ['adress', 'address'],
  ['addres', 'address'], ['refud', 'refund'], ['refnd', 'refund'], ['reciept', 'receipt'],
  ['pmt', 'payment'], ['pymt', 'payment'], ['txn', 'transaction'], ['trx', 'transaction'],
  ['info', 'information'], ['pic', 'picture'], ['pics', 'pictures'], ['vid', 'video'],
  ['mfa', '2fa'], ['otp', 'code'],
  ['rn', 'now'], ['agn', 'again'], ['agian', 'again'],
  ['wierd', 'weird'], ['eror', 'error'], ['erorr', 'error'], ['problm', 'problem'],
  ['probelm', 'problem'], ['prob', 'problem'], ['probs', 'problems'], ['crashs', 'crashes'],
  ['doesnot', 'doesnt'], ['loggin', 'login'], ['logon', 'login'], ['signin', 'login'],
  ['subscribtion', 'subscription'], ['subcription', 'subscription'], ['sub', 'subscription'],
  ['delivary', 'delivery'], ['shiping', 'shipping'], ['cancell', 'cancel'],
  ['cancelation', 'cancellation'], ['canceled', 'cancelled'], ['canceling', 'cancelling'],
  // French, Spanish, Portuguese and German chat spellings.
  // (Short forms that are English words or units too, such as "cc", "pr", "ds", "tb", "k", are not.)
  ['slt', 'salut'], ['bjr', 'bonjour'], ['pq', 'porque'], ['xq', 'porque'],
  ['pk', 'pourquoi'], ['pkoi', 'pourquoi'], ['cmt', 'comment'],
  ['tjrs', 'toujours'], ['tjs', 'toujours'],
  ['q', 'que'], ['xa', 'para'], ['tmb', 'tambien'],
  ['vc', 'voce'], ['vcs', 'voces'], ['tbm', 'tambem'], ['obg', 'obrigado'],
  ['hj', 'hoje'], ['qdo', 'quando'], ['qnd', 'quando'], ['msm', 'mesmo'],
  ['ngm', 'ninguem'], ['vllt', 'vielleicht'], ['nix', 'nichts'],
]);

/** "does not" → "doesnt", so the two spellings of a negation share one feature. */
const NEGATABLE: ReadonlyMap<string, string> = new Map([
  ['do', 'dont'], ['does', 'doesnt'], ['did', 'didnt'], ['is', 'isnt'], ['are', 'arent'],
  ['was', 'wasnt'], ['were', 'werent'], ['can', 'cant'], ['could', 'couldnt'], ['will', 'wont'],
  ['would', 'wouldnt'], ['has', 'hasnt'], ['have', 'havent'], ['had', 'hadnt'], ['should', 'shouldnt'],
]);

/**
 * Normalises a message into tokens: NFKC, HTML stripped, URLs, e-mail addresses, @mentions, error
 * codes, amounts of money, numbers and emoji turned into placeholders, lower case, apostrophes
 * dropped, punctuation removed, letters repeated three times or more cut to two, chat spellings
 * unified and "does not" merged into "doesnt". Never throws; returns [] for text without words.
 *
 * @example normalizeTokens('App crashes on login, error 0x80070005!!') // ['app', 'crashes', 'on', 'login', 'error', '_err_']
 */
export function normalizeTokens(text: string): string[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  let s = text.length > MAX_CLASSIFIED_CHARS ? text.slice(0, MAX_CLASSIFIED_CHARS) : text;
  // Each pattern runs only when the character it needs is there: most messages are short ASCII
  // without digits, and skipping passes keeps a 4,000-character paste well under a millisecond.
  const ascii = ASCII_ONLY.test(s);
  if (!ascii) s = s.normalize('NFKC');
  if (s.includes('<') || s.includes('&')) s = s.replace(HTML_TAG, ' ').replace(HTML_ENTITY, ' ');
  const dotted = s.includes('.');
  if (dotted || s.includes('://')) s = s.replace(URL, ` ${PLACEHOLDERS.url} `);
  if (s.includes('@')) s = s.replace(EMAIL, ` ${PLACEHOLDERS.email} `);
  if (dotted) s = s.replace(DOMAIN, ` ${PLACEHOLDERS.url} `);
  if (s.includes('@')) s = s.replace(MENTION, `$1 ${PLACEHOLDERS.user} `);
  const digits = HAS_DIGIT.test(s);
  if (digits) {
    s = s.replace(HEX_CODE, ` ${PLACEHOLDERS.error} `);
    s = s.replace(DASHED_CODE, ` ${PLACEHOLDERS.error} `);
    s = s.replace(ERROR_WORD_CODE, ` ${PLACEHOLDERS.error} `);
    s = s.replace(CAPITAL_CODE, ` ${PLACEHOLDERS.error} `);
    s = s.replace(MONEY, ` ${PLACEHOLDERS.money} `);
  }
  if (s.includes('_')) s = s.replace(SCREAMING_CODE, ` ${PLACEHOLDERS.error} `);
  if (s.includes('rror') || s.includes('xception')) s = s.replace(EXCEPTION_NAME, ` ${PLACEHOLDERS.error} `);
  if (!ascii) s = s.replace(EMOJI, ` ${PLACEHOLDERS.emoji} `).replace(EMOJI_LEFTOVERS, '');
  s = s.toLowerCase();
  if (!ascii) s = s.normalize('NFD').replace(COMBINING_MARKS, '').replace(/ß/g, 'ss');
  if (EMOTICON_HINT.test(s)) s = s.replace(EMOTICON, `$1 ${PLACEHOLDERS.emoji} `);
  if (s.includes("'") || !ascii) s = s.replace(ELISION, '$1e ');
  s = s.replace(APOSTROPHE, '');
  s = s.replace(ascii ? NOT_WORD_ASCII : NOT_WORD, ' ');

  const parts: string[] = [];
  // Runs of spaces give empty parts; four parts a token is plenty and bounds the work.
  for (const part of s.split(' ', MAX_TOKENS * 4)) {
    if (part.length === 0) continue;
    if (part.includes('_') && !PLACEHOLDER_SET.has(part)) {
      // Underscores left in user text ("my_file") separate words.
      for (const piece of part.split('_')) if (piece.length > 0) parts.push(piece);
    } else {
      parts.push(part);
    }
    if (parts.length >= MAX_TOKENS) break;
  }

  const tokens: string[] = [];
  for (let i = 0; i < parts.length && tokens.length < MAX_TOKENS; i++) {
    const part = parts[i] as string;
    if (PLACEHOLDER_SET.has(part)) {
      tokens.push(part);
    } else if (part.length > MAX_TOKEN_LENGTH) {
      tokens.push(PLACEHOLDERS.long);
    } else if (DIGITS.test(part)) {
      tokens.push(classifyNumber(part, tokens[tokens.length - 1], parts[i + 1]));
    } else if (HAS_DIGIT.test(part) && HAS_LETTER.test(part) && part.length >= 8) {
      // Tracking numbers, serials, order references: their kind matters, not their value.
      tokens.push(PLACEHOLDERS.id);
    } else {
      const collapsed = hasTripleLetter(part) ? part.replace(REPEATED, '$1$1') : part;
      const word = SPELLINGS.get(collapsed) ?? collapsed;
      const merged = word === 'not' ? NEGATABLE.get(tokens[tokens.length - 1] ?? '') : undefined;
      if (merged !== undefined) tokens[tokens.length - 1] = merged;
      else tokens.push(word);
    }
  }
  return tokens;
}

function hasTripleLetter(word: string): boolean {
  for (let i = 2; i < word.length; i++) {
    if (word.charCodeAt(i) === word.charCodeAt(i - 1) && word.charCodeAt(i) === word.charCodeAt(i - 2)) return true;
  }
  return false;
}

/** A number is an error code after "error" or "code", or when it looks like an HTTP status and a neighbour says so ("a 500 error", "getting 404"). */
function classifyNumber(digits: string, previous: string | undefined, next: string | undefined): string {
  if (previous !== undefined && CODE_CONTEXT.has(previous)) return PLACEHOLDERS.error;
  if (STATUS_CODE.test(digits)) {
    if (previous !== undefined && ERROR_CONTEXT_BEFORE.has(previous)) return PLACEHOLDERS.error;
    if (next !== undefined && ERROR_CONTEXT_AFTER.has(next)) return PLACEHOLDERS.error;
  }
  return PLACEHOLDERS.number;
}

/**
 * Function words and request framing ("help", "need", "question", "someone"): they get no
 * unigram and no character n-grams of their own, only their place in bigrams ("how do",
 * "not working", "need help"). Alone they say more about who wrote a message than about its
 * topic: weighted on their own, the model learnt one writer's habits ("I want to…" for service)
 * and failed on another's, and greetings like "need help pls" came out confident. Chosen by
 * leave-one-writer-out validation (docs/router.md, "Features").
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my we our you your he she it its they them their a an the this that these those is am are ' +
    'was were be been being have has had do does did to of in on at for with from by as and or but if ' +
    'so than then just also there here what which who whom when where why how can could will would ' +
    'should may might must shall any some all no yes please thanks hi hello hey ' +
    'help need want like something anything question ask someone anyone anybody somebody assist ' +
    'assistance sorry talk speak chat ' +
    // French, German, Spanish and Portuguese, accents folded as `normalizeTokens` folds them.
    // Words that are also English content words ("die", "sale", "son", "car", "plus", "sim", "hat",
    // "bin", "war", "uber") are left out.
    'je j me moi tu te il elle on nous vous ils elles le la les l un une des du de d au aux ce c cet ' +
    'cette ces mon ma mes ton ta tes sa ses notre nos votre vos leur leurs qui que qu quoi dont ou ' +
    'et mais donc ni ne n pas est suis es sont etre ai as avons avez ont avoir fait faire ' +
    'dans par avec sans sur sous chez pour y en si comme quand comment pourquoi quel quelle quels ' +
    'bonjour bonsoir salut coucou merci svp stp sil plait aide aider besoin voudrais veux aimerais ' +
    'souhaite question quelquun personne parler ' +
    'ich mich mir mein meine meinen meinem meiner du dich dir dein deine er sie es wir uns unser ' +
    'unsere ihr euch ihre der das dem den des ein eine einen einem einer und oder aber nicht kein ' +
    'keine ist sind bist seid habe hast haben hatte wird werden kann konnen mochte ' +
    'mit von zu zum zur bei aus auf fur um nach vor wie was warum wo wer wann ob dass ' +
    'hallo guten morgen abend danke bitte hilfe helfen brauche frage jemand moin servus hi ' +
    'yo mi mis tu tus su sus nosotros usted ustedes el lo los las un una unos unas del al y o pero ' +
    'no es soy son estoy esta estan he ha han tengo tiene hay con sin por para sobre como cuando ' +
    'donde porque que quien cual hola buenas buenos dias tardes gracias favor porfa ayuda ayudar ' +
    'necesito quiero quisiera pregunta consulta alguien hablar ' +
    'eu meu minha meus minhas voce voces ele ela nos o os as um uma uns umas do da dos das no na ' +
    'nos nas ao e ou mas nao esta estou sao tenho tem ter foi com sem pra para pelo pela ' +
    'quando onde porque por quem qual oi ola bom dia boa tarde noite obrigado obrigada ajuda ' +
    'ajudar preciso quero queria gostaria duvida alguem falar'
  ).split(' '),
);

/** True for the words that only take part in bigrams (see `STOP_WORDS`). */
export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** True for the placeholder tokens (`_url_`, `_err_` …), which have no character n-grams. */
export function isPlaceholder(token: string): boolean {
  return PLACEHOLDER_SET.has(token);
}

/**
 * Called once per feature occurrence, with the index of the token it belongs to (a bigram
 * belongs to its first token). A feature repeated in a text is visited once per occurrence.
 */
export type FeatureVisitor = (feature: string, block: FeatureBlock, token: number) => void;

/**
 * Visits every feature of a token list, in a fixed order: per token, its unigram (unless a stop
 * word), the bigram it starts, then its character n-grams (unless a stop word or a placeholder).
 * Training and inference share this one function; `train.ts` collects the features,
 * `classifier.ts` sums their weights as it goes.
 */
export function visitFeatures(tokens: readonly string[], visit: FeatureVisitor): void {
  const count = tokens.length;
  for (let i = 0; i < count; i++) {
    const token = tokens[i] as string;
    const stop = STOP_WORDS.has(token);
    if (!stop) visit(token, 'word', i);
    if (i + 1 < count) visit(`${token} ${tokens[i + 1] as string}`, 'word', i);
    if (stop || PLACEHOLDER_SET.has(token)) continue;
    const padded = ` ${token} `;
    const length = padded.length;
    for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX && n <= length; n++) {
      for (let start = 0; start + n <= length; start++) visit(padded.slice(start, start + n), 'char', i);
    }
  }
}

/** How many features `visitFeatures` yields per block, counted without building them. */
export function countFeatures(tokens: readonly string[]): { word: number; char: number } {
  const count = tokens.length;
  let word = count > 0 ? count - 1 : 0;
  let char = 0;
  for (const token of tokens) {
    if (STOP_WORDS.has(token)) continue;
    word++;
    if (PLACEHOLDER_SET.has(token)) continue;
    const length = token.length + 2;
    for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX && n <= length; n++) char += length - n + 1;
  }
  return { word, char };
}

/**
 * The value every occurrence of a feature takes in a block of `count` occurrences: 1/√count, so
 * a block's vector has about unit length whatever the length of the message. Without it a long
 * message piles up weights and comes out overconfident, which is the "long means support" trap.
 */
export function blockScale(count: number): number {
  return count > 0 ? 1 / Math.sqrt(count) : 0;
}
