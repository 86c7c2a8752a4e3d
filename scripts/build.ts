/**
 * Builds the widget loader, the widget app and the console into dist/, prints gzip and brotli
 * sizes (as Preact's build does) and fails when the widget goes over its budget.
 *
 *   npm run build
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = `${ROOT}dist/`;
/** Written last; `npm start` compares source times against it to decide whether to rebuild. */
export const BUILD_STAMP = `${DIST}.build-stamp`;

/** gzip budgets in bytes: the loader is on every page of every customer site; the app loads on first open. */
const BUDGETS: Record<string, number> = {
  'widget.js': 3 * 1024,
  'widget/app.js': 30 * 1024,
};

const common: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  target: 'es2020',
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
};

export async function buildAll(): Promise<{ file: string; bytes: number; gzip: number; brotli: number }[]> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(`${DIST}console`, { recursive: true });
  await Promise.all([
    build({ ...common, entryPoints: [`${ROOT}widget/loader/loader.ts`], outfile: `${DIST}widget.js`, format: 'iife' }),
    build({
      ...common,
      entryPoints: [`${ROOT}widget/app/main.tsx`],
      outfile: `${DIST}widget/app.js`,
      format: 'esm',
      loader: { '.css': 'text' },
    }),
    build({ ...common, entryPoints: [`${ROOT}console/main.tsx`], outfile: `${DIST}console/app.js`, format: 'esm' }),
  ]);
  copyFileSync(`${ROOT}console/index.html`, `${DIST}console/index.html`);
  // The chart library's own few rules (legend, cursor) go with the console's.
  writeFileSync(
    `${DIST}console/app.css`,
    readFileSync(`${ROOT}console/styles.css`, 'utf8') + '\n' + readFileSync(`${ROOT}node_modules/uplot/dist/uPlot.min.css`, 'utf8'),
  );
  writeFileSync(BUILD_STAMP, new Date().toISOString());

  return ['widget.js', 'widget/app.js', 'console/app.js', 'console/app.css'].map((file) => {
    const content = readFileSync(DIST + file);
    return { file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length, brotli: brotliCompressSync(content).length };
  });
}

async function main() {
  const sizes = await buildAll();
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  console.log('file                 raw         gzip        brotli      budget (gzip)');
  let over = false;
  for (const s of sizes) {
    const budget = BUDGETS[s.file];
    const flag = budget === undefined ? '' : s.gzip > budget ? `OVER ${kb(budget)}` : `≤ ${kb(budget)}`;
    over ||= budget !== undefined && s.gzip > budget;
    console.log(`${s.file.padEnd(20)} ${kb(s.bytes).padEnd(11)} ${kb(s.gzip).padEnd(11)} ${kb(s.brotli).padEnd(11)} ${flag}`);
  }
  if (over) {
    console.error('A widget file is over its size budget.');
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
