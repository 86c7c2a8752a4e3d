/**
 * `npm start`: builds the widget and console when dist/ is missing or older than their sources,
 * then starts the server.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, buildAll, overBudget } from './build';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['widget', 'console', 'shared'];

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const builtAt = existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0;
const changedAt = Math.max(
  ...SOURCES.map((dir) => newestSourceTime(ROOT + dir)),
  statSync(`${ROOT}package-lock.json`).mtimeMs,
  statSync(`${ROOT}scripts/build.ts`).mtimeMs,
);
if (changedAt > builtAt) {
  console.log('Building the widget and the console…');
  const { files } = await buildAll();
  console.log(files.map((f) => `  ${f.file} ${(f.brotli / 1024).toFixed(1)} KB br`).join('\n'));
  for (const message of overBudget(files)) console.warn(`  ${message} (npm run build fails on this)`);
}
await import('../server/main');
