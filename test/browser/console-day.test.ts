/**
 * The console for a full day (issue 14, part A), in real browsers: two agents and two visitors at
 * once. Alerts fire (Notification, the beep and the tab title, spied), unread counts rise and clear,
 * the visitor's page URL and setContext facts appear and follow navigation, the keyboard alone takes,
 * answers, transfers and resolves, the Status shows the server's Offline after a reload, a disabled
 * agent's console returns to the log-in, and axe-core finds nothing serious on the screens touched.
 * Screenshots go to test-results/console-day/ and are looked at.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axePage, describeFindings } from '../helpers/axe';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SHOTS = 'test-results/console-day';

interface Spied {
  notifications: { title: string; body: string }[];
  beeps: number;
}

/** Before the console loads: Notification (permitted) and AudioContext replaced by spies. */
function spyOnAlerts() {
  const w = window as unknown as { spied: Spied; Notification: unknown; AudioContext: unknown };
  w.spied = { notifications: [], beeps: 0 };
  class FakeNotification {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string }) {
      w.spied.notifications.push({ title, body: options?.body ?? '' });
      (window as unknown as { lastNotification: FakeNotification }).lastNotification = this;
    }
    close() {}
  }
  w.Notification = FakeNotification;
  const node = () => ({ connect: (next: unknown) => next, start() {}, stop() {}, frequency: { value: 0 }, gain: { value: 0 } });
  w.AudioContext = class {
    currentTime = 0;
    destination = {};
    createOscillator() {
      w.spied.beeps++;
      return node();
    }
    createGain() {
      return node();
    }
  };
}

/** The site's facts, queued before the widget loads, as a shop's page would. */
function shopContext() {
  const w = window as unknown as { Switchboard: Record<string, unknown> & { _: unknown[][] } };
  w.Switchboard = w.Switchboard || { _: [] };
  for (const name of ['identify', 'setContext']) w.Switchboard[name] ??= (...args: unknown[]) => w.Switchboard._.push([name, ...args]);
  (w.Switchboard.setContext as (c: unknown) => void)({ plan: 'gold', orderNo: 'A-1042' });
}

const spied = (page: Page) => page.evaluate(() => (window as unknown as { spied: Spied }).spied);

