import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from '../../server/domain/routing/classification';
import { createClassifier } from '../../server/domain/routing/classifier';
import type { RouterModel } from '../../server/domain/routing/router-model';

const MODEL_URL = new URL('../../server/domain/routing/model.json', import.meta.url);
const loadModel = (): RouterModel => JSON.parse(readFileSync(MODEL_URL, 'utf8')) as RouterModel;

let classifier: Classifier;
beforeAll(() => {
  classifier = createClassifier(loadModel());
});

describe('the shipped model', () => {
  it.each([
    ['i was charged twice', 'service'],
    ['app crashes on login error 0x80070005', 'support'],
    ['the 2fa code never arrives', 'support'],
    ['i want to change my email address', 'service'],
    ['where is my order, its been 2 weeks', 'service'],
    ['cancel my subscription pls', 'service'],
    ['my controller wont pair with the console', 'support'],
    ['getting ERR_CONNECTION_RESET when i open the dashboard', 'support'],
  ] as const)('routes %j to %s', (text, queue) => {
    const decision = classifier.classify(text);
    expect(decision.label).toBe(queue);
    expect(decision.uncertain).toBe(false);
  });

  it('explains a decision with the features that pulled towards it, strongest first', () => {
    const decision = classifier.classify('app crashes on login error 0x80070005');
    expect(decision.features.length).toBeGreaterThan(0);
    for (const feature of decision.features) expect(feature.weight).toBeGreaterThan(0);
    const sizes = decision.features.map((f) => Math.abs(f.weight));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const service = classifier.classify('i was charged twice');
    for (const feature of service.features) expect(feature.weight).toBeLessThan(0);
  });

  it('gives a confidence between 0.5 and 1', () => {
    for (const text of ['refund please', 'wifi keeps dropping', 'hmm']) {
      const { confidence } = classifier.classify(text);
      expect(confidence).toBeGreaterThanOrEqual(0.5);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });

  it('is uncertain about openers with no topic', () => {
    for (const text of ['hi', 'hello, are you there?', 'hey 👋', 'good morning']) {
      expect(classifier.classify(text).uncertain).toBe(true);
    }
  });
});

describe('the five languages it reads', () => {
  it.each([
    ['hola, mi pedido no ha llegado todavía y necesito ayuda', 'es', 'service'],
    ['je ne peux pas me connecter à mon compte', 'fr', 'support'],
    ['mein Passwort funktioniert nicht mehr', 'de', 'support'],
    ['quero cancelar minha assinatura e ter o reembolso', 'pt', 'service'],
    ['je voudrais etre rembourse, jai ete debite 2 fois', 'fr', 'service'],
    ['the app crashes when i open it', 'en', 'support'],
  ])('%s → %s, %s', (text, language, label) => {
    const decision = classifier.classify(text);
    expect(decision).toMatchObject({ language, label, uncertain: false });
  });

  it('reads a language whatever the accents: typed with or without them, the decision is the same', () => {
    const withAccents = classifier.classify('remboursement de ma commande, le colis est arrivé abîmé');
    const without = classifier.classify('remboursement de ma commande, le colis est arrive abime');
    expect(without.label).toBe(withAccents.label);
    expect(without.confidence).toBeCloseTo(withAccents.confidence, 2);
  });

  it('decides a mixed-language message by its words, and names one language', () => {
    const decision = classifier.classify('bonjour, my app crashes depuis la mise à jour');
    expect(decision.label).toBe('support');
    expect(['en', 'fr', null]).toContain(decision.language);
  });
});

describe('bad input', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['whitespace only', ' \n\t  \r\n '],
    ['emoji only', '😀😀🎉👍🏽❤️'],
    ['punctuation only', '?!?!...!!!'],
    ['Italian (a language the router does not read)', 'il mio ordine non è ancora arrivato e ho bisogno di aiuto'],
    ['Dutch', 'mijn bestelling is nog steeds niet aangekomen'],
    ['Polish', 'moje zamówienie jeszcze nie dotarło'],
    ['Chinese', '我的订单还没有到'],
    ['Russian', 'заказ не пришел'],
    ['Arabic', 'لم يصل طلبي بعد'],
    ['HTML/script', '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>'],
    ['lone surrogates and control characters', '\ud800\udfff\ud83d \u0000\u0007\u202e'],
    ['a URL only', 'https://example.com/some/path?x=1'],
  ];

  it.each(cases)('%s: answers, uncertain, never throws', (_name, text) => {
    const decision = classifier.classify(text);
    expect(['service', 'support']).toContain(decision.label);
    expect(decision.uncertain).toBe(true);
    if (_name !== 'empty' && _name !== 'whitespace only') expect(decision.language === null || decision.features.length === 0).toBe(true);
    expect(Number.isFinite(decision.confidence)).toBe(true);
  });

  it('reads only the first 4,000 characters of a very long text', () => {
    const opening = 'the app crashes every time i open it. ';
    const long = opening.repeat(110) + 'refund my order, i was charged twice. '.repeat(3_000);
    expect(long.length).toBeGreaterThan(100_000);
    expect(() => classifier.classify(long)).not.toThrow();
    expect(classifier.classify(long).label).toBe('support');
  });

  it('never throws on any kind of string', () => {
    const samples = [
      'a'.repeat(100_000),
      ' '.repeat(100_000),
      '🙂'.repeat(50_000),
      'x\u0301'.repeat(20_000),
      Array.from({ length: 5_000 }, (_, i) => String.fromCharCode(i * 13)).join(''),
      'ERR_'.repeat(5_000),
      '0x'.repeat(10_000),
      '<'.repeat(10_000),
    ];
    for (const text of samples) expect(() => classifier.classify(text)).not.toThrow();
  });

  it('treats a non-string from untyped callers as empty', () => {
    const decision = classifier.classify(undefined as unknown as string);
    expect(decision.uncertain).toBe(true);
  });
});

describe('createClassifier with a bad model', () => {
  const model = loadModel();

  it.each([
    ['not an object', null, /expected a JSON object/],
    ['an array', [], /expected a JSON object/],
    ['another file', { name: 'switchboard' }, /"format" must be/],
    ['another version', { ...model, version: 99 }, /"version" is 99/],
    ['another featurizer', { ...model, featurizer: 0 }, /retrain it/],
    ['no bias', { ...model, bias: undefined }, /"bias"/],
    ['a threshold out of range', { ...model, threshold: 1.5 }, /"threshold"/],
    ['no weights', { ...model, weights: undefined }, /"weights"/],
    ['a non-numeric weight', { ...model, weights: { word: { refund: 'x' }, char: {} } }, /non-numeric weight for "refund"/],
    ['weights as an array', { ...model, weights: { word: [], char: {} } }, /"weights.word"/],
  ])('throws a clear error for %s', (_name, value, message) => {
    expect(() => createClassifier(value as unknown as RouterModel)).toThrow(message);
    expect(() => createClassifier(value as unknown as RouterModel)).toThrow(/^Invalid router model/);
  });
});
