/**
 * History: ended conversations reach the archive through jobs, outlive every server process, and
 * are searched and read by REST; bad searches get clear codes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryConversation, HistoryPage } from '../../shared/schemas';
import { disconnectAll, logIn } from '../helpers/clients';
import { siteApi } from '../helpers/site-api';
import type { StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';
import { converse, yesterdaysConversationAfterRestart, type Restarted } from '../helpers/converse';

const DAY = 86_400_000;

describe('history: the archive of ended conversations', () => {
  let restarted: Restarted;
  let second: StartedApp;
  let cookie: string;
  let conversationId: string;
  let yesterday: number;
  const word = `zebrafinch${randomUUID().slice(0, 6)}`;

  const search = async (query: string) => {
    const response = await siteApi(second, 'GET', `/conversations${query}`, cookie);
    return { status: response.status, body: (await response.json()) as HistoryPage & { error?: { code: string } } };
  };

  beforeAll(async () => {
    restarted = await yesterdaysConversationAfterRestart(['My order has not arrived', 'It is order 4411', `The box had a ${word} sticker on it`], 'Delivery');
    ({ started: second, conversationId, at: yesterday } = restarted);
    cookie = await logIn(second.url, second.serviceAgent);
  }, 60_000);

  afterAll(async () => {
    disconnectAll();
    await restarted?.close();
  });

  it('finds yesterday’s conversation by a word of its third message after a restart, with the word marked', async () => {
    const { status, body } = await search(`?q=${word}`);
    expect(status).toBe(200);
    expect(body.conversations.map((c) => c.id)).toEqual([conversationId]);
    const hit = body.conversations[0]!;
    expect(hit).toMatchObject({ status: 'resolved', category: 'Delivery', agentName: expect.any(String), messageCount: 4 });
    expect(hit.createdAt).toBeLessThan(Date.now() - DAY / 2);
    const [start, end] = hit.highlight!.marks[0]!;
    expect(hit.highlight!.text.slice(start, end)).toBe(word);
    expect((await search(`?q=${word}&from=${yesterday - 1000}&to=${yesterday + 60_000}&category=Delivery&status=resolved&queue=${hit.queue}`)).body.conversations).toHaveLength(1);
    expect((await search(`?q=${word}&queue=${hit.queue === 'service' ? 'support' : 'service'}`)).body.conversations).toHaveLength(0);
  });

  it('reads the whole conversation and its transcript from the archive once the live store let it go', async () => {
    await second.app.store.deleteConversation(second.siteKey, conversationId);
    const response = await siteApi(second, 'GET', `/conversations/${conversationId}`, cookie);
    expect(response.status).toBe(200);
    const whole = (await response.json()) as HistoryConversation;
    expect(whole.source).toBe('archive');
    expect(whole.messages.map((m) => m.text)).toEqual(['My order has not arrived', 'Hello, Sam here. Let me look.', 'It is order 4411', `The box had a ${word} sticker on it`]);
    expect(whole.conversation).toMatchObject({ id: conversationId, routing: expect.objectContaining({ reason: expect.any(String) }), category: 'Delivery' });
    const transcript = await siteApi(second, 'GET', `/conversations/${conversationId}/transcript`, cookie);
    expect(transcript.status).toBe(200);
    expect(transcript.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(transcript.headers.get('content-disposition')).toContain(`conversation-${conversationId}.txt`);
    const text = await transcript.text();
    expect(text).toContain('Category: Delivery');
    expect(text).toContain(`: The box had a ${word} sticker on it`);
  });

  it('refuses bad searches with clear codes and changes nothing', async () => {
    const before = await second.app.archive.get(second.siteKey, conversationId);
    expect((await search(`?q=${'a'.repeat(10_000)}`)).body.error?.code).toBe('PAYLOAD_INVALID');
    const punct = await search(`?q=${encodeURIComponent('!!! ??? ---')}`);
    expect([punct.status, punct.body.error?.code]).toEqual([400, 'SEARCH_QUERY_EMPTY']);
    const range = await search(`?from=2026-02-01&to=2026-01-01`);
    expect([range.status, range.body.error?.code]).toEqual([400, 'HISTORY_RANGE_INVALID']);
    const cursor = await search(`?next=bm90LWEtY3Vyc29y`);
    expect([cursor.status, cursor.body.error?.code]).toEqual([400, 'HISTORY_CURSOR_INVALID']);
    expect((await search(`?next=${Buffer.from('[1,"x y"]').toString('base64url')}`)).body.error?.code).toBe('HISTORY_CURSOR_INVALID');
    expect((await search(`?limit=1000`)).body.error?.code).toBe('PAYLOAD_INVALID');
    expect((await search(`?unknown=1`)).body.error?.code).toBe('PAYLOAD_INVALID');
    expect(await second.app.archive.get(second.siteKey, conversationId)).toEqual(before);
  });

  it('answers another site’s conversation, and another site’s history, as if they did not exist', async () => {
    const other = await second.app.history.get('other_site', conversationId).catch((e: { code: string }) => e.code);
    expect(other).toBe('CONVERSATION_NOT_FOUND');
    const otherSite = await fetch(`${second.url}/api/v1/sites/other_site/conversations?q=${word}`, { headers: { cookie } });
    expect(otherSite.status).toBe(404);
    expect(((await otherSite.json()) as { error: { code: string } }).error.code).toBe('SITE_NOT_FOUND');
    const unknown = await siteApi(second, 'GET', `/conversations/c_unknown`, cookie);
    expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    expect((await fetch(`${second.url}/api/v1/sites/${second.siteKey}/conversations`)).status).toBe(401);
  });

  it('pages newest first with a cursor', async () => {
    const ids = [await converse(second, ['first page test tortoise']), await converse(second, ['second page test tortoise'])];
    await eventually(async () => expect((await search('?q=tortoise')).body.conversations).toHaveLength(2), 10_000);
    const page1 = await search('?q=tortoise&limit=1');
    expect(page1.body.conversations.map((c) => c.id)).toEqual([ids[1]]);
    const page2 = await search(`?q=tortoise&limit=1&next=${page1.body.next}`);
    expect(page2.body.conversations.map((c) => c.id)).toEqual([ids[0]]);
    expect(page2.body.next).toBeNull();
  });

  it('the sweep archives an ended conversation whose job was lost', async () => {
    const id = await converse(second, ['lost job walrus']);
    await eventually(async () => expect(await second.app.archive.get(second.siteKey, id)).not.toBeNull(), 10_000);
    await second.app.archive.delete(second.siteKey, [id]);
    const { createArchiving } = await import('../../server/domain/archiving');
    const { createInProcessJobs } = await import('../helpers/in-process-jobs');
    const { createDomainEvents } = await import('../../server/domain/events');
    const archiving = createArchiving({ store: second.app.store, archive: second.app.archive, jobs: createInProcessJobs(), events: createDomainEvents(), now: Date.now });
    expect(await archiving.sweep()).toBeGreaterThanOrEqual(1);
    expect(await archiving.sweep()).toBe(0);
    expect((await second.app.archive.get(second.siteKey, id))?.messages.map((m) => m.text)).toEqual(['lost job walrus', 'Hello, Sam here. Let me look.']);
  });

  it('exports a conversation only the archive still holds, then retention deletes it from the archive too', async () => {
    // The live store let it go in an earlier test; the archive keeps it.
    const archived = (await second.app.archive.get(second.siteKey, conversationId))!;
    const adminCookie = await logIn(second.url, second.adminAgent);
    const exported = (await (await siteApi(second, 'GET', `/visitors/${archived.conversation.visitorId}/export`, adminCookie)).json()) as {
      conversations: { id: string; messages: { text: string }[] }[];
    };
    expect(exported.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(exported.conversations[0]!.messages.at(-1)!.text).toContain(word);

    // A retention period of one day: yesterday's conversation goes, today's stay.
    expect((await siteApi(second, 'PATCH', '/routing/settings', adminCookie, { retentionDays: 1 })).status).toBe(200);
    const today = (await search('?q=tortoise')).body.conversations.length;
    const applied = await second.app.privacy.applyRetention(second.siteKey);
    expect(applied.archived).toBe(1);
    expect(await second.app.archive.get(second.siteKey, conversationId)).toBeNull();
    expect((await search(`?q=${word}`)).body.conversations).toEqual([]);
    expect((await search('?q=tortoise')).body.conversations).toHaveLength(today);
    const [entry] = await second.app.store.listAudit(second.siteKey, 1);
    expect(entry).toMatchObject({ action: 'retention.apply', details: { archived: 1, retentionDays: 1 } });
  });
});
