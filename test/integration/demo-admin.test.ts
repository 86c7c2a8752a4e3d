/**
 * The embedded demo is configurable: `npm start` without Redis seeds an admin beside the two agents,
 * and the admin routes work on the in-memory store (issue 16).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { seedDemo, type DemoAccounts } from '../../server/demo/seed';

describe('the embedded demo’s admin', () => {
  let app: FastifyInstance;
  let demo: DemoAccounts;
  let cookie: string;

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object) => {
    const response = await app.inject({ method, url: `/api/v1${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.body ? (response.json() as Record<string, any>) : null };
  };

  beforeAll(async () => {
    // No REDIS_URL: the embedded store, as `npm start` runs it.
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DEMO: 'false', SESSION_SECRET: 'test-secret-that-is-long-enough-for-the-check' }), { sleep: async () => {} });
    expect('redis' in app.store).toBe(false);
    demo = await seedDemo(app, ['http://localhost:8080']);
    // Seeding twice (a restart on a store that kept the demo) adds nobody twice.
    await seedDemo(app, ['http://localhost:8080']);
    const admin = demo.agents.find((a) => a.role === 'admin')!;
    const login = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: admin.email, password: admin.password } });
    expect(login.statusCode).toBe(200);
    cookie = login.headers['set-cookie']!.toString().split(';')[0]!;
  });
  afterAll(() => app?.close());

  it('seeds an admin with printed credentials beside the two agents', () => {
    expect(demo.agents).toEqual([
      { email: 'service@demo.switchboard', password: 'service-demo', skills: 'service', role: 'agent' },
      { email: 'support@demo.switchboard', password: 'support-demo', skills: 'support', role: 'agent' },
      { email: 'admin@demo.switchboard', password: 'admin-demo', skills: 'service,support', role: 'admin' },
    ]);
  });

  it('runs every admin use case on the in-memory store: sites, agents, tokens, settings, audit', async () => {
    expect((await call('GET', '/sites')).body!.sites.map((s: { key: string }) => s.key)).toEqual([demo.siteKey]);
    expect((await call('PATCH', `/sites/${demo.siteKey}`, { origins: ['http://localhost:8080', 'https://demo.example'] })).status).toBe(200);
    expect((await call('POST', `/sites/${demo.siteKey}/identity-secret`)).status).toBe(200);
    const created = await call('POST', '/sites', { name: 'Another shop', origins: ['https://another.example'] });
    expect(created.status).toBe(201);
    const added = await call('POST', `/sites/${created.body!.key}/agents`, { email: 'new@another.example', password: 'another-password', skills: ['service'] });
    expect(added.status).toBe(201);
    expect((await call('GET', `/sites/${created.body!.key}/agents`)).body!.agents).toHaveLength(1);
    const agents = (await call('GET', `/sites/${demo.siteKey}/agents`)).body!.agents as { id: string; email: string }[];
    const sam = agents.find((a) => a.email === 'service@demo.switchboard')!;
    expect((await call('PATCH', `/sites/${demo.siteKey}/agents/${sam.id}`, { capacity: 4, role: 'lead' })).body).toMatchObject({ capacity: 4, role: 'lead' });
    const token = await call('POST', `/sites/${demo.siteKey}/api-tokens`, { name: 'Wall' });
    expect((await call('GET', `/sites/${demo.siteKey}/api-tokens`)).body!.tokens).toHaveLength(1);
    expect((await call('DELETE', `/sites/${demo.siteKey}/api-tokens/${token.body!.id}`)).status).toBe(204);
    expect((await call('PATCH', `/sites/${demo.siteKey}/routing/settings`, { npsSurvey: true })).status).toBe(200);
    const audit = (await call('GET', `/sites/${demo.siteKey}/audit?action=api-token.`)).body!.entries as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(['api-token.revoke', 'api-token.create']);
  });
});
