import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startShopPage } from '../../server/demo/shop-page';
import { addSite } from '../../server/domain/sites';
import { BUILD_STAMP } from '../../scripts/build';
import { launchBrowser } from './browser';
import { assertRedisReachable } from './redis';
import { startApp, type StartedApp } from './start-app';
import { eventually } from './wait-for';

export interface EmbedScene {
  started: StartedApp;
  /** The shop page's origin, another port than the server: the real cross-origin embed. */
  shopUrl: string;
  siteKey: string;
  /** Robin, an admin of the site with both skills, who logs in to the console. */
  lead: { email: string; password: string };
  browser: Browser;
  /** Logs Robin in to the console on this page, and waits for the workspace. */
  logInLead(page: Page): Promise<void>;
  /**
   * Robin at work in a console of their own, opened on first call and kept until the scene closes:
   * until then nobody is online, and the widget offers the leave-a-message form.
   */
  leadAtWork(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * What the browser tests share: the app, a shop page on another origin embedding the widget of a
 * site that allows that origin, and Chromium.
 */
export async function startEmbedScene(siteKey: string, siteName: string): Promise<EmbedScene> {
  if (!existsSync(BUILD_STAMP)) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
  await assertRedisReachable();
  const started = await startApp();
  const shop: Server = await startShopPage({ host: '127.0.0.1', port: 0, publicUrl: started.url, siteKey });
  const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await addSite(started.app.store, { key: siteKey, name: siteName, origins: [shopUrl] });
  const lead = { email: `lead-${siteKey}@agents.example`, password: 'lead-password' };
  await started.app.agentAccounts.addAgent({ siteKey, ...lead, name: 'Robin', skills: ['service', 'support'], role: 'admin' });
  const browser = await launchBrowser();
  let leadConsole: Promise<Page> | undefined;
  const scene: EmbedScene = {
    started,
    shopUrl,
    siteKey,
    lead,
    browser,
    async logInLead(page) {
      await page.goto(`${started.url}/console`);
      await page.getByRole('textbox', { name: 'Email' }).fill(lead.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(lead.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Take next' }).waitFor();
    },
    leadAtWork() {
      leadConsole ??= (async () => {
        const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
        await scene.logInLead(page);
        return page;
      })();
      return leadConsole;
    },
    async close() {
      await browser.close();
      shop.close();
      await started.close();
    },
  };
  return scene;
}

/** Waits until the element's text contains (or, with `absent`, no longer contains) `text`. */
export async function expectText(locator: Locator, text: string, { absent = false } = {}): Promise<void> {
  await eventually(async () => {
    const content = (await locator.textContent()) ?? '';
    expect(content.includes(text), `${absent ? 'no ' : ''}"${text}" in "${content}"`).toBe(!absent);
  }, 10_000);
}
