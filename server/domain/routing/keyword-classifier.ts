/**
 * The first, simple classifier: technical words pull towards support, everything else is the
 * service umbrella. The trained model (issue 4) replaces it behind the same `Classifier` shape.
 */
import type { Classifier } from './classification';

const SUPPORT_WORDS = [
  'error', 'bug', 'crash', 'crashes', 'crashed', 'broken', "doesn't work", 'not working', 'wont', "won't", 'install',
  'setup', 'set up', 'configure', 'integration', 'api', 'webhook', 'login', 'log in', 'password', '2fa', 'code',
  'down', 'outage', 'slow', 'freeze', 'freezes', 'connect', 'sync', 'update', 'how do i', 'how to', 'hacked',
  'locked', 'reset', 'timeout', '500', '404',
];

export function createKeywordClassifier(): Classifier {
  return {
    classify(text) {
      const lower = text.toLowerCase();
      const hits = SUPPORT_WORDS.filter((word) => lower.includes(word));
      const confidence = hits.length === 0 ? 0.55 : Math.min(0.6 + 0.15 * hits.length, 0.95);
      return {
        label: hits.length > 0 ? 'support' : 'service',
        confidence,
        uncertain: hits.length === 0,
        features: hits.slice(0, 5).map((feature) => ({ feature, weight: 1 })),
      };
    },
  };
}
