import { describe, expect, it } from 'vitest';
import { BUDGETS, overBudget, type BuiltFile } from '../../scripts/build';

const file = (role: BuiltFile['role'], brotli: number): BuiltFile => ({ file: `${role}.js`, role, bytes: brotli * 3, gzip: brotli + 100, brotli });

describe('the widget budgets npm run build enforces', () => {
  it('holds the loader to 2 KB and the app to 30 KB as brotli, and nothing else', () => {
    expect(BUDGETS).toEqual({ loader: 2048, app: 30720 });
    expect(overBudget([file('loader', 2048), file('app', 30720), file('console', 500_000), file('style', 90_000)])).toEqual([]);
    expect(overBudget([file('loader', 2049), file('app', 30721)])).toEqual([
      'loader.js is 2049 bytes as brotli, over its budget of 2048',
      'app.js is 30721 bytes as brotli, over its budget of 30720',
    ]);
  });
});
