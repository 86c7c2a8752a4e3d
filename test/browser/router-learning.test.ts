/**
 * Per-site learning in a browser (issue 18): an agent marks "Wrong queue" on a chat without
 * moving it; an admin retrains from Settings › Router learning, sees the version adopted with its
 * held-back figures and the words the site taught, adds a suggested rule, and rolls back.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { siteOpeners } from '../../scripts/learning-simulation';
import { expectOk } from '../helpers/acks';
import { connectVisitor, disconnectAll } from '../helpers/clients';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const SCREENSHOTS = 'test-results/router-learning';

describe("a site's router learns from its agents, in a browser", () => {
  let scene: EmbedScene;
  let admin: Page;
  const siteKey = `site_learning_${Date.now().toString(36)}`;

  beforeAll(async () => {
    scene = await startEmbedScene(siteKey, 'Glowpod shop');
    admin = await (await scene.browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    await scene.logInLead(admin);
  });
  afterAll(async () => {
    disconnectAll();
    await scene?.close();
  });

  it('lets the agent mark "Wrong queue" on the routing line, and keeps it as a correction', async () => {
    const visitor = await connectVisitor(scene.started.url, { siteKey }, { origin: scene.shopUrl });
    const text = 'scenecast turns on at 3am, why';
    const { conversation } = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text }));
    await admin.locator('li.waiting', { hasText: text }).getByRole('button', { name: 'Take' }).click();
    const link = admin.getByRole('button', { name: 'Wrong queue' });
    await link.click();
    const other = conversation.queue === 'service' ? 'support' : 'service';
    await expectText(admin.locator('.flagged-route'), `belongs in ${other}`);
    await admin.screenshot({ path: `${SCREENSHOTS}/wrong-queue.png` });
    await eventually(async () => {
      const examples = await scene.started.app.store.listRoutingExamples(siteKey, 10);
      expect(examples.find((e) => e.conversationId === conversation.id)).toMatchObject({ label: other, flagged: true, corrected: true });
    });
  });

  it('retrains from Settings › Router learning, shows what it learnt, adds a suggested rule and rolls back', async () => {
    // A month of the site's traffic: its own words, a third of them corrected by agents.
    let i = 0;
    for (const opener of siteOpeners(240, 21)) {
      const corrected = i % 3 === 0;
      await scene.started.app.store.saveRoutingExample(
        siteKey,
        {
          conversationId: `c_seed_${i}`,
          visitorId: `v_seed_${i}`,
          text: opener.text,
          label: opener.label,
          predicted: corrected ? (opener.label === 'service' ? 'support' : 'service') : opener.label,
          routedBy: 'model',
          corrected,
          at: Date.now() - i * 60_000,
        },
        5_000,
      );
      i++;
    }
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Router learning' }).click();
    await expectText(admin.locator('#settings-heading'), 'Router learning');
    await expectText(admin.locator('.settings-main'), 'The shared model alone');

    await admin.getByRole('button', { name: 'Retrain now' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'adopted' }), 'Version 1 adopted');
    await expectText(admin.locator('.settings-main'), 'Version 1, trained');
    expect(await admin.getByRole('table', { name: 'The words this site taught its router' }).getByRole('row').count()).toBeGreaterThan(2);
    await admin.screenshot({ path: `${SCREENSHOTS}/adopted.png`, fullPage: true });
    expect(await scene.started.app.store.getActiveRouterVersion(siteKey)).toBe(1);

    const suggestion = admin.locator('.suggestions li').first();
    const phrase = /“(.+)”/.exec((await suggestion.textContent()) ?? '')?.[1];
    expect(phrase).toBeTruthy();
    await suggestion.getByRole('button', { name: 'Add as a rule' }).click();
    await eventually(async () => expect((await scene.started.app.store.listRoutingRules(siteKey)).map((r) => r.phrase)).toContain(phrase));

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: 'Roll back' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Rolled back' }), 'Rolled back.');
    await expectText(admin.locator('.settings-main'), 'The shared model alone');
    expect(await scene.started.app.store.getActiveRouterVersion(siteKey)).toBeNull();
    await admin.screenshot({ path: `${SCREENSHOTS}/rolled-back.png`, fullPage: true });
  });
});
