/**
 * The admin REST API (issue 16): sites, agents, API tokens, the audit trail, accounts. Each refusal
 * carries a catalogued code and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOKEN_REVOKED_CLOSE_CODE } from '../../server/http/metrics-live';
import { identityHash } from '../../server/domain/visitor-identity';
import { connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { addSecondSite, type SecondSite } from '../helpers/second-site';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';

interface ErrorReply {
  error: { code: string; details?: Record<string, unknown> };
}

describe('the admin REST API', () => {
  let started: StartedApp;
  let rival: SecondSite;
  let admin: string;
  let agent: string;
  let lead: TestAgent;
  let leadCookie: string;

  /** A call to `/api/v1<path>` with a cookie; the answer's status and JSON body. */
  async function call(method: string, path: string, cookie: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${started.url}/api/v1${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  const codeOf = (reply: { body: ErrorReply }) => reply.body.error.code;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    rival = await addSecondSite(started);
    admin = await logIn(started.url, started.adminAgent);
    agent = await logIn(started.url, started.serviceAgent);
    lead = { email: `lead-${randomUUID().slice(0, 8)}@agents.example`, password: 'lead-password', view: null as never };
    lead.view = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email: lead.email, password: lead.password, skills: ['service'], role: 'lead' });
    leadCookie = await logIn(started.url, lead);
  });

  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  describe('sites', () => {
    it('lists the sites an admin administers, and none for a plain agent', async () => {
      const mine = await call('GET', '/sites', admin);
      expect(mine.status).toBe(200);
      expect(mine.body.sites).toEqual([
        {
          key: started.siteKey,
          name: 'Test shop',
          origins: ['https://shop.example'],
          createdAt: expect.any(Number),
          snippet: `<script src="${started.app.config.publicUrl}/widget.js" data-site="${started.siteKey}" async></script>`,
        },
      ]);
      expect(JSON.stringify(mine.body)).not.toContain('identitySecret');
      expect((await call('GET', '/sites', agent)).body).toEqual({ sites: [] });
    });

    it('creates a site its creator administers from then on; the identity secret is in that answer only', async () => {
      const created = await call('POST', '/sites', admin, { name: 'Second shop', origins: ['https://second.example/', 'https://second.example:8443'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Second shop', origins: ['https://second.example', 'https://second.example:8443'], identitySecret: expect.any(String) });
      const key = created.body.key as string;
      const stored = await started.app.store.getSite(key);
      expect(stored?.identitySecret).toBe(created.body.identitySecret);
      expect((await call('GET', '/sites', admin)).body.sites.map((s: { key: string }) => s.key)).toEqual([started.siteKey, key]);
      expect((await call('GET', `/sites/${key}`, admin)).body).not.toHaveProperty('identitySecret');
      // Its settings, agents and tokens are the creator's to manage; nobody else's.
      expect((await call('GET', `/sites/${key}/agents`, admin)).status).toBe(200);
      expect((await call('GET', `/sites/${key}/routing`, admin)).status).toBe(200);
      const rivalAdmin = await logIn(started.url, rival.admin);
      expect(codeOf(await call('GET', `/sites/${key}`, rivalAdmin))).toBe('SITE_NOT_FOUND');
      expect((await call('GET', '/sites', rivalAdmin)).body.sites.map((s: { key: string }) => s.key)).toEqual([rival.siteKey]);
      const audit = await call('GET', `/sites/${key}/audit?action=site.add`, admin);
      expect(audit.body.entries).toEqual([expect.objectContaining({ actor: `agent:${started.adminAgent.view.id} ${started.adminAgent.email}`, target: key })]);
    });

    it('renames a site and replaces its origins; a page on a new origin then connects', async () => {
      const renamed = await siteApi(started, 'PATCH', '', admin, { name: 'Test shop', origins: ['https://shop.example', 'https://new.example'] });
      expect(renamed.status).toBe(200);
      expect(await renamed.json()).toMatchObject({ name: 'Test shop', origins: ['https://shop.example', 'https://new.example'] });
      expect((await started.app.store.getSite(started.siteKey))?.origins).toEqual(['https://shop.example', 'https://new.example']);
      (await connectVisitor(started.url, { siteKey: started.siteKey }, { origin: 'https://new.example' })).disconnect();
      await siteApi(started, 'PATCH', '', admin, { origins: ['https://shop.example'] });
      await expect(connectVisitor(started.url, { siteKey: started.siteKey }, { origin: 'https://new.example' })).rejects.toThrow();
    });

    it.each([
      ['a path', 'https://shop.example/checkout'],
      ['a wildcard', 'https://*.shop.example'],
      ['null', 'null'],
      ['javascript:', 'javascript:alert(1)'],
      ['no scheme', 'shop.example'],
      ['another scheme', 'ftp://shop.example'],
      ['credentials', 'https://user:pw@shop.example'],
    ])('refuses an origin that is %s, on create and edit, changing nothing', async (_what, origin) => {
      const before = await started.app.store.getSite(started.siteKey);
      const sitesBefore = await started.app.store.listSiteKeys();
      const edit = await siteApi(started, 'PATCH', '', admin, { origins: ['https://shop.example', origin] });
      expect(edit.status).toBe(400);
      expect(((await edit.json()) as ErrorReply).error).toMatchObject({ code: 'PAYLOAD_INVALID', details: { path: '/origins/1' } });
      const create = await call('POST', '/sites', admin, { name: 'Bad', origins: [origin] });
      expect(create.status).toBe(400);
      expect(create.body.error).toMatchObject({ code: 'PAYLOAD_INVALID', details: { path: '/origins/0' } });
      expect(await started.app.store.getSite(started.siteKey)).toEqual(before);
      expect(await started.app.store.listSiteKeys()).toEqual(sitesBefore);
    });

    it('rotates the identity secret: identities signed with the old one no longer verify', async () => {
      const before = (await started.app.store.getSite(started.siteKey))!.identitySecret;
      const rotated = await siteApi(started, 'POST', '/identity-secret', admin);
      expect(rotated.status).toBe(200);
      const { identitySecret } = (await rotated.json()) as { identitySecret: string };
      expect(identitySecret).not.toBe(before);
      expect((await started.app.store.getSite(started.siteKey))!.identitySecret).toBe(identitySecret);
      expect(identityHash(identitySecret, 'u1')).not.toBe(identityHash(before, 'u1'));
      expect((await started.app.audit.list(started.siteKey, 1))[0]).toMatchObject({ action: 'site.identity-secret.rotate' });
    });
  });

  describe('agents', () => {
    it('lists the site’s agents with their role and whether they are disabled, never a password', async () => {
      const listed = await siteApi(started, 'GET', '/agents', admin);
      expect(listed.status).toBe(200);
      const { agents } = (await listed.json()) as { agents: { id: string; role: string; disabled: boolean }[] };
      expect(agents.map((a) => a.id)).toEqual(expect.arrayContaining([started.adminAgent.view.id, started.serviceAgent.view.id, lead.view.id]));
      expect(agents.find((a) => a.id === lead.view.id)).toMatchObject({ role: 'lead', disabled: false });
      expect(agents.some((a) => a.id === rival.agent.view.id)).toBe(false);
      expect(JSON.stringify(agents)).not.toMatch(/password|scrypt/i);
    });

    it('adds an agent who can then log in, and edits their name, skills, capacity and role', async () => {
      const email = `new-${randomUUID().slice(0, 8)}@agents.example`;
      const added = await siteApi(started, 'POST', '/agents', admin, { email, password: 'first-password', skills: ['support'], name: 'Nell' });
      expect(added.status).toBe(201);
      const view = (await added.json()) as { id: string };
      expect(view).toMatchObject({ email, name: 'Nell', skills: ['support'], role: 'agent', capacity: 3, disabled: false, siteKey: started.siteKey });
      await logIn(started.url, { email, password: 'first-password' });
      const edited = await siteApi(started, 'PATCH', `/agents/${view.id}`, admin, { name: 'Nell B.', skills: ['service', 'support'], capacity: 5, role: 'lead' });
      expect(edited.status).toBe(200);
      expect(await edited.json()).toMatchObject({ name: 'Nell B.', skills: ['service', 'support'], capacity: 5, role: 'lead' });
      expect(await started.app.store.getAgent(started.siteKey, view.id)).toMatchObject({ name: 'Nell B.', capacity: 5, role: 'lead' });
    });

    it('resets a password: the old one and every session stop working, the new one logs in', async () => {
      const email = `reset-${randomUUID().slice(0, 8)}@agents.example`;
      const { id } = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email, password: 'old-password', skills: ['service'] });
      const cookie = await logIn(started.url, { email, password: 'old-password' });
      expect((await siteApi(started, 'PATCH', `/agents/${id}`, admin, { password: 'new-password' })).status).toBe(200);
      expect((await call('GET', '/sessions/current', cookie)).status).toBe(401);
      await expect(logIn(started.url, { email, password: 'old-password' })).rejects.toThrow(/401/);
      await logIn(started.url, { email, password: 'new-password' });
      const [entry] = await started.app.audit.list(started.siteKey, 1, { action: 'agent.update' });
      expect(entry).toMatchObject({ target: id, details: { password: 'reset' } });
      expect(JSON.stringify(entry)).not.toContain('new-password');
    });

    it('refuses to demote, disable or otherwise lose the last enabled admin (LAST_ADMIN), changing nothing', async () => {
      const id = started.adminAgent.view.id;
      const before = await started.app.store.getAgent(started.siteKey, id);
      for (const patch of [{ role: 'agent' }, { role: 'lead' }, { disabled: true }]) {
        const refused = await siteApi(started, 'PATCH', `/agents/${id}`, admin, patch);
        expect(refused.status).toBe(409);
        expect(((await refused.json()) as ErrorReply).error.code).toBe('LAST_ADMIN');
      }
      expect(await started.app.store.getAgent(started.siteKey, id)).toEqual(before);
      // With a second admin, the first may step down.
      const email = `second-admin-${randomUUID().slice(0, 8)}@agents.example`;
      const second = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email, password: 'admin-password', skills: ['service'], role: 'admin' });
      expect((await siteApi(started, 'PATCH', `/agents/${second.id}`, admin, { role: 'agent' })).status).toBe(200);
    });

    it('refuses a role escalation by a lead, and every admin route to a plain agent or a lead (FORBIDDEN), changing nothing', async () => {
      const before = await started.app.store.getAgent(started.siteKey, lead.view.id);
      const self = await siteApi(started, 'PATCH', `/agents/${lead.view.id}`, leadCookie, { role: 'admin' });
      expect(self.status).toBe(403);
      expect(((await self.json()) as ErrorReply).error.code).toBe('FORBIDDEN');
      expect(await started.app.store.getAgent(started.siteKey, lead.view.id)).toEqual(before);
      const routes: [string, string, unknown?][] = [
        ['POST', '/sites', { name: 'Mine', origins: ['https://mine.example'] }],
        ['GET', `/sites/${started.siteKey}`],
        ['PATCH', `/sites/${started.siteKey}`, { name: 'Mine' }],
        ['POST', `/sites/${started.siteKey}/identity-secret`],
        ['GET', `/sites/${started.siteKey}/agents`],
        ['POST', `/sites/${started.siteKey}/agents`, { email: 'x@agents.example', password: 'password-x', skills: ['service'] }],
        ['PATCH', `/sites/${started.siteKey}/agents/${started.serviceAgent.view.id}`, { capacity: 1 }],
        ['GET', `/sites/${started.siteKey}/api-tokens`],
        ['POST', `/sites/${started.siteKey}/api-tokens`, { name: 'x' }],
        ['DELETE', `/sites/${started.siteKey}/api-tokens/abcdef0123456789`],
        ['GET', `/sites/${started.siteKey}/audit`],
        ['PATCH', `/sites/${started.siteKey}/routing/settings`, { npsSurvey: true }],
        ['GET', `/sites/${started.siteKey}/webhooks`],
      ];
      const auditBefore = await started.app.audit.list(started.siteKey, 1000);
      for (const cookie of [agent, leadCookie]) {
        for (const [method, path, body] of routes) {
          const reply = await call(method, path, cookie, body);
          expect([reply.status, codeOf(reply), `${method} ${path}`]).toEqual([403, 'FORBIDDEN', `${method} ${path}`]);
        }
      }
      expect(await started.app.audit.list(started.siteKey, 1000)).toEqual(auditBefore);
    });

    it('answers another site’s agent as not found, from either site’s path, changing nothing', async () => {
      const before = await started.app.store.getAgent(rival.siteKey, rival.agent.view.id);
      const viaRival = await call('PATCH', `/sites/${rival.siteKey}/agents/${rival.agent.view.id}`, admin, { disabled: true });
      expect([viaRival.status, codeOf(viaRival)]).toEqual([404, 'SITE_NOT_FOUND']);
      const viaOwn = await siteApi(started, 'PATCH', `/agents/${rival.agent.view.id}`, admin, { disabled: true });
      expect(((await viaOwn.json()) as ErrorReply).error.code).toBe('AGENT_NOT_FOUND');
      expect(await started.app.store.getAgent(rival.siteKey, rival.agent.view.id)).toEqual(before);
    });
  });

  describe('API tokens', () => {
    it('makes a token shown once, lists it with its last use (never the secret), and revokes it: its open feed closes and a new one is refused', async () => {
      const created = await siteApi(started, 'POST', '/api-tokens', admin, { name: 'Lobby screen' });
      expect(created.status).toBe(201);
      const { id, token } = (await created.json()) as { id: string; token: string };
      let list = (await (await siteApi(started, 'GET', '/api-tokens', admin)).json()) as { tokens: { id: string; lastUsedAt: number | null }[] };
      expect(list.tokens.find((t) => t.id === id)).toEqual({ id, name: 'Lobby screen', createdAt: expect.any(Number), lastUsedAt: null });
      expect(JSON.stringify(list)).not.toContain(token.split('.')[1]);

      const feedUrl = `${started.url.replace('http', 'ws')}/api/v1/metrics/live?token=${encodeURIComponent(token)}`;
      const feed = new WebSocket(feedUrl);
      await new Promise((resolve, reject) => {
        feed.once('message', resolve);
        feed.once('error', reject);
      });
      list = (await (await siteApi(started, 'GET', '/api-tokens', admin)).json()) as typeof list;
      expect(list.tokens.find((t) => t.id === id)!.lastUsedAt).toEqual(expect.any(Number));

      const closed = new Promise<{ code: number; reason: string }>((resolve) => feed.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
      const revoked = await siteApi(started, 'DELETE', `/api-tokens/${id}`, admin);
      expect(revoked.status).toBe(204);
      expect(await closed).toEqual({ code: TOKEN_REVOKED_CLOSE_CODE, reason: 'API_TOKEN_INVALID' });
      const refused = await new Promise<number>((resolve, reject) => {
        const again = new WebSocket(feedUrl);
        again.on('open', () => reject(new Error('the feed opened')));
        again.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        again.on('error', () => {});
      });
      expect(refused).toBe(401);
      list = (await (await siteApi(started, 'GET', '/api-tokens', admin)).json()) as typeof list;
      expect(list.tokens.some((t) => t.id === id)).toBe(false);
      const twice = await siteApi(started, 'DELETE', `/api-tokens/${id}`, admin);
      expect([twice.status, ((await twice.json()) as ErrorReply).error.code]).toEqual([404, 'API_TOKEN_NOT_FOUND']);
    });
  });

  describe('the audit trail', () => {
    it('filters by actor, action family and time', async () => {
      const t0 = Date.now();
      await siteApi(started, 'PATCH', `/agents/${started.bothAgent.view.id}`, admin, { capacity: 7 });
      const byAction = (await (await siteApi(started, 'GET', `/audit?action=agent.update&from=${t0}`, admin)).json()) as { entries: { target: string }[] };
      expect(byAction.entries.map((e) => e.target)).toEqual([started.bothAgent.view.id]);
      const byActor = (await (await siteApi(started, 'GET', `/audit?actor=${started.adminAgent.view.id}&action=agent.&limit=2`, admin)).json()) as { entries: { actor: string }[] };
      expect(byActor.entries).toHaveLength(2);
      expect(byActor.entries.every((e) => e.actor.startsWith(`agent:${started.adminAgent.view.id} `))).toBe(true);
      const later = (await (await siteApi(started, 'GET', `/audit?from=${Date.now() + 60_000}`, admin)).json()) as { entries: unknown[] };
      expect(later.entries).toEqual([]);
      for (const query of ['action=Agent Update', 'from=yesterday', 'from=2026-13-45', 'limit=0', 'who=me']) {
        const bad = await siteApi(started, 'GET', `/audit?${query}`, admin);
        expect([bad.status, ((await bad.json()) as ErrorReply).error.code]).toEqual([400, 'PAYLOAD_INVALID']);
      }
    });
  });

  describe('accounts', () => {
    it('changes the agent’s own password with the current one; a wrong one is PASSWORD_WRONG and changes nothing', async () => {
      const email = `own-${randomUUID().slice(0, 8)}@agents.example`;
      const { id } = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email, password: 'own-password', skills: ['service'] });
      const cookie = await logIn(started.url, { email, password: 'own-password' });
      const other = await logIn(started.url, { email, password: 'own-password' });
      const hashBefore = (await started.app.store.getAgent(started.siteKey, id))!.passwordHash;
      const wrong = await call('PUT', '/account/password', cookie, { currentPassword: 'not-it', newPassword: 'better-password' });
      expect([wrong.status, codeOf(wrong)]).toEqual([403, 'PASSWORD_WRONG']);
      expect((await started.app.store.getAgent(started.siteKey, id))!.passwordHash).toBe(hashBefore);
      const short = await call('PUT', '/account/password', cookie, { currentPassword: 'own-password', newPassword: 'short' });
      expect([short.status, codeOf(short)]).toEqual([400, 'PAYLOAD_INVALID']);

      const response = await fetch(`${started.url}/api/v1/account/password`, {
        method: 'PUT',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword: 'own-password', newPassword: 'better-password' }),
      });
      expect(response.status).toBe(204);
      const renewed = response.headers.getSetCookie().find((c) => c.startsWith('sb_session='))!.split(';')[0]!;
      expect((await call('GET', '/sessions/current', renewed)).status).toBe(200);
      // Every other session ended, the old cookie of this browser too.
      expect((await call('GET', '/sessions/current', other)).status).toBe(401);
      expect((await call('GET', '/sessions/current', cookie)).status).toBe(401);
      await logIn(started.url, { email, password: 'better-password' });
    });

    it('answers "forgot password" with EMAIL_DISABLED when the server sends no email', async () => {
      const reply = await call('POST', '/password-resets', '', { email: started.serviceAgent.email });
      expect([reply.status, codeOf(reply)]).toEqual([503, 'EMAIL_DISABLED']);
      const confirm = await call('POST', '/password-resets/confirm', '', { token: 'x'.repeat(43), password: 'whatever-password' });
      expect([confirm.status, codeOf(confirm)]).toEqual([400, 'RESET_TOKEN_INVALID']);
    });
  });
});
