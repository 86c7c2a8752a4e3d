import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { SiteInfo } from '../../shared/protocol';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { expectOk } from '../helpers/acks';
import { connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe("the widget's look and words per site", () => {
  let started: StartedApp;
  let adminCookie: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  const sessionSite = async (): Promise<SiteInfo> => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    return expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {})).site;
  };

  it('starts a site with the default look, and the session says so', async () => {
    expect((await started.app.store.getSite(started.siteKey))!.settings.widget).toEqual(DEFAULT_SITE_SETTINGS.widget);
    expect(await sessionSite()).toMatchObject({
      accentColor: '#1d4ed8',
      accentTextColor: '#ffffff',
      position: 'right',
      teamNames: { service: null, support: null },
      greeting: null,
      agentInitials: true,
      defaultLanguage: 'en',
      strings: {},
    });
  });

  it('changes one field of the look over REST and keeps the others; the next session carries it with an AA text colour', async () => {
    const first = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, {
      widget: { accentColor: '#fde047', teamNames: { service: 'Billing team', support: 'Tech support' }, strings: { fr: { title: 'Une question ?' } } },
    });
    expect(first.status).toBe(200);
    const second = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { position: 'left', greeting: 'Hello from the shop!' } });
    expect(((await second.json()) as { widget: unknown }).widget).toEqual({
      ...DEFAULT_SITE_SETTINGS.widget,
      accentColor: '#fde047',
      position: 'left',
      teamNames: { service: 'Billing team', support: 'Tech support' },
      greeting: 'Hello from the shop!',
      strings: { fr: { title: 'Une question ?' } },
    });
    // Yellow is too light for white text (1.3:1): black it is.
    expect(await sessionSite()).toMatchObject({
      accentColor: '#fde047',
      accentTextColor: '#000000',
      position: 'left',
      teamNames: { service: 'Billing team', support: 'Tech support' },
      greeting: 'Hello from the shop!',
      strings: { fr: { title: 'Une question ?' } },
    });
  });

  it('refuses a bad value with PAYLOAD_INVALID naming the field, and changes nothing', async () => {
    const before = (await started.app.store.getSite(started.siteKey))!.settings;
    const refused = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { strings: { es: { enviar: 'Mandar' } } } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID', details: { path: '/widget/strings/es/enviar' } } });
    const empty = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: {} });
    expect(empty.status).toBe(400);
    expect((await started.app.store.getSite(started.siteKey))!.settings).toEqual(before);
  });

  it('sets the look from the operators’ CLI, one team’s name at a time, and refuses bad values with exit code 2', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'site:settings', '--site', started.siteKey, ...args], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
      });
    const set = JSON.parse(
      (await run('--accent-color', '#0f766e', '--position', 'right', '--support-team', 'Lantern help desk', '--default-language', 'de', '--agent-initials', 'false', '--greeting', 'none'))
        .stdout,
    ) as { widget: unknown };
    expect(set.widget).toMatchObject({
      accentColor: '#0f766e',
      position: 'right',
      teamNames: { service: 'Billing team', support: 'Lantern help desk' },
      greeting: null,
      agentInitials: false,
      defaultLanguage: 'de',
    });
    await expect(run('--accent-color', 'teal')).rejects.toMatchObject({ code: 2 });
    await expect(run('--strings', '{"ar":{"nope":"x"}}')).rejects.toMatchObject({ code: 2 });
    await expect(run('--strings', 'not json')).rejects.toMatchObject({ code: 2 });
    expect((await started.app.store.getSite(started.siteKey))!.settings.widget).toMatchObject({ accentColor: '#0f766e', defaultLanguage: 'de' });
    expect(await sessionSite()).toMatchObject({ accentColor: '#0f766e', accentTextColor: '#ffffff', defaultLanguage: 'de', agentInitials: false });
  }, 30_000);
});
