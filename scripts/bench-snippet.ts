/**
 * Prints what the snippet costs the host page's main thread (issue 13): the demo shop page loaded
 * in Debian's Chromium without the snippet, with it (the loader only: the launcher), and with the
 * chat opened (the app too), each several times in a fresh browser context; the medians of CDP
 * `Performance.getMetrics` (ScriptDuration, TaskDuration, LayoutDuration, JSHeapUsedSize).
 *
 *   npm run bench:snippet [-- --runs 15]
 *
 * Runs the app on the embedded store (no Redis needed) and the page on another origin, both on
 * 127.0.0.1 ports of their own; builds dist/ first if it is missing (npm run build).
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { renderShopPage } from '../server/demo/shop-page';
import { addSite } from '../server/domain/sites';
import { createServer } from 'node:http';
import { launchBrowser } from '../test/helpers/browser';
import { BUILD_STAMP, buildAll } from './build';

const SITE_KEY = 'site_bench_snippet';
type Metrics = Record<'ScriptDuration' | 'TaskDuration' | 'LayoutDuration' | 'JSHeapUsedSize', number>;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
  const runs = Number(values.runs);
  if (!existsSync(BUILD_STAMP)) await buildAll();

  const app = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO: 'false' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const serverUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const withSnippet = renderShopPage(serverUrl, SITE_KEY);
  // The same page without the script tag: what the site costs on its own.
  const bare = withSnippet.replace(/<script[^>]*widget\.js[^>]*><\/script>/, '');
  if (bare === withSnippet) throw new Error('the demo page has no widget script tag to leave out');
  const page = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(request.url?.startsWith('/bare') ? bare : withSnippet);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  await addSite(app.store, { key: SITE_KEY, name: 'Bench shop', origins: [pageUrl] });

  const browser = await launchBrowser();
  const measure = async (path: string, act: (p: Page) => Promise<void>): Promise<Metrics> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Performance.enable');
    await tab.goto(pageUrl + path, { waitUntil: 'load' });
    await act(tab);
    const { metrics } = await cdp.send('Performance.getMetrics');
    await context.close();
    const of = (name: keyof Metrics) => metrics.find((m) => m.name === name)?.value ?? 0;
    return { ScriptDuration: of('ScriptDuration'), TaskDuration: of('TaskDuration'), LayoutDuration: of('LayoutDuration'), JSHeapUsedSize: of('JSHeapUsedSize') };
  };
  const scenarios: [string, string, (p: Page) => Promise<void>][] = [
    ['page alone', '/bare', async (p) => void (await p.waitForTimeout(300))],
    ['page + snippet (launcher)', '/', async (p) => {
      await p.getByRole('button', { name: /Open chat/ }).waitFor();
      await p.waitForTimeout(300);
    }],
    ['page + snippet, chat opened (app)', '/', async (p) => {
      await p.getByRole('button', { name: /Open chat/ }).click();
      await p.getByRole('textbox').first().waitFor();
      await p.waitForTimeout(300);
    }],
  ];
  try {
    const results: Record<string, Metrics[]> = {};
    // Interleaved, so the machine's load falls on every scenario alike.
    for (let i = 0; i < runs; i++) for (const [name, path, act] of scenarios) (results[name] ??= []).push(await measure(path, act));
    const base = results['page alone']!;
    console.log(`Host page main-thread cost, medians of ${runs} runs in a fresh context each (Chromium, CDP Performance.getMetrics):`);
    console.log('scenario                              script ms   task ms   layout ms   JS heap KB   (vs page alone: script, task, heap)');
    for (const [name] of scenarios) {
      const m = results[name]!;
      const med = (k: keyof Metrics) => median(m.map((x) => x[k]));
      const delta = (k: keyof Metrics) => med(k) - median(base.map((x) => x[k]));
      console.log(
        `${name.padEnd(36)}  ${(med('ScriptDuration') * 1000).toFixed(1).padStart(8)}  ${(med('TaskDuration') * 1000).toFixed(1).padStart(8)}  ${(med('LayoutDuration') * 1000).toFixed(1).padStart(9)}  ${(med('JSHeapUsedSize') / 1024).toFixed(0).padStart(10)}   ` +
          (name === 'page alone' ? '' : `+${(delta('ScriptDuration') * 1000).toFixed(1)} ms, +${(delta('TaskDuration') * 1000).toFixed(1)} ms, +${(delta('JSHeapUsedSize') / 1024).toFixed(0)} KB`),
      );
    }
  } finally {
    await browser.close();
    page.close();
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
