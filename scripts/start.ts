/**
 * `npm start` from a checkout: builds the widget, the console and the server when dist/ is missing
 * or older than their sources, then runs the built server (`dist/server/main.js`), as production
 * does. A built artefact installed with `npm ci --omit=dev` has no sources and no build tools: it
 * starts with `node dist/server/main.js` (docs/deploy.md).
 */
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built';

await import(pathToFileURL(await ensureBuilt()).href);
