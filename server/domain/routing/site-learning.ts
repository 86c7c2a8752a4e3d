/**
 * Per-site learning (docs/router.md, "Each site's own corrections"): the shared model stays as
 * shipped, and each site gets a small set of extra word weights learnt from its own outcomes (the
 * queue each conversation ended in, its agents' transfers and "wrong queue" flags). The extra
 * weights are fitted with the shared model's decision as a fixed offset, so they learn only what
 * the shared model gets wrong on this site: its product names, plans and error codes. A candidate
 * is adopted only when it routes the site's held-back examples better than the current one.
 *
 * Pure functions: the store, the job and the cache live in `site-learning-service.ts`.
 */
export type { RoutingExample, SiteModelVersion };
import type { QueueName } from '../../../shared/queues';
import type { RoutingExample, SiteModelVersion } from '../../store/store';
import type { Classifier, SiteAdaptation } from './classification';
import { blockScale, countFeatures, isPlaceholder, isStopWord, normalizeTokens, visitFeatures } from './featurize';
import { normalizeForRules } from './rules';

/** Opening text kept per example: what the router reads first. */
export const MAX_EXAMPLE_CHARS = 1_000;
/** Examples kept per site, newest first; older ones are dropped. */
export const EXAMPLES_KEPT = 5_000;
/** New corrections that start a retraining job. */
export const RETRAIN_AFTER_CORRECTIONS = 20;
/** Versions kept per site, for roll-back. */
export const VERSIONS_KEPT = 5;
/** Held back: one example in five, chosen by its conversation id (below). */
const HELD_BACK_EVERY = 5;
/** A candidate needs at least this many held-back examples, corrected ones among them, to be judged. */
export const MIN_HELD_BACK = 10;
export const MIN_HELD_BACK_CORRECTIONS = 3;
/** A site word must occur in this many training examples to get a weight. */
const MIN_DOCUMENT_FREQUENCY = 2;
/** L2 penalty per example: chosen with `npm run bench:learning` (0.02 and 0.005 learnt too slowly); the held-back check and `MAX_WEIGHT` keep it honest. */
const L2 = 0.001;
/** No single site word may pull harder than this (log-odds): one site cannot make a word absolute. */
const MAX_WEIGHT = 4;
const ITERATIONS = 300;
const LEARNING_RATE = 0.5;
/** Features kept in an adapted model, strongest first: bounds its size and the work per decision. */
const MAX_FEATURES = 2_000;

/**
 * Held-back or not, from the conversation id alone: stable across retrainings, so an example
 * judged once is never trained on later, and the split does not depend on the order of arrival.
 */
