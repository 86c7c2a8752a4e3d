/**
 * The end of a conversation in real browsers: the agent files it under a category as they resolve
 * it; the visitor skips the survey and replies, which reopens the same conversation at the front
 * of the queue; the agent takes it back with the whole thread; the dashboard counts the category
 * and the reopening.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import type { StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

describe('resolving with a category and reopening by a reply, in a browser', () => {
  let scene: EmbedScene;
  let started: StartedApp;
  let shopUrl: string;
  let browser: Browser;
  const siteKey = `site_reopen_${Date.now().toString(36)}`;

  beforeAll(async () => {
    scene = await startEmbedScene(siteKey, 'Reopen shop');
    ({ started, shopUrl, browser } = scene);
  });

  afterAll(() => scene?.close());

  it('files the conversation under the chosen category, and a reply after the end reopens it for the agent', async () => {
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await scene.logInLead(agent);

    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('textbox', { name: 'Message' }).fill('I was charged twice for my order');
    await visitor.getByRole('button', { name: 'Send' }).click();

    const waiting = agent.locator('li.waiting', { hasText: 'I was charged twice for my order' });
    await waiting.getByRole('button', { name: 'Take' }).click();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Refunded the second charge.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expectText(visitor.getByRole('log'), 'Refunded the second charge.');

    // The categories offered are the site's for a service conversation.
    const category = agent.getByRole('combobox', { name: 'Category' });
    expect(await category.locator('option').allTextContents()).toEqual(['No category', 'Billing', 'Refund', 'Order', 'Delivery', 'Account', 'Pre-sales', 'Complaint', 'Other']);
    await category.selectOption('Refund');
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expectText(agent.locator('.pane .ended'), 'Resolved · Refund');
    const conversationId = (await started.app.store.listKpiEvents(siteKey, 10)).find((e) => e.type === 'created')!.conversationId;
    expect(await started.app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'resolved', category: 'Refund' });

    // The visitor skips the survey and replies on the same screen.
    await expectText(visitor.getByRole('log'), 'This conversation has ended.');
    await visitor.getByRole('button', { name: 'Skip' }).click();
    await visitor.getByRole('button', { name: 'Start a new conversation' }).waitFor();
    const replyBox = visitor.getByRole('textbox', { name: 'Message' });
    expect(await replyBox.getAttribute('placeholder')).toBe('Anything else? Reply here to continue…');
    await replyBox.fill('Sorry, one more thing: the invoice still shows both');
    await replyBox.press('Enter');
    await expectText(visitor.getByRole('status').filter({ hasText: 'open again' }), 'Your conversation is open again');
    // The thread stays: the first messages are still on screen.
    await expectText(visitor.getByRole('log'), 'I was charged twice for my order');
    await expectText(visitor.getByRole('log'), 'the invoice still shows both');

    const reopened = agent.locator('li.waiting', { hasText: 'I was charged twice for my order' });
    await expectText(reopened, 'reopened');
    await reopened.getByRole('button', { name: 'Take' }).click();
    await expectText(agent.locator('.pane .routing.reopened'), 'Reopened: the visitor replied after it was resolved (filed under Refund)');
    await expectText(agent.getByRole('log'), 'Refunded the second charge.');
    await expectText(agent.getByRole('log'), 'the invoice still shows both');
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Fixed the invoice too.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expectText(visitor.getByRole('log'), 'Fixed the invoice too.');
    await expectText(visitor.getByRole('status').filter({ hasText: 'chatting' }), 'You are chatting with Robin.');
    expect(await started.app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'active', reopenedAt: expect.any(Number) });
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expectText(visitor.getByRole('log'), 'This conversation has ended.');

    // The dashboard files it under Refund, reopened once.
    await agent.getByRole('link', { name: 'Dashboard' }).click();
    const refund = agent.getByRole('row', { name: /Refund/ });
    await eventually(async () => expect((await refund.getByRole('cell').allTextContents()).slice(0, 2)).toEqual(['1', '100%']), 10_000);
    await visitorContext.close();
    await agentContext.close();
  }, 60_000);
});
