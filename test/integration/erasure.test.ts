/**
 * A visitor's erasure leaves nothing of them behind: a visitor whose name, email, identity,
 * messages, the agents' transfer and hand-over notes, survey comment and three conversations
 * (transferred, rated, reopened and handed over; a left message; abandoned) all carry a unique
 * marker goes through everything the product does, then `DELETE /api/v1/sites/:key/visitors/:id`;
 * then every key of the test's Redis prefix, name and content, whatever its type, is searched for
 * the marker and for the visitor id, and so is every row of the archive (PostgreSQL). The same runs
 * on the embedded store through its dump.
 * Deleting an unknown visitor or another site's changes nothing and answers VISITOR_NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { visitorPseudonym } from '../../server/domain/privacy';
import { createMemoryStore, type MemoryStore } from '../../server/store/memory/memory-store';
import { kpiBucketIndex, type AuditEntry } from '../../server/store/store';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { WireError } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { snapshotData } from '../helpers/data-snapshot';
import { dumpPrefix, keysMentioning } from '../helpers/prefix-dump';
import { dumpSchema } from '../helpers/postgres';
import { assertRedisReachable } from '../helpers/redis';
import { addSecondSite } from '../helpers/second-site';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';
import { filesMentioning, pdfBytes, pngBytes, uploadFile } from '../helpers/test-files';

const ACK_MS = 3_000;
/** The sweep runs often and a visitor who left is abandoned after a second, so the scenario's third conversation is abandoned quickly. */
const FAST_SWEEP_ENV = { SWEEP_INTERVAL_SECONDS: '0.3', AGENT_GRACE_SECONDS: '3600' };

const newMarker = () => `MARK${randomUUID().replace(/-/g, '')}`;

interface Agents {
  both: AgentClient;
  service: AgentClient;
  support: AgentClient;
  admin: AgentClient;
}

/** What the scenario leaves to look for. */
interface VisitorLife {
  visitorId: string;
  marker: string;
  conversationIds: string[];
}

async function onlineAgents(started: StartedApp): Promise<Agents> {
  const connect = async (agent: StartedApp['bothAgent']) => {
    const socket = await connectAgent(started.url, agent);
    expectOk(await emitWithTimeout(socket, ACK_MS, 'presence:set', { status: 'online' }));
    return socket;
  };
  return {
    both: await connect(started.bothAgent),
    service: await connect(started.serviceAgent),
    support: await connect(started.supportAgent),
    admin: await connect(started.adminAgent),
  };
}

/**
 * Everything a visitor can leave on a site, each piece carrying `marker`: identity, messages both
 * ways, a transfer note, a category, a survey comment, a reopen, a hand-over note, a left message
 * with name and email, an export, and an abandoned conversation. Ends with the visitor gone.
 */
