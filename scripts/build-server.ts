/**
 * Compiles the server (`server/` and the `shared/` code it imports) to one JavaScript module,
 * `dist/server/main.js`, that plain `node` runs with only the production dependencies installed:
 * packages stay imports (resolved from node_modules at run time), our own code is bundled.
 *
 * Files the server reads at run time (Lua scripts, the router model, SQL migrations: every file
 * under `server/` that is not TypeScript) are copied to the same place under `dist/server/`, and
 * each module's `import.meta.url` is rewritten to the URL its source file would have there, so
 * `new URL('./scripts/', import.meta.url)` finds the same files from the bundle as from the
 * sources. A module may tell the two apart by its URL's extension (`.ts` from the sources, `.js`
 * when built).
 *
 *   npm run build   (builds this after the widget and the console)
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_OUT = `${ROOT}dist/server/`;
/** The one entry point; `node dist/server/main.js` is what an operator (and the Dockerfile) runs. */
export const SERVER_ENTRY = `${SERVER_OUT}main.js`;

/** `server/store/redis/scripts.ts` → `./store/redis/scripts.js`: its place relative to the bundle. */
function builtPlace(sourcePath: string): string {
  const place = relative(`${ROOT}server`, sourcePath).replace(/\.tsx?$/, '.js');
  return place.startsWith('.') ? place : `./${place}`;
}

const sourceLocations: Plugin = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, ({ path }) => {
      if (path.includes('/node_modules/')) return undefined;
      const text = readFileSync(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const url = `new URL(${JSON.stringify(builtPlace(path))}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** Every non-TypeScript file under `dir`, as paths relative to `server/`. */
function assetsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return assetsUnder(path);
    return /\.tsx?$/.test(entry.name) ? [] : [relative(`${ROOT}server`, path)];
  });
}

export interface ServerBuild {
  bytes: number;
  assets: string[];
}

export async function buildServer(): Promise<ServerBuild> {
  const result = await build({
    entryPoints: [`${ROOT}server/main.ts`],
    outfile: SERVER_ENTRY,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [sourceLocations],
  });
  const assets = assetsUnder(`${ROOT}server`);
  for (const asset of assets) cpSync(`${ROOT}server/${asset}`, SERVER_OUT + asset);
  // `dist/` as a package of its own: ES modules, and the version the server reports
  // (webhook User-Agent) found where `../../package.json` points from `dist/server/domain/`.
  const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
  writeFileSync(`${ROOT}dist/package.json`, `${JSON.stringify({ name: 'switchboard-dist', private: true, type: 'module', version }, null, 2)}\n`);
  return { bytes: result.metafile.outputs[relative(process.cwd(), SERVER_ENTRY)]?.bytes ?? 0, assets };
}
