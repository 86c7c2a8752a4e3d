import { readFileSync } from 'node:fs';
import type { Classifier } from './classification';
import { createClassifier } from './classifier';
import type { RouterModel } from './router-model';

/** The classifier of a model file; throws an Error naming the file when it is not a usable model. */
export function loadClassifier(path: string): Classifier {
  try {
    return createClassifier(JSON.parse(readFileSync(path, 'utf8')) as RouterModel);
  } catch (error) {
    throw new Error(`Cannot load the router model ${path}: ${(error as Error).message}`);
  }
}