export function isHeldBack(conversationId: string): boolean {
  let hash = 2166136261;
  for (let i = 0; i < conversationId.length; i++) {
    hash ^= conversationId.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % HELD_BACK_EVERY === 0;
}

/** The in-memory form of a stored version, for the classifier. */
export function toAdaptation(version: SiteModelVersion): SiteAdaptation {
  return { version: version.version, weights: new Map(Object.entries(version.weights)) };
}

/** The queue the router would give a text: the model's label, or the fallback when it is unsure. */
export function routedQueue(classifier: Classifier, text: string, fallback: QueueName, adaptation?: SiteAdaptation): QueueName {
  const decision = classifier.classify(text, adaptation);
  return decision.uncertain ? fallback : decision.label;
}

/** Share of examples the router would place right (1 when there are none). */
export function routingAccuracy(classifier: Classifier, examples: readonly RoutingExample[], fallback: QueueName, adaptation?: SiteAdaptation): number {
  if (examples.length === 0) return 1;
  const right = examples.filter((e) => routedQueue(classifier, e.text, fallback, adaptation) === e.label).length;
  return right / examples.length;
}

/** The word features of a text and their values, as the classifier weighs them. */
function wordFeatures(text: string): Map<string, number> {
  const tokens = normalizeTokens(text);
  const scale = blockScale(countFeatures(tokens).word);
  const values = new Map<string, number>();
  visitFeatures(tokens, (feature, block) => {
    if (block === 'word') values.set(feature, (values.get(feature) ?? 0) + scale);
  });
  return values;
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Fits a site's extra word weights on its training examples (the held-back ones are left out
 * here), with the shared model's decision as a fixed offset. Deterministic for the same examples.
 */
export function trainSiteWeights(classifier: Classifier, examples: readonly RoutingExample[]): Record<string, number> {
  const rows = examples
    .filter((e) => !isHeldBack(e.conversationId))
    .sort((a, b) => (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0))
    .map((e) => {
      const shared = classifier.classify(e.text);
      const pSupport = shared.label === 'support' ? shared.confidence : 1 - shared.confidence;
      return { offset: logit(pSupport), target: e.label === 'support' ? 1 : 0, features: wordFeatures(e.text) };
    });
  if (rows.length === 0) return {};

  const frequency = new Map<string, number>();
  for (const row of rows) for (const feature of row.features.keys()) frequency.set(feature, (frequency.get(feature) ?? 0) + 1);
  const vocabulary = [...frequency].filter(([, n]) => n >= MIN_DOCUMENT_FREQUENCY).map(([f]) => f).sort();
  const index = new Map(vocabulary.map((f, i) => [f, i]));
  const sparse = rows.map((row) => {
    const entries = [...row.features].filter(([f]) => index.has(f)).map(([f, v]) => [index.get(f) as number, v] as const);
    return { ...row, entries };
  });

  // Gradient descent with per-feature step sizes (AdaGrad): a few thousand features and examples
  // at most, so a few hundred passes take milliseconds and need no line search.
  const w = new Float64Array(vocabulary.length);
  const squared = new Float64Array(vocabulary.length).fill(1e-8);
  const gradient = new Float64Array(vocabulary.length);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    gradient.fill(0);
    for (const row of sparse) {
      let z = row.offset;
      for (const [j, v] of row.entries) z += (w[j] as number) * v;
      const residual = sigmoid(z) - row.target;
      for (const [j, v] of row.entries) gradient[j] = (gradient[j] as number) + residual * v;
    }
    for (let j = 0; j < w.length; j++) {
      const g = (gradient[j] as number) / sparse.length + L2 * (w[j] as number);
      squared[j] = (squared[j] as number) + g * g;
      const next = (w[j] as number) - (LEARNING_RATE * g) / Math.sqrt(squared[j] as number);
      w[j] = Math.max(-MAX_WEIGHT, Math.min(MAX_WEIGHT, next));
    }
  }

  return Object.fromEntries(
    vocabulary
      .map((feature, j) => [feature, Math.round((w[j] as number) * 1000) / 1000] as const)
      .filter(([, weight]) => Math.abs(weight) >= 0.01)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_FEATURES),
  );
}

export interface TrainingOutcome {
  /** The candidate, whether or not it was adopted. */
  candidate: SiteModelVersion;
  adopted: boolean;
  /** Why it was or was not adopted, in words an admin reads. */
  reason: string;
}

/**
 * Trains a candidate and judges it against the current adaptation (or the shared model alone) on
 * the held-back examples: adopted only when it places strictly more of them right.
 */
