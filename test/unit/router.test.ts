import { describe, expect, it } from 'vitest';
import type { Classification } from '../../server/domain/routing/classification';
import { createRouter, describeFeature } from '../../server/domain/routing/router';
import { matchRule, normalizeForRules } from '../../server/domain/routing/rules';
import type { RoutingRule } from '../../server/store/store';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';

const classifierSaying = (result: Partial<Classification>) => ({
  classify: (): Classification => ({ label: 'support', confidence: 0.9, uncertain: false, features: [{ feature: 'crash', weight: 2 }], language: 'en', ...result }),
});
const rule = (phrase: string, queue: 'service' | 'support', createdAt = 1): RoutingRule => ({ id: phrase, phrase, queue, createdAt });

describe('rules match whole words, whatever the case, accents and punctuation', () => {
  it.each([
    ['my API-key is rejected', 'api key', true],
    ['Mon numéro de facture', 'numero de facture', true],
    ['please capitalize this', 'api', false],
    ['REFUND!!!', 'refund', true],
  ])('%s contains %s: %s', (text, phrase, expected) => {
    expect(matchRule([rule(phrase, 'support')], text) !== null).toBe(expected);
  });

  it('uses the first matching rule in the order they were added', () => {
    expect(matchRule([rule('invoice', 'service'), rule('invoice error', 'support', 2)], 'invoice error 42')?.queue).toBe('service');
    expect(normalizeForRules('  Hello,   World! ')).toBe(' hello world ');
  });
});

describe('the routing pipeline: rule, then visitor choice, then model, then fallback', () => {
  const settings = { ...DEFAULT_SITE_SETTINGS, topicQuestion: true };

  it('lets a rule win over the visitor and the model', () => {
    const router = createRouter({ classifier: classifierSaying({ label: 'support' }) });
    expect(router.route({ text: 'refund please', rules: [rule('refund', 'service')], settings, topic: 'support' })).toMatchObject({
      queue: 'service',
      by: 'rule',
      confidence: 1,
    });
  });

  it("follows the visitor's choice only when the site asks the question", () => {
    const router = createRouter({ classifier: classifierSaying({ label: 'service' }) });
    expect(router.route({ text: 'x', rules: [], settings, topic: 'support' })).toMatchObject({ queue: 'support', by: 'visitor' });
    expect(router.route({ text: 'x', rules: [], settings: DEFAULT_SITE_SETTINGS, topic: 'support' })).toMatchObject({ by: 'model' });
  });

  it('explains a model decision with its strongest words', () => {
    const decision = createRouter({ classifier: classifierSaying({}) }).route({ text: 'crash', rules: [], settings: DEFAULT_SITE_SETTINGS });
    expect(decision).toMatchObject({ queue: 'support', by: 'model', uncertain: false, confidence: 0.9 });
    expect(decision.reason).toContain('crash');
  });

  it('names placeholder features in words an agent reads', () => {
    const router = createRouter({ classifier: classifierSaying({ features: [{ feature: '_err_', weight: 2 }, { feature: '~crashs', weight: 1 }] }) });
    expect(router.route({ text: 'x', rules: [], settings: DEFAULT_SITE_SETTINGS }).reason).toContain('“an error code”, “crashs”');
    expect(describeFeature('got _err_')).toBe('got an error code');
  });

  it("sends an unsure decision to the site's fallback queue, flagged", () => {
    const router = createRouter({ classifier: classifierSaying({ label: 'support', confidence: 0.55, uncertain: true }) });
    expect(router.route({ text: 'hi', rules: [], settings: DEFAULT_SITE_SETTINGS })).toMatchObject({ queue: 'service', by: 'default', uncertain: true });
    expect(router.route({ text: 'hi', rules: [], settings: { ...DEFAULT_SITE_SETTINGS, fallbackQueue: 'support' } })).toMatchObject({
      queue: 'support',
      by: 'default',
    });
  });
});
