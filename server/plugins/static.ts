/**
 * The built widget and console (`npm run build` → dist/). Widget files are fetched by pages of
 * other origins, so they carry CORS headers; the console is same-origin only.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

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
    app.get('/', (_request, reply) => reply.redirect('/console'));
  },
  { name: 'switchboard-static', dependencies: ['switchboard-config'] },
);
