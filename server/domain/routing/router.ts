/**
 * Decides the queue of a new conversation (DESIGN.md, "Routing"): the classifier's choice when it
 * is sure, the site's fallback queue (the service umbrella by default) when it is not.
 */
import type { RoutingDecision } from '../../../shared/protocol';
import type { QueueName } from '../../../shared/queues';
import type { Classifier } from './classification';

export interface RouterOptions {
  classifier: Classifier;
  /**
   * Where an uncertain conversation goes.
   * @default 'service'
   */
  fallbackQueue?: QueueName;
}

export interface Router {
  route(text: string): RoutingDecision;
}

export function createRouter({ classifier, fallbackQueue = 'service' }: RouterOptions): Router {
  return {
    route(text) {
      const result = classifier.classify(text);
      const words = result.features.slice(0, 3).map((f) => `“${f.feature}”`).join(', ');
      if (result.uncertain) {
        return {
          queue: fallbackQueue,
          by: 'default',
          confidence: result.confidence,
          reason: `Unsure (model leaned ${result.label} at ${Math.round(result.confidence * 100)}%): sent to the ${fallbackQueue} queue`,
          uncertain: true,
        };
      }
      return {
        queue: result.label,
        by: 'model',
        confidence: result.confidence,
        reason: words ? `Model: ${result.label}, from ${words}` : `Model: ${result.label}`,
        uncertain: false,
      };
    },
  };
}
