/**
 * Settings › Sites, Agents and API tokens in a browser (issue 16): an admin creates a site, allows an
 * origin and adds an agent; the snippet the page shows, pasted into a fresh page on that origin, gives
 * a widget whose message reaches the new agent's console; a token revoked in the page closes the
 * wallboard feed using it; a plain agent sees no Settings and is refused every admin route.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser } from '../helpers/browser';
import { expectText } from '../helpers/embed-scene';
import { startApp, type StartedApp } from '../helpers/start-app';

const SCREENSHOTS = 'test-results/admin-pages';
const VIEWPORT = { width: 1400, height: 1000 };

/** A free port, so the server's PUBLIC_URL (and so the snippet) can name it before it listens. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

describe('Settings › Sites, Agents and API tokens, in a browser', () => {
  let started: StartedApp;
  let browser: Browser;
  let admin: Page;
  let host: Server;
  let hostOrigin: string;
  /** What the host page serves: the snippet the admin copied, once there is one. */
  let hostSnippet = '';
  let newSiteKey = '';

  const logIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${started.url}/console`);
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
  };
  const openSection = async (title: string) => {
    await admin.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: title }).click();
    await expectText(admin.locator('#settings-heading'), title);
  };

  beforeAll(async () => {
    const port = await freePort();
    started = await startApp({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    host = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html><head><meta charset="utf-8"><title>New shop</title></head><body><h1>New shop</h1>${hostSnippet}</body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    admin = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    admin.on('dialog', (dialog) => void dialog.accept());
    await logIn(admin, started.adminAgent.email, started.adminAgent.password);
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('navigation', { name: 'Settings sections' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    host?.close();
    await started?.close();
  });

  it('creates a site, refuses an origin that is not one with its reason, and shows the identity secret once', async () => {
    await openSection('Sites');
    await admin.getByLabel('Name', { exact: true }).last().fill('New shop');
    await admin.locator('#new-site-origins').fill(`${hostOrigin}\nhttps://*.wild.example`);
    await admin.getByRole('button', { name: 'Add site' }).click();
    await expectText(admin.locator('#new-site-error'), 'Origin on line 2');
    expect((await started.app.store.listSiteKeys()).length).toBe(1);
    await admin.screenshot({ path: `${SCREENSHOTS}/site-bad-origin.png`, fullPage: true });

    await admin.locator('#new-site-origins').fill(hostOrigin);
    await admin.getByRole('button', { name: 'Add site' }).click();
    await expectText(admin.getByTestId('identity-secret'), '');
    const secret = (await admin.getByTestId('identity-secret').textContent())!.trim();
    newSiteKey = (await started.app.store.listSiteKeys()).find((key) => key !== started.siteKey)!;
    expect((await started.app.store.getSite(newSiteKey))).toMatchObject({ name: 'New shop', origins: [hostOrigin], identitySecret: secret });
    await admin.getByRole('button', { name: 'I have kept it' }).click();
    expect(await admin.getByTestId('identity-secret').count()).toBe(0);
    await admin.screenshot({ path: `${SCREENSHOTS}/sites.png`, fullPage: true });
  });

  it('adds an agent to the new site; the snippet shown, pasted into a page on its origin, reaches that agent’s console', async () => {
    await openSection('Agents');
    await admin.getByRole('combobox', { name: 'Site' }).selectOption(newSiteKey);
    await expectText(admin.locator('#agents-heading'), newSiteKey);
    await admin.getByLabel('Email').fill('nina@newshop.example');
    await admin.getByLabel('Name', { exact: true }).fill('Nina');
    await admin.getByLabel('First password (8 characters or more)').fill('nina-password');
    await admin.getByRole('button', { name: 'Add agent' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'can log in now' }), 'nina@newshop.example');
    await expectText(admin.locator('table'), 'nina@newshop.example');
    await admin.screenshot({ path: `${SCREENSHOTS}/agents.png`, fullPage: true });

    await openSection('Sites');
    const snippet = admin.getByTestId('snippet').last();
    hostSnippet = await snippet.inputValue();
    expect(hostSnippet).toBe(`<script src="${started.url}/widget.js" data-site="${newSiteKey}" async></script>`);

    const nina = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    await logIn(nina, 'nina@newshop.example', 'nina-password');
    const visitor = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    await visitor.goto(hostOrigin);
    await visitor.locator('.sb-launcher').click();
    await visitor.locator('.sb-window').waitFor();
    await visitor.locator('.sb-composer textarea').fill('I was charged twice for my order');
    await visitor.locator('.sb-composer textarea').press('Enter');
    await expectText(nina.locator('body'), 'I was charged twice for my order');
    await visitor.screenshot({ path: `${SCREENSHOTS}/new-site-widget.png` });
    await nina.screenshot({ path: `${SCREENSHOTS}/new-agent-console.png` });
    await nina.context().close();
    await visitor.context().close();
  });

  it('revokes an API token from the page, and the wallboard feed using it closes', async () => {
    await openSection('API tokens');
    await admin.getByLabel('Name', { exact: true }).fill('Lobby TV');
    await admin.getByRole('button', { name: 'Make token' }).click();
    const token = (await admin.getByTestId('api-token').textContent())!.trim();
    const feed = new WebSocket(`${started.url.replace('http', 'ws')}/api/v1/metrics/live?token=${encodeURIComponent(token)}`);
    await new Promise((resolve, reject) => {
      feed.once('message', resolve);
      feed.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => feed.once('close', (code) => resolve(code)));
    await admin.getByRole('button', { name: 'Revoke Lobby TV' }).click();
    expect(await closed).toBe(4001);
    await expectText(admin.locator('section[aria-labelledby="tokens-heading"]'), 'No tokens yet.');
    await admin.screenshot({ path: `${SCREENSHOTS}/api-tokens.png`, fullPage: true });
  });

  it('shows a plain agent no Settings, only their Account, and refuses them every admin route', async () => {
    const agent = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    await logIn(agent, started.serviceAgent.email, started.serviceAgent.password);
    expect(await agent.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await agent.goto(`${started.url}/console#settings/agents`);
    await expectText(agent.locator('body'), 'Settings are for admins');
    const statuses = await agent.evaluate(async (siteKey) => {
      const paths = [['GET', '/api/v1/sites/' + siteKey + '/agents'], ['GET', '/api/v1/sites/' + siteKey + '/api-tokens'], ['PATCH', '/api/v1/sites/' + siteKey], ['POST', '/api/v1/sites']];
      return Promise.all(paths.map(async ([method, path]) => (await fetch(path!, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? null : '{"name":"x","origins":[]}' })).status));
    }, started.siteKey);
    expect(statuses).toEqual([403, 403, 403, 403]);
    await agent.getByRole('link', { name: 'Back to conversations' }).click();
    await agent.getByRole('link', { name: 'Account' }).click();
    await agent.getByLabel('Current password').fill('not-my-password');
    await agent.getByLabel('New password (8 characters or more)').fill('another-password');
    await agent.getByRole('button', { name: 'Change password' }).click();
    await expectText(agent.getByRole('alert'), 'The current password is wrong.');
    await agent.screenshot({ path: `${SCREENSHOTS}/agent-account.png`, fullPage: true });
    await agent.context().close();
  });
});
