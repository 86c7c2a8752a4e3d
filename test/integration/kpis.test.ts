/**
 * A scripted day of conversations, at chosen times on a controllable clock, through the real app
 * (sockets for visitors and agents, REST for the figures), once per store: every KPI comes out
 * exactly as worked out by hand below, and the CSV says what the JSON says.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../server/store/memory/memory-store';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { flattenFigures } from '../../shared/metrics-csv';
import type { VisitorConversationView } from '../../shared/protocol';
import type { KpiFigures, MetricsReport } from '../../shared/schemas';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Medians and p90s come from log-scale histograms (server/domain/kpi-histogram.ts) and are the
 * geometric middle of the bucket holding the rank; these are the middles for the durations used.
 */
const REPORTED: Record<number, number> = {
  30: 30_643, 60: 61_287, 90: 86_672, 120: 122_573, 180: 173_345, 270: 267_334, 300: 291_530, 360: 346_689, 480: 490_293, 600: 583_060, 1500: 1_512_270,
};
/** Median and p90 (nearest rank) of durations in seconds, as reported; the mean exact, in ms. */
function durations(seconds: number[]) {
  const sorted = [...seconds].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
  return {
    count: seconds.length,
    median: REPORTED[rank(0.5)]!,
    p90: REPORTED[rank(0.9)]!,
    mean: (seconds.reduce((a, b) => a + b, 0) / seconds.length) * SECOND,
  };
}

type Stores = [name: string, makeStore: () => ReturnType<typeof createMemoryStore> | undefined];

