/**
 * Builds the widget loader, the widget app and the console into dist/, names every file but the
 * loader after a hash of its content, writes a brotli (`.br`) and a gzip (`.gz`) copy beside each
 * (served by `@fastify/static` `preCompressed`), prints the sizes as transferred and what fills the
 * app (as Preact's build does), and fails when the widget goes over its budget.
 *
 *   npm run build
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, transform, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { WIDGET_LANGUAGES } from '../shared/schemas';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = `${ROOT}dist/`;
/** Written last; `npm start` compares source times against it to decide whether to rebuild. */
export const BUILD_STAMP = `${DIST}.build-stamp`;
/** The loader's fixed name: customers' pages point at it, so it is the one file without a hash. */
export const LOADER_FILE = 'widget.js';

/**
 * Brotli budgets in bytes, as Chromium, Firefox and Safari receive them: the loader is on every page
 * of every customer site; the app loads on first open.
 */
export const BUDGETS = { loader: 2 * 1024, app: 30 * 1024 } as const;

export interface BuiltFile {
  /** Path under dist/, e.g. `widget/app-3fk29dq1.js`. */
  file: string;
  /** What the file is, for the size table and the budgets. */
  role: 'loader' | 'app' | 'style' | 'checks' | 'console' | 'console-chunk' | 'console-style' | 'console-page' | 'catalogue';
  bytes: number;
  gzip: number;
  brotli: number;
}

export interface BuildResult {
  files: BuiltFile[];
  /** The widget app's inputs by bytes in its output, largest first (esbuild metafile). */
  appInputs: { input: string; bytes: number }[];
}

/** Stylesheets are imported as strings (for constructable stylesheets), minified first. */
const minifiedCssText: Plugin = {
  name: 'minified-css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async ({ path }) => ({ contents: await minifyCss(readFileSync(path, 'utf8')), loader: 'text' }));
  },
};

async function minifyCss(css: string): Promise<string> {
  return (await transform(css, { loader: 'css', minify: true, target: 'chrome100' })).code;
}

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
  write: false,
  metafile: true,
  plugins: [minifiedCssText],
};

/** Eight base-36 characters of SHA-256: collisions between two builds of one file are not a concern. */
function contentHash(content: Uint8Array | string): string {
  return BigInt(`0x${createHash('sha256').update(content).digest('hex').slice(0, 12)}`).toString(36).padStart(8, '0').slice(-8);
}

function compress(content: Buffer): { br: Buffer; gz: Buffer } {
  return {
    br: brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    }),
    gz: gzipSync(content, { level: 9 }),
  };
}

/** Writes `dist/<file>` and its `.br` and `.gz` beside it; returns the sizes. */
function emit(file: string, role: BuiltFile['role'], content: Buffer | string): BuiltFile {
  const raw = Buffer.from(content);
  const { br, gz } = compress(raw);
  mkdirSync(DIST + file.slice(0, file.lastIndexOf('/') + 1), { recursive: true });
  writeFileSync(DIST + file, raw);
  writeFileSync(`${DIST + file}.br`, br);
  writeFileSync(`${DIST + file}.gz`, gz);
  return { file, role, bytes: raw.length, gzip: gz.length, brotli: br.length };
}

/** `dir/name.ext` → `dir/name-<hash>.ext`, emitted with its compressed copies. */
function emitHashed(dir: string, name: string, ext: string, role: BuiltFile['role'], content: Buffer | string): BuiltFile {
  return emit(`${dir}/${name}-${contentHash(content)}.${ext}`, role, content);
}

async function bundle(entry: string, format: 'esm' | 'iife', define: Record<string, string> = {}): Promise<{ code: Buffer; metafile: Metafile }> {
  const result = await build({ ...common, entryPoints: [ROOT + entry], outdir: DIST, format, define: { ...common.define, ...define } });
  const [output] = result.outputFiles!;
  return { code: Buffer.from(output!.contents), metafile: result.metafile! };
}

/**
 * The console with esbuild's code splitting: what only admins open (Settings) is imported with
 * `import()` and lands in chunks fetched on first use, so an agent's first load stays the workspace.
 * ESM splitting needs no runtime helper (the browser's own `import()` loads the chunks). Chunks keep
 * esbuild's content-hash names (`chunk-XXXXXXXX.js`) since the entry refers to them by name; the entry,
 * which nothing refers to but the page, is renamed after its content as the other files are.
 */
async function bundleConsole(catalogueFiles: Record<string, string>): Promise<{ entry: Buffer; chunks: { name: string; code: Buffer }[] }> {
  const result = await build({
    ...common,
    entryPoints: { main: `${ROOT}console/main.tsx` },
    outdir: `${DIST}console`,
    format: 'esm',
    splitting: true,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    define: { ...common.define, CATALOGUE_FILES: JSON.stringify(catalogueFiles) },
  });
  const files = result.outputFiles!.map((f) => ({ name: f.path.slice(f.path.lastIndexOf('/') + 1), code: Buffer.from(f.contents) }));
  const entry = files.find((f) => f.name === 'main.js');
  if (!entry) throw new Error('esbuild gave no console/main.js');
  return { entry: entry.code, chunks: files.filter((f) => f !== entry) };
}