async function liveAVisitorsLife(started: StartedApp, agents: Agents, adminCookie: string): Promise<VisitorLife> {
  const marker = newMarker();
  const send = (visitor: VisitorClient, text: string, reopen?: string) =>
    emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text, ...(reopen ? { reopen } : {}) }).then(expectOk);
  const agentSays = (agent: AgentClient, conversationId: string, text: string) =>
    emitWithTimeout(agent, ACK_MS, 'message:send', { conversationId, clientId: randomUUID(), text }).then(expectOk);
  const take = (agent: AgentClient, conversationId: string) => emitWithTimeout(agent, ACK_MS, 'conversation:take', { conversationId }).then(expectOk);
  const resolve = (agent: AgentClient, conversationId: string, queue: string) =>
    emitWithTimeout(agent, ACK_MS, 'conversation:resolve', { conversationId, category: queue === 'service' ? 'Billing' : 'Bug' }).then(expectOk);

  const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
  const { visitorId, token } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
  expectOk(await emitWithTimeout(visitor, ACK_MS, 'visitor:identify', { userId: `cust-${marker}`, name: `Grace ${marker}`, email: `${marker}@example.com` }));

  // The first conversation: answered, transferred with a note, resolved, rated, reopened, handed over, resolved again.
  const first = (await send(visitor, `I was charged twice for order ${marker}`)).conversation;
  await take(agents.both, first.id);
  await agentSays(agents.both, first.id, `Let me look at order ${marker}`);
  await send(visitor, `thanks, the card ends ${marker}`);
  // Files both ways, their names and contents carrying the marker.
  expect((await uploadFile(started, first.id, Buffer.from(`2026-12-07 ERROR card ${marker}\n`), `trace-${marker}.log`, { token })).status).toBe(201);
  const bothCookie = await logIn(started.url, started.bothAgent);
  expect((await uploadFile(started, first.id, pdfBytes(`Refund ${marker}`), `refund-${marker}.pdf`, { cookie: bothCookie })).status).toBe(201);
  const to = first.queue === 'service' ? 'support' : 'service';
  expectOk(await emitWithTimeout(agents.both, ACK_MS, 'conversation:transfer', { conversationId: first.id, queue: to, note: `customer says ${marker}` }));
  const specialist = to === 'support' ? agents.support : agents.service;
  await take(specialist, first.id);
  await agentSays(specialist, first.id, `Fixed it for ${marker}`);
  await resolve(specialist, first.id, to);
  const score = to === 'service' ? { csat: 4 } : { ces: 2 };
  expectOk(await emitWithTimeout(visitor, ACK_MS, 'conversation:rate', { conversationId: first.id, ...score, nps: 9, comment: `comment ${marker}` }));
  await send(visitor, `one more thing about ${marker}`, first.id);
  await take(agents.both, first.id);
  expectOk(
    await emitWithTimeout(agents.both, ACK_MS, 'conversation:hand-over', {
      conversationId: first.id,
      agentId: started.adminAgent.view.id,
      note: `handing over: they said ${marker}`,
    }),
  );
  await resolve(agents.admin, first.id, to);

  // The second: a message left with a name and an email, answered later.
  const left = expectOk(
    await emitWithTimeout(visitor, ACK_MS, 'message:leave', { clientId: randomUUID(), text: `left message ${marker}`, name: `Grace ${marker}`, email: `${marker}@example.com` }),
  ).conversation;
  await take(agents.both, left.id);
  await agentSays(agents.both, left.id, `Answer to ${marker}`);
  await resolve(agents.both, left.id, left.queue);

  // An admin exports the visitor (audited under the visitor's id).
  expect((await siteApi(started, 'GET', `/visitors/${visitorId}/export`, adminCookie)).status).toBe(200);

  // The third: the visitor writes, then leaves while it waits, and it is abandoned.
  const abandoned = (await send(visitor, `anyone there? ${marker}`)).conversation;
  visitor.disconnect();
  await eventually(async () => {
    expect((await started.app.store.getConversation(started.siteKey, abandoned.id))?.status).toBe('abandoned');
    const events = await started.app.store.listKpiEvents(started.siteKey, 1_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'abandoned', conversationId: abandoned.id }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'rated', conversationId: first.id }));
  }, 10_000);
  return { visitorId, marker, conversationIds: [first.id, left.id, abandoned.id] };
}

/** A visitor with one waiting conversation, who must come through another's erasure untouched. */
async function bystander(started: StartedApp) {
  const marker = newMarker();
  const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
  const { visitorId, token } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
  const { conversation } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: `where is my parcel ${marker}` }));
  return { visitorId, token, marker, conversationId: conversation.id };
}

/** Today's site-wide KPI aggregates (`*|created`, `*|resolved` …). */
async function siteFigures(started: StartedApp) {
  const today = kpiBucketIndex('day', Date.now());
  return started.app.store.sumKpiBuckets(started.siteKey, 'site', 'day', today - 1, today + 1, '*|');
}

async function settings(started: StartedApp, cookie: string) {
  const response = await siteApi(started, 'PATCH', '/routing/settings', cookie, { storeVisitorIp: true, abandonAfterSeconds: 1, npsSurvey: true });
  expect(response.status).toBe(200);
}

async function erase(started: StartedApp, cookie: string, visitorId: string, siteKey = started.siteKey) {
  const response = await fetch(`${started.url}/api/v1/sites/${siteKey}/visitors/${visitorId}`, { method: 'DELETE', headers: { cookie } });
  return { status: response.status, body: (await response.json()) as { deletedConversations?: number; error?: WireError } };
}

