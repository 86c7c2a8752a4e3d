/**
 * The console's Settings area in a browser (issue 16): an admin styles the widget and sees it in the
 * live preview before saving, and a fresh page of the site wears it; hours with a visitor outside
 * them; a routing rule tried out; a plain agent sees no Settings; axe on every page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axePage, describeFindings } from '../helpers/axe';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SCREENSHOTS = 'test-results/settings';
const VIEWPORT = { width: 1400, height: 900 };

const styleOf = (page: Page, selector: string, property: string) =>
  page.locator(selector).first().evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

describe('the Settings area, in a browser', () => {
  let scene: EmbedScene;
  let admin: Page;
  const siteKey = `site_settings_${Date.now().toString(36)}`;

  beforeAll(async () => {
    scene = await startEmbedScene(siteKey, 'Settings shop');
    admin = await (await scene.browser.newContext({ viewport: VIEWPORT })).newPage();
    await scene.logInLead(admin);
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('navigation', { name: 'Settings sections' }).waitFor();
  });

  afterAll(async () => {
    await scene?.close();
  });

  const openSection = async (title: string) => {
    await admin.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: title }).click();
    await expectText(admin.locator('#settings-heading'), title);
  };

  it('shows the colour and greeting in the live preview as they are typed, and a fresh page of the site wears them once saved', async () => {
    await openSection('Widget');
    const preview = admin.getByTestId('widget-preview');
    await expectText(preview.locator('.sb-greeting'), 'Hi! Ask us anything');

    await admin.getByRole('textbox', { name: 'Colour', exact: true }).fill('#be123c');
    await admin.getByRole('textbox', { name: 'Greeting' }).fill('Hello from the settings test!');
    await admin.getByRole('textbox', { name: 'Picture in the header' }).fill('https://cdn.example/team.png');
    await eventually(async () => expect(await preview.locator('.sb-header img.sb-avatar').getAttribute('src')).toBe('https://cdn.example/team.png'), 5000);
    // Not saved yet: the preview shows it, the site does not.
    await expectText(preview.locator('.sb-greeting'), 'Hello from the settings test!');
    await eventually(async () => expect(await styleOf(admin, '[data-testid="widget-preview"] >> .sb-header', 'background-color')).toBe('rgb(190, 18, 60)'), 5000);
    expect((await scene.started.app.store.getSite(siteKey))!.settings.widget.greeting).toBeNull();
    await admin.screenshot({ path: `${SCREENSHOTS}/widget-preview.png` });

    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Saved' }), 'Saved.');
    expect((await scene.started.app.store.getSite(siteKey))!.settings.widget).toMatchObject({ accentColor: '#be123c', greeting: 'Hello from the settings test!' });

    const visitor = await (await scene.browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    await visitor.goto(scene.shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await expectText(visitor.locator('.sb-greeting'), 'Hello from the settings test!');
    await eventually(async () => expect(await styleOf(visitor, '.sb-launcher', 'background-color')).toBe('rgb(190, 18, 60)'), 10_000);
    expect(await styleOf(visitor, '.sb-header', 'background-color')).toBe('rgb(190, 18, 60)');
    expect(await visitor.locator('.sb-header img.sb-avatar').getAttribute('src')).toBe('https://cdn.example/team.png');
    await visitor.screenshot({ path: `${SCREENSHOTS}/widget-saved-on-site.png` });
    await visitor.context().close();
  });

  it('shows the server’s refusal of a colour that is not one next to the colour field, and changes nothing', async () => {
    await openSection('Widget');
    const colour = admin.getByRole('textbox', { name: 'Colour', exact: true });
    await colour.fill('reddish');
    await admin.getByRole('button', { name: 'Save' }).click();
    const problem = admin.locator('#accent-colour-error');
    await expectText(problem, 'reddish');
    expect(await colour.getAttribute('aria-invalid')).toBe('true');
    expect((await scene.started.app.store.getSite(siteKey))!.settings.widget.accentColor).toBe('#be123c');
    await admin.screenshot({ path: `${SCREENSHOTS}/widget-bad-colour.png` });
    await colour.fill('#be123c');
  });

  it('shows a visitor outside the new business hours the configured closed message, where before they could chat', async () => {
    await scene.leadAtWork();
    const visitorSees = async (text: string, name: string) => {
      const visitor = await (await scene.browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
      await visitor.goto(scene.shopUrl);
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      await expectText(visitor.locator('.sb-root'), text);
      await visitor.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
      await visitor.context().close();
    };
    await eventually(async () => visitorSees('Hello from the settings test!', 'visitor-open'), 10_000);

    await openSection('Hours and availability');
    await admin.getByRole('checkbox', { name: 'Always open (no business hours)' }).uncheck();
    await admin.getByRole('combobox', { name: 'Time zone' }).selectOption('UTC');
    // Today (UTC) a holiday: whatever the week says, the site is closed now.
    await admin.getByLabel('Date', { exact: true }).fill(new Date().toISOString().slice(0, 10));
    await admin.getByRole('button', { name: 'Add holiday' }).click();
    await admin.getByRole('textbox', { name: /What visitors read when you are closed/ }).fill('We are closed for the holiday: leave a message and we will write back.');
    await admin.screenshot({ path: `${SCREENSHOTS}/hours-form.png`, fullPage: true });
    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Saved' }), 'Saved.');
    const hours = (await scene.started.app.store.getSite(siteKey))!.settings.businessHours;
    expect(hours).toMatchObject({ timeZone: 'UTC', holidays: [new Date().toISOString().slice(0, 10)], weekly: { mon: ['09:00-17:00'] } });

    await visitorSees('We are closed for the holiday: leave a message and we will write back.', 'visitor-closed');
  });

  it('refuses overlapping hours next to that day, and saves nothing', async () => {
    await openSection('Hours and availability');
    const monday = admin.getByRole('group', { name: 'Monday' });
    await monday.getByRole('button', { name: 'Add hours on Monday' }).click();
    // 09:00-17:00 and the new 09:00-17:00 overlap.
    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(monday.getByRole('alert'), 'overlap on mon');
    await admin.screenshot({ path: `${SCREENSHOTS}/hours-overlap.png` });
    expect((await scene.started.app.store.getSite(siteKey))!.settings.businessHours!.weekly.mon).toEqual(['09:00-17:00']);
  });

  it('adds a rule, and "try a message" shows it matching and why; a rule that matches everything is refused by the field', async () => {
    await openSection('Routing');
    await admin.getByRole('textbox', { name: 'Phrase' }).fill('the');
    await admin.getByRole('button', { name: 'Add rule' }).click();
    await expectText(admin.locator('#rule-phrase-error'), 'nearly every message');

    await admin.getByRole('textbox', { name: 'Phrase' }).fill('loyalty card');
    await admin.getByRole('combobox', { name: 'Goes to' }).selectOption('support');
    await admin.getByRole('button', { name: 'Add rule' }).click();
    await expectText(admin.getByRole('table'), 'loyalty card');

    await admin.getByRole('textbox', { name: 'A visitor’s first message' }).fill('My Loyalty-Card points vanished');
    await admin.getByRole('button', { name: 'Try' }).click();
    const result = admin.getByTestId('try-result');
    await expectText(result, 'Technical support, by one of your rules');
    await expectText(result, 'Rule: “loyalty card” → support');
    await admin.screenshot({ path: `${SCREENSHOTS}/routing-try.png`, fullPage: true });
    // Nothing was created by trying.
    expect(await scene.started.app.store.listQueueIds(siteKey, 'support')).toEqual([]);
  });

  it('saves the queues’ settings, and shows a refused number under its field', async () => {
    await openSection('Queues');
    await admin.getByRole('radio', { name: /Automatic/ }).check();
    await admin.getByRole('checkbox', { name: /Also ask NPS/ }).check();
    await admin.getByRole('spinbutton', { name: 'Abandon after (seconds)' }).fill('0');
    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(admin.locator('#abandon-after-error'), '>= 1');
    expect((await scene.started.app.store.getSite(siteKey))!.settings).toMatchObject({ assignment: 'manual', npsSurvey: false, abandonAfterSeconds: 300 });

    await admin.getByRole('spinbutton', { name: 'Abandon after (seconds)' }).fill('600');
    await admin.getByRole('textbox', { name: 'Technical support categories' }).fill('Bug\nSetup\nLoyalty card');
    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Saved' }), 'Saved.');
    expect((await scene.started.app.store.getSite(siteKey))!.settings).toMatchObject({
      assignment: 'auto',
      npsSurvey: true,
      abandonAfterSeconds: 600,
      categories: { support: ['Bug', 'Setup', 'Loyalty card'] },
    });
    // Back to manual: the tests below want conversations left in the queue.
    await admin.getByRole('radio', { name: /Manual/ }).check();
    await admin.getByRole('button', { name: 'Save' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Saved' }), 'Saved.');
  });

  it('adds a webhook endpoint and shows its secret once, lists it, and the audit log shows who did it, filtered by action', async () => {
    await openSection('Webhooks');
    await admin.getByRole('textbox', { name: 'URL' }).fill('https://hooks.example/switchboard');
    await admin.getByRole('checkbox', { name: 'Every event, present and future' }).uncheck();
    await admin.getByRole('checkbox', { name: 'conversation.resolved' }).check();
    await admin.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = admin.getByTestId('webhook-secret');
    await secret.waitFor();
    expect((await secret.textContent())!.length).toBeGreaterThan(20);
    await expectText(admin.getByRole('article', { name: 'https://hooks.example/switchboard' }), 'conversation.resolved');
    await expectText(admin.getByRole('article', { name: 'https://hooks.example/switchboard' }), 'No deliveries yet.');
    await admin.screenshot({ path: `${SCREENSHOTS}/webhooks.png`, fullPage: true });
    await admin.getByRole('button', { name: 'I have kept it' }).click();
    expect(await admin.getByTestId('webhook-secret').count()).toBe(0);

    await openSection('Audit log');
    await admin.getByRole('combobox', { name: 'Action' }).selectOption('routing.rule.add');
    const rows = admin.getByRole('row');
    await expectText(rows.nth(1), 'loyalty card');
    await expectText(rows.nth(1), scene.lead.email);
    expect(await rows.count()).toBe(2);
    await admin.getByRole('textbox', { name: 'Who' }).fill('nobody-here');
    await eventually(async () => expect(await admin.getByRole('row').count()).toBe(1), 5000);
    await admin.getByRole('textbox', { name: 'Who' }).fill('');
    await admin.getByRole('combobox', { name: 'Action' }).selectOption('');
    await admin.screenshot({ path: `${SCREENSHOTS}/audit.png`, fullPage: true });
  });

  it('has no serious or critical axe findings on any Settings page', async () => {
    const sections = await admin.getByRole('navigation', { name: 'Settings sections' }).getByRole('link').allTextContents();
    for (const title of sections) {
      await openSection(title);
      await admin.locator('.settings-main .loading').waitFor({ state: 'detached' });
      await admin.screenshot({ path: `${SCREENSHOTS}/page-${title.replace(/\W+/g, '-').toLowerCase()}.png`, fullPage: true });
      const findings = await axePage(admin);
      expect(findings, `${title}:\n${describeFindings(findings)}`).toEqual([]);
    }
  });

  it('shows a plain agent no Settings entry, and refuses them the area', async () => {
    const plain = { email: `plain-${siteKey}@agents.example`, password: 'plain-password' };
    await scene.started.app.agentAccounts.addAgent({ siteKey, ...plain, name: 'Pat', skills: ['service'], role: 'agent' });
    const page = await (await scene.browser.newContext({ viewport: VIEWPORT })).newPage();
    await page.goto(`${scene.started.url}/console`);
    await page.getByRole('textbox', { name: 'Email' }).fill(plain.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(plain.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
    expect(await page.getByRole('link', { name: 'Dashboard' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${scene.started.url}/console#settings/widget`);
    await expectText(page.getByRole('alert'), 'Settings are for admins of this site.');
    await page.screenshot({ path: `${SCREENSHOTS}/plain-agent-refused.png` });
    await page.context().close();
  });
});
