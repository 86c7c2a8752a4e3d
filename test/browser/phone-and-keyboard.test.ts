/**
 * The widget on a phone and with a keyboard only (issue 13, item 8), and four of its bugs, on the demo
 * shop of another origin: a 375 × 667 touch viewport gets a full-screen window over a page that does not
 * scroll; open → send → Escape works from the keyboard, with nobody online too (the leave-a-message
 * form gets focus); "Reconnecting…" clears when the network is back; a disallowed origin shows one
 * message and a disabled composer; a reply that came while the visitor was away shows on the badge.
 * Screenshots go to test-results/mobile/ and are looked at.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopPage } from '../../server/demo/shop-page';
import { addSite } from '../../server/domain/sites';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SHOTS = 'test-results/mobile';
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** What has keyboard focus, looking into the widget's shadow root: its tag and accessible name. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.closest('label')?.textContent?.trim() ?? el.textContent?.trim() ?? ''}` : 'none';
  });

/** Presses Tab from the top of the page until the launcher has focus (the shop page has no other stops before it). */
async function tabToLauncher(page: Page): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).startsWith('button Open chat')) return;
  }
  throw new Error(`Tab never reached the launcher (focus on ${await focused(page)})`);
}

describe('the widget on a phone and from the keyboard, in a browser', () => {
  let scene: EmbedScene;
  let browser: Browser;
  let agent: Page;
  const siteKey = `site_mobile_${Date.now().toString(36)}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Phone shop');
    ({ browser } = scene);
  });
  afterAll(() => scene?.close());

  it('with nobody online, opens from the keyboard into the leave-a-message form and Escape closes back to the launcher', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    // The session says nobody is online: the form replaces the composer, and focus follows into it.
    await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
    await eventually(async () => expect(await focused(page)).toBe('input Name'));
    await page.keyboard.type('Ada');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input Email');
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await page.locator('#switchboard-widget .sb-panel').isHidden()).toBe(true));
    expect(await focused(page)).toBe('button Open chat');
    // Space opens it again, into the same form.
    await page.keyboard.press('Space');
    await eventually(async () => expect(await focused(page)).toBe('input Name'));
    await page.keyboard.press('Escape');
    expect(await focused(page)).toBe('button Open chat');
    await context.close();

    // The same on a phone: the form fills the screen.
    const phone = await browser.newContext(PHONE);
    const small = await phone.newPage();
    await small.goto(scene.shopUrl);
    await small.getByRole('button', { name: 'Open chat' }).tap();
    await eventually(async () => expect(await focused(small)).toBe('input Name'));
    await small.screenshot({ path: `${SHOTS}/phone-leave-a-message.png` });
    await small.keyboard.press('Escape');
    expect(await focused(small)).toBe('button Open chat');
    await phone.close();
  });

  it('on a disallowed origin shows only "chat is not enabled on this website", with a composer that cannot send', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    // The same shop under another name: an origin the site did not allow.
    await page.goto(scene.shopUrl.replace('127.0.0.1', 'localhost'));
    await page.getByRole('button', { name: 'Open chat' }).click();
    const chat = page.locator('#switchboard-widget .sb-window');
    await expectText(chat, 'chat is not enabled on this website');
    expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    const text = (await chat.textContent()) ?? '';
    expect(text).not.toContain('Reconnecting');
    expect(text).not.toContain('Sending');
    expect(text).not.toContain('Not sent');
    expect(text.match(/not enabled/g)).toHaveLength(1);
    // Escape still closes it, back to the launcher.
    await page.keyboard.press('Escape');
    expect(await focused(page)).toBe('button Open chat');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.locator('#switchboard-widget .sb-panel').screenshot({ path: `${SHOTS}/disallowed-origin.png` });
    await context.close();
  });

  it('on a 375 × 667 phone fills the screen, holds the page still under it, sends, and lets the page scroll again once closed', async () => {
    agent = await scene.leadAtWork();
    const phone = await browser.newContext(PHONE);
    const page = await phone.newPage();
    await page.goto(scene.shopUrl);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    // A value of the page's own, which closing must put back exactly.
    await page.evaluate(() => (document.documentElement.style.overflow = 'auto'));
    await page.screenshot({ path: `${SHOTS}/phone-closed.png` });

    await launcher.tap();
    const chat = page.locator('#switchboard-widget .sb-window');
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await chat.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    // The window's own close button closes it; the launcher is out of the way.
    expect(await page.locator('#switchboard-widget .sb-launcher').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe('hidden');
    // Text fields at 16 px or more: iOS zooms into smaller ones.
    expect(await page.getByRole('textbox', { name: 'Message' }).evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);

    // A scroll over the window moves nothing behind it.
    await page.mouse.move(180, 300);
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    await page.getByRole('textbox', { name: 'Message' }).fill('Does the jacket come in XS?');
    await page.getByRole('button', { name: 'Send' }).tap();
    await expectText(page.getByRole('log'), 'Does the jacket come in XS?');
    await expectText(page.getByRole('log'), 'Sending…', { absent: true });
    await page.screenshot({ path: `${SHOTS}/phone-open.png` });

    await page.getByRole('button', { name: 'Close chat' }).first().tap();
    await eventually(async () => expect(await chat.isHidden()).toBe(true));
    expect(await page.locator('#switchboard-widget .sb-launcher').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe('auto');
    await page.mouse.wheel(0, 600);
    await eventually(async () => expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0));
    await phone.close();
  });

  it('goes open → send → Escape with the keyboard only, and Tab stays inside the window on a phone', async () => {
    agent = await scene.leadAtWork();
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await focused(page)).toBe('textarea Message'));
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await expectText(page.getByRole('log'), 'Typed without a mouse');
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('polite');
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await page.locator('#switchboard-widget .sb-panel').isHidden()).toBe(true));
    expect(await focused(page)).toBe('button Open chat');
    await context.close();

    const phone = await browser.newContext(PHONE);
    const small = await phone.newPage();
    await small.goto(scene.shopUrl);
    await tabToLauncher(small);
    await small.keyboard.press('Enter');
    await eventually(async () => expect(await focused(small)).toBe('textarea Message'));
    // Round the dialog and back: no stop on the page behind.
    const stops: string[] = [];
    for (let i = 0; i < 6; i++) {
      await small.keyboard.press('Tab');
      stops.push(await focused(small));
    }
    expect(stops.every((stop) => stop !== 'none' && !stop.startsWith('body'))).toBe(true);
    expect(stops).toContain('button Close chat');
    await small.keyboard.press('Shift+Tab');
    await small.keyboard.press('Escape');
    expect(await focused(small)).toBe('button Open chat');
    await phone.close();
  });

  it('clears "Reconnecting…" as soon as the network is back', async () => {
    agent = await scene.leadAtWork();
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    const chat = page.locator('#switchboard-widget .sb-window');
    await expectText(chat, 'Connecting', { absent: true });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expectText(chat, 'Reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expectText(chat, 'Reconnecting', { absent: true });
    // And the chat works on.
    await page.getByRole('textbox', { name: 'Message' }).fill('Still here');
    await page.getByRole('button', { name: 'Send' }).click();
    await expectText(page.getByRole('log'), 'Sending…', { absent: true });
    await context.close();
  });

  it('clears "Reconnecting…" after a loss so short the socket outlived it', async () => {
    // A shop whose widget comes from the server named localhost: engine.io-client then does not close
    // its socket on the browser's 'offline' event (it does for other hosts), so the socket outlives the
    // loss, as a real one may when the network is back before the next ping.
    const shop = await startShopPage({ host: '127.0.0.1', port: 0, publicUrl: scene.started.url.replace('127.0.0.1', 'localhost'), siteKey: `${siteKey}_lh` });
    const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    await addSite(scene.started.app.store, { key: `${siteKey}_lh`, name: 'Localhost shop', origins: [shopUrl] });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const chat = page.locator('#switchboard-widget .sb-window');
    await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
    await expectText(chat, 'Connecting', { absent: true });
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await expectText(chat, 'Reconnecting');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expectText(chat, 'Reconnecting', { absent: true });
    await context.close();
    shop.close();
  });

  it('shows the badge for a reply that came while the visitor was away, once', async () => {
    agent = await scene.leadAtWork();
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    let page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Is the lantern waterproof?');
    await page.getByRole('button', { name: 'Send' }).click();
    await agent.locator('li.waiting', { hasText: 'Is the lantern waterproof?' }).getByRole('button', { name: 'Take' }).click();
    await expectText(page.getByRole('log'), 'Robin joined the conversation');
    await page.getByRole('button', { name: 'Close chat' }).first().click();
    // The visitor leaves the site; the agent answers.
    await page.close();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, to IPX4');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expectText(agent.getByRole('log', { name: 'Messages' }), 'Yes, to IPX4');

    // Back on the site, the window closed: the badge tells them.
    page = await context.newPage();
    await page.goto(scene.shopUrl);
    const badge = page.locator('#switchboard-widget .sb-unread');
    await expectText(badge, '1');
    expect(await page.getByRole('button', { name: 'Open chat (1 new)' }).count()).toBe(1);
    await page.locator('#switchboard-widget .sb-launcher').screenshot({ path: `${SHOTS}/returning-badge.png` });
    // A reload counts it no second time.
    await page.reload();
    await expectText(badge, '1');
    await page.waitForTimeout(500);
    expect(await badge.textContent()).toBe('1');
    // Opening reads it.
    await page.getByRole('button', { name: 'Open chat (1 new)' }).click();
    await expectText(page.getByRole('log'), 'Yes, to IPX4');
    expect(await badge.count()).toBe(0);
    await context.close();
  });
});
