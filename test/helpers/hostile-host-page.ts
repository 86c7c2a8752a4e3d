import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { addSite } from '../../server/domain/sites';
import { launchBrowser } from './browser';
import { startApp, type StartedApp } from './start-app';

/**
 * The page's own stylesheet, doing what careless or hostile global CSS does: every element
 * unstyled, the page's font and colour forced everywhere, a custom property named like the
 * widget's, and the shadow host itself targeted by id.
 */
export const HOSTILE_CSS = `
* { all: unset; font-family: "Comic Sans MS", cursive !important; color: red !important; box-sizing: content-box !important;
    letter-spacing: 3px !important; text-transform: uppercase !important; line-height: 4 !important; }
html, body { display: block; direction: rtl; font-size: 40px; }
:root { --sb-accent: lime; --sb-bg: black; --sb-fg: yellow; }
button { width: 9px !important; height: 9px !important; background: grey !important; }
div { transform: translateX(-300px); filter: blur(2px); }
#switchboard-widget { display: block; position: absolute; top: 0; left: 0; --sb-accent: lime !important; }
`;

export interface HostilePage {
  /** The page's origin (another port than Switchboard's, so the embed is cross-origin). */
  url: string;
  /** The Content-Security-Policy the page is served with. */
  policy: string;
  close(): void;
}

/**
 * A shop page on 127.0.0.1 that embeds the widget under a strict Content-Security-Policy (no inline
 * script or style anywhere) and links {@link HOSTILE_CSS}.
 */
export async function startHostilePage(switchboardUrl: string, siteKey: string): Promise<HostilePage> {
  const ws = switchboardUrl.replace(/^http/, 'ws');
  // What the widget truly needs: its script and stylesheet (the fallback), Socket.IO's polling and
  // WebSocket. `'self'` is the page's own stylesheet; nothing inline is allowed.
  const policy = [
    "default-src 'none'",
    `script-src ${switchboardUrl}`,
    `style-src 'self' ${switchboardUrl}`,
    `connect-src ${switchboardUrl} ${ws}`,
    `img-src ${switchboardUrl}`,
  ].join('; ');
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Strict bank</title>
<link rel="stylesheet" href="/hostile.css">
</head>
<body>
<div><h1>Strict Bank</h1><p>Our pages forbid inline styles and scripts, and our stylesheet is not kind to guests.</p></div>
<button type="button">A page button</button>
<script src="${switchboardUrl}/widget.js" data-site="${siteKey}" async></script>
</body>
</html>
`;
  const server = createServer((request, response) => {
    if (request.url === '/hostile.css') {
      response.writeHead(200, { 'content-type': 'text/css' });
      response.end(HOSTILE_CSS);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
      response.end(page);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    policy,
    close: () => server.close(),
  };
}

export interface HostileScene {
  started: StartedApp;
  host: HostilePage;
  browser: Browser;
  siteKey: string;
  /** An agent of the site with both skills, to log in and be online. */
  agent: { email: string; password: string };
  close(): Promise<void>;
}

/**
 * The app on Redis, a site whose only allowed origin is a {@link startHostilePage} page, an agent
 * of that site, and a Chromium: what a browser test of the widget as a guest starts from.
 */
export async function startHostileScene(name: string): Promise<HostileScene> {
  const started = await startApp();
  const siteKey = `site_${name}_${Date.now().toString(36)}`;
  const host = await startHostilePage(started.url, siteKey);
  await addSite(started.app.store, { key: siteKey, name: 'Strict bank', origins: [host.url] });
  const agent = { email: `${name}-agent-${siteKey}@agents.example`, password: `${name}-agent-password` };
  await started.app.agentAccounts.addAgent({ siteKey, ...agent, name: 'Kim', skills: ['service', 'support'], role: 'agent' });
  const browser = await launchBrowser();
  return {
    started,
    host,
    browser,
    siteKey,
    agent,
    async close() {
      await browser.close();
      host.close();
      await started.close();
    },
  };
}