describe.each<Stores>([
  ['RedisStore', () => undefined],
  ['MemoryStore', () => createMemoryStore()],
])('KPIs: a scripted day through %s', (_name, makeStore) => {
  let started: StartedApp;
  // Yesterday (UTC) from 09:00: recent enough for Redis to keep its hours, whole for a day query.
  const day = Math.floor(Date.now() / DAY - 1) * DAY;
  const t = (h: number, m: number, s = 0) => day + h * HOUR + m * MINUTE + s * SECOND;
  let clock = Date.now();
  const cookies: Record<'sam' | 'sasha' | 'bo' | 'ada', string> = { sam: '', sasha: '', bo: '', ada: '' };
  const ids = { sam: '', sasha: '', bo: '' };
  const agents: Partial<Record<'sam' | 'sasha' | 'bo', AgentClient>> = {};

  /** Moves the clock; agents stay present, as their heartbeats would keep them. */
  const advance = async (to: number) => {
    clock = to;
    for (const a of [started.serviceAgent, started.supportAgent, started.bothAgent]) await started.app.assignment.keepPresent(a.view, 'online');
  };
  const visitor = async () => {
    const socket = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(socket, 2000, 'session:resume', {}));
    return socket;
  };
  const ask = async (socket: VisitorClient, text: string, topic: 'service' | 'support') =>
    expectOk(await emitWithTimeout(socket, 2000, 'message:send', { clientId: randomUUID(), text, topic })).conversation;
  const take = async (who: 'sam' | 'sasha' | 'bo', c: VisitorConversationView) =>
    expectOk(await emitWithTimeout(agents[who]!, 2000, 'conversation:take', { conversationId: c.id }));
  const reply = async (who: 'sam' | 'sasha' | 'bo', c: VisitorConversationView) =>
    expectOk(await emitWithTimeout(agents[who]!, 2000, 'message:send', { conversationId: c.id, clientId: randomUUID(), text: 'Let me look.' }));
  const resolve = async (who: 'sam' | 'sasha' | 'bo', c: VisitorConversationView, category?: string) =>
    expectOk(await emitWithTimeout(agents[who]!, 2000, 'conversation:resolve', { conversationId: c.id, ...(category ? { category } : {}) }));
  const rate = async (socket: VisitorClient, c: VisitorConversationView, answer: { csat?: number; ces?: number; nps?: number; comment?: string }) =>
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:rate', { conversationId: c.id, ...answer }));

  const metrics = async (query: Record<string, string>, cookie = cookies.ada) =>
    fetch(`${started.url}/api/v1/metrics?${new URLSearchParams({ site: started.siteKey, from: String(day), to: String(day + DAY), ...query })}`, {
      headers: { cookie },
    });
  const report = async (query: Record<string, string> = {}) => {
    const response = await metrics(query);
    expect(response.status).toBe(200);
    return (await response.json()) as MetricsReport;
  };

  beforeAll(async () => {
    await assertRedisReachable();
    const store = makeStore();
    started = await startApp({ env: { SWEEP_INTERVAL_SECONDS: '600' }, overrides: { now: () => clock, ...(store ? { store } : {}) } });
    await started.app.store.updateSiteSettings(started.siteKey, { ...DEFAULT_SITE_SETTINGS, topicQuestion: true, npsSurvey: true });
    ids.sam = started.serviceAgent.view.id;
    ids.sasha = started.supportAgent.view.id;
    ids.bo = started.bothAgent.view.id;
    // Logged in on the real clock, so the sessions outlive the day played below.
    cookies.sam = await logIn(started.url, started.serviceAgent);
    cookies.sasha = await logIn(started.url, started.supportAgent);
    cookies.bo = await logIn(started.url, started.bothAgent);
    cookies.ada = await logIn(started.url, started.adminAgent);

    await advance(t(8, 55));
    agents.sam = await connectAgent(started.url, cookies.sam);
    agents.sasha = await connectAgent(started.url, cookies.sasha);
    agents.bo = await connectAgent(started.url, cookies.bo);
    const v1 = await visitor();
    const v2 = await visitor();
    const v3 = await visitor();
    const v4 = await visitor();
    const v5 = await visitor();

    // C1, service: waits 60 s, first reply after 90 s, handled 600 s; CSAT 5, NPS 10; filed under Billing.
    await advance(t(9, 0));
    const c1 = await ask(v1, 'I was charged twice', 'service');
    // C2, service, then handed to support: waits 120 s, first reply 180 s; support handles it 480 s; CES 2, NPS 6; Bug.
    await advance(t(9, 0, 30));
    await advance(t(9, 1));
    await take('sam', c1);
    await advance(t(9, 1, 30));
    await reply('sam', c1);
    await advance(t(9, 5));
    const c2 = await ask(v2, 'My invoice is wrong', 'service');
    await advance(t(9, 7));
    await take('bo', c2);
    await advance(t(9, 8));
    await reply('bo', c2);
    await reply('bo', c2); // a second reply changes no figure
    await advance(t(9, 10));
    expectOk(await emitWithTimeout(agents.bo!, 2000, 'conversation:transfer', { conversationId: c2.id, queue: 'support', note: 'It crashes' }));
    await advance(t(9, 11));
    await resolve('sam', c1, 'Billing');
    await rate(v1, c1, { csat: 5, nps: 10, comment: 'Quick, thanks' });
    await advance(t(9, 12));
    await take('sasha', c2);
    await advance(t(9, 13));
    await reply('sasha', c2);
    await advance(t(9, 20));
    await resolve('sasha', c2, 'Bug');
    await rate(v2, c2, { ces: 2, nps: 6 });

    // C3, support: waits 300 s, first reply 360 s, handled 1500 s; CES 5, no NPS; Bug. Ten minutes
    // after the end the visitor replies: it reopens, Sasha takes it again (a second assignment) and
    // resolves it again, which counts no second resolution.
    await advance(t(10, 0));
    const c3 = await ask(v3, 'The app crashes on start', 'support');
    await advance(t(10, 5));
    await take('sasha', c3);
    await advance(t(10, 6));
    await reply('sasha', c3);
    // C4, service: the visitor leaves at 10:11 and is gone past the site's 300 s at 10:20: abandoned.
    await advance(t(10, 10));
    const c4 = await ask(v4, 'Where is my parcel?', 'service');
    await advance(t(10, 11));
    await started.app.store.setVisitorGone(started.siteKey, c4.id, t(10, 11));
    await advance(t(10, 20));
    const swept = await started.app.assignment.sweep(started.siteKey);
    expect(swept.abandoned.map((c) => c.id)).toEqual([c4.id]);
    await advance(t(10, 30));
    await resolve('sasha', c3, 'Bug');
    await rate(v3, c3, { ces: 5 });
    await advance(t(10, 40));
    const reopened = expectOk(await emitWithTimeout(v3, 2000, 'message:send', { clientId: randomUUID(), text: 'It crashes again', reopen: c3.id }));
    expect(reopened.conversation).toMatchObject({ id: c3.id, status: 'waiting', reopenedAt: t(10, 40) });
    await advance(t(10, 45));
    await take('sasha', c3);
    await advance(t(10, 50));
    await resolve('sasha', c3, 'Setup');

    // C5, service, the first visitor again two hours later (a repeat contact): waits 30 s, first reply 120 s, handled 270 s; CSAT 3; Refund.
    await advance(t(11, 0));
    const c5 = await ask(v1, 'And a refund?', 'service');
    await advance(t(11, 0, 30));
    await take('sam', c5);
    await advance(t(11, 2));
    await reply('sam', c5);
    await advance(t(11, 5));
    await resolve('sam', c5, 'Refund');
    await rate(v1, c5, { csat: 3 });

    // C6, support, still waiting when the figures are read at 12:10.
    await advance(t(12, 0));
    await ask(v5, 'Login code never arrives', 'support');
    await advance(t(12, 10));
  }, 60_000);

  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  it('gives every site-wide figure exactly', async () => {
    const r = await report();
    expect(r.now).toEqual({
      at: t(12, 10),
      queues: [
        { queue: 'service', waiting: 0, longestWaitMs: 0 },
        { queue: 'support', waiting: 1, longestWaitMs: 10 * MINUTE },
      ],
    });
    expect(r.totals).toEqual<KpiFigures>({
      conversations: 6,
      assigned: 6,
      resolved: 4,
      resolutionRate: 4 / 6,
      reopened: 1,
      reopenRate: 1 / 4,
      abandoned: 1,
      abandonmentRate: 1 / 6,
      transfers: { serviceToSupport: 1, supportToService: 0 },
      transferRate: { serviceToSupport: 1 / 3, supportToService: 0 },
      waitMs: durations([60, 120, 300, 30]),
      frtMs: durations([90, 180, 360, 120]),
      ahtMs: durations([600, 480, 1500, 270]),
      csat: { count: 2, mean: 4, satisfiedShare: 0.5 },
      ces: { count: 2, mean: 3.5 },
      nps: { count: 2, score: 0 },
      repeatContacts: 1,
      repeatContactRate: 1 / 6,
      misrouted: 1,
      routerAccuracy: 5 / 6,
      frtHistogram: [
        { upToMs: 90_510, count: 1 },
        { upToMs: 128_000, count: 1 },
        { upToMs: 181_019, count: 1 },
        { upToMs: 362_039, count: 1 },
      ],
    });
  });

  it('splits by queue: service judged on CSAT, support on CES, the transfer counted out of service', async () => {
    const r = await report({ groupBy: 'queue' });
    const [service, support] = r.groups;
    expect(service).toMatchObject({
      key: 'service',
      figures: {
        conversations: 4, assigned: 3, resolved: 2, reopened: 0, reopenRate: 0, abandoned: 1, abandonmentRate: 1 / 4,
        transfers: { serviceToSupport: 1, supportToService: 0 },
        transferRate: { serviceToSupport: 1 / 3, supportToService: null },
        waitMs: durations([60, 120, 30]), frtMs: durations([90, 180, 120]), ahtMs: durations([600, 270]),
        csat: { count: 2, mean: 4, satisfiedShare: 0.5 }, ces: { count: 0, mean: null }, nps: { count: 1, score: 100 },
        repeatContacts: 1, misrouted: 1, routerAccuracy: 3 / 4,
      },
    });
    expect(support).toMatchObject({
      key: 'support',
      figures: {
        conversations: 2, assigned: 3, resolved: 2, resolutionRate: 1, reopened: 1, reopenRate: 0.5, abandoned: 0,
        transfers: { serviceToSupport: 0, supportToService: 0 },
        waitMs: durations([300]), frtMs: durations([360]), ahtMs: durations([480, 1500]),
        csat: { count: 0, mean: null, satisfiedShare: null }, ces: { count: 2, mean: 3.5 }, nps: { count: 1, score: -100 },
        repeatContacts: 0, misrouted: 0, routerAccuracy: 1,
      },
    });
    expect((await report({ queue: 'support' })).totals).toEqual(support!.figures);
  });

  it('splits by agent, and filters by agent and queue', async () => {
    const r = await report({ groupBy: 'agent' });
    const byId = Object.fromEntries(r.groups.map((g) => [g.key, g]));
    expect(Object.keys(byId).sort()).toEqual([ids.sam, ids.sasha, ids.bo].sort());
    expect(byId[ids.sam]).toMatchObject({
      label: 'sam',
      figures: {
        conversations: 2, assigned: 2, resolved: 2, resolutionRate: 1, abandonmentRate: null, repeatContactRate: null, routerAccuracy: null,
        waitMs: durations([60, 30]), frtMs: durations([90, 120]), ahtMs: durations([600, 270]),
        csat: { count: 2, mean: 4, satisfiedShare: 0.5 }, nps: { count: 1, score: 100 },
      },
    });
    expect(byId[ids.bo]).toMatchObject({
      figures: { conversations: 1, resolved: 0, transfers: { serviceToSupport: 1 }, transferRate: { serviceToSupport: 1 }, waitMs: durations([120]), frtMs: durations([180]), ahtMs: { count: 0, median: null } },
    });
    expect(byId[ids.sasha]).toMatchObject({
      figures: { conversations: 3, resolved: 2, reopened: 1, waitMs: durations([300]), frtMs: durations([360]), ahtMs: durations([480, 1500]), ces: { count: 2, mean: 3.5 }, nps: { count: 1, score: -100 } },
    });
    expect((await report({ agent: ids.sam })).totals).toEqual(byId[ids.sam]!.figures);
    expect((await report({ agent: ids.sam, queue: 'support' })).totals.conversations).toBe(0);
    expect((await report({ agent: ids.sasha, queue: 'support' })).totals).toEqual(byId[ids.sasha]!.figures);
    // One agent split by queue: Bo took C2 in service and handed it to support.
    const boByQueue = await report({ agent: ids.bo, groupBy: 'queue' });
    expect(boByQueue.groups.map((g) => [g.key, g.figures.conversations, g.figures.transfers.serviceToSupport])).toEqual([['service', 1, 1], ['support', 0, 0]]);
    expect(boByQueue.totals).toEqual(byId[ids.bo]!.figures);
  });

  it('gives hour and day series that add up to the totals', async () => {
    const hours = await report({ groupBy: 'hour' });
    expect(hours.groups).toHaveLength(24);
    expect(hours.groups.map((g) => g.figures.conversations).slice(8, 13)).toEqual([0, 2, 2, 1, 1]);
    expect(hours.groups[9]!.figures.waitMs).toEqual(durations([60, 120]));
    const days = await report({ groupBy: 'day', from: String(day - DAY), to: String(day + DAY) });
    expect(days.groups.map((g) => g.figures.conversations)).toEqual([0, 6]);
    expect(days.groups[1]!.figures).toEqual(days.totals);
    // An hour-aligned range inside the day reads hours only: 09:00–10:00 holds C1 and C2.
    expect((await report({ from: String(t(9, 0)), to: String(t(10, 0)) })).totals).toMatchObject({ conversations: 2, assigned: 3, resolved: 2 });
    // ISO 8601 works as well as epoch milliseconds.
    expect((await report({ from: new Date(day).toISOString(), to: new Date(day + DAY).toISOString() })).totals.conversations).toBe(6);
  });

  it('gives the same figures over a month read from week buckets as over the day', async () => {
    // Thirty days around the day, so that the whole week holding it is inside, with hours at both ends.
    const month = { from: String(day - 22 * DAY + 7 * HOUR), to: String(day + 8 * DAY + 5 * HOUR) };
    const dayReport = await report({});
    expect((await report(month)).totals).toEqual(dayReport.totals);
    for (const groupBy of ['queue', 'agent', 'category']) {
      expect((await report({ ...month, groupBy })).groups).toEqual((await report({ groupBy })).groups);
    }
    // A range that reaches past now, as the dashboard's does: the same figures from weeks, days and hours as from hours alone.
    const untilLater = { from: String(day - 20 * DAY), to: String(Date.now() + HOUR) };
    expect((await report(untilLater)).totals).toEqual((await report({ ...untilLater, groupBy: 'hour' })).totals);
    expect((await report({ ...untilLater, groupBy: 'day' })).totals).toEqual(dayReport.totals);
  });

  it('splits by the category each conversation was resolved under, with what it went through', async () => {
    const r = await report({ groupBy: 'category' });
    expect(r.groups.map((g) => g.key)).toEqual(['Bug', 'Billing', 'Refund']);
    const [bug, billing, refund] = r.groups;
    expect(bug!.figures).toEqual<KpiFigures>({
      conversations: 2,
      assigned: 2,
      resolved: 2,
      resolutionRate: 1,
      reopened: 1,
      reopenRate: 0.5,
      abandoned: 0,
      abandonmentRate: 0,
      // C2 was routed to service and moved to support; C3 was routed to support.
      transfers: { serviceToSupport: 1, supportToService: 0 },
      transferRate: { serviceToSupport: 1, supportToService: 0 },
      waitMs: durations([120, 300]),
      frtMs: durations([180, 360]),
      ahtMs: durations([480, 1500]),
      csat: { count: 0, mean: null, satisfiedShare: null },
      ces: { count: 2, mean: 3.5 },
      nps: { count: 1, score: -100 },
      repeatContacts: 0,
      repeatContactRate: 0,
      misrouted: 1,
      routerAccuracy: 0.5,
      frtHistogram: [
        { upToMs: 181_019, count: 1 },
        { upToMs: 362_039, count: 1 },
      ],
    });
    expect(billing!.figures).toMatchObject({ conversations: 1, waitMs: durations([60]), frtMs: durations([90]), ahtMs: durations([600]), csat: { count: 1, mean: 5 }, nps: { count: 1, score: 100 }, repeatContacts: 0 });
    expect(refund!.figures).toMatchObject({ conversations: 1, waitMs: durations([30]), frtMs: durations([120]), ahtMs: durations([270]), csat: { count: 1, mean: 3 }, repeatContacts: 1, repeatContactRate: 1 });
    expect(r.totals).toMatchObject({ conversations: 4, resolved: 4, reopened: 1 });

    // A category filters every other report, alone or with a queue or an agent.
    expect((await report({ category: 'Bug' })).totals).toEqual(bug!.figures);
    expect((await report({ category: 'Billing', queue: 'service' })).totals).toEqual(billing!.figures);
    expect((await report({ category: 'Billing', queue: 'support' })).totals.conversations).toBe(0);
    expect((await report({ category: 'Bug', agent: ids.sasha })).totals).toMatchObject({ conversations: 2, resolved: 2, reopened: 1, ahtMs: durations([480, 1500]) });
    expect((await report({ category: 'Bug', agent: ids.sam })).totals.conversations).toBe(0);
    const bugByAgent = await report({ category: 'Bug', groupBy: 'agent' });
    expect(bugByAgent.groups.map((g) => [g.key, g.figures.conversations])).toEqual([[ids.sasha, 2]]);
    const samByCategory = await report({ agent: ids.sam, groupBy: 'category' });
    expect(samByCategory.groups.map((g) => [g.key, g.figures.conversations])).toEqual([['Billing', 1], ['Refund', 1]]);
    const bugByQueue = await report({ category: 'Bug', groupBy: 'queue' });
    expect(bugByQueue.groups.map((g) => [g.key, g.figures.conversations])).toEqual([['service', 0], ['support', 2]]);
    expect(bugByQueue.totals).toEqual(bug!.figures);
    const bugByDay = await report({ category: 'Bug', groupBy: 'day' });
    expect(bugByDay.groups[0]!.figures).toEqual(bug!.figures);
    expect(bugByDay.category).toBe('Bug');
  });

  it('answers CSV with the same figures as JSON', async () => {
    for (const groupBy of ['queue', 'agent', 'hour', 'category']) {
      const json = await report({ groupBy });
      const response = await metrics({ groupBy, format: 'csv' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      const [header, ...rows] = (await response.text()).trimEnd().split('\n').map((line) => line.split(','));
      const columns = flattenFigures(json.totals).map(([name]) => name);
      expect(header).toEqual(['group', 'label', ...columns]);
      const expected = [{ key: 'total', label: 'total', figures: json.totals }, ...json.groups].map((g) => [
        g.key,
        g.label,
        ...flattenFigures(g.figures).map(([, v]) => (v === null ? '' : String(v))),
      ]);
      expect(rows).toEqual(expected);
      expect(rows.map((row) => Number(row[2 + columns.indexOf('conversations')]))).toEqual(expected.map((row) => Number(row[2])));
    }
  });

  it('records each step once in the raw event stream', async () => {
    const events = (await started.app.store.listKpiEvents(started.siteKey, 100)).reverse();
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect({
      created: count('created'), assigned: count('assigned'), firstReply: count('first-reply'), transferred: count('transferred'),
      resolved: count('resolved'), abandoned: count('abandoned'), rated: count('rated'),
      reopened: count('reopened'),
    }).toEqual({ created: 6, assigned: 6, firstReply: 4, transferred: 1, resolved: 4, abandoned: 1, rated: 4, reopened: 1 });
    expect(events.find((e) => e.type === 'reopened')).toMatchObject({ at: t(10, 40), queue: 'support', agentId: ids.sasha, afterMs: 10 * MINUTE, category: 'Bug' });
    expect(events[0]).toMatchObject({ type: 'created', at: t(9, 0), queue: 'service', routedBy: 'visitor', repeat: false });
  });
});
