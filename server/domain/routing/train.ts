import type { QueueName } from '../../../shared/queues';
import { blockScale, countFeatures, FEATURIZER_VERSION, normalizeTokens, visitFeatures, type FeatureBlock } from './featurize';
import { trainLanguageProfile } from './language';
import { ROUTER_MODEL_FORMAT, ROUTER_MODEL_VERSION, type RouterModel } from './router-model';

/**
 * Where a training row comes from, which decides its weight:
 * - `own`: openers written for Switchboard, both labels;
 * - `corpus`: public data that covers one side only (the CDLA Bitext rows are all `service`),
 *   weighted down to `corpusShare` of its label so it adds vocabulary without tilting the prior;
 * - `no-signal`: greetings with no topic ("hi", "are you there?"), trained towards 0.5 whatever
 *   their label, so the words in them carry no weight and such openers come out uncertain.
 */
export type RowGroup = 'own' | 'corpus' | 'no-signal';

/** One labelled text. */
export interface TrainingRow {
  text: string;
  label: QueueName;
  /** @default 'own' */
  group?: RowGroup;
  /** The language the row is written in, for the language identifier. @default 'en' */
  language?: string;
}

/** Options of `trainRouterModel`; every field has a default chosen on the tuning set (docs/router.md). */
export interface TrainOptions {
  /**
   * L2 penalty on the weights (not the bias), per unit of average row weight.
   * @default 3e-5
   */
  l2?: number;
  /**
   * Share of its label's weight that `corpus` rows get together (the rest goes to `own` rows).
   * @default 0.1
   */
  corpusShare?: number;
  /**
   * Weight of all `no-signal` rows together, relative to one label's weight.
   * @default 0.3
   */
  noSignalShare?: number;
  /**
   * A feature must occur in at least this many training texts to enter the vocabulary.
   * @default 2
   */
  minDocumentFrequency?: number;
  /**
   * Weights smaller than this (in absolute value) are dropped from the saved model, except word
   * unigrams, which are kept to tell known words from unknown ones.
   * @default 0.002
   */
  pruneBelow?: number;
  /**
   * L-BFGS iterations at most.
   * @default 400
   */
  iterations?: number;
  /**
   * Labelled rows of another style than the training rows, used to fit the temperature and
   * choose the threshold. Without them the scale is 1 and the threshold `fallbackThreshold`.
   * @default []
   */
  tuning?: readonly TrainingRow[];
  /**
   * The threshold is the lowest confidence at which tuning decisions at or above it are right at
   * least this often.
   * @default 0.97
   */
  targetPrecision?: number;
  /**
   * Bounds of the threshold: a coin flip is always uncertain, and a threshold too high would
   * send everything to the fallback queue.
   * @default [0.6, 0.85]
   */
  thresholdRange?: readonly [number, number];
  /**
   * Threshold used without tuning rows.
   * @default 0.65
   */
  fallbackThreshold?: number;
  /**
   * Whether to learn an intercept. Without one, a text with no known feature scores exactly 0
   * (a coin flip, so uncertain) instead of leaning towards whichever label the intercept favours.
   * @default false
   */
  fitBias?: boolean;
  /**
   * Share of a text's words that must be function words or words seen in training for a
   * confident decision (stored in the model). English openers score 0.6 and more, other
   * languages under 0.3 (docs/router.md).
   * @default 0.4
   */
  minKnownWords?: number;
  /**
   * Texts for the language identifier only, never for the router's weights: openers in languages
   * the router does not read, labelled `other` (language.ts, OTHER_LANGUAGE).
   * @default []
   */
  languageRows?: readonly { text: string; language: string }[];
}

const DEFAULTS = {
  l2: 3e-5,
  corpusShare: 0.1,
  noSignalShare: 0.3,
  minDocumentFrequency: 2,
  pruneBelow: 0.002,
  iterations: 400,
  targetPrecision: 0.97,
  thresholdRange: [0.6, 0.85] as const,
  fallbackThreshold: 0.65,
  minKnownWords: 0.4,
  fitBias: false,
  tuning: [] as readonly TrainingRow[],
  languageRows: [] as readonly { text: string; language: string }[],
};

/** Weights are saved with this many decimals: enough for the decision, small in JSON. */
const WEIGHT_DECIMALS = 4;

interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
  target: number;
  weight: number;
}

/**
 * Trains the router's logistic regression. Pure and deterministic: rows are sorted first, the
 * vocabulary is sorted, the optimiser (L-BFGS) has no randomness, so the same rows give the same
 * model bit for bit, whatever their order.
 */
