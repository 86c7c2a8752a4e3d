/**
 * Prints the time the router's classifier takes for one message (median and p99, each the median
 * over several rounds) and the model's size.
 *
 *   npm run bench:classify [-- --model PATH] [-- --file FILE.jsonl …]
 *
 * The mix: the repository's own openers (data/router/*.jsonl) when present, plus built-in texts
 * of every kind the router meets (short, misspelt, long e-mails, bad input); every 200th message
 * is a 4,000-character paste, the longest a message can be.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createClassifier } from '../server/domain/routing/classifier';
import { parseRouterModel } from '../server/domain/routing/router-model';
import { readRouterRows } from './router-rows';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_MODEL = `${ROOT}server/domain/routing/model.json`;
const ROUNDS = 7;
const WARM_UP_PASSES = 3;
/** Decisions timed per round. */
const PER_ROUND = 20_000;

const BUILT_IN = [
  'hi',
  'are you there?',
  'i was charged twice',
  'app crashes on login error 0x80070005',
  'the 2fa code never arrives',
  'i want to change my email address',
  'where is my order?? its been 9 days',
  'my controller wont pair w my ps5',
  'is the site down or is it just me',
  'how do i export my contacts to csv',
  'cancel my subscription pls',
  'refund for order #88123, the item arrived broken 😡',
  'getting ERR_CONNECTION_RESET on chrome when i open https://example.com/dashboard',
  'I am writing to report an ongoing problem with the synchronisation of our CRM data, which has been failing every night since the last update was installed on our servers.',
  'Could you please send me a copy of the invoice for March? Our accounting team needs it for the quarterly report.',
  '',
  '   ',
  '🙂🙂🙂',
  '<script>alert("x")</script>',
  'mi pedido no ha llegado todavía',
  'pourquoi mon paiement a été refusé',
  'lol ur app is trash it logs me out every 5 min #fail @brand',
];

function main(): void {
  const { values } = parseArgs({ options: { model: { type: 'string' }, file: { type: 'string', multiple: true } } });
  const modelPath = values.model ?? DEFAULT_MODEL;
  const json = readFileSync(modelPath, 'utf8');
  const classifier = createClassifier(parseRouterModel(JSON.parse(json)));

  const byLanguage = new Map<string, string[]>([['en', [...BUILT_IN]]]);
  const dataDir = `${ROOT}data/router`;
  const files = values.file ?? (existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => `${dataDir}/${f}`) : []);
  for (const file of files) {
    for (const row of readRouterRows(file)) {
      const lang = row.lang ?? 'en';
      if (!byLanguage.has(lang)) byLanguage.set(lang, []);
      (byLanguage.get(lang) as string[]).push(row.text);
    }
  }
  const all = [...byLanguage.values()].flat();
  const lines = [
    `model ${modelPath}: ${statSync(modelPath).size} bytes (${gzipSync(json).length} gzipped)`,
    `${PER_ROUND} decisions a round, ${ROUNDS} rounds after ${WARM_UP_PASSES} warm-up passes; a 4,000-character paste every 200th message`,
    '',
    'texts            distinct  median µs  p99 µs  4,000 chars µs  slowest µs  over 1 ms',
  ];
  for (const [name, texts] of [['all', all] as const, ...[...byLanguage].sort()]) {
    const figures = measure(classifier, texts, PASTES[name] ?? (PASTES.en as string));
    lines.push(
      `${name.padEnd(16)} ${String(texts.length).padStart(8)}  ${figures.median.toFixed(1).padStart(9)}  ${figures.p99.toFixed(1).padStart(6)}  ` +
        `${figures.longest.toFixed(1).padStart(14)}  ${figures.worst.toFixed(1).padStart(10)}  ${String(figures.overOneMs).padStart(9)}`,
    );
  }
  lines.push('', 'median and p99: the median over the rounds; garbage collection pauses land on whichever call is running (over 1 ms).');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** A long paste in each language, cut at the 4,000 characters the classifier reads. */
const PASTES: Record<string, string> = {
  en: 'my app keeps crashing when I open the settings page and I lost all my data ',
  fr: "l'application plante à chaque fois que j'ouvre la page des paramètres et j'ai perdu mes données ",
  de: 'die App stürzt jedes Mal ab, wenn ich die Einstellungen öffne, und meine Daten sind weg ',
  es: 'la aplicación se cierra cada vez que abro la página de ajustes y perdí todos mis datos ',
  pt: 'o aplicativo fecha toda vez que abro a página de configurações e perdi todos os meus dados ',
};

let sink = 0;

function measure(
  classifier: ReturnType<typeof createClassifier>,
  texts: readonly string[],
  paste: string,
): { median: number; p99: number; longest: number; worst: number; overOneMs: number } {
  const longest = paste.repeat(Math.ceil(4_000 / paste.length)).slice(0, 4_000);
  const mix: string[] = [];
  for (let i = 0; i < PER_ROUND; i++) mix.push(i % 200 === 199 ? longest : (texts[(i * 7919) % texts.length] as string));
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) for (const text of mix) sink += classifier.classify(text).confidence;

  const medians: number[] = [];
  const p99s: number[] = [];
  let worst = 0;
  let overOneMs = 0;
  const times = new Float64Array(PER_ROUND);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) {
      const text = mix[(i + round * 1013) % PER_ROUND] as string;
      const start = process.hrtime.bigint();
      sink += classifier.classify(text).confidence;
      times[i] = Number(process.hrtime.bigint() - start) / 1_000;
    }
    const sorted = Float64Array.from(times).sort();
    medians.push(sorted[Math.floor(PER_ROUND / 2)] as number);
    p99s.push(sorted[Math.floor(PER_ROUND * 0.99)] as number);
    worst = Math.max(worst, sorted[PER_ROUND - 1] as number);
    for (const time of sorted) if (time > 1_000) overOneMs++;
  }
  let longestTime = Infinity;
  for (let i = 0; i < 200; i++) {
    const start = process.hrtime.bigint();
    sink += classifier.classify(longest).confidence;
    longestTime = Math.min(longestTime, Number(process.hrtime.bigint() - start) / 1_000);
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { median: median(medians), p99: median(p99s), longest: longestTime, worst, overOneMs };
}

main();
if (Number.isNaN(sink)) process.stdout.write('\n');
