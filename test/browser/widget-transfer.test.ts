/**
 * What a visitor's browser downloads: the loader and the app compressed with brotli and under their
 * budgets on the first visit; on the next, nothing but the loader's revalidation (a 304).
 */
import type { Browser, CDPSession } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS } from '../../scripts/build';
import { connectAgent, disconnectAll, logIn } from '../helpers/clients';
import { startHostileScene, type HostilePage, type HostileScene } from '../helpers/hostile-host-page';
import type { StartedApp } from '../helpers/start-app';

interface Fetched {
  url: string;
  status?: number;
  headers: Record<string, string>;
  requestHeaders: Record<string, string>;
  /** Served by the browser's cache without going to the server. */
  fromCache: boolean;
  /** Bytes of the body as they came over the network (compressed), headers excluded. */
  bodyBytes?: number;
  /** All bytes that came over the network for it, headers included: 0 from the cache. */
  received?: number;
  /** Bytes of the response headers, as received. */
  headerBytes?: number;
}

const lower = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

/** Every request the page makes to `origin`, through Chromium's DevTools protocol. */
async function recordRequests(cdp: CDPSession, origin: string): Promise<Map<string, Fetched>> {
  const seen = new Map<string, Fetched>();
  // The headers the network stack really sent (Accept-Encoding, If-None-Match) come in their own
  // event, in either order with requestWillBeSent.
  const sentHeaders = new Map<string, Record<string, string>>();
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (!request.url.startsWith(origin)) return;
    seen.set(requestId, { url: request.url, headers: {}, requestHeaders: sentHeaders.get(requestId) ?? lower(request.headers), fromCache: false });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', ({ requestId, headers }) => {
    sentHeaders.set(requestId, lower(headers));
    const entry = seen.get(requestId);
    if (entry) entry.requestHeaders = lower(headers);
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => {
    const entry = seen.get(requestId);
    if (entry) entry.fromCache = true;
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = seen.get(requestId);
    if (!entry) return;
    entry.status = response.status;
    entry.headers = lower(response.headers);
    entry.fromCache ||= Boolean(response.fromDiskCache || response.fromPrefetchCache);
    entry.headerBytes = response.encodedDataLength;
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = seen.get(requestId);
    if (!entry) return;
    entry.received = encodedDataLength;
    entry.bodyBytes = entry.fromCache ? 0 : encodedDataLength - (entry.headerBytes ?? 0);
  });
  return seen;
}

describe('the widget as transferred', () => {
  let scene: HostileScene;
  let started: StartedApp;
  let host: HostilePage;
  let browser: Browser;
  let agent: HostileScene['agent'];

  beforeAll(async () => {
    scene = await startHostileScene('transfer');
    ({ started, host, browser, agent } = scene);
  });

  afterEach(() => disconnectAll());

  afterAll(() => scene?.close());

  it('arrives as brotli under budget, and a returning visitor downloads nothing but a 304 for the loader', async () => {
    await connectAgent(started.url, await logIn(started.url, agent));
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const requests = await recordRequests(await context.newCDPSession(page), started.url);
    const assets = () => [...requests.values()].filter((r) => !r.url.includes('/socket.io/'));

    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();

    const first = assets();
    const loader = first.find((r) => r.url === `${started.url}/widget.js`)!;
    const app = first.find((r) => /\/widget\/app-[0-9a-z]{8}\.js$/.test(r.url))!;
    expect(loader.requestHeaders['accept-encoding']).toContain('br');
    expect(loader).toMatchObject({ status: 200, fromCache: false, headers: { 'content-encoding': 'br', 'cache-control': 'no-cache' } });
    expect(loader.headers.etag).toMatch(/^"[^"]+"$/);
    expect(app).toMatchObject({
      status: 200,
      fromCache: false,
      headers: { 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(loader.bodyBytes).toBeGreaterThan(0);
    expect(loader.bodyBytes).toBeLessThanOrEqual(BUDGETS.loader);
    expect(app.bodyBytes).toBeGreaterThan(0);
    expect(app.bodyBytes).toBeLessThanOrEqual(BUDGETS.app);
    // Only the loader and the app: constructable stylesheets need no stylesheet request.
    expect(first.map((r) => r.url).sort()).toEqual([loader.url, app.url].sort());

    // The widget remembers it was open, so the reload imports the app again.
    requests.clear();
    await page.reload();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    const fromNetwork = assets().filter((r) => !r.fromCache);
    expect(fromNetwork.map((r) => ({ url: r.url, status: r.status }))).toEqual([{ url: loader.url, status: 304 }]);
    expect(fromNetwork[0]!.requestHeaders['if-none-match']).toBe(loader.headers.etag);
    // Whether the app was asked for at all is up to Chromium's memory cache; if it was, the cache answered.
    for (const cached of assets().filter((r) => r.url === app.url)) expect(cached).toMatchObject({ fromCache: true, received: 0 });
    await context.close();
  });
});