export function trainRouterModel(rows: readonly TrainingRow[], options: TrainOptions = {}): RouterModel {
  const opts = { ...DEFAULTS, ...definedOnly(options) };
  const sorted = [...rows].sort(compareRows);
  const english = sorted.filter((r) => language(r) === 'en');
  const multilingual = english.length < sorted.length;
  // English is read by a model of English rows alone, so adding a language never moves an English
  // decision; the other languages by a model of every row, where English loanwords ("app", "login",
  // "bug") and cognates ("factur", "applicat") carry over (docs/router.md, "Languages").
  const main = trainPart(multilingual ? english : sorted, opts);
  const other = multilingual ? trainPart(sorted, opts) : undefined;

  const counts = (g: RowGroup, label: QueueName): number => sorted.filter((r) => group(r) === g && r.label === label).length;
  return {
    format: ROUTER_MODEL_FORMAT,
    version: ROUTER_MODEL_VERSION,
    featurizer: FEATURIZER_VERSION,
    bias: main.bias,
    scale: main.scale,
    threshold: main.threshold,
    minKnownWords: opts.minKnownWords,
    weights: main.weights,
    ...(other ? { multilingual: { bias: other.bias, scale: other.scale, threshold: other.threshold, weights: other.weights } } : {}),
    languages: trainLanguageProfile([...sorted.map((r) => ({ text: r.text, language: language(r) })), ...opts.languageRows]),
    training: {
      rows: {
        own: { service: counts('own', 'service'), support: counts('own', 'support') },
        corpus: { service: counts('corpus', 'service'), support: counts('corpus', 'support') },
        noSignal: sorted.filter((r) => group(r) === 'no-signal').length,
        tuning: main.tuningRows,
        languages: Object.fromEntries([...new Set(sorted.map(language))].sort().map((l) => [l, sorted.filter((r) => language(r) === l).length])),
        languageOnly: opts.languageRows.length,
      },
      options: {
        l2: opts.l2,
        corpusShare: opts.corpusShare,
        noSignalShare: opts.noSignalShare,
        minDocumentFrequency: opts.minDocumentFrequency,
        pruneBelow: opts.pruneBelow,
        iterations: opts.iterations,
        fitBias: opts.fitBias,
        targetPrecision: opts.targetPrecision,
        thresholdRange: [...opts.thresholdRange],
      },
      features: main.features,
      ...(other ? { multilingualFeatures: other.features } : {}),
    },
  };
}

type Scorer = Pick<RouterModel, 'bias' | 'scale' | 'threshold' | 'weights'>;

/** One logistic regression over `sorted` rows, its temperature and threshold fitted on the tuning rows. */
function trainPart(sorted: readonly TrainingRow[], opts: typeof DEFAULTS): Scorer & { tuningRows: number; features: Record<string, number> } {
  if (!sorted.some((r) => r.label === 'service' && group(r) !== 'no-signal') || !sorted.some((r) => r.label === 'support' && group(r) !== 'no-signal')) {
    throw new Error('Training needs labelled rows of both labels, service and support');
  }
  const tokenized = sorted.map((row) => normalizeTokens(row.text));
  const vocabulary = buildVocabulary(tokenized, opts.minDocumentFrequency);
  const weights = rowWeights(sorted, opts.corpusShare, opts.noSignalShare);
  const data: SparseRow[] = sorted.map((row, i) => ({
    ...vectorize(tokenized[i] as string[], vocabulary.index),
    target: group(row) === 'no-signal' ? 0.5 : row.label === 'support' ? 1 : 0,
    weight: weights[i] as number,
  }));

  const theta = fitLogistic(data, vocabulary.features.length, opts.l2, opts.iterations, opts.fitBias);
  const bias = theta[vocabulary.features.length] as number;

  const word: Record<string, number> = {};
  const char: Record<string, number> = {};
  vocabulary.features.forEach(({ feature, block }, j) => {
    const w = round(theta[j] as number);
    const isUnigram = block === 'word' && !feature.includes(' ');
    if (Math.abs(w) < opts.pruneBelow && !isUnigram) return;
    (block === 'word' ? word : char)[feature] = w;
  });

  const draft: Scorer = { bias: round(bias), scale: 1, threshold: opts.fallbackThreshold, weights: { word, char } };
  const tuning = opts.tuning.filter((r) => group(r) !== 'no-signal');
  const scores = tuning.map((r) => scoreText(draft, r.text));
  const targets = tuning.map((r) => (r.label === 'support' ? 1 : 0));
  const scale = tuning.length > 0 ? round(fitTemperature(scores, targets)) : 1;
  const threshold =
    tuning.length > 0 ? chooseThreshold(scores.map((s) => s * scale), targets, opts.targetPrecision, opts.thresholdRange) : opts.fallbackThreshold;
  return {
    ...draft,
    scale,
    threshold,
    tuningRows: tuning.length,
    features: { vocabulary: vocabulary.features.length, word: Object.keys(word).length, char: Object.keys(char).length },
  };
}

