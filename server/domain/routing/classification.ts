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
  /** The strongest features behind the decision, strongest first. */
  features: FeatureContribution[];
}

/** Anything that can classify a message: the trained model, or a stand-in in tests. */
export interface Classifier {
  classify(text: string): Classification;
}
