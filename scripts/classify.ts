/**
 * Classifies JSON Lines rows with a router model and prints one JSON line per row; when the rows
 * carry labels, ends with accuracy, per-class precision/recall/F1 and the confusion matrix, for all
 * rows and then per language (the rows' `lang`, English when absent), with how often the language
 * identifier named the row's language.
 * Prints the model's own decision, not the router's fallback.
 *
 *   npm run classify -- --file FILE.jsonl [--file FILE2.jsonl …] [--model PATH] [--summary]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QUEUES, type QueueName } from '../shared/queues';
import { createClassifier } from '../server/domain/routing/classifier';
import { parseRouterModel } from '../server/domain/routing/router-model';
import { readRouterRows, type RouterRow } from './router-rows';

const DEFAULT_MODEL = fileURLToPath(new URL('../server/domain/routing/model.json', import.meta.url));
/** Characters of each text echoed back, enough to recognise the row. */
const TEXT_SHOWN = 80;

const USAGE = `Usage: npm run classify -- --file FILE.jsonl [--file FILE2.jsonl …] [--model PATH] [--licence L] [--summary]

  --file FILE    rows {"text", "label"?} (repeat for several files)
  --model PATH   model to use (default server/domain/routing/model.json)
  --licence L    only rows whose "licence" is L (e.g. CC-BY-NC-4.0 for the corpus's unseen rows)
  --summary      print only the figures at the end, not one line per row
  --help         show this help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

interface Tally {
  rows: number;
  labelled: number;
  correct: number;
  uncertain: number;
  /** confusion[expected][predicted] */
  confusion: Record<QueueName, Record<QueueName, number>>;
  noSignal: number;
  noSignalUncertain: number;
  /** Rows whose language the identifier named correctly. */
  languageRight: number;
}

function newTally(): Tally {
  return {
    rows: 0,
    labelled: 0,
    correct: 0,
    uncertain: 0,
    confusion: { service: { service: 0, support: 0 }, support: { service: 0, support: 0 } },
    noSignal: 0,
    noSignalUncertain: 0,
    languageRight: 0,
  };
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        file: { type: 'string', multiple: true },
        model: { type: 'string' },
        licence: { type: 'string' },
        summary: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const files = args.file ?? [];
  if (files.length === 0) fail('Missing --file');

  const modelPath = args.model ?? DEFAULT_MODEL;
  let classifier;
  try {
    classifier = createClassifier(parseRouterModel(JSON.parse(readFileSync(modelPath, 'utf8'))));
  } catch (error) {
    fail(`${modelPath}: ${(error as Error).message}`);
  }

  const all = newTally();
  const byLanguage = new Map<string, Tally>();
  for (const file of files) {
    let rows: RouterRow[];
    try {
      rows = readRouterRows(file);
    } catch (error) {
      fail((error as Error).message);
    }
    for (const row of rows) {
      if (args.licence !== undefined && row.licence !== args.licence) continue;
      const decision = classifier.classify(row.text);
      const lang = row.lang ?? 'en';
      if (!byLanguage.has(lang)) byLanguage.set(lang, newTally());
      for (const tally of [all, byLanguage.get(lang) as Tally]) {
        tally.rows++;
        if (decision.uncertain) tally.uncertain++;
        if (decision.language === lang) tally.languageRight++;
        if (row.signal === 'none') {
          // No-signal openers have no right queue; what matters is that they come out uncertain.
          tally.noSignal++;
          if (decision.uncertain) tally.noSignalUncertain++;
        } else if (row.label !== undefined) {
          tally.labelled++;
          tally.confusion[row.label][decision.label]++;
          if (row.label === decision.label) tally.correct++;
        }
      }
      if (!args.summary) {
        const text = row.text.length > TEXT_SHOWN ? `${row.text.slice(0, TEXT_SHOWN - 1)}…` : row.text;
        const line = {
          text,
          ...(row.label !== undefined ? { expected: row.label } : {}),
          label: decision.label,
          confidence: Math.round(decision.confidence * 1000) / 1000,
          uncertain: decision.uncertain,
          language: decision.language,
          features: decision.features,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
  }
  process.stdout.write(formatSummary(all, `model ${modelPath}`));
  if (byLanguage.size > 1 || !byLanguage.has('en')) {
    for (const [lang, tally] of [...byLanguage].sort()) process.stdout.write(formatSummary(tally, `language ${lang}`));
  }
}

function formatSummary(tally: Tally, title: string): string {
  const lines = [
    `\n${title}: ${tally.rows} rows, ${tally.uncertain} uncertain (${percent(tally.uncertain, tally.rows)}), ` +
      `language named right ${percent(tally.languageRight, tally.rows)}`,
  ];
  if (tally.noSignal > 0) {
    lines.push(`no-signal rows: ${tally.noSignal}, uncertain ${tally.noSignalUncertain} (${percent(tally.noSignalUncertain, tally.noSignal)})`);
  }
  if (tally.labelled > 0) {
    const c = tally.confusion;
    lines.push(`labelled rows: ${tally.labelled}, accuracy ${(tally.correct / tally.labelled).toFixed(4)}`);
    lines.push('', 'class      precision  recall  f1      support');
    for (const label of QUEUES) {
      const other = label === 'service' ? 'support' : 'service';
      const tp = c[label][label];
      const precision = ratio(tp, tp + c[other][label]);
      const recall = ratio(tp, tp + c[label][other]);
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      lines.push(`${label.padEnd(10)} ${precision.toFixed(4).padEnd(10)} ${recall.toFixed(4).padEnd(7)} ${f1.toFixed(4).padEnd(7)} ${tp + c[label][other]}`);
    }
    lines.push('', 'confusion (rows: expected, columns: predicted)', `           service  support`);
    for (const label of QUEUES) lines.push(`${label.padEnd(10)} ${String(c[label].service).padStart(7)}  ${String(c[label].support).padStart(7)}`);
  }
  return `${lines.join('\n')}\n`;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function percent(a: number, b: number): string {
  return `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
}

main();
