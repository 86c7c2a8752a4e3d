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

  it('has no serious or critical axe findings on any Settings page', async () => {
    const sections = await admin.getByRole('navigation', { name: 'Settings sections' }).getByRole('link').allTextContents();
    for (const title of sections) {
      await openSection(title);
      await admin.locator('.settings-main .loading').waitFor({ state: 'detached' });
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