/** The erasure's own audit entry: no id, no words, and a summary of the entries it removed. */
async function expectErasureAudited(started: StartedApp, life: VisitorLife) {
  const [entry] = await started.app.store.listAudit(started.siteKey, 1);
  expect(entry).toMatchObject({
    action: 'visitor.delete',
    actor: `agent:${started.adminAgent.view.id} ${started.adminAgent.email}`,
    target: visitorPseudonym(started.siteKey, life.visitorId),
    details: { deletedConversations: 3, identity: true, routingCorrections: 1 },
  });
  const details = (entry as AuditEntry).details as { kpiEvents: number; counters: number; auditEntries: { action: string }[] };
  expect(details.kpiEvents).toBeGreaterThanOrEqual(10);
  expect(details.counters).toBeGreaterThanOrEqual(2);
  expect(details.auditEntries.map((e) => e.action)).toEqual(['conversation.hand-over', 'visitor.export']);
}

describe('erasure: visitor:delete leaves nothing of the visitor behind', () => {
  afterEach(() => disconnectAll());

  describe('on Redis', () => {
    let started: StartedApp;
    let adminCookie: string;

    let filesDir: string;

    beforeAll(async () => {
      await assertRedisReachable();
      filesDir = await mkdtemp(join(tmpdir(), 'sb-erasure-files-'));
      started = await startApp({ env: { ...FAST_SWEEP_ENV, FILES_DIR: filesDir } });
      adminCookie = await logIn(started.url, started.adminAgent);
      await settings(started, adminCookie);
    });
    afterAll(async () => {
      await started?.close();
      await rm(filesDir, { recursive: true, force: true });
    });

    it('finds neither their marker nor their id in any key name or value of the prefix, nor any of their files on disk, and keeps everyone else’s', async () => {
      const agents = await onlineAgents(started);
      const other = await bystander(started);
      expect((await uploadFile(started, other.conversationId, pngBytes(4, 4), `parcel-${other.marker}.png`, { token: other.token })).status).toBe(201);
      const life = await liveAVisitorsLife(started, agents, adminCookie);
      expect(await filesMentioning(filesDir, life.marker)).toHaveLength(4);

      // The archive holds the three ended conversations (archive jobs) before the erasure.
      await eventually(async () => {
        const archived = await started.app.archive.listVisitor(started.siteKey, life.visitorId);
        expect(archived.map((a) => a.conversation.id).sort()).toEqual([...life.conversationIds].sort());
        expect(archived.find((a) => a.conversation.id === life.conversationIds[0])?.conversation.rating).toBeDefined();
      }, 10_000);
      const archiveRows = (rows: string[], text: string) => rows.filter((row) => row.includes(text));
      const archivedBefore = await dumpSchema(started.archiveSchema!);
      expect(archiveRows(archivedBefore, life.marker).length).toBeGreaterThanOrEqual(6);

      // The search works: before the erasure, the marker and the id are in many places.
      const before = await dumpPrefix(started.prefix);
      expect(keysMentioning(before, life.marker).length).toBeGreaterThanOrEqual(6);
      expect(keysMentioning(before, life.visitorId).length).toBeGreaterThanOrEqual(4);

      const figuresBefore = await siteFigures(started);

      expect(await erase(started, adminCookie, life.visitorId)).toEqual({ status: 200, body: { deletedConversations: 3 } });

      const after = await dumpPrefix(started.prefix);
      expect(keysMentioning(after, life.marker)).toEqual([]);
      expect(keysMentioning(after, life.visitorId)).toEqual([]);
      for (const id of life.conversationIds) expect(keysMentioning(after, id)).toEqual([]);
      // Nor anywhere in the archive: no row of any table names them or holds their words.
      const archivedAfter = await dumpSchema(started.archiveSchema!);
      expect(archiveRows(archivedAfter, life.marker)).toEqual([]);
      expect(archiveRows(archivedAfter, life.visitorId)).toEqual([]);
      for (const id of life.conversationIds) expect(archiveRows(archivedAfter, id)).toEqual([]);
      // No file of theirs is left on disk (the .log and .pdf, and what was kept of their names), not even a folder.
      expect(await filesMentioning(filesDir, life.marker)).toEqual([]);
      for (const id of life.conversationIds) expect(await filesMentioning(filesDir, id)).toEqual([]);
      expect(await filesMentioning(filesDir, other.conversationId)).toHaveLength(2);
      // Another visitor's conversation, words and id are all still there.
      expect(keysMentioning(after, other.marker).length).toBeGreaterThanOrEqual(2);
      expect(keysMentioning(after, other.visitorId).length).toBeGreaterThanOrEqual(2);
      expect(await started.app.store.getConversation(started.siteKey, other.conversationId)).toMatchObject({ status: 'waiting' });
      await expectErasureAudited(started, life);
      // The anonymous aggregates stay as they were: the site's figures still count the visitor's conversations.
      expect(await siteFigures(started)).toEqual(figuresBefore);
      expect(figuresBefore['*|created']).toBe(4);
    });

    it('runs the forgetters other features plug in (pending jobs …) with the erased conversations, and audits what they removed', async () => {
      const visitor = await bystander(started);
      const calls: unknown[] = [];
      const remove = started.app.privacy.addForgetter({
        name: 'test-jobs',
        forget: async (input) => {
          calls.push(input);
          return 2;
        },
      });
      try {
        expect(await erase(started, adminCookie, visitor.visitorId)).toEqual({ status: 200, body: { deletedConversations: 1 } });
      } finally {
        remove();
      }
      expect(calls).toEqual([{ siteKey: started.siteKey, visitorId: visitor.visitorId, conversationIds: [visitor.conversationId] }]);
      const [entry] = await started.app.store.listAudit(started.siteKey, 1);
      expect(entry).toMatchObject({ action: 'visitor.delete', details: { deletedConversations: 1, forgotten: { 'test-jobs': 2 } } });
    });

    it('answers VISITOR_NOT_FOUND, changing nothing, for an unknown visitor, another site’s, or one already erased', async () => {
      const rival = await addSecondSite(started);
      const rivalCookie = await logIn(started.url, rival.admin);
      const other = await bystander(started);
      const erased = await bystander(started);
      expect(await erase(started, adminCookie, erased.visitorId)).toEqual({ status: 200, body: { deletedConversations: 1 } });
      const before = await snapshotData(started.prefix);

      for (const [cookie, siteKey, visitorId] of [
        [adminCookie, started.siteKey, 'v_nobody'],
        [adminCookie, started.siteKey, erased.visitorId],
        // The home site's visitor, through the rival site's own route: not found there.
        [rivalCookie, rival.siteKey, other.visitorId],
      ] as const) {
        const { status, body } = await erase(started, cookie, visitorId, siteKey);
        expect({ status, code: body.error?.code }).toEqual({ status: 404, code: 'VISITOR_NOT_FOUND' });
      }
      // Through the home site's route, a rival admin is refused before anything is looked at.
      const { status, body } = await erase(started, rivalCookie, other.visitorId);
      expect({ status, code: body.error?.code }).toEqual({ status: 404, code: 'SITE_NOT_FOUND' });

      expect(await snapshotData(started.prefix)).toEqual(before);
      expect(await started.app.store.getConversation(started.siteKey, other.conversationId)).toMatchObject({ status: 'waiting' });
    });
  });

  describe('on the embedded store', () => {
    let started: StartedApp;
    let store: MemoryStore;
    let adminCookie: string;

    beforeAll(async () => {
      store = createMemoryStore();
      started = await startApp({ env: FAST_SWEEP_ENV, overrides: { store } });
      adminCookie = await logIn(started.url, started.adminAgent);
      await settings(started, adminCookie);
    });
    afterAll(() => started?.close());

    it('finds neither their marker nor their id anywhere in what the store holds', async () => {
      const agents = await onlineAgents(started);
      const other = await bystander(started);
      const life = await liveAVisitorsLife(started, agents, adminCookie);
      const holds = () => store.dump() as Record<string, unknown>;
      expect(keysMentioning(holds(), life.marker).length).toBeGreaterThanOrEqual(4);

      expect(await erase(started, adminCookie, life.visitorId)).toEqual({ status: 200, body: { deletedConversations: 3 } });

      expect(keysMentioning(holds(), life.marker)).toEqual([]);
      expect(keysMentioning(holds(), life.visitorId)).toEqual([]);
      expect(keysMentioning(holds(), other.marker).length).toBeGreaterThanOrEqual(1);
      await expectErasureAudited(started, life);
    });
  });
});
