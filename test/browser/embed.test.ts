/**
 * The product as a newcomer meets it: a shop page on another origin embeds the widget with one
 * script tag; a visitor writes; an agent logs in to the console, takes it and replies; the reply
 * shows in the widget; the chat survives a reload; resolving ends it in the widget.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';

describe('the widget embedded on another origin, answered from the console', () => {
  let scene: EmbedScene;
  let shopUrl: string;
  let browser: Browser;
  const siteKey = `site_embed_${Date.now().toString(36)}`;

  beforeAll(async () => {
    scene = await startEmbedScene(siteKey, 'Embed test shop');
    ({ shopUrl, browser } = scene);
  });

  afterAll(() => scene?.close());

  it('carries a message from the widget to the console and the reply back', async () => {
    // The agent is at work first: with nobody online the widget would offer to leave a message instead.
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await scene.logInLead(agent);

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
