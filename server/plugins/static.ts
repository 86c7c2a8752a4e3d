/**
 * The built widget and console (`npm run build` → dist/). Widget files are fetched by pages of
 * other origins, so they carry CORS headers; the console is same-origin only.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

/** A speech bubble, so browsers stop asking for a favicon that is not there. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#1d4ed8" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

export default fp(
  async (app) => {
    const root = app.config.staticDir;
    if (!existsSync(root)) app.log.warn({ root }, 'no built widget or console: run npm run build');
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: false,
      setHeaders(res, path) {
        if (/[\\/]widget[\\/.]/.test(path) || path.endsWith('widget.js')) {
          // The widget is a module imported cross-origin by customer pages.
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        }
        // The loader URL is fixed in customers' pages, so it must be revalidated; it is tiny.
        res.setHeader('Cache-Control', 'no-cache');
      },
    });
    app.get('/console', (_request, reply) => reply.sendFile('console/index.html'));
    app.get('/console/', (_request, reply) => reply.redirect('/console'));
    app.get('/favicon.ico', (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(FAVICON));
    app.get('/', (_request, reply) => reply.redirect('/console'));
  },
  { name: 'switchboard-static', dependencies: ['switchboard-config'] },
);
