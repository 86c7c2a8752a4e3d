/**
 * Live signals in real browsers (issue 13, item 4): a visitor on a shop page of another origin and an
 * agent in the console each see the other typing, each sees "Seen" under what the other read, the
 * visitor sees who joined (name and initials) and a transfer in words of its own. Screenshots go to
 * test-results/ and are looked at.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, disconnectAll, logIn } from '../helpers/clients';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SHOTS = 'test-results/live-signals';

/** Polls until `read` gives an id. */
async function eventuallyId(read: () => Promise<string | undefined>): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const id = await read();
    if (id) return id;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no id');
}

describe('typing, seen and system lines between a visitor and an agent, in a browser', () => {
  let scene: EmbedScene;
  let browser: Browser;
  const siteKey = `site_signals_${Date.now().toString(36)}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Signals shop');
    ({ browser } = scene);
  });

  afterAll(() => scene?.close());

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });

  it('shows each side the other typing and "Seen" after the other read, who joined, and a transfer', async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const agent = await agentContext.newPage();
    await scene.logInLead(agent);

    const visitorContext = await browser.newContext({ viewport: { width: 800, height: 700 } });
    const visitor = await visitorContext.newPage();
    await visitor.goto(scene.shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const message = visitor.getByRole('textbox', { name: 'Message' });
    await message.fill('My parcel never arrived');
    await visitor.getByRole('button', { name: 'Send' }).click();

    // The agent takes it: the visitor reads who joined, with their initials.
    await agent.locator('li.waiting', { hasText: 'My parcel never arrived' }).getByRole('button', { name: 'Take' }).click();
    const log = visitor.getByRole('log');
    await expectText(log, 'Robin joined the conversation');
    await expectText(visitor.locator('.sb-standing'), 'You are chatting with Robin.');
    expect(await visitor.locator('.sb-standing .sb-avatar').textContent()).toBe('R');

    // The visitor types: the console shows "typing…" in the pane and in "My conversations", never the draft.
    await message.fill('Also, the tracking link');
    await expectText(agent.getByRole('log', { name: 'Messages' }), 'Visitor is typing…');
    await expectText(agent.locator('.mine'), 'typing…');
    expect(await agent.locator('main').textContent()).not.toContain('the tracking link');
    await shot(agent, 'console-visitor-typing');

    // The agent types: the widget shows "Robin is typing…".
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Let me check');
    await expectText(log, 'Robin is typing…');
    await shot(visitor, 'widget-agent-typing');

    // The agent sends; the open, visible widget shows it, and the agent sees "Seen" under it.
    await agent.getByRole('button', { name: 'Send' }).click();
    await expectText(log, 'Let me check');
    await expectText(log, 'Robin is typing…', { absent: true });
    const reply = agent.locator('.log li.msg.agent', { hasText: 'Let me check' });
    await expectText(reply, 'Seen');
    await shot(agent, 'console-seen');

    // The visitor sends; the agent's open pane shows it, and the visitor sees "Seen" under it.
    await visitor.getByRole('button', { name: 'Send' }).click();
    await expectText(agent.getByRole('log', { name: 'Messages' }), 'Also, the tracking link');
    await expectText(agent.getByRole('log', { name: 'Messages' }), 'Visitor is typing…', { absent: true });
    await expectText(visitor.locator('.sb-msg-visitor', { hasText: 'Also, the tracking link' }), 'Seen');
    await shot(visitor, 'widget-seen');

    // A transfer is told as one, not as "your agent had to step away".
    await agent.getByRole('button', { name: 'Transfer', exact: true }).click();
    await agent.getByRole('textbox', { name: 'Transfer note' }).fill('Tracking system issue');
    await agent.getByRole('button', { name: 'To the support queue' }).click();
    await expectText(log, 'You are being connected to our technical support team');
    await expectText(visitor.locator('.sb-standing'), 'You are being connected to our technical support team');
    expect(await visitor.locator('.sb-window').textContent()).not.toContain('step away');
    expect(await visitor.locator('.sb-window').textContent()).not.toContain('Tracking system issue');
    await shot(visitor, 'widget-transferred');

    // Robin, the only agent online, goes away: the waiting visitor keeps their place and may leave an email.
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('away');
    await expectText(visitor.locator('.sb-standing'), 'No one is available right now; you keep your place.');
    await visitor.getByRole('button', { name: 'Leave your email instead' }).click();
    await shot(visitor, 'widget-nobody-available');
    await visitor.getByRole('textbox', { name: 'Name' }).fill('Ada');
    await visitor.getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
    await visitor.getByRole('textbox', { name: 'Your message' }).fill('Please email me the tracking link');
    await visitor.getByRole('button', { name: 'Send message' }).click();
    await expectText(log, 'Please email me the tracking link');
    await expectText(visitor.locator('.sb-standing'), 'Thanks! Your message is with us');
    // The team has the email on the same conversation, still waiting in its place.
    const { app } = scene.started;
    const conversationId = (await app.store.listKpiEvents(siteKey, 20)).find((e) => e.type === 'created')!.conversationId;
    await eventually(async () =>
      expect(await app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'waiting', queue: 'support', visitor: { email: 'ada@example.com', name: 'Ada' } }),
    );
    await expectText(log, 'Sending…', { absent: true });

    await agentContext.close();
    await visitorContext.close();
  });

  it('updates the team name, with a line, when a clearer message moves the waiting conversation to the other queue', async () => {
    // Robin is back online (the first test left them away), so the widget offers the chat.
    const robin = await connectAgent(scene.started.url, await logIn(scene.started.url, scene.lead));
    expectOk(await emitWithTimeout(robin, 5_000, 'presence:set', { status: 'online' }));
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    const visitor = await context.newPage();
    await visitor.goto(scene.shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const message = visitor.getByRole('textbox', { name: 'Message' });
    // "hello" says nothing of a topic: the router places it by default, then the next message decides.
    const { app } = scene.started;
    const createdIds = async () => (await app.store.listKpiEvents(siteKey, 100)).filter((e) => e.type === 'created').map((e) => e.conversationId);
    const before = new Set(await createdIds());
    await message.fill('hello');
    await visitor.getByRole('button', { name: 'Send' }).click();
    const conversationId = await eventuallyId(async () => (await createdIds()).find((id) => !before.has(id)));
    const first = (await app.store.getConversation(siteKey, conversationId))!.queue;
    const other = first === 'service' ? 'support' : 'service';
    const words = { service: 'our customer service team', support: 'our technical support team' } as const;
    await expectText(visitor.locator('.sb-standing'), words[first]);

    await message.fill(other === 'support' ? 'The app crashes with an error every time I log in' : 'I was charged twice for my order and want a refund');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await expectText(visitor.getByRole('log'), `Your conversation moved to ${words[other]}`);
    await expectText(visitor.locator('.sb-standing'), words[other]);
    expect((await app.store.getConversation(siteKey, conversationId))!.queue).toBe(other);
    await shot(visitor, 'widget-rerouted');
    await context.close();
    disconnectAll();
  });
});
