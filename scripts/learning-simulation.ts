/**
 * A synthetic site whose vocabulary the shared model never saw (a smart-home brand: its product,
 * plan and feature names), and a stream of its visitors' openers with their true queue. Used by
 * `npm run bench:learning` and, smaller, by the learning tests. Seeded: the same seed gives the
 * same stream.
 */
import type { QueueName } from '../shared/queues';

export interface LabelledOpener {
  text: string;
  label: QueueName;
}

const PRODUCTS = ['glowpod', 'nestra hub', 'lumen strip', 'glowpod mini', 'brightbar'];
const PLANS = ['zenith', 'nova', 'orbit plus'];
const FEATURES = ['scenecast', 'autoglow', 'quietmode', 'dawnfade', 'away sync'];
const CODES = ['ORB-12', 'ORB-40', 'NX-7'];

// Openers where the brand's own words carry the topic, as a site's real traffic does: plan names
// mean billing, feature names mean a fault. The generic words left are weak or misleading.
const SERVICE: readonly string[] = [
  '{plan}?',
  'question about {plan}',
  '{plan} for 2 homes',
  'moving from {plan} to {plan2}',
  'is {plan} monthly or yearly',
  '{plan} renewal',
  '{plan} price went up?',
  'i want {plan2} instead of {plan}',
  'student price for {plan}',
  'does {plan} include a second {product}',
  '{product} bundle with {plan}',
  'stop my {plan}',
  '{plan} trial ends tomorrow, what happens',
  'can my partner share my {plan}',
  'pause {plan} for the summer',
  'where is my {product}, ordered last week',
  '{product} arrived with a scratch, swap it?',
  'return the {product}',
  'gift a {plan} to my mum',
  '{plan} receipt for work',
];
const SUPPORT: readonly string[] = [
  '{feature} not doing anything',
  '{feature}??',
  '{feature} weird since yesterday',
  '{product} and {feature}',
  '{feature} on the {product}',
  '{product} says {code}',
  '{code} on my {product}',
  '{feature} turns on at 3am',
  'my {product} light is purple',
  '{product} blinking',
  '{feature} with two {product}s',
  'set up {feature}',
  '{feature} ignores my schedule',
  '{product} lost its name after the update',
  'how does {feature} work with {plan}',
  '{product} not in the app anymore',
  '{feature} too bright',
  'reset the {product}',
  '{product} hub offline',
  '{feature} and {feature2} at once?',
];

/** A small deterministic generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function fill(template: string, random: () => number): string {
  const plan = pick(random, PLANS);
  const feature = pick(random, FEATURES);
  let text = template
    .replace('{plan2}', pick(random, PLANS.filter((p) => p !== plan)))
    .replace('{plan}', plan)
    .replace('{feature2}', pick(random, FEATURES.filter((f) => f !== feature)))
    .replace('{feature}', feature)
    .replace(/\{product\}/g, pick(random, PRODUCTS))
    .replace('{code}', pick(random, CODES));
  // Visitors' typing: sometimes a capital, sometimes a dropped letter.
  if (random() < 0.2) text = text[0]!.toUpperCase() + text.slice(1);
  if (random() < 0.15 && text.length > 8) {
    const at = 1 + Math.floor(random() * (text.length - 2));
    text = text.slice(0, at) + text.slice(at + 1);
  }
  return text;
}

/** `count` openers of the synthetic site, half of each queue. */
export function siteOpeners(count: number, seed: number): LabelledOpener[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const label: QueueName = i % 2 === 0 ? 'service' : 'support';
    return { text: fill(pick(random, label === 'service' ? SERVICE : SUPPORT), random), label };
  });
}
