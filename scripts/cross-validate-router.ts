/**
 * Leave-one-writer-out validation: for each --writer file, trains on every other file (plus the
 * --data files) and measures the model on the held-out writer's rows, whose style it has not seen.
 * This is how the training options in docs/router.md were chosen; the development sets are never
 * used here.
 *
 *   npx tsx scripts/cross-validate-router.ts --writer A.jsonl --writer B.jsonl … [--data F.jsonl …]
 *     [--tune F.jsonl] [--l2 N] [--corpus-share N] [--no-signal-share N] [--min-df N]
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassifier } from '../server/domain/routing/classifier';
import { trainRouterModel, type TrainingRow, type TrainOptions } from '../server/domain/routing/train';
import { isNonCommercial, readRouterRows, type RouterRow } from './router-rows';

const USAGE = 'Usage: npx tsx scripts/cross-validate-router.ts --writer FILE --writer FILE … [--data FILE …] [--tune FILE] [--l2 N] [--corpus-share N] [--no-signal-share N] [--min-df N]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function toRows(path: string): TrainingRow[] {
  return readRouterRows(path)
    .filter((row) => !isNonCommercial(row))
    .map((row: RouterRow) => {
      if (row.label === undefined) fail(`${path}: a row has no "label"`);
      const group = row.signal === 'none' ? 'no-signal' : row.licence === undefined || row.licence === 'own' ? 'own' : 'corpus';
      return { text: row.text, label: row.label, group };
    });
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        writer: { type: 'string', multiple: true },
        data: { type: 'string', multiple: true },
        tune: { type: 'string' },
        l2: { type: 'string' },
        'corpus-share': { type: 'string' },
        'no-signal-share': { type: 'string' },
        'min-df': { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const writers = values.writer ?? [];
  if (writers.length < 2) fail('Give at least two --writer files');
  const number = (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) fail(`Not a non-negative number: ${value}`);
    return n;
  };
  const options: TrainOptions = {
    l2: number(values.l2),
    corpusShare: number(values['corpus-share']),
    noSignalShare: number(values['no-signal-share']),
    minDocumentFrequency: number(values['min-df']),
    tuning: values.tune === undefined ? [] : toRows(values.tune),
  };
  const held = writers.map(toRows);
  const always = (values.data ?? []).flatMap(toRows);

  let correct = 0;
  let total = 0;
  let logLoss = 0;
  held.forEach((test, k) => {
    const train = [...held.filter((_, j) => j !== k).flat(), ...always];
    const classifier = createClassifier(trainRouterModel(train, options));
    let right = 0;
    for (const row of test) {
      const decision = classifier.classify(row.text);
      const p = decision.label === row.label ? decision.confidence : 1 - decision.confidence;
      logLoss -= Math.log(Math.max(p, 1e-9));
      if (decision.label === row.label) right++;
    }
    correct += right;
    total += test.length;
    process.stdout.write(`held out ${basename(writers[k] as string)}: ${test.length} rows, accuracy ${(right / test.length).toFixed(4)}\n`);
  });
  process.stdout.write(`all held-out rows: ${total}, accuracy ${(correct / total).toFixed(4)}, log-loss ${(logLoss / total).toFixed(3)}\n`);
}

main();