export function trainCandidate(
  classifier: Classifier,
  examples: readonly RoutingExample[],
  current: SiteModelVersion | null,
  fallback: QueueName,
  version: number,
  now: number,
): TrainingOutcome {
  const heldBack = examples.filter((e) => isHeldBack(e.conversationId));
  const training = examples.filter((e) => !isHeldBack(e.conversationId));
  const weights = trainSiteWeights(classifier, training);
  const candidateAdaptation = { version, weights: new Map(Object.entries(weights)) };
  const accuracyBefore = routingAccuracy(classifier, heldBack, fallback, current ? toAdaptation(current) : undefined);
  const accuracyAfter = routingAccuracy(classifier, heldBack, fallback, candidateAdaptation);
  const heldBackCorrections = heldBack.filter((e) => e.corrected).length;
  const candidate: SiteModelVersion = {
    version,
    trainedAt: now,
    weights,
    trainedOn: { examples: training.length, corrections: training.filter((e) => e.corrected).length },
    heldBack: { examples: heldBack.length, corrections: heldBackCorrections, accuracyBefore, accuracyAfter },
  };
  if (heldBack.length < MIN_HELD_BACK || heldBackCorrections < MIN_HELD_BACK_CORRECTIONS) {
    return { candidate, adopted: false, reason: `too few held-back examples to judge (${heldBack.length}, ${heldBackCorrections} corrected)` };
  }
  if (accuracyAfter <= accuracyBefore) {
    return { candidate, adopted: false, reason: `no better on held-back examples (${percent(accuracyAfter)} vs ${percent(accuracyBefore)})` };
  }
  return { candidate, adopted: true, reason: `better on held-back examples (${percent(accuracyAfter)} vs ${percent(accuracyBefore)})` };
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export interface SuggestedRule {
  phrase: string;
  queue: QueueName;
  /** Corrections to `queue` whose text contains the phrase. */
  corrections: number;
  /** Examples of the other queue that contain it too. */
  against: number;
}

/** Corrections to a queue that must contain a phrase before it is suggested as a rule. */
const MIN_SUGGESTION_CORRECTIONS = 3;

/**
 * Phrases (one or two content words) that keep being corrected to the same queue and rarely
 * appear in the other queue's examples: candidates for a site rule. Phrases already covered by a
 * rule are left out.
 */
export function suggestRules(examples: readonly RoutingExample[], existingPhrases: readonly string[], limit = 5): SuggestedRule[] {
  const covered = existingPhrases.map((p) => normalizeForRules(p));
  const counts = new Map<string, { service: number; support: number; correctedTo: { service: number; support: number } }>();
  for (const example of examples) {
    const words = normalizeTokens(example.text).filter((t) => !isStopWord(t) && !isPlaceholder(t) && t.length > 2);
    const phrases = new Set<string>(words);
    for (let i = 0; i + 1 < words.length; i++) phrases.add(`${words[i]} ${words[i + 1]}`);
    for (const phrase of phrases) {
      const entry = counts.get(phrase) ?? { service: 0, support: 0, correctedTo: { service: 0, support: 0 } };
      entry[example.label]++;
      if (example.corrected) entry.correctedTo[example.label]++;
      counts.set(phrase, entry);
    }
  }
  const suggestions: SuggestedRule[] = [];
  for (const [phrase, entry] of counts) {
    for (const queue of ['service', 'support'] as const) {
      const other = queue === 'service' ? 'support' : 'service';
      const corrections = entry.correctedTo[queue];
      if (corrections < MIN_SUGGESTION_CORRECTIONS) continue;
      // Four in five of its examples must be on the suggested side, or the rule would misroute.
      if (entry[other] * 4 > entry[queue]) continue;
      if (covered.some((c) => ` ${phrase} `.includes(c) || c.includes(` ${phrase} `))) continue;
      suggestions.push({ phrase, queue, corrections, against: entry[other] });
    }
  }
  // A word inside a suggested two-word phrase that holds most of its corrections says less than
  // the phrase ("plus" beside "orbit plus"): the phrase is suggested, the word is not.
  const phrases = suggestions.filter((s) => s.phrase.includes(' '));
  const kept = suggestions.filter(
    (s) => s.phrase.includes(' ') || !phrases.some((p) => p.queue === s.queue && p.phrase.split(' ').includes(s.phrase) && p.corrections * 5 >= s.corrections * 4),
  );
  return kept
    .sort((a, b) => b.corrections - a.corrections || a.against - b.against || b.phrase.split(' ').length - a.phrase.split(' ').length || (a.phrase < b.phrase ? -1 : 1))
    .slice(0, limit);
}
