/**
 * The built widget and console (`npm run build` → dist/), precompressed: brotli or gzip as the
 * browser accepts. Files with a content hash in their name are cached for a year; the loader
 * `widget.js`, whose URL is fixed in customers' pages, and the console page are revalidated on
 * every use against a strong ETag. Widget files are fetched by pages of other origins, so they
 * carry CORS headers; the console is same-origin only.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** A speech bubble, so browsers stop asking for a favicon that is not there. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#1d4ed8" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

/** A new build gives hashed files new names, so a browser may keep one for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The loader and the console page: cached, but checked each time (a 304 when unchanged). */
export const REVALIDATE = 'no-cache';

/**
 * `app-6qj46lhf.js`, `style-q8q5edcb.css.br`: scripts/build.ts names these after their content;
 * the console's lazy chunks carry esbuild's upper-case hash (`settings-screen-QH3ZK5TA.js`).
 */
const HASHED = /-[0-9a-zA-Z]{8}\.(?:js|css)(?:\.br|\.gz)?$/;
/** Preferred first: brotli is about 10% smaller than gzip on these bundles. */
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;

function isWidgetFile(path: string): boolean {
  return /[\\/]widget[\\/]/.test(path) || /[\\/]widget\.js(?:\.br|\.gz)?$/.test(path);
}

function allowCrossOrigin(reply: Pick<FastifyReply, 'header'>): void {
  // The widget is a module imported cross-origin by customer pages.
  reply.header('access-control-allow-origin', '*');
  reply.header('cross-origin-resource-policy', 'cross-origin');
}

/** The encodings `accept-encoding` allows (a `q=0` refuses one), in our order of preference. */
function acceptedEncoding(header: string | undefined): (typeof ENCODINGS)[number] | undefined {
  if (!header) return undefined;
  const accepted = new Map(
    header.split(',').map((part) => {
      const [name = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return [name.trim(), q === undefined ? 1 : Number(q)] as const;
    }),
  );
  return ENCODINGS.find(([name]) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0);
}

/** True when `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for this header). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export default fp(
  async (app) => {
    const root = app.config.staticDir;
    if (!existsSync(root)) app.log.warn({ root }, 'no built widget or console: run npm run build');

    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      wildcard: true,
      preCompressed: true,
      cacheControl: false,
      setHeaders(res, path) {
        if (isWidgetFile(path)) {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        }
        // Caches must keep the brotli, gzip and plain copies apart.
        res.setHeader('Vary', 'Accept-Encoding');
        res.setHeader('Cache-Control', HASHED.test(path) ? IMMUTABLE : REVALIDATE);
      },
    });

    // The loader is served here rather than by @fastify/static, whose ETag is weak and made of size
    // and modification time: it would change on every build and differ between servers, so a
    // returning visitor behind a load balancer would download the loader again. A hash of the
    // bytes sent is the same everywhere and changes only when they do.
    app.get('/widget.js', async (request, reply) => {
      const encoding = acceptedEncoding(request.headers['accept-encoding']);
      let body: Buffer;
      try {
        // Read on each request (2 KB): a rebuild is served without a restart, like the hashed files.
        body = await readFile(join(root, `widget.js${encoding?.[1] ?? ''}`));
      } catch {
        return reply.callNotFound();
      }
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      allowCrossOrigin(reply);
      reply.header('vary', 'Accept-Encoding').header('cache-control', REVALIDATE).header('etag', etag);
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      reply.type('text/javascript; charset=utf-8');
      if (encoding) reply.header('content-encoding', encoding[0]);
      return reply.send(body);
    });

    app.get('/console', (_request, reply) => reply.sendFile('console/index.html'));
    app.get('/console/', (_request, reply) => reply.redirect('/console'));
    app.get('/favicon.ico', (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(FAVICON));
    app.get('/', (_request, reply) => reply.redirect('/console'));
  },
  { name: 'switchboard-static', dependencies: ['switchboard-config'] },
);
