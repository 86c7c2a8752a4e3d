import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';

export interface SiteHostPage {
  server: Server;
  /** The page's origin: `${url}/<siteKey>` embeds that site's widget. */
  url: string;
}

/**
 * A host page on its own origin for any site: `/<siteKey>?lang=…&position=…` embeds that site's
 * widget, with those query values as `data-lang` / `data-position` on the script tag.
 */
export function startSiteHostPage(switchboardUrl: string): Promise<SiteHostPage> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const attributes = ['lang', 'position']
      .filter((name) => url.searchParams.has(name))
      .map((name) => ` data-${name}="${url.searchParams.get(name)!.replace(/[^a-z-]/gi, '')}"`)
      .join('');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head>
<body><h1>Northwind Outfitters</h1><p>A host page.</p>
<script src="${switchboardUrl}/widget.js" data-site="${url.pathname.slice(1).replace(/[^\w-]/g, '')}"${attributes} async></script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** A new browser context in `locale` on `${host.url}/${path}`, with the widget opened. */
export async function openWidgetOn(browser: Browser, host: SiteHostPage, path: string, options: { locale: string; viewport: { width: number; height: number } }): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${host.url}/${path}`);
  await page.locator('.sb-launcher').click();
  await page.locator('.sb-window').waitFor();
  return page;
}
