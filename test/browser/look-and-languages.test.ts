/**
 * The site's look and the visitor's language, as a person sees them: a French browser reads
 * French, an Arabic one reads Arabic laid out right to left with the widget in the mirrored corner,
 * `data-lang` and `data-position` on the script tag count, and a site's colour and side show.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP } from '../../scripts/build';
import { OPERATOR } from '../../server/domain/audit';
import { addSite } from '../../server/domain/sites';
import { randomUUID } from 'node:crypto';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { QueueEntry } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { launchBrowser } from '../helpers/browser';
import { connectAgent, disconnectAll, logIn } from '../helpers/clients';
import { expectText } from '../helpers/embed-scene';
import { openWidgetOn, startSiteHostPage, type SiteHostPage } from '../helpers/site-host-page';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually, waitFor } from '../helpers/wait-for';

const VIEWPORT = { width: 1280, height: 800 };
const SCREENSHOTS = 'test-results';

describe('the widget in the visitor’s language and the site’s look', () => {
  let started: StartedApp;
  let browser: Browser;
  let host: SiteHostPage;
  const sites = { plain: `site_lang_${Date.now().toString(36)}`, branded: `site_brand_${Date.now().toString(36)}` };

  beforeAll(async () => {
    if (!existsSync(BUILD_STAMP)) throw new Error('dist/ is missing: run npm run build');
    mkdirSync(SCREENSHOTS, { recursive: true });
    started = await startApp();
    host = await startSiteHostPage(started.url);
    await addSite(started.app.store, { key: sites.plain, name: 'Plain shop', origins: [host.url] });
    await addSite(started.app.store, { key: sites.branded, name: 'Branded shop', origins: [host.url] });
    await started.app.siteRouting.updateSettings(
      sites.branded,
      { widget: { accentColor: '#fde047', position: 'left', greeting: 'Welcome to Northwind! Ask about sizes, orders or the lantern app.' } },
      OPERATOR,
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    disconnectAll();
    await browser?.close();
    host?.server.close();
    await started?.close();
  });

  const open = (locale: string, path: string): Promise<Page> => openWidgetOn(browser, host, path, { locale, viewport: VIEWPORT });
  const box = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!;
  const style = (page: Page, selector: string, property: string) =>
    page.locator(selector).first().evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

  it('speaks French to a French browser, and the language data-lang names above it', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: VIEWPORT });
    const page = await context.newPage();
    const catalogue = page.waitForResponse((response) => /\/widget\/fr-[0-9a-z]{8}\.js$/.test(response.url()));
    await page.goto(`${host.url}/${sites.plain}`);
    await page.locator('.sb-launcher').click();
    // Its own small file, fetched only now, compressed and kept for a year like the app.
    const headers = (await catalogue).headers();
    expect(headers['content-encoding']).toBe('br');
    expect(headers['cache-control']).toContain('immutable');
    await expectText(page.locator('.sb-header h2'), 'Discutons');
    // Nobody is online: the leave-a-message form, in French too.
    await page.getByRole('button', { name: 'Envoyer le message' }).waitFor();
    // The header's close button; once the app has loaded, the launcher is named from the catalogue too.
    await page.locator('.sb-header').getByRole('button', { name: 'Fermer la discussion' }).waitFor();
    await eventually(async () => expect(await page.locator('.sb-launcher').getAttribute('aria-label')).toBe('Fermer la discussion'), 10_000);
    expect(await page.locator('.sb-guest').getAttribute('lang')).toBe('fr');
    await page.screenshot({ path: `${SCREENSHOTS}/look-french.png` });
    await page.context().close();

    const german = await open('fr-FR', `${sites.plain}?lang=de`);
    await expectText(german.locator('.sb-header h2'), 'Schreiben Sie uns');
    await german.getByRole('button', { name: 'Nachricht senden' }).waitFor();
    await german.context().close();
  });

  it('speaks Arabic right to left to an Arabic browser, the window in the mirrored corner', async () => {
    const page = await open('ar-EG', sites.plain);
    await expectText(page.locator('.sb-header h2'), 'تحدّث معنا');
    await page.getByRole('button', { name: 'إرسال الرسالة' }).waitFor();
    expect(await page.locator('.sb-guest').getAttribute('dir')).toBe('rtl');
    expect(await style(page, '.sb-window', 'direction')).toBe('rtl');
    // The close button sits at the header's start… which is the left in Arabic.
    const header = await box(page, '.sb-header');
    const close = await box(page, '.sb-header .sb-icon');
    expect(close.x - header.x).toBeLessThan(header.width / 2);
    // Launcher and window at the bottom left, 20 px from the edge, mirrored from the usual right.
    const launcher = await box(page, '.sb-launcher');
    const window = await box(page, '.sb-window');
    expect(launcher.x).toBe(20);
    expect(window.x).toBe(20);
    expect(window.x + window.width).toBeLessThan(VIEWPORT.width / 2);
    await page.screenshot({ path: `${SCREENSHOTS}/look-arabic.png` });
    await page.context().close();
  });

  it('wears the site’s colour, with black text where white would not reach AA, on the site’s side', async () => {
    const page = await open('en-US', sites.branded);
    await expectText(page.locator('.sb-greeting'), 'Welcome to Northwind!');
    await eventually(async () => expect(await style(page, '.sb-launcher', 'background-color')).toBe('rgb(253, 224, 71)'), 10_000);
    expect(await style(page, '.sb-launcher', 'color')).toBe('rgb(0, 0, 0)');
    expect(await style(page, '.sb-header', 'background-color')).toBe('rgb(253, 224, 71)');
    expect(await style(page, '.sb-header', 'color')).toBe('rgb(0, 0, 0)');
    expect(await style(page, '.sb-leave button', 'color')).toBe('rgb(0, 0, 0)');
    expect((await box(page, '.sb-launcher')).x).toBe(20);
    expect((await box(page, '.sb-window')).x).toBe(20);
    // Only inside the shadow root: the page's own root has no --sb-accent.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--sb-accent'))).toBe('');
    await page.screenshot({ path: `${SCREENSHOTS}/look-branded-left.png` });
    await page.context().close();
  });

  it('places the launcher by data-position before any session, and lets the site’s setting win once the app loads', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${host.url}/${sites.plain}?position=left`);
    const launcher = page.locator('.sb-launcher');
    await launcher.waitFor();
    expect((await launcher.boundingBox())!.x).toBe(20);
    await page.screenshot({ path: `${SCREENSHOTS}/look-data-position-closed.png` });
    await launcher.click();
    await page.locator('.sb-window').waitFor();
    // The plain site keeps the default side, right.
    await eventually(async () => expect((await launcher.boundingBox())!.x).toBe(VIEWPORT.width - 20 - 56), 10_000);
    await context.close();
  });

  // Last: an agent online makes the site available, where the tests above want the leave-a-message form.
  it('mirrors a conversation in Arabic: the visitor’s bubbles on the left, the agent’s on the right with their initials', async () => {
    const robin = { email: `robin-${sites.plain}@agents.example`, password: 'robin-password' };
    await started.app.agentAccounts.addAgent({ siteKey: sites.plain, ...robin, name: 'Robin Durand', skills: ['service', 'support'], role: 'agent' });
    const agent = await connectAgent(started.url, await logIn(started.url, robin));
    expectOk(await emitWithTimeout(agent, 3000, 'presence:set', { status: 'online' }));

    const page = await open('ar-EG', sites.plain);
    const entered = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
    await page.getByRole('textbox', { name: 'الرسالة' }).fill('مرحبًا، وصلني الطلب ناقصًا');
    await page.getByRole('textbox', { name: 'الرسالة' }).press('Enter');
    const [entry] = await entered;
    expectOk(await emitWithTimeout(agent, 3000, 'conversation:take', { conversationId: entry.conversationId }));
    expectOk(await emitWithTimeout(agent, 3000, 'message:send', { conversationId: entry.conversationId, clientId: randomUUID(), text: 'أهلًا! سأرسل لك القطعة الناقصة اليوم.' }));

    await expectText(page.getByRole('log'), 'سأرسل لك القطعة الناقصة اليوم');
    await expectText(page.locator('.sb-standing'), 'أنت تتحدث مع Robin Durand.');
    expect(await page.locator('.sb-msg-agent .sb-avatar').textContent()).toBe('RD');
    const mine = await box(page, '.sb-msg-visitor');
    const theirs = await box(page, '.sb-msg-agent');
    const log = await box(page, '.sb-log');
    expect(mine.x).toBeLessThan(log.x + log.width / 2 - mine.width / 2);
    expect(theirs.x + theirs.width).toBeGreaterThan(log.x + log.width / 2 + theirs.width / 2);
    await page.screenshot({ path: `${SCREENSHOTS}/look-arabic-chatting.png` });
    await page.context().close();
  });
});
