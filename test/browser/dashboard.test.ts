/**
 * The KPIs end to end in a real browser: a visitor chats through the embedded widget, the agent
 * resolves, the widget's end-of-chat survey takes a CSAT answer, and the console's dashboard shows
 * the real numbers with charts drawn, and remembers its range across a reload.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, disconnectAll } from '../helpers/clients';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import type { StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';


describe('the KPI dashboard and the end-of-chat survey, in a browser', () => {
  let scene: EmbedScene;
  let started: StartedApp;
  let shopUrl: string;
  let browser: Browser;
  const siteKey = `site_kpi_${Date.now().toString(36)}`;
  let email: string;
  let password: string;

  beforeAll(async () => {
    scene = await startEmbedScene(siteKey, 'KPI shop');
    ({ started, shopUrl, browser } = scene);
    ({ email, password } = scene.lead);
  });

  afterAll(async () => {
    disconnectAll();
    await scene?.close();
  });

  it('asks the visitor for CSAT when the agent resolves, and shows it with the other figures on the dashboard', async () => {
    const agent = await connectAgent(started.url, { email, password, view: undefined as never });

    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('textbox', { name: 'Message' }).fill('I was charged twice for my order');
    await visitor.getByRole('button', { name: 'Send' }).click();

    let conversationId = '';
    await eventually(async () => {
      [conversationId = ''] = await started.app.store.listQueueIds(siteKey, 'service');
      expect(conversationId).not.toBe('');
    }, 10_000);
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId }));
    expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId, clientId: randomUUID(), text: 'Refunded, sorry!' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId }));

    const survey = visitor.getByRole('radiogroup', { name: 'How satisfied are you with the help you got?' });
    await survey.waitFor();
    await survey.getByRole('radio', { name: '4' }).click();
    await visitor.getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Quick and kind');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await expectText(visitor.getByRole('log'), 'Thank you for your feedback!');
    await eventually(async () => {
      expect((await started.app.store.getConversation(siteKey, conversationId))?.rating).toMatchObject({ csat: 4, comment: 'Quick and kind' });
    }, 5000);
    await visitorContext.close();

    const leadContext = await browser.newContext();
    const lead = await leadContext.newPage();
    await scene.logInLead(lead);
    await lead.getByRole('link', { name: 'Dashboard' }).click();

    const service = lead.getByRole('region', { name: 'Customer service' });
    await expectText(service.locator('[data-figure="Conversations"]'), '1');
    await expectText(service.locator('[data-figure="CSAT"]'), '4');
    await expectText(service.locator('[data-figure="Resolution"]'), '100%');
    await expectText(lead.getByRole('region', { name: 'Technical support' }).locator('[data-figure="Conversations"]'), '0');
    const robin = lead.getByRole('row', { name: /Robin/ });
    await expectText(robin, 'Robin');
    expect((await robin.getByRole('cell').allTextContents()).slice(0, 2)).toEqual(['1', '1']);
    // The charts are drawn by the chart library (canvas), one per chart.
    await eventually(async () => expect(await lead.locator('.chart canvas').count()).toBeGreaterThanOrEqual(5), 5000);

    // The range picker remembers its choice across a reload.
    await lead.getByLabel('Range').selectOption('30d');
    await lead.reload();
    await service.locator('[data-figure="CSAT"]').waitFor();
    expect(await lead.getByLabel('Range').inputValue()).toBe('30d');
    await expectText(service.locator('[data-figure="CSAT"]'), '4');
    await leadContext.close();
  }, 60_000);
});
