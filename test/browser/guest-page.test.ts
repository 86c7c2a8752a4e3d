/**
 * The widget as a guest on a page that does not make it welcome: a strict Content-Security-Policy
 * (nothing inline) and global CSS that restyles everything. What a visitor sees must be the
 * widget's own look, at its own size and place, and the chat must work.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/protocol';
import { collect, eventually } from '../helpers/wait-for';
import { connectAgent, disconnectAll, logIn } from '../helpers/clients';
import { expectText } from '../helpers/embed-scene';
import { startHostileScene, type HostilePage, type HostileScene } from '../helpers/hostile-host-page';
import type { StartedApp } from '../helpers/start-app';

const VIEWPORT = { width: 1280, height: 800 };
/** The widget's accent, #1d4ed8, as getComputedStyle gives it. */
const ACCENT = 'rgb(29, 78, 216)';
const SCREENSHOTS = 'test-results';

declare global {
  interface Window {
    cspViolations: string[];
  }
}

/** Records CSP violations from the first script on, before the page's own (there are none inline). */
async function watchViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
      true,
    );
  });
}

function consoleCspErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

describe('the widget on a page with a strict CSP and hostile global CSS', () => {
  let scene: HostileScene;
  let started: StartedApp;
  let host: HostilePage;
  let browser: Browser;
  let agent: HostileScene['agent'];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    scene = await startHostileScene('guest');
    ({ started, host, browser, agent } = scene);
  });

  afterEach(() => disconnectAll());

  afterAll(() => scene?.close());

  it('draws the launcher and the window in its own look and place, and the chat works, with no CSP violation', async () => {
    // An agent is online, so opening offers the chat rather than the leave-a-message form.
    const kim = await connectAgent(started.url, await logIn(started.url, agent));
    const waiting = collect<QueueEntry>(kim, 'queue:entered');

    const context = await browser.newContext({ viewport: VIEWPORT });
    await watchViolations(context);
    const page = await context.newPage();
    // Shorter than the test's own timeout, so a missing element fails with its name.
    page.setDefaultTimeout(8_000);
    const cspErrors = consoleCspErrors(page);
    await page.goto(host.url);

    // The page's stylesheet did apply to the page itself: its font is Comic Sans.
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Comic Sans');

    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    expect(await launcher.boundingBox()).toEqual({ x: VIEWPORT.width - 20 - 56, y: VIEWPORT.height - 20 - 56, width: 56, height: 56 });
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(ACCENT);
    // The page's `div { transform }` would make the host the containing block of the fixed launcher.
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('switchboard-widget')!).transform)).toBe('none');
    await page.screenshot({ path: `${SCREENSHOTS}/guest-strict-csp-closed.png` });

    await launcher.click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    const chat = page.locator('.sb-window');
    // 370 wide, 560 high (the viewport leaves room for it), 20 px from the right, above the launcher.
    expect(await chat.boundingBox()).toEqual({ x: VIEWPORT.width - 20 - 370, y: VIEWPORT.height - 88 - 560, width: 370, height: 560 });
    const text = await chat.evaluate((el) => {
      const style = getComputedStyle(el);
      return {
        font: style.fontFamily,
        size: style.fontSize,
        color: style.color,
        letterSpacing: style.letterSpacing,
        textTransform: style.textTransform,
        direction: style.direction,
        header: getComputedStyle(el.querySelector('.sb-header')!).backgroundColor,
      };
    });
    expect(text.font).toMatch(/^system-ui/);
    expect(text.font).not.toContain('Comic Sans');
    expect(text).toMatchObject({ size: '15px', color: 'rgb(17, 24, 39)', letterSpacing: 'normal', textTransform: 'none', direction: 'ltr', header: ACCENT });
    const send = page.getByRole('button', { name: 'Send' });
    const sendBox = await send.boundingBox();
    expect(sendBox!.width).toBeGreaterThan(40);
    expect(await send.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(ACCENT);

    await message.fill('Is my card blocked?');
    await send.click();
    await expectText(page.getByRole('log'), 'Is my card blocked?');
    await expectText(page.getByRole('log'), 'Sending…', { absent: true });
    await eventually(() => expect(waiting.map((entry) => entry.preview)).toContain('Is my card blocked?'));
    await page.screenshot({ path: `${SCREENSHOTS}/guest-strict-csp-open.png` });

    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(cspErrors).toEqual([]);

    // The policy is in force and the watch sees inside shadow roots: an inline <style> in one, as
    // the widget used to have, is refused and reported.
    const inlineStyled = await page.evaluate(() => {
      const probe = document.createElement('p');
      document.body.append(probe);
      const shadow = probe.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = 'span { color: rgb(1, 2, 3) }';
      const span = document.createElement('span');
      shadow.append(style, span);
      return getComputedStyle(span).color === 'rgb(1, 2, 3)';
    });
    expect(inlineStyled).toBe(false);
    await eventually(async () => expect(await page.evaluate(() => window.cspViolations)).toEqual([expect.stringMatching(/^style-src/)]));
    await context.close();
  });

  it('links its stylesheet from the Switchboard origin where constructable stylesheets are missing', async () => {
    await connectAgent(started.url, await logIn(started.url, agent));
    const context = await browser.newContext({ viewport: VIEWPORT });
    await watchViolations(context);
    // As in Safari before 16.4.
    await context.addInitScript(() => {
      delete (ShadowRoot.prototype as Partial<ShadowRoot>).adoptedStyleSheets;
      delete (Document.prototype as Partial<Document>).adoptedStyleSheets;
    });
    const page = await context.newPage();
    await page.goto(host.url);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await eventually(async () => expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(ACCENT));
    expect(await launcher.evaluate((el) => (el.getRootNode() as ShadowRoot).querySelector('link')?.href)).toMatch(
      new RegExp(`^${started.url}/widget/style-[0-9a-z]{8}\\.css$`),
    );
    expect(await launcher.boundingBox()).toEqual({ x: VIEWPORT.width - 20 - 56, y: VIEWPORT.height - 20 - 56, width: 56, height: 56 });

    await launcher.click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await page.locator('.sb-window').boundingBox()).toEqual({
      x: VIEWPORT.width - 20 - 370,
      y: VIEWPORT.height - 88 - 560,
      width: 370,
      height: 560,
    });
    expect(await page.locator('.sb-window').evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/^system-ui/);
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    await context.close();
  });
});
