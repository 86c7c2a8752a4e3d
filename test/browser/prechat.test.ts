/**
 * Pre-chat as a person meets it: a `required` site asks name, email and topic before the first
 * message (no Skip), and the agent sees who wrote in the chosen queue; an `optional` site lets the
 * visitor skip; and a French browser hears the launcher named in French once the app has loaded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP } from '../../scripts/build';
import { OPERATOR } from '../../server/domain/audit';
import { addSite } from '../../server/domain/sites';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { QueueEntry } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { launchBrowser } from '../helpers/browser';
import { connectAgent, disconnectAll, logIn, type AgentClient } from '../helpers/clients';
import { expectText } from '../helpers/embed-scene';
import { openWidgetOn, startSiteHostPage, type SiteHostPage } from '../helpers/site-host-page';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually, waitFor } from '../helpers/wait-for';

const VIEWPORT = { width: 1280, height: 800 };
const SCREENSHOTS = 'test-results/prechat';

describe('pre-chat in the browser', () => {
  let started: StartedApp;
  let browser: Browser;
  let host: SiteHostPage;
  const stamp = Date.now().toString(36);
  const sites = { required: `site_pre_req_${stamp}`, optional: `site_pre_opt_${stamp}` };
  const agents: Record<string, AgentClient> = {};

  beforeAll(async () => {
    if (!existsSync(BUILD_STAMP)) throw new Error('dist/ is missing: run npm run build');
    mkdirSync(SCREENSHOTS, { recursive: true });
    started = await startApp();
    host = await startSiteHostPage(started.url);
    for (const [kind, key] of Object.entries(sites)) {
      await addSite(started.app.store, { key, name: `Northwind ${kind}`, origins: [host.url] });
      const agent = { email: `robin-${key}@agents.example`, password: 'robin-password' };
      await started.app.agentAccounts.addAgent({ siteKey: key, ...agent, name: 'Robin Durand', skills: ['service', 'support'], role: 'agent' });
      agents[key] = await connectAgent(started.url, await logIn(started.url, agent));
      expectOk(await emitWithTimeout(agents[key]!, 3000, 'presence:set', { status: 'online' }));
    }
    await started.app.siteRouting.updateSettings(sites.required, { topicQuestion: true, widget: { prechat: { mode: 'required', fields: ['name', 'email'] } } }, OPERATOR);
    await started.app.siteRouting.updateSettings(sites.optional, { widget: { prechat: { mode: 'optional', fields: ['name'] } } }, OPERATOR);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    disconnectAll();
    await browser?.close();
    host?.server.close();
    await started?.close();
  });

  const open = (locale: string, site: string): Promise<Page> => openWidgetOn(browser, host, site, { locale, viewport: VIEWPORT });
  /** What has keyboard focus inside the widget's shadow root: `INPUT:name`, `TEXTAREA`… */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.getElementById('switchboard-widget')?.shadowRoot?.activeElement;
      return el ? el.tagName + (el.getAttribute('name') ? `:${el.getAttribute('name')}` : '') : null;
    });

  it('on a required site asks name, email and topic first, without Skip; the conversation starts in the chosen queue with the identity the agent sees', async () => {
    const page = await open('en-US', sites.required);
    const form = page.locator('form.sb-prechat');
    await form.waitFor();
    await expectText(form, 'Before we start');
    expect(await page.getByRole('button', { name: 'Skip' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    // Keyboard: the first field has focus on open.
    await eventually(async () => expect(await focused(page)).toBe('INPUT:name'), 5000);
    await page.screenshot({ path: `${SCREENSHOTS}/required-form.png` });

    // Enter with nothing filled in submits nothing: the form stays.
    await page.keyboard.press('Enter');
    await form.waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Ada Lovelace');
    await page.getByRole('textbox', { name: 'Email' }).fill('Ada@Example.com');
    await page.getByRole('radio', { name: 'Technical problem' }).check();
    await page.getByRole('textbox', { name: 'Email' }).press('Enter');
    await form.waitFor({ state: 'detached' });

    const agent = agents[sites.required]!;
    const entered = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await eventually(async () => expect(await focused(page)).toBe('TEXTAREA'), 5000);
    await composer.fill('The lantern app will not pair with my phone');
    await composer.press('Enter');
    const [entry] = await entered;
    expect(entry.queue).toBe('support');
    expect(entry.visitor).toEqual({ userId: 'ada@example.com', name: 'Ada Lovelace', email: 'Ada@Example.com', verified: false });
    await expectText(page.getByRole('log'), 'will not pair');
    await page.screenshot({ path: `${SCREENSHOTS}/required-started.png` });
    await page.context().close();
  });

  it('on an optional site offers Skip, and the visitor writes in without giving a name', async () => {
    const page = await open('en-US', sites.optional);
    await page.locator('form.sb-prechat').waitFor();
    expect(await page.getByRole('textbox', { name: 'Email' }).count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/optional-form.png` });
    await page.getByRole('button', { name: 'Skip' }).click();
    const agent = agents[sites.optional]!;
    const entered = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Do you ship to Iceland?');
    await composer.press('Enter');
    const [entry] = await entered;
    expect(entry.visitor).toBeUndefined();
    await page.screenshot({ path: `${SCREENSHOTS}/optional-skipped.png` });
    await page.context().close();
  });

  it('names the launcher in French for a French browser once the app has loaded; Escape closes the form', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${host.url}/${sites.optional}`);
    const launcher = page.locator('.sb-launcher');
    // Before the app loads, the loader's English.
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
    await launcher.click();
    await page.locator('form.sb-prechat').waitFor();
    await eventually(async () => expect(await launcher.getAttribute('aria-label')).toBe('Fermer la discussion'), 10_000);
    await page.getByRole('button', { name: 'Passer' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.sb-window').waitFor({ state: 'hidden' });
    await eventually(async () => expect(await launcher.getAttribute('aria-label')).toBe('Ouvrir la discussion'), 10_000);
    await page.getByRole('button', { name: 'Ouvrir la discussion' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/french-launcher-closed.png` });
    await context.close();
  });
});
