/**
 * The JavaScript API, page context, attention and end of chat, on a host page from another origin:
 * ready / message / unread / error listeners fire; a malformed identify is reported; the agent's
 * Visitor box shows the page and follows pushState; a reload shows the unread badge before the app
 * has loaded; the resolved state offers the transcript as a file and by email.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SHOTS = 'test-results/widget-api';

/**
 * What the host page runs before the loader (an init script on the demo shop page): the README's
 * queue stub, listeners for every event, a malformed identify then a good one, and facts for the agent.
 */
function hostScript() {
  const w = window as unknown as { events: [string, unknown][]; Switchboard: Record<string, unknown> & { _: unknown[][] } };
  w.events = [];
  w.Switchboard = w.Switchboard || { _: [] };
  for (const name of ['open', 'close', 'toggle', 'identify', 'setContext', 'setSound', 'on', 'off']) {
    w.Switchboard[name] ??= (...args: unknown[]) => w.Switchboard._.push([name, ...args]);
  }
  const call = (name: string, ...args: unknown[]) => (w.Switchboard[name] as (...a: unknown[]) => void)(...args);
  for (const name of ['ready', 'open', 'close', 'message', 'unread', 'error']) call('on', name, (data: unknown) => w.events.push([name, data === undefined ? null : data]));
  call('identify', { userId: 'cus_42', email: 'not an email' });
  call('identify', { userId: 'cus_42', name: 'Ada', email: 'ada@example.com' });
  call('setContext', { plan: 'pro', cartValue: 129.5 });
}

const eventsOf = (page: Page) => page.evaluate(() => (window as unknown as { events: [string, unknown][] }).events);