describe('the agent console for a full day, in a browser', () => {
  let scene: EmbedScene;
  let browser: Browser;
  const siteKey = `site_day_${Date.now().toString(36)}`;
  const sam = { email: `sam-${siteKey}@agents.example`, password: 'sam-password-1' };
  let samId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Day shop');
    ({ browser } = scene);
    samId = (await scene.started.app.agentAccounts.addAgent({ siteKey, ...sam, name: 'Sam', skills: ['service'] })).id;
  });
  afterAll(() => scene?.close());

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });
  const noSeriousFindings = async (page: Page, screen: string) => {
    const findings = await axePage(page);
    expect(findings, `${screen}:\n${describeFindings(findings)}`).toEqual([]);
  };

  async function consolePage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.addInitScript(spyOnAlerts);
    return page;
  }

  async function logIn(page: Page, account: { email: string; password: string }) {
    await page.goto(`${scene.started.url}/console`);
    await page.getByRole('textbox', { name: 'Email' }).fill(account.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
    await expectText(page.getByRole('status').first(), 'Connected');
  }

  async function visitorSays(page: Page, text: string) {
    const box = page.getByRole('textbox', { name: 'Message' });
    if (!(await box.isVisible())) await page.getByRole('button', { name: 'Open chat' }).click();
    await box.fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  it('alerts, counts unread, shows the visitor, and works from the keyboard alone', { timeout: 120_000 }, async () => {
    const samPage = await consolePage();
    await samPage.goto(`${scene.started.url}/console`);
    await samPage.getByRole('button', { name: 'Log in' }).waitFor();
    await noSeriousFindings(samPage, 'log-in');
    await logIn(samPage, sam);
    const robin = await consolePage();
    await logIn(robin, scene.lead);

    // Two visitors on the shop, one arriving from a newsletter link with the site's facts.
    const ana = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    await ana.addInitScript(shopContext);
    await ana.goto(`${scene.shopUrl}/?utm_source=newsletter&item=42`);
    const ben = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    await ben.goto(scene.shopUrl);

    // A new waiting conversation in Sam's queue: a notification and a beep, in both consoles that serve it.
    await visitorSays(ana, 'I was charged twice for my order, I want a refund');
    await eventually(async () => expect((await spied(samPage)).notifications).toContainEqual({ title: 'New conversation waiting', body: 'I was charged twice for my order, I want a refund' }), 10_000);
    expect((await spied(samPage)).beeps).toBeGreaterThan(0);
    await expectText(samPage.locator('section.queue', { hasText: 'Service' }), 'longest');

    // Keyboard alone: Alt+N takes it, Alt+R goes to the reply box, Enter sends.
    await samPage.keyboard.press('Alt+KeyN');
    const pane = samPage.getByRole('region', { name: 'Conversation', exact: true });
    await expectText(pane, 'charged twice').catch(async (error) => {
      await shot(samPage, 'take-next-failed');
      throw error;
    });
    await samPage.keyboard.press('Alt+KeyR');
    await samPage.keyboard.type('Let me look at your order');
    await samPage.keyboard.press('Enter');
    await expectText(ana.getByRole('log'), 'Let me look at your order');

    // The Visitor panel: the full URL with its query, the site's facts, browser and system, on the site now.
    const panel = samPage.getByRole('complementary', { name: 'Visitor' });
    await expectText(panel, `${scene.shopUrl}/?utm_source=newsletter&item=42`);
    await expectText(panel, 'A-1042');
    await expectText(panel, 'gold');
    await expectText(panel, 'Chrome');
    await expectText(panel, 'Linux');
    await expectText(panel, 'On the site now');
    await expectText(panel, 'Previous conversations');

    // The second visitor: Sam takes it with the keyboard too; it is now the chat on screen.
    await visitorSays(ben, 'Where is my parcel? The delivery is late');
    await eventually(async () => expect((await spied(samPage)).notifications.map((n) => n.body)).toContain('Where is my parcel? The delivery is late'), 10_000);
    await samPage.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await samPage.keyboard.press('Alt+KeyN');
    await expectText(pane, 'Where is my parcel');

    // Ana writes in the chat not on screen: an unread count in the list and the title, a notification.
    const before = (await spied(samPage)).notifications.length;
    await visitorSays(ana, 'Hello?');
    await visitorSays(ana, 'Are you still there?');
    const anaItem = samPage.locator('.mine li', { hasText: 'Are you still there?' });
    await expectText(anaItem, '2');
    expect(await anaItem.getByLabel('2 unread').count()).toBe(1);
    await eventually(async () => expect(await samPage.title()).toBe('(2) Switchboard'));
    await eventually(async () => expect((await spied(samPage)).notifications.slice(before)).toContainEqual({ title: 'New visitor message', body: 'Are you still there?' }));
    await expectText(anaItem, 'waiting for you');
    await shot(samPage, 'unread-and-alerts');

    // Clicking the notification opens Ana's chat; Alt+↓ / Alt+↑ move between the two. The count clears, the title too.
    await samPage.evaluate(() => (window as unknown as { lastNotification: { onclick(): void } }).lastNotification.onclick());
    await expectText(pane, 'Are you still there?');
    await samPage.keyboard.press('Alt+ArrowDown');
    await expectText(pane, 'Where is my parcel');
    await samPage.keyboard.press('Alt+ArrowUp');
    await expectText(pane, 'Are you still there?');
    await eventually(async () => expect(await anaItem.getByLabel('2 unread').count()).toBe(0));
    await eventually(async () => expect(await samPage.title()).toBe('Switchboard'));

    // Ana moves on in the shop: the panel follows, the page before listed under it.
    await ana.evaluate(() => history.pushState({}, '', '/?step=checkout&coupon=SPRING'));
    await expectText(panel, `${scene.shopUrl}/?step=checkout&coupon=SPRING`);
    await expectText(panel.locator('.previous-pages'), `${scene.shopUrl}/?utm_source=newsletter&item=42`);
    await noSeriousFindings(samPage, 'workspace with an open chat and the Visitor panel');
    await shot(samPage, 'workspace-visitor-panel');

    // The ? overlay lists every shortcut.
    await samPage.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await samPage.keyboard.press('Shift+Slash');
    const overlay = samPage.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const label of ['Next chat', 'Take next', 'Resolve', 'Transfer', 'Internal note', 'Canned reply', 'Search conversations']) await expectText(overlay, label);
    await noSeriousFindings(samPage, 'shortcuts overlay');
    await shot(samPage, 'shortcuts-overlay');
    await samPage.keyboard.press('Escape');
    await expect.poll(() => overlay.count()).toBe(0);

    // Keyboard transfer to the other queue: Alt+T opens the form with the note field focused, Enter sends it.
    const robinBefore = (await spied(robin)).notifications.length;
    await samPage.keyboard.press('Alt+KeyT');
    // As a person would: type once the note field shows (and has the focus).
    await expect.poll(() => samPage.evaluate(() => document.activeElement?.getAttribute('data-shortcut-field'))).toBe('transfer');
    await samPage.keyboard.type('Card charged twice: payment bug?');
    await samPage.keyboard.press('Enter');
    await expectText(samPage.locator('.mine'), 'Are you still there?', { absent: true });
    await eventually(async () => expect((await spied(robin)).notifications.slice(robinBefore).map((n) => n.title)).toContain('New conversation waiting'));
    await expectText(robin.locator('section.queue', { hasText: 'Support' }), 'Card charged twice: payment bug?');

    // Each alert is switchable: with Sound off (kept in this browser), Ben's next line notifies without a beep.
    await samPage.getByRole('button', { name: 'Alerts' }).click();
    await samPage.getByRole('checkbox', { name: 'Sound' }).uncheck();
    await noSeriousFindings(samPage, 'alerts menu');
    await shot(samPage, 'alerts-menu');
    expect(await samPage.evaluate(() => localStorage.getItem('switchboard.console.alerts'))).toContain('"sound":false');
    const quiet = await spied(samPage);
    await visitorSays(ben, 'Any news?');
    await eventually(async () => expect((await spied(samPage)).notifications.length).toBeGreaterThan(quiet.notifications.length));
    expect((await spied(samPage)).beeps).toBe(quiet.beeps);
    await samPage.getByRole('button', { name: 'Alerts' }).click();

    // Keyboard resolve: Alt+↓ picks Ben's chat, Alt+E resolves it.
    await samPage.keyboard.press('Alt+ArrowDown');
    await expectText(pane, 'Where is my parcel');
    await samPage.keyboard.press('Alt+KeyE');
    await expectText(pane, 'Resolved');

    // Robin takes Ana's chat with the Take button; the panel there shows the path and the facts too.
    await robin.locator('li.waiting', { hasText: 'charged twice' }).getByRole('button', { name: 'Take' }).click();
    await expectText(robin.getByRole('complementary', { name: 'Visitor' }), 'SPRING');
    // Ana closes the shop: Robin sees her gone.
    await ana.context().close();
    await expectText(robin.getByRole('complementary', { name: 'Visitor' }), 'Left the site');
    await shot(robin, 'visitor-left');
    await robin.context().close();
    await ben.context().close();
    await samPage.context().close();
  });

  it('shows the Status the server has after a reload, says why Take fails, and returns a disabled agent to the log-in', { timeout: 60_000 }, async () => {
    const page = await consolePage();
    await logIn(page, sam);
    const status = page.getByRole('combobox', { name: 'Status' });
    await expect.poll(() => status.inputValue()).toBe('online');
    await status.selectOption('offline');
    await eventually(async () => expect((await scene.started.app.store.listPresence(siteKey))[samId]?.status).toBe('offline'));

    // Take next while offline: a visible answer.
    await page.getByRole('button', { name: 'Take next' }).click();
    // Offline: nobody waiting, or AGENT_OFFLINE when someone is (the earlier test's visitors may still wait); never silence.
    await eventually(async () =>
      expect(await page.getByRole('alert').textContent()).toMatch(/Nobody is waiting in your queues\.|The agent is offline: set your status to online first\./),
    );

    await page.reload();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
    await expect.poll(() => status.inputValue()).toBe('offline');
    await expectText(page.getByRole('status').first(), 'Connected');
    expect((await scene.started.app.store.listPresence(siteKey))[samId]?.status).toBe('offline');
    await shot(page, 'offline-after-reload');

    // The dashboard as a plain agent passes axe too.
    await page.goto(`${scene.started.url}/console#dashboard`);
    await page.getByRole('heading', { name: 'Switchboard · KPIs' }).waitFor();
    await page.waitForTimeout(500);
    await noSeriousFindings(page, 'dashboard as an agent');
    await page.goto(`${scene.started.url}/console#`);
    await page.getByRole('button', { name: 'Take next' }).waitFor();

    await scene.started.app.agentAccounts.updateAgent(siteKey, samId, { disabled: true }, 'test');
    await expectText(page.getByRole('alert'), 'Your account was disabled by an admin.');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await shot(page, 'disabled');
    await page.context().close();
  });
});
