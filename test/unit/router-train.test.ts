import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../server/domain/routing/classifier';
import { trainRouterModel, type TrainingRow } from '../../server/domain/routing/train';

const SERVICE = [
  'i was charged twice for my order',
  'where is my parcel, it is late',
  'can i get a refund for my subscription',
  'please cancel my plan',
  'i want to change the billing address on my invoice',
  'my discount code was not applied at checkout',
  'how much is the premium plan per month',
  'the delivery never arrived and i paid for express shipping',
  'can i return the shoes i ordered last week',
  'send me a copy of my receipt please',
];
const SUPPORT = [
  'the app crashes when i open settings',
  'i cant log in, the password reset link is broken',
  'my 2fa code never arrives',
  'error 0x80070005 when installing the update',
  'the website shows a blank page after login',
  'bluetooth headphones wont pair with my phone',
  'sync stopped working on my laptop',
  'the video keeps buffering on my tv',
  'how do i export my contacts to csv',
  'notifications are not showing on android',
];
const ROWS: TrainingRow[] = [
  ...SERVICE.map((text) => ({ text, label: 'service' as const })),
  ...SUPPORT.map((text) => ({ text, label: 'support' as const })),
  { text: 'hello are you there', label: 'service', group: 'no-signal' },
  { text: 'hi, quick question', label: 'service', group: 'no-signal' },
];
const TUNING: TrainingRow[] = [
  { text: 'refund my order please', label: 'service' },
  { text: 'the app crashes on login', label: 'support' },
  { text: 'cancel my subscription', label: 'service' },
  { text: 'cant log in to my account', label: 'support' },
];

describe('trainRouterModel', () => {
  it('is deterministic: the same rows give the same model, bit for bit', () => {
    const first = JSON.stringify(trainRouterModel(ROWS, { tuning: TUNING, minDocumentFrequency: 1 }));
    const second = JSON.stringify(trainRouterModel(ROWS, { tuning: TUNING, minDocumentFrequency: 1 }));
    expect(second).toBe(first);
  });

  it('does not depend on the order of the rows', () => {
    const reversed = [...ROWS].reverse();
    const rotated = [...ROWS.slice(7), ...ROWS.slice(0, 7)];
    const expected = JSON.stringify(trainRouterModel(ROWS, { minDocumentFrequency: 1 }));
    expect(JSON.stringify(trainRouterModel(reversed, { minDocumentFrequency: 1 }))).toBe(expected);
    expect(JSON.stringify(trainRouterModel(rotated, { minDocumentFrequency: 1 }))).toBe(expected);
  });

  it('learns the training rows and records how it was trained', () => {
    const model = trainRouterModel(ROWS, { tuning: TUNING, minDocumentFrequency: 1 });
    const classifier = createClassifier(model);
    for (const text of SERVICE) expect(classifier.classify(text).label).toBe('service');
    for (const text of SUPPORT) expect(classifier.classify(text).label).toBe('support');
    expect(model.training).toMatchObject({ rows: { own: { service: 10, support: 10 }, noSignal: 2, tuning: 4 } });
    expect(model.threshold).toBeGreaterThanOrEqual(0.5);
    expect(model.threshold).toBeLessThan(1);
  });

  it('refuses rows of one label only', () => {
    expect(() => trainRouterModel(ROWS.filter((r) => r.label === 'service'))).toThrow(/both labels/);
  });
});
