/**
 * `npm start`: builds the widget and console when dist/ is missing or older than their sources,
 * then starts the server.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, buildAll } from './build';

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
const changedAt = Math.max(...SOURCES.map((dir) => newestSourceTime(ROOT + dir)), statSync(`${ROOT}package-lock.json`).mtimeMs);
if (changedAt > builtAt) {
  console.log('Building the widget and the console…');
  const sizes = await buildAll();
  console.log(sizes.map((s) => `  ${s.file} ${(s.gzip / 1024).toFixed(1)} KB gz`).join('\n'));
}
await import('../server/main');
