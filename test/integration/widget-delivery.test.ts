/**
 * How dist/ is served: compressed as the client accepts, hashed files cached for a year, the loader
 * and the console page revalidated against a strong ETag. Needs `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST } from '../../scripts/build';
import { startApp, type StartedApp } from '../helpers/start-app';

const IMMUTABLE = 'public, max-age=31536000, immutable';

function decode(encoding: string | undefined, body: Buffer): string {
  if (encoding === 'br') return brotliDecompressSync(body).toString();
  if (encoding === 'gzip') return gunzipSync(body).toString();
  return body.toString();
}

describe('serving the built widget and console', () => {
  let started: StartedApp;
  const get = (url: string, headers: Record<string, string> = {}) => started.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    started = await startApp();
  });

  afterAll(() => started?.close());

  it('sends the loader as brotli, gzip or plain as asked, revalidated each time', async () => {
    const loader = readFileSync(`${DIST}widget.js`, 'utf8');
    const etags = new Set<string>();
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip;q=0.5', 'gzip'],
      [undefined, undefined],
      ['identity', undefined],
    ] as const) {
      const response = await get('/widget.js', accept ? { 'accept-encoding': accept } : {});
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers.vary).toBe('Accept-Encoding');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(decode(encoding, response.rawPayload)).toBe(loader);
      etags.add(String(response.headers.etag));
    }
    // One ETag per representation: brotli, gzip, plain.
    expect(etags.size).toBe(3);
  });

  it('answers 304 with no body when the loader has not changed', async () => {
    const first = await get('/widget.js', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`]) {
      const again = await get('/widget.js', { 'accept-encoding': 'br', 'if-none-match': ifNoneMatch });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
    }
    expect((await get('/widget.js', { 'accept-encoding': 'br', 'if-none-match': '"stale"' })).statusCode).toBe(200);
    // The gzip copy is another representation: the brotli ETag does not validate it.
    expect((await get('/widget.js', { 'accept-encoding': 'gzip', 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('sends the app and its fallback stylesheet under hashed names, compressed, cached for a year', async () => {
    const loader = readFileSync(`${DIST}widget.js`, 'utf8');
    const app = /"(widget\/app-[0-9a-z]{8}\.js)"/.exec(loader)?.[1];
    const style = /"(widget\/style-[0-9a-z]{8}\.css)"/.exec(loader)?.[1];
    expect(app, 'the loader names the hashed app').toBeDefined();
    expect(style, 'the loader names the hashed stylesheet').toBeDefined();
    for (const file of [app!, style!]) {
      const content = readFileSync(DIST + file, 'utf8');
      for (const [accept, encoding] of [
        ['gzip, deflate, br', 'br'],
        ['gzip', 'gzip'],
        [undefined, undefined],
      ] as const) {
        const response = await get(`/${file}`, accept ? { 'accept-encoding': accept } : {});
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-encoding']).toBe(encoding);
        expect(response.headers['content-type']).toMatch(file.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
        expect(response.headers['cache-control']).toBe(IMMUTABLE);
        expect(response.headers.vary).toBe('Accept-Encoding');
        expect(response.headers['access-control-allow-origin']).toBe('*');
        expect(decode(encoding, response.rawPayload)).toBe(content);
      }
    }
  });

  it('serves the console page revalidated, naming hashed bundles that are cached for a year', async () => {
    const page = await get('/console', { 'accept-encoding': 'br' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    const html = decode(page.headers['content-encoding'] as string | undefined, page.rawPayload);
    const assets = [...html.matchAll(/(?:href|src)="(\/console\/app-[0-9a-z]{8}\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const response = await get(asset, { 'accept-encoding': 'gzip' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(response.headers['cache-control']).toBe(IMMUTABLE);
      // Same-origin only: the console needs no CORS.
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
