/**
 * Security headers and compression as a browser and a proxy see them: a strict CSP on the console,
 * widget files still embeddable by other sites, precompressed bundles sent as built (never twice),
 * REST answers compressed on the fly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

describe('HTTP headers and compression', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DEMO: 'false', PUBLIC_URL: 'https://chat.example' }));
    // A REST-sized JSON answer, to see compression on something made per request.
    app.get('/test/large-json', async () => ({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, text: `item number ${i}` })) }));
    await app.ready();
  });
  afterAll(() => app?.close());

  it('sends the console page with a strict CSP, never framed, no sniffing, no referrer', async () => {
    const response = await app.inject({ url: '/console' });
    expect(response.statusCode).toBe(200);
    const csp = response.headers['content-security-policy'] as string;
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000',
    });
  });

  it('keeps the widget loader and bundles fetchable by other sites', async () => {
    const app_ = readdirSync(`${DIST}widget`).find((f) => /^app-[0-9a-z]{8}\.js$/.test(f))!;
    for (const url of ['/widget.js', `/widget/${app_}`]) {
      const response = await app.inject({ url, headers: { origin: 'https://shop.example', 'accept-encoding': 'br' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['access-control-allow-origin'], url).toBe('*');
      expect(response.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
    }
  });

  it('sends precompressed bundles byte for byte as built, not compressed again', async () => {
    const app_ = readdirSync(`${DIST}console`).find((f) => /^app-[0-9a-z]{8}\.js$/.test(f))!;
    const brotli = await app.inject({ url: `/console/${app_}`, headers: { 'accept-encoding': 'br, gzip' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.rawPayload.equals(readFileSync(`${DIST}console/${app_}.br`))).toBe(true);
    const gzip = await app.inject({ url: '/widget.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.rawPayload.equals(readFileSync(`${DIST}widget.js.gz`))).toBe(true);
  });

  it('compresses REST answers above 1 KB for clients that accept it, and not for those that do not', async () => {
    const compressed = await app.inject({ url: '/test/large-json', headers: { 'accept-encoding': 'gzip' } });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(compressed.rawPayload).toString()) as { items: unknown[] };
    expect(body.items).toHaveLength(200);
    expect(compressed.rawPayload.length).toBeLessThan(Buffer.byteLength(JSON.stringify(body)) / 3);

    const plain = await app.inject({ url: '/test/large-json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(body);
    // Small answers are not worth it.
    const small = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