function inputsBySize(metafile: Metafile): BuildResult['appInputs'] {
  const [output] = Object.values(metafile.outputs);
  const grouped = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output!.inputs)) {
    // One line per package, one per own folder: "preact", "socket.io-client", "widget/app/components".
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? match[1]! : input.slice(0, input.lastIndexOf('/'));
    grouped.set(key, (grouped.get(key) ?? 0) + bytesInOutput);
  }
  return [...grouped].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export async function buildAll(): Promise<BuildResult> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });

  // Each language but English is its own module, fetched only by visitors who read it. Built apart
  // rather than by esbuild's code splitting, which would put its runtime helpers in a third file
  // every visitor fetches; the app learns their hashed names at build time, as the loader does the app's.
  const catalogueFiles = await Promise.all(
    WIDGET_LANGUAGES.filter((lang) => lang !== 'en').map(async (lang) => [lang, emitHashed('widget', lang, 'js', 'catalogue', (await bundle(`widget/app/i18n/${lang}.ts`, 'esm')).code)] as const),
  );
  const catalogueNames = Object.fromEntries(catalogueFiles.map(([lang, f]) => [lang, f.file.slice('widget/'.length)]));
  const [app, consoleBuild] = await Promise.all([
    bundle('widget/app/main.tsx', 'esm', { CATALOGUE_FILES: JSON.stringify(catalogueNames) }),
    // The Settings area's live preview runs the widget app, which fetches catalogues from /widget/.
    bundleConsole(Object.fromEntries(Object.entries(catalogueNames).map(([lang, file]) => [lang, `../widget/${file}`]))),
  ]);
  const appFile = emitHashed('widget', 'app', 'js', 'app', app.code);
  // Where a browser has no constructable stylesheets, the loader links this one file instead.
  const widgetStyle = emitHashed(
    'widget',
    'style',
    'css',
    'style',
    await minifyCss(readFileSync(`${ROOT}widget/loader/launcher.css`, 'utf8') + readFileSync(`${ROOT}widget/app/styles.css`, 'utf8')),
  );
  // identify's and setContext's checks: fetched by the loader on first use, as they would not fit its budget.
  const checksFile = emitHashed('widget', 'checks', 'js', 'checks', (await bundle('widget/loader/checks.ts', 'esm')).code);
  // The loader learns the hashed names at build time, so it needs no manifest request.
  const loader = await bundle('widget/loader/loader.ts', 'iife', {
    APP_PATH: JSON.stringify(appFile.file),
    STYLE_PATH: JSON.stringify(widgetStyle.file),
    CHECKS_PATH: JSON.stringify(checksFile.file),
  });
  const loaderFile = emit(LOADER_FILE, 'loader', loader.code);

  const consoleFile = emitHashed('console', 'app', 'js', 'console', consoleBuild.entry);
  const consoleChunks = consoleBuild.chunks.map(({ name, code }) => emit(`console/${name}`, 'console-chunk', code));
  // The chart library's own few rules (legend, cursor) go with the console's.
  const consoleStyle = emitHashed(
    'console',
    'app',
    'css',
    'console-style',
    readFileSync(`${ROOT}console/styles.css`, 'utf8') + '\n' + readFileSync(`${ROOT}node_modules/uplot/dist/uPlot.min.css`, 'utf8'),
  );
  const page = readFileSync(`${ROOT}console/index.html`, 'utf8')
    .replace('/console/app.css', `/${consoleStyle.file}`)
    .replace('/console/app.js', `/${consoleFile.file}`);
  if (!page.includes(consoleFile.file) || !page.includes(consoleStyle.file)) {
    throw new Error('console/index.html no longer links /console/app.css and /console/app.js: update scripts/build.ts');
  }
  const consolePage = emit('console/index.html', 'console-page', page);

  writeFileSync(BUILD_STAMP, new Date().toISOString());
  return { files: [loaderFile, appFile, ...catalogueFiles.map(([, f]) => f), widgetStyle, checksFile, consoleFile, ...consoleChunks, consoleStyle, consolePage], appInputs: inputsBySize(app.metafile) };
}

/** The files over budget, as messages; empty when all fit. */
export function overBudget(files: BuiltFile[]): string[] {
  return files.flatMap((f) => {
    const budget = f.role === 'loader' ? BUDGETS.loader : f.role === 'app' ? BUDGETS.app : undefined;
    return budget !== undefined && f.brotli > budget ? [`${f.file} is ${f.brotli} bytes as brotli, over its budget of ${budget}`] : [];
  });
}

async function main() {
  const { files, appInputs } = await buildAll();
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  const budgetOf = (f: BuiltFile) => (f.role === 'loader' ? BUDGETS.loader : f.role === 'app' ? BUDGETS.app : undefined);
  console.log(`${'file'.padEnd(28)} ${'raw'.padEnd(11)} ${'gzip'.padEnd(11)} ${'brotli'.padEnd(11)} budget (brotli)`);
  for (const f of files) {
    const budget = budgetOf(f);
    const flag = budget === undefined ? '' : f.brotli > budget ? `OVER ${kb(budget)}` : `≤ ${kb(budget)}`;
    console.log(`${f.file.padEnd(28)} ${kb(f.bytes).padEnd(11)} ${kb(f.gzip).padEnd(11)} ${kb(f.brotli).padEnd(11)} ${flag}`);
  }
  const total = appInputs.reduce((sum, i) => sum + i.bytes, 0);
  console.log(`\nwidget app, minified bytes by input (${kb(total)} before compression):`);
  for (const { input, bytes } of appInputs.slice(0, 6)) {
    console.log(`  ${input.padEnd(36)} ${kb(bytes).padEnd(11)} ${((bytes / total) * 100).toFixed(0)}%`);
  }
  const over = overBudget(files);
  if (over.length > 0) {
    console.error(`\n${over.join('\n')}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
