/**
 * Trains the service-vs-support router and writes its JSON model.
 *
 *   npm run train -- --data FILE.jsonl [--data FILE2.jsonl …] --out PATH [--tune FILE.jsonl …] [options]
 *
 * The command that produced the shipped model is in docs/router.md.
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { trainRouterModel, type RowGroup, type TrainingRow } from '../server/domain/routing/train';
import { isNonCommercial, readRouterRows, type RouterRow } from './router-rows';

const USAGE = `Usage: npm run train -- --data FILE.jsonl [--data FILE2.jsonl …] --out PATH [options]

Rows are JSON lines {"text", "label": "service"|"support"}; other fields are ignored except:
  "licence"   missing or "own": the project's own rows; any other licence: corpus rows, weighted
              to --corpus-share of their label; a licence with NC (non-commercial) is skipped
  "signal"    "none": an opener with no topic ("hi"), trained towards 50/50 whatever its label
  "lang"      the row's language (en, fr, de, es, pt; default en), for the language identifier

Options:
  --data FILE             training rows (repeat for several files); *-dev.jsonl files are refused
  --out PATH              where to write the model (JSON)
  --tune FILE             rows of another style to fit the temperature and threshold on (repeatable)
  --language-data FILE    rows {"text", "lang"} for the language identifier only (languages the
                          router does not read, "lang": "other"); never for the router's weights
  --l2 N                  L2 penalty (default 3e-5)
  --corpus-share N        share of its label's weight given to corpus rows (default 0.1)
  --no-signal-share N     weight of all no-signal rows, relative to one label (default 0.3)
  --min-df N              minimum number of texts a feature must occur in (default 2)
  --target-precision N    precision the tuning rows must reach above the threshold (default 0.97)
  --allow-non-commercial  keep non-commercial rows (experiments only: such a model must not ship)
  --help                  show this help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) fail(`--${name} must be a non-negative number, got "${value}"`);
  return number;
}

function groupOf(row: RouterRow): RowGroup {
  if (row.signal === 'none') return 'no-signal';
  return row.licence === undefined || row.licence === 'own' ? 'own' : 'corpus';
}

function toTrainingRows(rows: readonly RouterRow[], path: string): TrainingRow[] {
  return rows.map((row, i) => {
    if (row.label === undefined) fail(`${path}: row ${i + 1} has no "label"`);
    return { text: row.text, label: row.label, group: groupOf(row), language: row.lang ?? 'en' };
  });
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        data: { type: 'string', multiple: true },
        out: { type: 'string' },
        tune: { type: 'string', multiple: true },
        'language-data': { type: 'string', multiple: true },
        l2: { type: 'string' },
        'corpus-share': { type: 'string' },
        'no-signal-share': { type: 'string' },
        'min-df': { type: 'string' },
        'target-precision': { type: 'string' },
        'allow-non-commercial': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dataFiles = args.data ?? [];
  const tuneFiles = args.tune ?? [];
  if (dataFiles.length === 0) fail('Missing --data');
  if (args.out === undefined) fail('Missing --out');
  for (const file of dataFiles) {
    if (/-dev\.jsonl$/i.test(basename(file))) fail(`${file} is a development set: it measures the model and is never trained on`);
    if (tuneFiles.some((t) => resolve(t) === resolve(file))) fail(`${file} is given as both --data and --tune`);
  }

  const options = {
    l2: parseNumber(args.l2, 'l2'),
    corpusShare: parseNumber(args['corpus-share'], 'corpus-share'),
    noSignalShare: parseNumber(args['no-signal-share'], 'no-signal-share'),
    minDocumentFrequency: parseNumber(args['min-df'], 'min-df'),
    targetPrecision: parseNumber(args['target-precision'], 'target-precision'),
  };

  const rows: TrainingRow[] = [];
  for (const file of dataFiles) {
    let read: RouterRow[];
    try {
      read = readRouterRows(file);
    } catch (error) {
      fail((error as Error).message);
    }
    const kept = args['allow-non-commercial'] ? read : read.filter((row) => !isNonCommercial(row));
    const skipped = read.length - kept.length;
    rows.push(...toTrainingRows(kept, file));
    process.stderr.write(`${file}: ${kept.length} rows${skipped > 0 ? `, ${skipped} non-commercial rows skipped` : ''}\n`);
  }
  const tuning: TrainingRow[] = [];
  for (const file of tuneFiles) {
    try {
      tuning.push(...toTrainingRows(readRouterRows(file), file));
    } catch (error) {
      fail((error as Error).message);
    }
  }

  const languageRows: { text: string; language: string }[] = [];
  for (const file of args['language-data'] ?? []) {
    try {
      languageRows.push(...readRouterRows(file).map((row) => ({ text: row.text, language: row.lang ?? 'other' })));
    } catch (error) {
      fail((error as Error).message);
    }
  }

  const started = performance.now();
  let model;
  try {
    model = trainRouterModel(rows, { ...options, tuning, languageRows });
  } catch (error) {
    fail((error as Error).message);
  }
  const json = `${JSON.stringify(model)}\n`;
  writeFileSync(args.out, json);
  process.stderr.write(
    `${JSON.stringify(model.training)}\n` +
      `wrote ${args.out}: ${Buffer.byteLength(json)} bytes, scale ${model.scale}, threshold ${model.threshold}, ` +
      `trained in ${Math.round(performance.now() - started)} ms\n`,
  );
}

main();
