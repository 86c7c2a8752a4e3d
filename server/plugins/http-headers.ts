/**
 * Security headers (@fastify/helmet) and compression (@fastify/compress) for every HTTP response.
 *
 * The CSP is the console's: scripts, styles, images and connections from this origin only, no
 * inline script or style, never framed. It is sent on every response; it governs only documents
 * (the console page), and a script or JSON response ignores it. Widget files are fetched by other
 * sites' pages: they keep `Cross-Origin-Resource-Policy: cross-origin` and CORS (static.ts sets
 * both after these defaults). Socket.IO is not served through Fastify and gets neither.
 *
 * Built files are precompressed by `npm run build` and sent as they are (`Content-Encoding` set by
 * @fastify/static), so compression only touches what is made per request: REST answers and pages.
 */
import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/** The console's Content-Security-Policy, directive by directive. */
export function consoleCsp(https: boolean): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // On plain http (development) this would send the console's own files to an https that is not there.
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

export default fp(
  async (app) => {
    const https = app.config.publicUrl.startsWith('https:');
    await app.register(fastifyHelmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: consoleCsp(https) },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // Only where it means something: a browser ignores HSTS over http. No includeSubDomains: the
      // operator's other hosts are not ours to pin.
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    });
    await app.register(fastifyCompress, {
      global: true,
      threshold: 1024,
      encodings: ['br', 'gzip'],
      // Per request, speed matters more than the last bytes: brotli's default quality 11 costs tens of ms on 100 KB.
      brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    });
  },
  { name: 'switchboard-http-headers', dependencies: ['switchboard-config'] },
);
