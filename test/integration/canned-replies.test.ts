/**
 * Canned replies over REST: any agent of the site lists them, leads and admins change them; every
 * bad input gets its code and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../server/domain/sites';
import { MAX_CANNED_REPLY_LENGTH } from '../../shared/limits';
import type { CannedReply, CannedReplyList } from '../../shared/schemas';
import { logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';

describe('canned replies', () => {
  let started: StartedApp;
  const cookies = { agent: '', lead: '', admin: '', rivalLead: '' };
  let rivalSite: string;

  const call = async (method: string, path: string, cookie: string, body?: unknown) => {
    const response = await fetch(`${started.url}/api/v1/sites/${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
  const site = (rest = '') => `${started.siteKey}/canned-replies${rest}`;
  const list = async () => (await call('GET', site(), cookies.admin)).body as unknown as CannedReplyList;
  const codeOf = (r: { body: Record<string, unknown> | null }) => (r.body?.error as { code: string } | undefined)?.code;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    const lead = { email: `lee-${randomUUID()}@agents.example`, password: 'lee-password' };
    await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, ...lead, name: 'Lee', skills: ['service'], role: 'lead', capacity: 3 });
    rivalSite = `rival_${randomUUID().slice(0, 8)}`;
    await addSite(started.app.store, { key: rivalSite, name: 'Rival', origins: ['https://rival.example'] });
    const rivalLead = { email: `rl-${randomUUID()}@agents.example`, password: 'rival-password' };
    await started.app.agentAccounts.addAgent({ siteKey: rivalSite, ...rivalLead, name: 'Rhea', skills: ['service'], role: 'lead', capacity: 3 });
    cookies.agent = await logIn(started.url, started.serviceAgent);
    cookies.admin = await logIn(started.url, started.adminAgent);
    cookies.lead = await logIn(started.url, lead);
    cookies.rivalLead = await logIn(started.url, rivalLead);
  });
  afterAll(() => started?.close());

  it('lets a lead add, change and remove them, and any agent of the site list them with the site name', async () => {
    const created = await call('POST', site(), cookies.lead, { shortcut: 'refund', text: '  Hi {{visitor.firstName}}, your refund is on its way.  ' });
    expect(created.status).toBe(201);
    const reply = created.body as unknown as CannedReply;
    expect(reply).toMatchObject({ shortcut: 'refund', text: 'Hi {{visitor.firstName}}, your refund is on its way.' });
    const seen = await call('GET', site(), cookies.agent);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ replies: [reply], siteName: 'Test shop' });
    const changed = await call('PATCH', site(`/${reply.id}`), cookies.admin, { shortcut: 'refunds' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: reply.id, shortcut: 'refunds', text: reply.text });
    expect((await call('DELETE', site(`/${reply.id}`), cookies.lead)).status).toBe(204);
    expect((await list()).replies).toEqual([]);
  });

  it('refuses bad input with a clear code each, changing nothing', async () => {
    const kept = (await call('POST', site(), cookies.lead, { shortcut: 'hello', text: 'Hello {{visitor.firstName}}' })).body as unknown as CannedReply;
    const other = (await call('POST', site(), cookies.lead, { shortcut: 'bye', text: 'Bye' })).body as unknown as CannedReply;
    const before = await list();
    const cases: [string, Promise<{ status: number; body: Record<string, unknown> | null }>, number, string][] = [
      ['too long', call('POST', site(), cookies.lead, { shortcut: 'long', text: 'x'.repeat(MAX_CANNED_REPLY_LENGTH + 1) }), 413, 'MESSAGE_TOO_LONG'],
      ['empty', call('POST', site(), cookies.lead, { shortcut: 'empty', text: '   ' }), 400, 'MESSAGE_EMPTY'],
      ['duplicate shortcut', call('POST', site(), cookies.lead, { shortcut: 'hello', text: 'again' }), 409, 'CANNED_SHORTCUT_TAKEN'],
      ['renamed onto another', call('PATCH', site(`/${other.id}`), cookies.lead, { shortcut: 'hello' }), 409, 'CANNED_SHORTCUT_TAKEN'],
      ['shortcut with spaces', call('POST', site(), cookies.lead, { shortcut: 'two words', text: 'x' }), 400, 'PAYLOAD_INVALID'],
      ['shortcut with capitals and a slash', call('POST', site(), cookies.lead, { shortcut: '/Hello', text: 'x' }), 400, 'PAYLOAD_INVALID'],
      ['extra field', call('POST', site(), cookies.lead, { shortcut: 'x', text: 'x', admin: true }), 400, 'PAYLOAD_INVALID'],
      ['empty patch', call('PATCH', site(`/${kept.id}`), cookies.lead, {}), 400, 'PAYLOAD_INVALID'],
      ['unknown id', call('PATCH', site('/cr_nope'), cookies.lead, { text: 'x' }), 404, 'CANNED_REPLY_NOT_FOUND'],
      ['delete unknown id', call('DELETE', site('/cr_nope'), cookies.lead), 404, 'CANNED_REPLY_NOT_FOUND'],
      ['plain agent adds', call('POST', site(), cookies.agent, { shortcut: 'mine', text: 'x' }), 403, 'FORBIDDEN'],
      ['plain agent changes', call('PATCH', site(`/${kept.id}`), cookies.agent, { text: 'x' }), 403, 'FORBIDDEN'],
      ['plain agent removes', call('DELETE', site(`/${kept.id}`), cookies.agent), 403, 'FORBIDDEN'],
      ['no session', call('GET', site(), ''), 401, 'AUTH_REQUIRED'],
      ["another site's lead reads", call('GET', site(), cookies.rivalLead), 404, 'SITE_NOT_FOUND'],
      ["another site's lead changes", call('PATCH', site(`/${kept.id}`), cookies.rivalLead, { text: 'x' }), 404, 'SITE_NOT_FOUND'],
      ["another site's reply id through one's own site", call('PATCH', `${rivalSite}/canned-replies/${kept.id}`, cookies.rivalLead, { text: 'x' }), 404, 'CANNED_REPLY_NOT_FOUND'],
      ["another site's reply id, removed through one's own site", call('DELETE', `${rivalSite}/canned-replies/${kept.id}`, cookies.rivalLead), 404, 'CANNED_REPLY_NOT_FOUND'],
    ];
    for (const [what, request, status, code] of cases) {
      const response = await request;
      expect({ what, status: response.status, code: codeOf(response) }).toEqual({ what, status, code });
    }
    expect(await list()).toEqual(before);
  });
});
