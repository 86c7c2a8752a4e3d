/**
 * Builds the widget, the console and the server when dist/ is missing or older than their sources
 * (what `npm start` and `npm run bench:load` run is the built server, as production's is).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, buildAll, overBudget } from './build';
import { SERVER_ENTRY } from './build-server';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['widget', 'console', 'shared', 'server'];

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** @returns the built server's entry (`dist/server/main.js`) */
export async function ensureBuilt(): Promise<string> {
  const builtAt = existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0;
  const changedAt = Math.max(
    ...SOURCES.map((dir) => newestSourceTime(ROOT + dir)),
    statSync(`${ROOT}package-lock.json`).mtimeMs,
    statSync(`${ROOT}scripts/build.ts`).mtimeMs,
    statSync(`${ROOT}scripts/build-server.ts`).mtimeMs,
  );
  if (changedAt > builtAt || !existsSync(SERVER_ENTRY)) {
    console.log('Building the widget, the console and the server…');
    const { files } = await buildAll();
    console.log(files.map((f) => `  ${f.file} ${(f.brotli / 1024).toFixed(1)} KB br`).join('\n'));
    for (const message of overBudget(files)) console.warn(`  ${message} (npm run build fails on this)`);
  }
  return SERVER_ENTRY;
}
