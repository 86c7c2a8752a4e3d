/**
 * axe-core on the widget in every state a visitor meets (issue 13, item 8), on the demo shop of another
 * origin: closed, open with nobody online (leave-a-message form), waiting, chatting with the agent
 * typing, the end-of-chat survey, ended (transcript buttons), a disallowed origin, a 375 × 667 phone and
 * Arabic right to left. No serious or critical finding in any. Screenshots go to test-results/a11y/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeWidget, describeFindings } from '../helpers/axe';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';

const SHOTS = 'test-results/a11y';
const DESKTOP = { viewport: { width: 1024, height: 768 } };
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Screenshots the page as the visitor sees it, then asserts axe finds nothing serious or critical in the widget. */
async function check(page: Page, state: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${state}.png` });
  const findings = await axeWidget(page);
  expect(findings, `${state}:\n${describeFindings(findings)}`).toEqual([]);
}

describe('the widget passes axe-core in every state, in a browser', () => {
  let scene: EmbedScene;
  let browser: Browser;
  let agent: Page;
  const siteKey = `site_a11y_${Date.now().toString(36)}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Accessible shop');
    ({ browser } = scene);
  });
  afterAll(() => scene?.close());

  it('the check sees into the shadow root: a nameless button put there is a critical finding', async () => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.evaluate(() => document.getElementById('switchboard-widget')!.shadowRoot!.append(Object.assign(document.createElement('button'), { className: 'planted' })));
    const findings = await axeWidget(page);
    expect(findings.map((f) => [f.id, f.impact, f.nodes.map((n) => n.target)])).toEqual([['button-name', 'critical', ['[["#switchboard-widget",".planted"]]']]]);
    await context.close();
  });

  it('closed, and open with nobody online (the leave-a-message form)', async () => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await check(page, 'closed');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
    await check(page, 'offline');
    await context.close();
  });

  it('on a disallowed origin', async () => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(scene.shopUrl.replace('127.0.0.1', 'localhost'));
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expectText(page.locator('#switchboard-widget .sb-window'), 'chat is not enabled on this website');
    await check(page, 'disallowed-origin');
    await context.close();
  });

  it('waiting, chatting with the agent typing, the survey, and ended', async () => {
    agent = await scene.leadAtWork();
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Where is my order?');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = page.getByRole('log');
    await expectText(log, 'Sending…', { absent: true });
    await expectText(page.locator('#switchboard-widget .sb-window'), 'Connecting', { absent: true });
    await check(page, 'waiting');

    await agent.locator('li.waiting', { hasText: 'Where is my order?' }).getByRole('button', { name: 'Take' }).click();
    await expectText(log, 'Robin joined the conversation');
    await agent.getByRole('textbox', { name: 'Reply' }).fill('It left the warehouse today.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expectText(log, 'It left the warehouse today.');
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Tracking number');
    await expectText(log, 'Robin is typing…');
    await check(page, 'chatting-typing');

    await agent.getByRole('textbox', { name: 'Reply' }).fill('');
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expectText(log, 'This conversation has ended.');
    await page.getByRole('button', { name: 'Skip' }).waitFor();
    await check(page, 'rating');

    await page.getByRole('button', { name: 'Skip' }).click();
    await page.getByRole('button', { name: 'Start a new conversation' }).waitFor();
    await check(page, 'ended');
    await context.close();
  }, 60_000);

  it('open on a 375 × 667 phone', async () => {
    agent = await scene.leadAtWork();
    const phone = await browser.newContext(PHONE);
    const page = await phone.newPage();
    await page.goto(scene.shopUrl);
    await page.getByRole('button', { name: 'Open chat' }).tap();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expectText(page.locator('#switchboard-widget .sb-window'), 'Connecting', { absent: true });
    await check(page, 'mobile');
    await phone.close();
  });

  it('in Arabic, right to left', async () => {
    agent = await scene.leadAtWork();
    const context = await browser.newContext({ ...DESKTOP, locale: 'ar-EG' });
    const page = await context.newPage();
    await page.goto(scene.shopUrl);
    await page.locator('#switchboard-widget .sb-launcher').click();
    // The Arabic catalogue is its own small file, fetched after the app: wait for its words.
    await page.getByRole('button', { name: 'إرسال', exact: true }).waitFor();
    expect(await page.locator('#switchboard-widget .sb-guest').getAttribute('dir')).toBe('rtl');
    await page.locator('#switchboard-widget textarea').fill('أين طلبي؟');
    await page.getByRole('button', { name: 'إرسال', exact: true }).click();
    await expectText(page.getByRole('log'), 'أين طلبي؟');
    await check(page, 'arabic');
    await context.close();
  });
});