/**
 * The raw score (before temperature) of a text under a model, built exactly as the training rows
 * were. The classifier has its own faster loop; this one serves training and tests.
 */
export function scoreText(model: Pick<RouterModel, 'bias' | 'weights'>, text: string): number {
  const tokens = normalizeTokens(text);
  const counts = countFeatures(tokens);
  const scale = { word: blockScale(counts.word), char: blockScale(counts.char) };
  let score = model.bias;
  visitFeatures(tokens, (feature, block) => {
    score += (model.weights[block][feature] ?? 0) * scale[block];
  });
  return score;
}

function group(row: TrainingRow): RowGroup {
  return row.group ?? 'own';
}

function language(row: TrainingRow): string {
  return row.language ?? 'en';
}

function compareRows(a: TrainingRow, b: TrainingRow): number {
  return (
    compareStrings(a.text, b.text) || compareStrings(a.label, b.label) || compareStrings(group(a), group(b)) || compareStrings(language(a), language(b))
  );
}

/** Code-unit order, not `localeCompare`, so the order does not depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function definedOnly(options: TrainOptions): Partial<typeof DEFAULTS> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

function round(value: number): number {
  const factor = 10 ** WEIGHT_DECIMALS;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

interface Vocabulary {
  features: { feature: string; block: FeatureBlock }[];
  index: Map<string, number>;
}

/** Block-qualified key, so a word feature and a char n-gram with the same text stay apart. */
function key(block: FeatureBlock, feature: string): string {
  return block === 'word' ? `w\u0000${feature}` : `c\u0000${feature}`;
}

function buildVocabulary(texts: readonly string[][], minDocumentFrequency: number): Vocabulary {
  const frequency = new Map<string, number>();
  for (const tokens of texts) {
    const seen = new Set<string>();
    visitFeatures(tokens, (feature, block) => seen.add(key(block, feature)));
    for (const k of seen) frequency.set(k, (frequency.get(k) ?? 0) + 1);
  }
  const keys = [...frequency.entries()]
    .filter(([, n]) => n >= minDocumentFrequency)
    .map(([k]) => k)
    .sort(compareStrings);
  const features = keys.map((k) => ({ feature: k.slice(2), block: (k[0] === 'w' ? 'word' : 'char') as FeatureBlock }));
  return { features, index: new Map(keys.map((k, i) => [k, i])) };
}

function vectorize(tokens: readonly string[], index: Map<string, number>): { indices: Int32Array; values: Float64Array } {
  const counts = countFeatures(tokens);
  const scale = { word: blockScale(counts.word), char: blockScale(counts.char) };
  const sums = new Map<number, number>();
  visitFeatures(tokens, (feature, block) => {
    const j = index.get(key(block, feature));
    if (j !== undefined) sums.set(j, (sums.get(j) ?? 0) + scale[block]);
  });
  const entries = [...sums.entries()].sort((a, b) => a[0] - b[0]);
  return { indices: Int32Array.from(entries, (e) => e[0]), values: Float64Array.from(entries, (e) => e[1]) };
}

/**
 * Row weights: each label weighs 1 in total; within a label, `corpus` rows share `corpusShare`
 * of it when `own` rows exist too (else all of it); `no-signal` rows share `noSignalShare`.
 * Rows within one group and label weigh the same. The weights are then scaled to average 1.
 */
function rowWeights(rows: readonly TrainingRow[], corpusShare: number, noSignalShare: number): number[] {
  const size = new Map<string, number>();
  const cell = (r: TrainingRow): string => (group(r) === 'no-signal' ? 'no-signal' : `${r.label}/${group(r)}`);
  for (const r of rows) size.set(cell(r), (size.get(cell(r)) ?? 0) + 1);
  const raw = rows.map((r) => {
    const n = size.get(cell(r)) as number;
    if (group(r) === 'no-signal') return noSignalShare / n;
    const other = group(r) === 'corpus' ? `${r.label}/own` : `${r.label}/corpus`;
    if (!size.has(other)) return 1 / n;
    return (group(r) === 'corpus' ? corpusShare : 1 - corpusShare) / n;
  });
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z), without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Weighted, L2-regularised logistic regression by L-BFGS (memory 10, backtracking line search).
 * Returns the weights followed by the bias. Targets may be soft (0.5 for no-signal rows).
 */
