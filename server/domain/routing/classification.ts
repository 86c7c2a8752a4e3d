import type { QueueName } from '../../../shared/queues';

/** One feature's pull on a decision: positive pulls towards `support`, negative towards `service`. */
export interface FeatureContribution {
  feature: string;
  weight: number;
}

/** What a classifier says about one text. */
export interface Classification {
  /** The queue the model itself picks (never a fallback). */
  label: QueueName;
  /** Probability of `label`, 0.5 to 1. */
  confidence: number;
  /** True when confidence is under the model's threshold: the router then uses the site's fallback queue. */
  uncertain: boolean;
  /**
   * Why it is uncertain: `no-words` (nothing to read: a greeting, emoji, punctuation), `language`
   * (written in a language the router does not read), `unsure` (read, but too close to call).
   */
  why?: 'no-words' | 'language' | 'unsure';
  /** The strongest features behind the decision, strongest first. */
  features: FeatureContribution[];
  /**
   * The language of the text (`en`, `fr`, `de`, `es`, `pt`), or null when it is none the router
   * reads (or has no letters): such a text is also `uncertain`.
   */
  language: string | null;
}

/**
 * A site's own adjustment on top of the shared model: extra weights for word features (its product
 * names, plans, error codes), learnt from its agents' corrections (`site-learning.ts`).
 */
export interface SiteAdaptation {
  version: number;
  /** Word feature (unigram or bigram, as `visitFeatures` names them) → weight added to the shared one. */
  weights: ReadonlyMap<string, number>;
}

/** Anything that can classify a message: the trained model, or a stand-in in tests. */
export interface Classifier {
  classify(text: string, adaptation?: SiteAdaptation): Classification;
}
