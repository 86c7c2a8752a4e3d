/**
 * The product as a newcomer meets it: a shop page on another origin embeds the widget with one
 * script tag; a visitor writes; an agent logs in to the console, takes it and replies; the reply
 * shows in the widget; the chat survives a reload; resolving ends it in the widget.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopPage } from '../../server/demo/shop-page';
import { addSite } from '../../server/domain/sites';
import { BUILD_STAMP } from '../../scripts/build';
import { launchBrowser } from '../helpers/browser';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

/** Waits until the element's text contains (or, with `absent`, no longer contains) `text`. */
async function expectText(locator: Locator, text: string, { absent = false } = {}) {
  await eventually(async () => {
    const content = (await locator.textContent()) ?? '';
    expect(content.includes(text), `${absent ? 'no ' : ''}"${text}" in "${content}"`).toBe(!absent);
  }, 10_000);
}

describe('the widget embedded on another origin, answered from the console', () => {
  let started: StartedApp;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;
  const siteKey = `site_embed_${Date.now().toString(36)}`;

  beforeAll(async () => {
    if (!existsSync(BUILD_STAMP)) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
    await assertRedisReachable();
    started = await startApp();
    shop = await startShopPage({ host: '127.0.0.1', port: 0, publicUrl: started.url, siteKey });
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    await addSite(started.app.store, { key: siteKey, name: 'Embed test shop', origins: [shopUrl] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await started?.close();
  });

  it('carries a message from the widget to the console and the reply back', async () => {
    const agentEmail = `embed-${Date.now()}@agents.example`;
    await started.app.agentAccounts.addAgent({ siteKey, email: agentEmail, name: 'Robin', password: 'robin-password', skills: ['service', 'support'] });

    // The agent is at work first: with nobody online the widget would offer to leave a message instead.
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await agent.goto(`${started.url}/console`);
    await agent.getByRole('textbox', { name: 'Email' }).fill(agentEmail);
    await agent.getByRole('textbox', { name: 'Password' }).fill('robin-password');
    await agent.getByRole('button', { name: 'Log in' }).click();
    await agent.getByRole('button', { name: 'Take next' }).waitFor();

    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(shopUrl);
    const launcher = visitor.getByRole('button', { name: 'Open chat' });
    await launcher.click();
    await visitor.getByRole('button', { name: 'Close chat' }).first().waitFor();
    const message = visitor.getByRole('textbox', { name: 'Message' });
    await message.fill('I was charged twice for order <b>#1042</b>');
    await visitor.getByRole('button', { name: 'Send' }).click();
    const widgetLog = visitor.getByRole('log');
    await expectText(widgetLog, 'I was charged twice for order <b>#1042</b>');
    await expectText(widgetLog, 'Sending…', { absent: true });

    const waiting = agent.locator('li.waiting', { hasText: 'I was charged twice for order <b>#1042</b>' });
    await waiting.waitFor();
    await waiting.getByRole('button', { name: 'Take' }).click();

    await expectText(agent.getByRole('log'), 'I was charged twice');
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Sorry about that, Robin here: refunding the second charge now.');
    await agent.getByRole('button', { name: 'Send' }).click();

    await expectText(widgetLog, 'Robin here: refunding the second charge now.');
    await expectText(visitor.getByRole('status').filter({ hasText: 'chatting' }), 'You are chatting with Robin.');

    // The conversation survives a reload: same visitor token, same transcript.
    await visitor.reload();
    await expectText(visitor.getByRole('log'), 'Robin here: refunding the second charge now.');
    await expectText(visitor.getByRole('log'), 'I was charged twice for order <b>#1042</b>');

    await visitor.getByRole('textbox', { name: 'Message' }).fill('thanks!');
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expectText(agent.getByRole('log'), 'thanks!');

    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expectText(visitor.getByRole('log'), 'This conversation has ended.');
    expect(await visitor.locator('b').count()).toBe(0);

    await visitorContext.close();
    await agentContext.close();
  });
});