describe('the JavaScript API, page context, attention and end of chat, in a browser', () => {
  let scene: EmbedScene;
  let browser: Browser;
  const siteKey = `site_api_${Date.now().toString(36)}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'API shop');
    ({ browser } = scene);
  });
  afterAll(() => scene?.close());

  it('fires the page’s listeners, shows the agent the page as it changes, keeps the badge across a reload and ends with the transcript', async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await agentContext.newPage();
    await scene.logInLead(agent);

    const visitorContext = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    const visitor = await visitorContext.newPage();
    const consoleErrors: string[] = [];
    visitor.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    const pageUrl = `${scene.shopUrl}/`;
    await visitor.addInitScript(hostScript);
    await visitor.goto(pageUrl);

    // ready fired after the queue ran; the malformed identify was reported, to the console too, and the good one kept.
    await eventually(async () => expect((await eventsOf(visitor)).map(([name]) => name)).toEqual(expect.arrayContaining(['ready', 'error'])));
    expect(await eventsOf(visitor)).toContainEqual(['error', { code: 'PAYLOAD_INVALID', message: 'identify: email is invalid' }]);
    expect(consoleErrors).toContain('[Switchboard] identify: email is invalid');

    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('textbox', { name: 'Message' }).fill('Can I change the size in my cart?');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await agent.locator('li.waiting', { hasText: 'change the size' }).getByRole('button', { name: 'Take' }).click();

    // The agent's Visitor box: the page (linked title), language, local time zone and the site's facts.
    const box = agent.getByRole('complementary', { name: 'Visitor' });
    await expectText(box, 'Northwind Outfitters — demo shop');
    await expectText(box, 'en-GB');
    await expectText(box, 'Europe/Paris');
    await expectText(box, 'plan');
    await expectText(box, '129.5');
    expect(await box.locator('a[target="_blank"]').getAttribute('href')).toBe(pageUrl);

    // A single-page app's navigation reaches the agent.
    await visitor.evaluate(() => {
      history.pushState({}, '', '/?step=checkout');
      document.title = 'Checkout — Northwind Outfitters';
    });
    await expectText(box, 'Checkout — Northwind Outfitters');
    expect(await box.locator('a[target="_blank"]').getAttribute('href')).toBe(`${pageUrl}?step=checkout`);
    await box.screenshot({ path: `${SHOTS}/console-visitor-box.png` });

    // The tab hidden (the window open): a reply puts a notice in the title, gone when the visitor is back.
    const setHidden = (hidden: boolean) =>
      visitor.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Are you still there?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => expect(await visitor.title()).toBe('(1) New message — Checkout — Northwind Outfitters'));
    await setHidden(false);
    await eventually(async () => expect(await visitor.title()).toBe('Checkout — Northwind Outfitters'));
    expect((await eventsOf(visitor)).slice(-1)).toEqual([['unread', 0]]);

    // Window closed: an agent's reply is a message event, an unread count and a badge.
    await visitor.getByRole('button', { name: 'Close chat' }).first().click();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, which size would you like?');
    await agent.getByRole('button', { name: 'Send' }).click();
    const badge = visitor.locator('#switchboard-widget .sb-unread');
    await expectText(badge, '1');
    const events = await eventsOf(visitor);
    expect(events).toContainEqual(['message', { text: 'Yes, which size would you like?', agentName: 'Robin', at: expect.any(Number) }]);
    expect(events).toContainEqual(['unread', 1]);
    expect(events.map(([name]) => name)).toEqual(expect.arrayContaining(['open', 'close']));
    await visitor.screenshot({ path: `${SHOTS}/badge.png` });

    // A reload: the badge is drawn by the loader from what it kept, while the app is held back.
    let releaseApp!: () => void;
    const appHeld = new Promise<void>((resolve) => (releaseApp = resolve));
    let appRequested = false;
    await visitor.route('**/widget/app-*.js', async (route) => {
      appRequested = true;
      await appHeld;
      await route.continue();
    });
    await visitor.reload();
    await expectText(badge, '1');
    expect(await visitor.locator('#switchboard-widget .sb-root').count()).toBe(0);
    expect(await visitor.getByRole('button', { name: 'Open chat (1 new)' }).count()).toBe(1);
    await visitor.screenshot({ path: `${SHOTS}/badge-before-app.png` });
    // The loader asks for the app at once (a conversation is under way) but draws nothing from it.
    await eventually(() => expect(appRequested).toBe(true));
    releaseApp();

    // Opening reads it: the badge goes, the count is told.
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await expectText(visitor.getByRole('log'), 'which size would you like');
    expect(await badge.count()).toBe(0);
    expect(await eventsOf(visitor)).toContainEqual(['unread', 0]);

    // End of chat: skip the survey, then the transcript as a file and by email, and a new conversation.
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expectText(visitor.getByRole('log'), 'This conversation has ended.');
    await visitor.getByRole('button', { name: 'Skip' }).click();
    await visitor.getByRole('button', { name: 'Start a new conversation' }).waitFor();
    await visitor.locator('#switchboard-widget .sb-panel').screenshot({ path: `${SHOTS}/resolved-actions.png` });
    const [download] = await Promise.all([visitor.waitForEvent('download'), visitor.getByRole('button', { name: 'Download transcript' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^transcript-\d{4}-\d{2}-\d{2}\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('Conversation with API shop');
    expect(text).toMatch(/\] You: Can I change the size in my cart\?/);
    expect(text).toMatch(/\] Robin \(Agent\): Yes, which size would you like\?/);

    await visitor.getByRole('button', { name: 'Email me the transcript' }).click();
    const email = visitor.getByRole('textbox', { name: 'Email' });
    expect(await email.inputValue()).toBe('ada@example.com');
    await visitor.getByRole('button', { name: 'Send transcript' }).click();
    // This server has no SMTP_URL: the catalogue's EMAIL_DISABLED message.
    await expectText(visitor.getByRole('alert'), 'Email is off on this server');
    await visitor.locator('#switchboard-widget .sb-panel').screenshot({ path: `${SHOTS}/transcript-email-disabled.png` });

    await agentContext.close();
    await visitorContext.close();
  }, 60_000);

  it('tells the page, once, through on(error) and its console, when the server refuses the connection', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.addInitScript(hostScript);
    // The same shop under another name: an origin the site did not allow.
    await page.goto(scene.shopUrl.replace('127.0.0.1', 'localhost'));
    await page.getByRole('button', { name: 'Open chat' }).click();
    await eventually(async () => expect((await eventsOf(page)).filter(([name]) => name === 'error').map(([, e]) => (e as { code: string }).code)).toContain('ORIGIN_NOT_ALLOWED'));
    expect(consoleErrors.filter((text) => text.startsWith('[Switchboard]') && text.includes('origin'))).toHaveLength(1);
    await context.close();
  });
});