function fitLogistic(rows: readonly SparseRow[], dimension: number, l2: number, iterations: number, fitBias: boolean): Float64Array {
  const n = dimension + 1;
  const totalWeight = rows.reduce((a, r) => a + r.weight, 0);

  const evaluate = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    const bias = theta[dimension] as number;
    for (const row of rows) {
      let z = bias;
      for (let k = 0; k < row.indices.length; k++) z += (theta[row.indices[k] as number] as number) * (row.values[k] as number);
      loss += row.weight * (softplus(z) - row.target * z);
      const residual = (row.weight * (sigmoid(z) - row.target)) / totalWeight;
      for (let k = 0; k < row.indices.length; k++) {
        const j = row.indices[k] as number;
        gradient[j] = (gradient[j] as number) + residual * (row.values[k] as number);
      }
      if (fitBias) gradient[dimension] = (gradient[dimension] as number) + residual;
    }
    loss /= totalWeight;
    for (let j = 0; j < dimension; j++) {
      const w = theta[j] as number;
      loss += 0.5 * l2 * w * w;
      gradient[j] = (gradient[j] as number) + l2 * w;
    }
    return loss;
  };

  const memory = 10;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let theta: Float64Array = new Float64Array(n);
  let gradient: Float64Array = new Float64Array(n);
  let loss = evaluate(theta, gradient);
  const direction = new Float64Array(n);
  const alpha = new Float64Array(memory);

  for (let iteration = 0; iteration < iterations; iteration++) {
    // Two-loop recursion: direction = -H·gradient.
    direction.set(gradient);
    for (let m = s.length - 1; m >= 0; m--) {
      const a = (rho[m] as number) * dot(s[m] as Float64Array, direction);
      alpha[m] = a;
      axpy(-a, y[m] as Float64Array, direction);
    }
    const last = s.length - 1;
    const gamma = last >= 0 ? dot(s[last] as Float64Array, y[last] as Float64Array) / dot(y[last] as Float64Array, y[last] as Float64Array) : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let j = 0; j < n; j++) direction[j] = (direction[j] as number) * gamma;
    for (let m = 0; m < s.length; m++) {
      const b = (rho[m] as number) * dot(y[m] as Float64Array, direction);
      axpy((alpha[m] as number) - b, s[m] as Float64Array, direction);
    }
    for (let j = 0; j < n; j++) direction[j] = -(direction[j] as number);

    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (can happen after a poor curvature pair): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let j = 0; j < n; j++) direction[j] = -(gradient[j] as number);
      slope = dot(gradient, direction);
    }

    let step = 1;
    const candidate = new Float64Array(n);
    const candidateGradient = new Float64Array(n);
    let candidateLoss = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < n; j++) candidate[j] = (theta[j] as number) + step * (direction[j] as number);
      candidateLoss = evaluate(candidate, candidateGradient);
      if (candidateLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(candidateLoss < loss)) break;

    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sNew[j] = (candidate[j] as number) - (theta[j] as number);
      yNew[j] = (candidateGradient[j] as number) - (gradient[j] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const improvement = loss - candidateLoss;
    theta = candidate;
    gradient = candidateGradient;
    loss = candidateLoss;
    if (improvement < 1e-10 * Math.max(1, Math.abs(loss))) break;
  }
  return theta;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] as number) * (b[j] as number);
  return sum;
}

function axpy(a: number, x: Float64Array, target: Float64Array): void {
  for (let j = 0; j < x.length; j++) target[j] = (target[j] as number) + a * (x[j] as number);
}

/** The temperature that minimises log-loss on the tuning rows (Newton's method in one dimension). */
function fitTemperature(scores: readonly number[], targets: readonly number[]): number {
  let scale = 1;
  for (let iteration = 0; iteration < 100; iteration++) {
    let first = 0;
    let second = 0;
    scores.forEach((z, i) => {
      const p = sigmoid(scale * z);
      first += (p - (targets[i] as number)) * z;
      second += p * (1 - p) * z * z;
    });
    if (second <= 0) break;
    const next = Math.min(20, Math.max(0.05, scale - first / second));
    if (Math.abs(next - scale) < 1e-9) {
      scale = next;
      break;
    }
    scale = next;
  }
  return scale;
}

/**
 * The lowest threshold (in hundredths, within `range`) at which the tuning rows decided with at
 * least that confidence are right at least `targetPrecision` of the time.
 */
function chooseThreshold(
  scores: readonly number[],
  targets: readonly number[],
  targetPrecision: number,
  range: readonly [number, number],
): number {
  const decisions = scores.map((z, i) => {
    const p = sigmoid(z);
    return { confidence: Math.max(p, 1 - p), correct: (p >= 0.5 ? 1 : 0) === targets[i] };
  });
  const [low, high] = range;
  for (let hundredths = Math.round(low * 100); hundredths <= Math.round(high * 100); hundredths++) {
    const threshold = hundredths / 100;
    const kept = decisions.filter((d) => d.confidence >= threshold);
    const precision = kept.length === 0 ? 1 : kept.filter((d) => d.correct).length / kept.length;
    if (precision >= targetPrecision) return threshold;
  }
  return high;
}
