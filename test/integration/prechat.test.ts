import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('pre-chat per site', () => {
  let started: StartedApp;
  let adminCookie: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  const newVisitor = async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    return { visitor, session };
  };

  it('is off on a new site, and the session says so', async () => {
    expect((await started.app.store.getSite(started.siteKey))!.settings.widget.prechat).toEqual({ mode: 'off', fields: ['name', 'email'] });
    expect((await newVisitor()).session.site.prechat).toEqual(DEFAULT_SITE_SETTINGS.widget.prechat);
  });

  it('is set over REST, keeps the rest of the look, and refuses bad values with PAYLOAD_INVALID changing nothing', async () => {
    const set = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { prechat: { mode: 'optional', fields: ['email'] } } });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { widget: unknown }).widget).toEqual({ ...DEFAULT_SITE_SETTINGS.widget, prechat: { mode: 'optional', fields: ['email'] } });
    expect((await newVisitor()).session.site.prechat).toEqual({ mode: 'optional', fields: ['email'] });

    const before = (await started.app.store.getSite(started.siteKey))!.settings;
    for (const prechat of [{ mode: 'always', fields: [] }, { mode: 'required', fields: ['phone'] }, { mode: 'required', fields: ['name', 'name'] }, { mode: 'required' }, { mode: 'required', fields: [] }]) {
      const refused = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { prechat } });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
    }
    expect((await started.app.store.getSite(started.siteKey))!.settings).toEqual(before);
  });

  it('is set from the CLI, mode and fields each alone, and refuses bad values with exit code 2', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'site:settings', '--site', started.siteKey, ...args], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
      });
    const both = JSON.parse((await run('--prechat', 'required', '--prechat-fields', 'name,email')).stdout) as { widget: { prechat: unknown } };
    expect(both.widget.prechat).toEqual({ mode: 'required', fields: ['name', 'email'] });
    const fieldsAlone = JSON.parse((await run('--prechat-fields', 'name')).stdout) as { widget: { prechat: unknown } };
    expect(fieldsAlone.widget.prechat).toEqual({ mode: 'required', fields: ['name'] });
    await expect(run('--prechat', 'sometimes')).rejects.toMatchObject({ code: 2 });
    await expect(run('--prechat-fields', 'name,phone')).rejects.toMatchObject({ code: 2 });
    // Well formed but impossible on a required site (nothing to ask): the domain's refusal, exit code 1.
    await expect(run('--prechat-fields', 'none')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('PAYLOAD_INVALID') });
    expect((await started.app.store.getSite(started.siteKey))!.settings.widget.prechat).toEqual({ mode: 'required', fields: ['name'] });
  }, 30_000);

  it('on a required site refuses a first message from a visitor with no identity with PRECHAT_REQUIRED, storing nothing; an identified visitor passes', async () => {
    expect(
      (await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { topicQuestion: true, widget: { prechat: { mode: 'required', fields: ['name', 'email'] } } })).status,
    ).toBe(200);
    const { visitor, session } = await newVisitor();
    expectRefused(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?' }), 'PRECHAT_REQUIRED');
    expect(await started.app.store.getOpenConversation(started.siteKey, session.visitorId)).toBeNull();

    expectOk(await emitWithTimeout(visitor, 3000, 'visitor:identify', { userId: 'ada@example.com', name: 'Ada', email: 'ada@example.com' }));
    const sent = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?', topic: 'support' }));
    expect(sent.conversation.queue).toBe('support');
    const stored = await started.app.store.getOpenConversation(started.siteKey, session.visitorId);
    expect(stored?.visitor).toEqual({ userId: 'ada@example.com', name: 'Ada', email: 'ada@example.com', verified: false });
  });

  it('on an optional site lets an anonymous visitor start a conversation', async () => {
    expect((await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { prechat: { mode: 'optional', fields: ['name'] } } })).status).toBe(200);
    const { visitor } = await newVisitor();
    expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'Just browsing, a quick question' }));
  });
});
