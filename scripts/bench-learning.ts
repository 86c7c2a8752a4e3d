/**
 * Replays a synthetic site's traffic through per-site learning and prints its routing accuracy
 * before adaptation and after each retraining, beside the shared model's English figure.
 *
 *   npm run bench:learning [-- --conversations N] [--retrain-every N] [--corrected SHARE]
 *
 * The site (scripts/learning-simulation.ts) names its plans, products and features in words the
 * shared model never saw. Each conversation is routed with the site's current adaptation; when the
 * router is wrong, agents correct it (transfer or "wrong queue") with probability --corrected, and
 * otherwise it is resolved where it landed, a wrong label the learner must live with, as in real
 * traffic. Bounded: it stops by itself and touches no store.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClassifier } from '../server/domain/routing/classifier';
import { parseRouterModel } from '../server/domain/routing/router-model';
import { routingAccuracy, routedQueue, toAdaptation, trainCandidate, type RoutingExample, type SiteModelVersion } from '../server/domain/routing/site-learning';
import { seededRandom, siteOpeners } from './learning-simulation';
import { readRouterRows } from './router-rows';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function main(): void {
  const { values } = parseArgs({
    options: {
      conversations: { type: 'string', default: '1500' },
      'retrain-every': { type: 'string', default: '250' },
      corrected: { type: 'string', default: '0.7' },
      seed: { type: 'string', default: '1' },
    },
  });
  const conversations = Math.min(50_000, Math.max(1, Number(values.conversations)));
  const retrainEvery = Math.max(10, Number(values['retrain-every']));
  const correctedShare = Math.min(1, Math.max(0, Number(values.corrected)));
  const seed = Number(values.seed);

  const classifier = createClassifier(parseRouterModel(JSON.parse(readFileSync(`${ROOT}server/domain/routing/model.json`, 'utf8'))));
  const english = ['openers-a-dev.jsonl', 'openers-b-dev.jsonl'].flatMap((f) => readRouterRows(`${ROOT}data/router/${f}`));
  const englishAccuracy = (version: SiteModelVersion | null): number => {
    const adaptation = version ? toAdaptation(version) : undefined;
    return english.filter((r) => classifier.classify(r.text, adaptation).label === r.label).length / english.length;
  };
  const asExamples = (rows: { text: string; label: 'service' | 'support' }[]): RoutingExample[] =>
    rows.map((r, i) => ({ conversationId: `t${i}`, visitorId: 'v', text: r.text, label: r.label, predicted: r.label, routedBy: 'model', corrected: false, at: 0 }));
  const testSet = asExamples(siteOpeners(600, seed + 1000));

  const random = seededRandom(seed + 7);
  const stream = siteOpeners(conversations, seed);
  const examples: RoutingExample[] = [];
  let current: SiteModelVersion | null = null;
  let corrections = 0;
  let mistakes = 0;

  const lines = [
    `synthetic site: ${conversations} conversations, retrain every ${retrainEvery}, ${Math.round(correctedShare * 100)}% of routing mistakes corrected by agents (the rest resolved where they landed)`,
    `site accuracy: the router's queue (the model's, or the fallback when unsure) on ${testSet.length} other openers of the same site`,
    `English dev: the shared model's accuracy on the project's English development set (${english.length} rows), alone and with the site's adaptation`,
    '',
    'after  mistakes  corrections  candidate held-back (before → after)  adopted  version  site accuracy  English dev  English dev + site',
    `${'0'.padStart(5)}  ${'-'.padStart(8)}  ${'-'.padStart(11)}  ${'-'.padEnd(36)}  ${'-'.padEnd(7)}  ${'-'.padStart(7)}  ${pct(routingAccuracy(classifier, testSet, 'service')).padStart(13)}  ${pct(englishAccuracy(null)).padStart(11)}  ${pct(englishAccuracy(null)).padStart(18)}`,
  ];
  stream.forEach((opener, i) => {
    const routed = routedQueue(classifier, opener.text, 'service', current ? toAdaptation(current) : undefined);
    const wrong = routed !== opener.label;
    if (wrong) mistakes++;
    const corrected = wrong && random() < correctedShare;
    if (corrected) corrections++;
    examples.unshift({
      conversationId: `c${seed}-${i}`,
      visitorId: `v${i}`,
      text: opener.text,
      label: corrected || !wrong ? opener.label : routed,
      predicted: routed,
      routedBy: 'model',
      corrected,
      at: i,
    });
    if ((i + 1) % retrainEvery !== 0) return;
    const outcome = trainCandidate(classifier, examples, current, 'service', (current?.version ?? 0) + 1, i);
    if (outcome.adopted) current = outcome.candidate;
    const held = outcome.candidate.heldBack;
    lines.push(
      `${String(i + 1).padStart(5)}  ${String(mistakes).padStart(8)}  ${String(corrections).padStart(11)}  ` +
        `${`${pct(held.accuracyBefore)} → ${pct(held.accuracyAfter)} of ${held.examples}`.padEnd(36)}  ${(outcome.adopted ? 'yes' : 'no').padEnd(7)}  ` +
        `${String(current?.version ?? '-').padStart(7)}  ${pct(routingAccuracy(classifier, testSet, 'service', current ? toAdaptation(current) : undefined)).padStart(13)}  ` +
        `${pct(englishAccuracy(null)).padStart(11)}  ${pct(englishAccuracy(current)).padStart(18)}`,
    );
  });
  lines.push('', `adapted model: ${current === null ? "none adopted" : `${Object.keys((current as SiteModelVersion).weights).length} site weights, ${JSON.stringify((current as SiteModelVersion).weights).length} bytes`}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

main();
