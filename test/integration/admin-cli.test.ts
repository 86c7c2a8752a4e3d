/**
 * CLI parity for issue 16: site:list, site:update, agent:list, agent:update (every field), token:list,
 * token:revoke, each checked against the same schema as REST, with the same error codes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the operators’ CLI for sites, agents and API tokens', () => {
  let started: StartedApp;
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix, PUBLIC_URL: 'https://chat.example.com' },
    });
  const json = async (...args: string[]) => JSON.parse((await run(...args)).stdout) as unknown;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterAll(() => started?.close());

  it('lists and updates sites, refusing a bad origin as REST does, changing nothing', async () => {
    const sites = (await json('site:list')) as { key: string; snippet: string }[];
    expect(sites.find((s) => s.key === started.siteKey)).toMatchObject({
      name: 'Test shop',
      origins: ['https://shop.example'],
      snippet: `<script src="https://chat.example.com/widget.js" data-site="${started.siteKey}" async></script>`,
    });
    expect(JSON.stringify(sites)).not.toContain('identitySecret');
    expect(await json('site:update', '--site', started.siteKey, '--name', 'Shop', '--origin', 'https://shop.example', '--origin', 'https://www.shop.example/')).toMatchObject({
      name: 'Shop',
      origins: ['https://shop.example', 'https://www.shop.example'],
    });
    const before = await started.app.store.getSite(started.siteKey);
    for (const origin of ['https://shop.example/path', 'https://*.shop.example', 'null', 'javascript:alert(1)']) {
      await expect(run('site:update', '--site', started.siteKey, '--origin', origin)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/PAYLOAD_INVALID.*\/origins\/0/) });
    }
    await expect(run('site:add', '--name', 'Bad', '--origin', 'https://*.bad.example')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('PAYLOAD_INVALID') });
    await expect(run('site:update', '--site', 'site_nowhere', '--name', 'x')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('SITE_NOT_FOUND') });
    expect(await started.app.store.getSite(started.siteKey)).toEqual(before);
  }, 90_000);

  it('lists agents and changes every field, with the schema’s and the last admin’s refusals', async () => {
    const agents = (await json('agent:list', '--site', started.siteKey)) as { id: string; role: string; disabled: boolean }[];
    expect(agents.map((a) => a.id)).toEqual(expect.arrayContaining([started.adminAgent.view.id, started.serviceAgent.view.id]));
    expect(JSON.stringify(agents)).not.toMatch(/passwordHash|scrypt/);
    const id = started.serviceAgent.view.id;
    expect(await json('agent:update', '--site', started.siteKey, '--id', id, '--name', 'Sam T.', '--skills', 'service,support', '--capacity', '5', '--role', 'lead', '--password', 'a-new-password')).toMatchObject({
      name: 'Sam T.',
      skills: ['service', 'support'],
      capacity: 5,
      role: 'lead',
    });
    const before = await started.app.store.getAgent(started.siteKey, started.adminAgent.view.id);
    await expect(run('agent:update', '--site', started.siteKey, '--id', started.adminAgent.view.id, '--role', 'agent')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('LAST_ADMIN') });
    await expect(run('agent:update', '--site', started.siteKey, '--id', id, '--role', 'owner')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/PAYLOAD_INVALID.*\/role/) });
    await expect(run('agent:update', '--site', started.siteKey, '--id', id)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('at least one of') });
    expect(await started.app.store.getAgent(started.siteKey, started.adminAgent.view.id)).toEqual(before);
  }, 90_000);

  it('lists API tokens without their secrets and revokes one', async () => {
    const made = await started.app.apiTokens.create(started.siteKey, 'Lobby', 'test');
    const listed = (await json('token:list', '--site', started.siteKey)) as { id: string; name: string }[];
    expect(listed).toEqual([{ id: made.id, name: 'Lobby', createdAt: made.createdAt, lastUsedAt: null }]);
    expect(await json('token:revoke', '--site', started.siteKey, '--id', made.id)).toEqual({ revoked: made.id });
    await expect(started.app.apiTokens.verify(made.token)).rejects.toMatchObject({ code: 'API_TOKEN_INVALID' });
    await expect(run('token:revoke', '--site', started.siteKey, '--id', made.id)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('API_TOKEN_NOT_FOUND') });
    expect((await started.app.audit.list(started.siteKey, 1))[0]).toMatchObject({ action: 'api-token.revoke', actor: 'operator', target: made.id });
  }, 90_000);
});
