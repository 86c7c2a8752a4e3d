import { FEATURIZER_VERSION } from './featurize';
import { checkLanguageProfile, type LanguageProfile } from './language';

/** Written in every model file so a wrong JSON file is recognised as such. */
export const ROUTER_MODEL_FORMAT = 'switchboard-router-model';
/** Bumped when the shape of `RouterModel` changes (2: the language profile). */
export const ROUTER_MODEL_VERSION = 2;

/**
 * A trained service-vs-support model, as stored in `model.json`: a logistic regression over the
 * features of `featurize.ts`. Positive scores pull towards `support`, negative towards `service`.
 */
export interface RouterModel {
  format: typeof ROUTER_MODEL_FORMAT;
  version: typeof ROUTER_MODEL_VERSION;
  /** The `FEATURIZER_VERSION` the weights were trained with. */
  featurizer: number;
  /** Intercept of the raw score. */
  bias: number;
  /** Temperature: probability of support = sigmoid(scale × raw score), fitted on a tuning set. */
  scale: number;
  /** A decision whose confidence is under this is `uncertain` (0.5 to 1). */
  threshold: number;
  /**
   * A text is also `uncertain` when fewer than this share of its words are function words of the
   * router's languages or words seen in training (other languages, keyboard mashing, code), or when it has no
   * content word at all ("hi", "are you there?").
   */
  minKnownWords: number;
  /** Weights of word features (unigrams, bigrams "a b", first word "^ a") and of character n-grams. */
  weights: { word: Record<string, number>; char: Record<string, number> };
  /** The language identifier's trigram profile, trained on the same rows (`language.ts`). */
  languages: LanguageProfile;
  /**
   * The model that reads text identified as another language than English, trained on the rows
   * of every language; the fields above (trained on English rows only) read English. Absent when
   * the model was trained on English alone.
   */
  multilingual?: Pick<RouterModel, 'bias' | 'scale' | 'threshold' | 'weights'>;
  /** How the model was trained: rows, options and tuning figures, for the record only. */
  training: Record<string, unknown>;
}

/**
 * Checks that a parsed JSON value is a usable router model and returns it typed; throws an
 * `Error` saying what is wrong otherwise (wrong file, other version, damaged weights).
 */
export function parseRouterModel(value: unknown): RouterModel {
  const fail = (why: string): never => {
    throw new Error(`Invalid router model: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object');
  const model = value as Record<string, unknown>;
  if (model.format !== ROUTER_MODEL_FORMAT) fail(`"format" must be "${ROUTER_MODEL_FORMAT}" (is this a router model file?)`);
  if (model.version !== ROUTER_MODEL_VERSION) fail(`"version" is ${String(model.version)}, this code reads version ${ROUTER_MODEL_VERSION}`);
  if (model.featurizer !== FEATURIZER_VERSION) {
    fail(`trained with featurizer ${String(model.featurizer)}, this code extracts features version ${FEATURIZER_VERSION}: retrain it`);
  }
  checkNumber(model.minKnownWords, 'minKnownWords', 0, 1, fail);
  checkScorer(model, '', fail);
  if (model.multilingual !== undefined) {
    if (typeof model.multilingual !== 'object' || model.multilingual === null) fail('"multilingual" must be an object');
    checkScorer(model.multilingual as Record<string, unknown>, 'multilingual.', fail);
  }
  checkLanguageProfile(model.languages);
  if (typeof model.training !== 'object' || model.training === null) fail('"training" must be an object');
  return model as unknown as RouterModel;
}

function checkScorer(part: Record<string, unknown>, path: string, fail: (why: string) => never): void {
  checkNumber(part.bias, `${path}bias`, -Infinity, Infinity, fail);
  checkNumber(part.scale, `${path}scale`, Number.MIN_VALUE, Infinity, fail);
  checkNumber(part.threshold, `${path}threshold`, 0.5, 1, fail);
  const weights = part.weights as Record<string, unknown> | undefined;
  if (typeof weights !== 'object' || weights === null) fail(`"${path}weights" must be an object with "word" and "char"`);
  for (const block of ['word', 'char'] as const) {
    const table = (weights as Record<string, unknown>)[block];
    if (typeof table !== 'object' || table === null || Array.isArray(table)) fail(`"${path}weights.${block}" must be an object`);
    for (const [feature, weight] of Object.entries(table as Record<string, unknown>)) {
      if (typeof weight !== 'number' || !Number.isFinite(weight)) fail(`"${path}weights.${block}" has a non-numeric weight for "${feature}"`);
    }
  }
}

function checkNumber(value: unknown, name: string, min: number, max: number, fail: (why: string) => never): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`"${name}" must be a finite number between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
}
