import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../server/domain/routing/classifier';
import { parseRouterModel } from '../../server/domain/routing/router-model';
import { createRouter } from '../../server/domain/routing/router';
import {
  isHeldBack,
  suggestRules,
  toAdaptation,
  trainCandidate,
  trainSiteWeights,
  type RoutingExample,
  type SiteModelVersion,
} from '../../server/domain/routing/site-learning';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { siteOpeners } from '../../scripts/learning-simulation';

const classifier = createClassifier(parseRouterModel(JSON.parse(readFileSync(new URL('../../server/domain/routing/model.json', import.meta.url), 'utf8'))));

const examplesOf = (rows: { text: string; label: 'service' | 'support' }[], correctedEvery = 3): RoutingExample[] =>
  rows.map((r, i) => ({
    conversationId: `c_${i}`,
    visitorId: `v_${i}`,
    text: r.text,
    label: r.label,
    predicted: r.label,
    routedBy: 'model',
    corrected: i % correctedEvery === 0,
    at: i,
  }));

describe('the held-back split', () => {
  it('is decided by the conversation id alone: stable, about one in five', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `c_${i}`);
    const held = ids.filter(isHeldBack);
    expect(held.length / ids.length).toBeGreaterThan(0.17);
    expect(held.length / ids.length).toBeLessThan(0.23);
    expect(ids.filter(isHeldBack)).toEqual(held);
  });
});

describe("training a site's adaptation", () => {
  const examples = examplesOf(siteOpeners(300, 3));

  it("learns the site's own words and routes its traffic better, judged on examples it never trained on", () => {
    const outcome = trainCandidate(classifier, examples, null, 'service', 1, 0);
    expect(outcome.adopted).toBe(true);
    expect(outcome.candidate.heldBack.accuracyAfter).toBeGreaterThan(outcome.candidate.heldBack.accuracyBefore);
    expect(outcome.candidate.trainedOn.examples + outcome.candidate.heldBack.examples).toBe(examples.length);
  });

  it('is not adopted when it is no better than the version in use (a second run on the same examples)', () => {
    const first = trainCandidate(classifier, examples, null, 'service', 1, 0);
    const second = trainCandidate(classifier, examples, first.candidate, 'service', 2, 0);
    expect(second.adopted).toBe(false);
    expect(second.reason).toMatch(/no better/);
  });

  it('is not judged on too few held-back examples', () => {
    const outcome = trainCandidate(classifier, examples.slice(0, 12), null, 'service', 1, 0);
    expect(outcome.adopted).toBe(false);
    expect(outcome.reason).toMatch(/too few/);
  });

  it('bounds every site weight, however many corrections pile onto one word', () => {
    const flood = examplesOf(Array.from({ length: 400 }, () => ({ text: 'refund refund refund', label: 'support' as const })), 1);
    const weights = trainSiteWeights(classifier, flood);
    for (const weight of Object.values(weights)) expect(Math.abs(weight)).toBeLessThanOrEqual(4);
  });

  it("changes the decision only where it is applied: the shared model and other sites' routing stay as they were", () => {
    const { candidate } = trainCandidate(classifier, examples, null, 'service', 1, 0);
    const adaptation = toAdaptation(candidate);
    const text = 'dawnfade not doing anything';
    const alone = classifier.classify(text);
    const adapted = classifier.classify(text, adaptation);
    expect(adapted).not.toEqual(alone);
    expect(classifier.classify(text)).toEqual(alone);

    const router = createRouter({ classifier });
    const routed = router.route({ text, rules: [], settings: DEFAULT_SITE_SETTINGS, adaptation });
    expect(routed).toMatchObject({ queue: 'support', by: 'model' });
    expect(routed.reason).toContain("with this site's corrections (v1)");
    expect(router.route({ text, rules: [], settings: DEFAULT_SITE_SETTINGS }).reason).not.toContain('corrections');
  });
});

describe('suggested rules', () => {
  const example = (i: number, text: string, label: 'service' | 'support', corrected: boolean): RoutingExample => ({
    conversationId: `c_${i}`, visitorId: 'v', text, label, predicted: label, routedBy: 'model', corrected, at: i,
  });

  it('suggests a phrase that keeps being corrected to one queue and rarely appears in the other', () => {
    const examples = [
      example(1, 'the zenith plan renewal', 'service', true),
      example(2, 'zenith plan price', 'service', true),
      example(3, 'cancel zenith plan', 'service', true),
      example(4, 'zenith plan for two homes', 'service', false),
      example(5, 'glowpod blinking red', 'support', false),
    ];
    const suggestions = suggestRules(examples, []);
    expect(suggestions[0]).toMatchObject({ queue: 'service', corrections: 3, against: 0 });
    expect(suggestions.map((s) => s.phrase)).toContain('zenith plan');
    expect(suggestRules(examples, ['Zenith plan']).map((s) => s.phrase)).not.toContain('zenith plan');
  });

  it('does not suggest a phrase the other queue uses as often', () => {
    const examples = [1, 2, 3].map((i) => example(i, 'glowpod question', 'service', true)).concat([4, 5, 6].map((i) => example(i, 'glowpod question', 'support', true)));
    expect(suggestRules(examples, []).map((s) => s.phrase)).not.toContain('glowpod');
  });
});

describe('a stored version is what the classifier uses', () => {
  it('round-trips through JSON', () => {
    const version: SiteModelVersion = {
      version: 3, trainedAt: 1, weights: { dawnfade: 2.5 }, trainedOn: { examples: 1, corrections: 1 },
      heldBack: { examples: 0, corrections: 0, accuracyBefore: 1, accuracyAfter: 1 },
    };
    const adaptation = toAdaptation(JSON.parse(JSON.stringify(version)) as SiteModelVersion);
    expect(adaptation).toEqual({ version: 3, weights: new Map([['dawnfade', 2.5]]) });
  });
});

describe('the routing reason in every language, and what it does with text it cannot read', () => {
  const router = createRouter({ classifier });
  const route = (text: string) => router.route({ text, rules: [], settings: DEFAULT_SITE_SETTINGS });

  it('names the language and the words that decided', () => {
    const french = route('je veux un remboursement, la facture est fausse');
    expect(french).toMatchObject({ queue: 'service', by: 'model', language: 'fr' });
    expect(french.reason).toMatch(/^Model: service \(\d+%\), French; from “/);
    expect(route('die App stürzt beim Start ab')).toMatchObject({ queue: 'support', language: 'de' });
    expect(route('no puedo iniciar sesión en la app')).toMatchObject({ queue: 'support', language: 'es' });
    expect(route('quero cancelar a minha assinatura')).toMatchObject({ queue: 'service', language: 'pt' });
  });

  it.each([
    ['a language it does not read', 'il pagamento non funziona e il mio ordine è in ritardo', 'a language the router does not read'],
    ['pure emoji', '😡😡😡🙏', 'too little to go on'],
    ['a greeting in French', 'bonjour', 'too little to go on'],
  ])('%s: the fallback queue, with the reason', (_name, text, why) => {
    const decision = route(text);
    expect(decision).toMatchObject({ queue: 'service', by: 'default', uncertain: true });
    expect(decision.reason).toContain(why);
  });

  it('reads a 4,000-character paste in another language and decides it', () => {
    const paste = "l'application plante à chaque ouverture et j'ai perdu mes données ".repeat(80).slice(0, 4_000);
    expect(route(paste)).toMatchObject({ queue: 'support', language: 'fr', uncertain: false });
  });
});
