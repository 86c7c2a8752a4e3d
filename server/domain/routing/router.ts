/**
 * Decides the queue of a conversation (DESIGN.md, "Routing"): a site owner's rule wins first, the
 * visitor's own topic choice next, then the trained classifier; when the classifier is unsure the
 * conversation goes to the site's fallback queue (the service umbrella by default), flagged.
 */
import type { RoutingDecision } from '../../../shared/protocol';
import type { QueueName } from '../../../shared/queues';
import type { SiteSettings } from '../../../shared/schemas';
import type { RoutingRule } from '../../store/store';
import type { Classifier, SiteAdaptation } from './classification';
import { PLACEHOLDERS } from './featurize';
import { LANGUAGE_NAMES } from './language';
import { matchRule } from './rules';

export interface RoutingInput {
  /** The visitor's text so far (the first message, or all of them while still waiting). */
  text: string;
  rules: readonly RoutingRule[];
  settings: SiteSettings;
  /** The visitor's answer to the topic question, when the site asks it. */
  topic?: QueueName;
  /** The site's adjustment learnt from its agents' corrections, when it has adopted one. */
  adaptation?: SiteAdaptation;
}

export interface Router {
  route(input: RoutingInput): RoutingDecision;
}

const QUEUE_WORDS: Record<QueueName, string> = { service: 'General question', support: 'Technical problem' };

/** What the classifier's placeholder tokens stand for, in words an agent reads. */
const PLACEHOLDER_WORDS: Record<string, string> = {
  [PLACEHOLDERS.url]: 'a link',
  [PLACEHOLDERS.email]: 'an email address',
  [PLACEHOLDERS.user]: 'an @mention',
  [PLACEHOLDERS.error]: 'an error code',
  [PLACEHOLDERS.money]: 'an amount of money',
  [PLACEHOLDERS.number]: 'a number',
  [PLACEHOLDERS.id]: 'a reference number',
  [PLACEHOLDERS.emoji]: 'an emoji',
  [PLACEHOLDERS.long]: 'a long code',
};

/** A feature as an agent should read it: placeholders in words, no spelling-feature marker. */
export function describeFeature(feature: string): string {
  return feature
    .replace(/^~/, '')
    .split(' ')
    .map((token) => PLACEHOLDER_WORDS[token] ?? token)
    .join(' ');
}

export function createRouter({ classifier }: { classifier: Classifier }): Router {
  return {
    route({ text, rules, settings, topic, adaptation }) {
      const rule = matchRule(rules, text);
      if (rule) {
        return { queue: rule.queue, by: 'rule', confidence: 1, reason: `Rule: “${rule.phrase}” → ${rule.queue}`, uncertain: false };
      }
      if (topic && settings.topicQuestion) {
        return { queue: topic, by: 'visitor', confidence: 1, reason: `Visitor chose “${QUEUE_WORDS[topic]}”`, uncertain: false };
      }
      const result = classifier.classify(text, adaptation);
      const percent = Math.round(result.confidence * 100);
      const words = result.features
        .slice(0, 3)
        .map((f) => `“${describeFeature(f.feature)}”`)
        .join(', ');
      const language = result.language === null ? null : (LANGUAGE_NAMES[result.language] ?? result.language);
      const site = adaptation ? `, with this site's corrections (v${adaptation.version})` : '';
      if (result.uncertain) {
        const why =
          result.why === 'language' ? 'a language the router does not read' : result.why === 'unsure' ? 'too close to call' : 'too little to go on';
        return {
          queue: settings.fallbackQueue,
          by: 'default',
          confidence: result.confidence,
          reason: `Unsure: ${why}, so placed in ${settings.fallbackQueue} (the model's guess: ${result.label})`,
          uncertain: true,
          ...(result.language !== null ? { language: result.language } : {}),
        };
      }
      return {
        queue: result.label,
        by: 'model',
        confidence: result.confidence,
        reason: `Model: ${result.label} (${percent}%${site})${language ? `, ${language}` : ''}${words ? `; from ${words}` : ''}`,
        uncertain: false,
        ...(result.language !== null ? { language: result.language } : {}),
      };
    },
  };
}
