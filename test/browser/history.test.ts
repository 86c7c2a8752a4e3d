/**
 * History in a real browser: a conversation resolved yesterday, after a restart of every server
 * process, is found from the console's History screen by a word of its third message, the word
 * marked, and opens read-only; a visitor's markup in it stays text. Screenshots in test-results/history/.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP } from '../../scripts/build';
import { launchBrowser } from '../helpers/browser';
import { disconnectAll } from '../helpers/clients';
import { yesterdaysConversationAfterRestart, type Restarted } from '../helpers/converse';
import { expectText } from '../helpers/embed-scene';
import { existsSync } from 'node:fs';

const SHOTS = 'test-results/history';

describe('the History screen, in a browser', () => {
  let restarted: Restarted;
  let browser: Browser;
  let page: Page;
  const word = `kingfisher${randomUUID().slice(0, 5)}`;
  const markup = '<img src=x onerror="document.title=\'pwned\'">';

  beforeAll(async () => {
    if (!existsSync(BUILD_STAMP)) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
    mkdirSync(SHOTS, { recursive: true });
    restarted = await yesterdaysConversationAfterRestart(
      ['Hello, my parcel is late', `My order 4411 ${markup}`, `The courier left a ${word} card in the letterbox`],
      'Delivery',
    );
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
    const { started } = restarted;
    await page.goto(`${started.url}/console`);
    await page.getByRole('textbox', { name: 'Email' }).fill(started.serviceAgent.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(started.serviceAgent.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
  }, 90_000);

  afterAll(async () => {
    disconnectAll();
    await browser?.close();
    await restarted?.close();
  });

  it('finds yesterday’s conversation by a word of its third message, marks it, and opens it read-only', async () => {
    await page.getByRole('link', { name: 'History' }).click();
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill(word);
    await search.press('Enter');
    const results = page.getByRole('region', { name: 'Results' });
    const hit = results.getByRole('button').first();
    await expectText(hit, word);
    await expect.poll(() => results.locator('mark').allTextContents()).toEqual([word]);
    expect(await results.getByRole('listitem').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/results.png` });

    await hit.click();
    const transcript = page.getByRole('log', { name: 'Transcript (read-only)' });
    await expectText(transcript, `The courier left a ${word} card in the letterbox`);
    await expectText(transcript, markup);
    // Read-only: no composer, no resolve; the visitor's markup is text, never an element.
    expect(await page.getByRole('textbox', { name: /message/i }).count()).toBe(0);
    expect(await transcript.locator('img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    await expectText(page.getByRole('heading', { name: /Conversation with/ }), 'Conversation with');
    await expectText(page.locator('.history-transcript .routing').first(), 'Delivery');
    expect(await page.getByRole('link', { name: 'Download transcript' }).getAttribute('href')).toBe(
      `/api/v1/sites/${restarted.started.siteKey}/conversations/${restarted.conversationId}/transcript`,
    );
    await page.screenshot({ path: `${SHOTS}/transcript.png` });

    // The filters are in the address: a reload shows the same list.
    expect(page.url()).toContain(`#history?q=${word}`);
    await page.reload();
    await expectText(page.getByRole('region', { name: 'Results' }), word);
  });

  it('narrows by filters and says when nothing matches', async () => {
    await page.getByRole('combobox', { name: 'Status' }).selectOption('abandoned');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByRole('region', { name: 'Results' }), 'No conversation matches.');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('resolved');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByRole('region', { name: 'Results' }), word);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('!!!');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByRole('alert'), 'no word to look for');
    await page.screenshot({ path: `${SHOTS}/empty-search.png` });
  });
});
