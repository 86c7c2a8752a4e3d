import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VisitorExport } from '../../server/domain/privacy';
import type { AuditEntry } from '../../server/store/store';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { QUIET_SWEEP_ENV } from '../helpers/data-snapshot';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400_000;

describe('privacy: export and delete a visitor, retention, IP addresses only on request, and the audit trail', () => {
  let started: StartedApp;
  /** The app's clock runs with real time, shifted by this much (a month later, for retention). */
  let shift = 0;
  let adminCookie: string;

  const api = (method: string, path: string, body?: unknown, cookie = adminCookie) => siteApi(started, method, path, cookie, body);

  const say = async (visitor: VisitorClient, text: string) =>
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));

  /** A visitor with one resolved conversation and one waiting, two messages each. */
  async function visitorWithHistory() {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { visitorId, token } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const agent = await connectAgent(started.url, started.bothAgent);
    const first = (await say(visitor, 'I was charged twice for my order')).conversation;
    await say(visitor, 'order 1042');
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: first.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: first.id }));
    const second = (await say(visitor, 'Can I change my delivery address?')).conversation;
    await say(visitor, 'to 1 Main St');
    return { visitor, visitorId, token, conversationIds: [first.id, second.id] };
  }

  beforeAll(async () => {
    await assertRedisReachable();
    // The clock jumps a month: without a quiet sweep every agent would count as long gone.
    started = await startApp({ env: QUIET_SWEEP_ENV, overrides: { now: () => Date.now() + shift } });
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('exports everything about one visitor as JSON, for the site admin only, and audits it', async () => {
    const { visitorId, conversationIds, visitor } = await visitorWithHistory();
    await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'cust-9', name: 'Ada' });
    const response = await api('GET', `/visitors/${visitorId}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`visitor-${visitorId}.json`);
    const data = (await response.json()) as VisitorExport;
    expect(data.visitor).toEqual({ id: visitorId, identity: { userId: 'cust-9', name: 'Ada', verified: false } });
    expect(data.conversations.map((c) => c.id)).toEqual(conversationIds);
    expect(data.conversations.map((c) => c.messages.map((m) => m.text))).toEqual([
      ['I was charged twice for my order', 'order 1042'],
      ['Can I change my delivery address?', 'to 1 Main St'],
    ]);

    const agentCookie = await logIn(started.url, started.serviceAgent);
    expect((await api('GET', `/visitors/${visitorId}/export`, undefined, agentCookie)).status).toBe(403);
    const audit = (await (await api('GET', '/audit?limit=5')).json()) as { entries: { action: string; target: string; actor: string }[] };
    expect(audit.entries[0]).toMatchObject({ action: 'visitor.export', target: visitorId, actor: expect.stringContaining(started.adminAgent.email) });
  });

  it('deletes every conversation, message and identity of a visitor, and nothing of anyone else', async () => {
    const { visitorId, conversationIds } = await visitorWithHistory();
    const bystander = await visitorWithHistory();
    const response = await api('DELETE', `/visitors/${visitorId}`);
    expect(await response.json()).toEqual({ deletedConversations: 2 });
    for (const id of conversationIds) {
      expect(await started.app.store.getConversation(started.siteKey, id)).toBeNull();
      expect(await started.app.store.messagesAfter(started.siteKey, id, undefined, 10)).toEqual([]);
    }
    expect(await started.app.store.listVisitorConversations(started.siteKey, visitorId)).toEqual([]);
    expect((await started.app.store.listQueue(started.siteKey, 'service', 100)).entries.map((e) => e.conversationId)).not.toContain(
      conversationIds[1],
    );
    expect((await started.app.store.listVisitorConversations(started.siteKey, bystander.visitorId)).length).toBe(2);
    const audit = (await (await api('GET', '/audit?limit=1')).json()) as { entries: { action: string; details: unknown }[] };
    expect(audit.entries[0]).toMatchObject({ action: 'visitor.delete', details: { deletedConversations: 2 } });
  });

  it('deletes resolved conversations older than the retention period and keeps open ones', async () => {
    expect((await api('PATCH', '/routing/settings', { retentionDays: 30 })).status).toBe(200);
    try {
      const { conversationIds } = await visitorWithHistory();
      shift += 31 * DAY;
      // A month later the admin's session has expired too: log in again.
      adminCookie = await logIn(started.url, started.adminAgent);
      const recent = await visitorWithHistory();
      const { deleted } = await started.app.privacy.applyRetention(started.siteKey);
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await started.app.store.getConversation(started.siteKey, conversationIds[0]!)).toBeNull();
      expect(await started.app.store.getConversation(started.siteKey, conversationIds[1]!)).toMatchObject({ status: 'waiting' });
      for (const id of recent.conversationIds) expect(await started.app.store.getConversation(started.siteKey, id)).not.toBeNull();
      const audit = (await (await api('GET', '/audit?limit=1')).json()) as { entries: { action: string; actor: string }[] };
      expect(audit.entries[0]).toMatchObject({ action: 'retention.apply', actor: 'system' });
    } finally {
      await api('PATCH', '/routing/settings', { retentionDays: null });
    }
  });

  it('keeps the visitor’s IP address only when the site turns it on', async () => {
    const quiet = await connectVisitor(started.url, { siteKey: started.siteKey });
    const stored = async (sent: { conversation: { id: string } }) => started.app.store.getConversation(started.siteKey, sent.conversation.id);
    expect((await stored(await say(quiet, 'hello, where is my order')))!.visitorIp).toBeUndefined();
    await api('PATCH', '/routing/settings', { storeVisitorIp: true });
    try {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      const sent = await say(visitor, 'hello, where is my parcel');
      expect((await stored(sent))!.visitorIp).toMatch(/127\.0\.0\.1/);
      // Kept for the team, never sent back to the visitor's widget.
      expect(sent.conversation).not.toHaveProperty('visitorIp');
    } finally {
      await api('PATCH', '/routing/settings', { storeVisitorIp: false });
    }
  });

  it('records admin actions with who, when and what', async () => {
    const before = Date.now() + shift;
    await api('POST', '/routing/rules', { phrase: 'warranty', queue: 'service' });
    const { entries } = (await (await api('GET', '/audit?limit=2')).json()) as { entries: { action: string; actor: string; at: number; details: unknown }[] };
    expect(entries[0]).toMatchObject({ action: 'routing.rule.add', details: { phrase: 'warranty', queue: 'service' } });
    expect(entries[0]!.at).toBeGreaterThanOrEqual(before);
    expect(entries[0]!.actor).toBe(`agent:${started.adminAgent.view.id} ${started.adminAgent.email}`);
    expect((await api('GET', '/audit?limit=0')).status).toBe(400);
    expect((await api('GET', '/audit', undefined, await logIn(started.url, started.supportAgent))).status).toBe(403);
  });

  it('does the same from the operators’ CLI, audited as the operator', async () => {
    const { visitorId } = await visitorWithHistory();
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
      });
    const exported = JSON.parse((await run('visitor:export', '--site', started.siteKey, '--visitor', visitorId)).stdout) as VisitorExport;
    expect(exported.conversations).toHaveLength(2);
    expect(JSON.parse((await run('visitor:delete', '--site', started.siteKey, '--visitor', visitorId)).stdout)).toEqual({ deletedConversations: 2 });
    const audit = JSON.parse((await run('audit', '--site', started.siteKey, '--limit', '2')).stdout) as AuditEntry[];
    // The export's entry named the visitor: the erasure removed it and keeps who did it, and when, in its own.
    expect(audit[0]).toMatchObject({ action: 'visitor.delete', actor: 'operator', details: { auditEntries: [{ action: 'visitor.export', actor: 'operator' }] } });
    expect(JSON.stringify(audit)).not.toContain(visitorId);
    await expect(run('visitor:delete', '--site', started.siteKey)).rejects.toMatchObject({ code: 2 });
  });
});
