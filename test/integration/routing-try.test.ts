/**
 * "Try a message" (`POST /api/v1/sites/:siteKey/routing/try`, issue 16): the router's answer for a
 * first message with the site's own rules and settings, and nothing created, recorded or audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';
import { logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

describe('routing: try a message', () => {
  let started: StartedApp;
  let adminCookie: string;
  const tryMessage = (body: unknown, cookie = adminCookie) => siteApi(started, 'POST', '/routing/try', cookie, body);

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterAll(() => started?.close());

  it('answers with the rule that matched, its id, and creates nothing', async () => {
    const rule = (await (await siteApi(started, 'POST', '/routing/rules', adminCookie, { phrase: 'loyalty card', queue: 'support' })).json()) as { id: string };
    const auditBefore = await started.app.store.listAudit(started.siteKey, 1000);

    const response = await tryMessage({ text: 'Where are my Loyalty-Card points?' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      decision: { queue: 'support', by: 'rule', confidence: 1, reason: 'Rule: “loyalty card” → support', uncertain: false },
      ruleId: rule.id,
      openNow: true,
    });
    expect(await started.app.store.listQueueIds(started.siteKey, 'support')).toEqual([]);
    expect(await started.app.store.listQueueIds(started.siteKey, 'service')).toEqual([]);
    expect(await started.app.store.listAudit(started.siteKey, 1000)).toEqual(auditBefore);
  });

  it('answers the classifier’s decision with its reason when no rule matches, and the topic when the site asks it', async () => {
    const model = (await (await tryMessage({ text: 'I was charged twice for my order, please refund me' })).json()) as { decision: { by: string; queue: string; reason: string }; ruleId: null };
    expect(model).toMatchObject({ decision: { by: 'model', queue: 'service', reason: expect.stringMatching(/^Model: service/) }, ruleId: null });

    await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { topicQuestion: true });
    const chosen = (await (await tryMessage({ text: 'hmm', topic: 'support' })).json()) as { decision: unknown };
    expect(chosen.decision).toMatchObject({ by: 'visitor', queue: 'support', confidence: 1 });
    await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { topicQuestion: false });
  });

  it('says when the site is closed now by its hours', async () => {
    await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { businessHours: { timeZone: 'UTC', weekly: {} } });
    expect(await (await tryMessage({ text: 'refund please' })).json()).toMatchObject({ openNow: false });
    await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { businessHours: null });
  });

  it.each([
    ['no text', {}, 400, 'PAYLOAD_INVALID'],
    ['empty text', { text: '' }, 400, 'MESSAGE_EMPTY'],
    ['white space', { text: '   ' }, 400, 'MESSAGE_EMPTY'],
    ['text over the message limit', { text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }, 413, 'MESSAGE_TOO_LONG'],
    ['an unknown topic', { text: 'hi', topic: 'sales' }, 400, 'PAYLOAD_INVALID'],
    ['an extra field', { text: 'hi', create: true }, 400, 'PAYLOAD_INVALID'],
  ] as const)('refuses %s', async (_name, body, status, code) => {
    const response = await tryMessage(body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('is for admins of the site only', async () => {
    expect((await tryMessage({ text: 'refund' }, '')).status).toBe(401);
    const agentCookie = await logIn(started.url, started.serviceAgent);
    const forbidden = await tryMessage({ text: 'refund' }, agentCookie);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const elsewhere = await fetch(`${started.url}/api/v1/sites/another_site/routing/try`, {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'refund' }),
    });
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe('SITE_NOT_FOUND');
  });
});
