/**
 * Seeds 100,000 conversations across the last 30 days into Redis, through the KPI aggregates
 * (each conversation's created, assigned, first-reply, transferred, resolved, abandoned and rated
 * events go through the same recordKpiEvent script as live traffic, without the messages; each
 * resolution under one of the default categories), then prints the median time of the dashboard's
 * queries over 30 days and over one day, one by one and as the console asks for them (five at once).
 *
 *   npm run bench:metrics [-- --conversations 100000] [-- --rounds 15] [-- --redis redis://127.0.0.1:6379]
 *                         [-- --keep PREFIX]   (seed once under PREFIX and keep it; later runs reuse it)
 *
 * Keys live under a fresh `sb:bench:<uuid>` prefix, deleted at the end (unless --keep).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { dashboardQueries, type DashboardRange } from '../console/dashboard-queries';
import { createKpiRecorder } from '../server/domain/kpi-events';
import { createKpis, DAY_MS } from '../server/domain/kpis';
import { deleteKeysWithPrefix } from '../server/store/redis/delete-prefix';
import { createRedisStore } from '../server/store/redis/redis-store';
import type { KpiEvent } from '../server/store/store';
import { DEFAULT_SITE_SETTINGS } from '../shared/site-settings';
import type { QueueName } from '../shared/queues';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '15' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    keep: { type: 'string' },
  },
});
const CONVERSATIONS = Number(values.conversations);
const ROUNDS = Number(values.rounds);
const AGENTS = 20;
/** Each conversation is resolved under one of its queue's default categories. */
const CATEGORIES = DEFAULT_SITE_SETTINGS.categories;
/** Events in flight at once while seeding (ioredis pipelines them automatically). */
const IN_FLIGHT = 2_000;

/** A small deterministic generator, so every run seeds the same month. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function conversationEvents(i: number, start: number, rand: () => number): KpiEvent[] {
  const conversationId = `c${i}`;
  const queue: QueueName = rand() < 0.6 ? 'service' : 'support';
  const other: QueueName = queue === 'service' ? 'support' : 'service';
  const agentOf = (q: QueueName) => `agent${(q === 'service' ? 0 : AGENTS / 2) + Math.floor(rand() * (AGENTS / 2))}`;
  const created = start;
  const events: KpiEvent[] = [
    { type: 'created', at: created, conversationId, queue, routedBy: 'model', visitorId: `v${Math.floor(rand() * CONVERSATIONS * 0.7)}`, repeat: rand() < 0.12 },
  ];
  const wait = Math.round(5_000 + rand() ** 2 * 600_000);
  if (rand() < 0.06) {
    events.push({ type: 'abandoned', at: created + wait, conversationId, queue, waitedMs: wait });
    return events;
  }
  let agentId = agentOf(queue);
  let at = created + wait;
  events.push({ type: 'assigned', at, conversationId, queue, agentId, waitMs: wait });
  events.push({ type: 'first-reply', at: at + 20_000, conversationId, queue, agentId, frtMs: at + 20_000 - created });
  let current = queue;
  if (rand() < 0.08) {
    at += 120_000;
    events.push({ type: 'transferred', at, conversationId, from: queue, to: other, agentId, routedQueue: queue });
    current = other;
    agentId = agentOf(other);
    at += 60_000;
    events.push({ type: 'assigned', at, conversationId, queue: other, agentId, waitMs: at - created });
  }
  const handle = Math.round(60_000 + rand() * 1_200_000);
  const categories = CATEGORIES[current];
  const category = categories[Math.floor(rand() * categories.length)]!;
  const summary = { routedQueue: queue, repeat: false, waitMs: wait, frtMs: wait + 20_000, ...(current !== queue ? { transferredFrom: queue } : {}) };
  events.push({ type: 'resolved', at: at + handle, conversationId, queue: current, agentId, handleMs: handle, category, summary });
  if (rand() < 0.4) {
    const score = current === 'service' ? { csat: 1 + Math.floor(rand() * 5) } : { ces: 1 + Math.floor(rand() * 7) };
    events.push({ type: 'rated', at: at + handle + 30_000, conversationId, queue: current, agentId, category, ...score, ...(rand() < 0.5 ? { nps: Math.floor(rand() * 11) } : {}) });
  }
  return events;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const prefix = values.keep ?? `sb:bench:${randomUUID()}`;
  const store = createRedisStore({ url: values.redis!, prefix, redisOptions: { enableAutoPipelining: true } });
  const recorder = createKpiRecorder({ store });
  const siteKey = 'bench_site';
  // A kept data set is queried at the time it was seeded for, so its month is the same month.
  const seededAt = values.keep ? Number(await store.redis.get(`${prefix}:seeded-at`)) || 0 : 0;
  const now = seededAt || Date.now();
  const to = now;
  const from30 = now - 30 * DAY_MS;
  // Closed hours and days are kept in memory once read (server/domain/kpis.ts): "cold" times use a
  // fresh service each run (every bucket from Redis, as the first report after a start), "warm" one service.
  let kpis = createKpis({ store, now: () => now });
  try {
    const rand = random(42);
    const seedStart = performance.now();
    if (seededAt) console.log(`reusing the data set under ${prefix}`);
    else {
    let inFlight: Promise<unknown>[] = [];
    let events = 0;
    for (let i = 0; i < CONVERSATIONS; i++) {
      // Spread evenly over the month, ending an hour before now so that every event falls inside it.
      const start = from30 + Math.floor(((i + rand()) / CONVERSATIONS) * (30 * DAY_MS - 3_600_000));
      for (const event of conversationEvents(i, start, rand)) {
        events++;
        inFlight.push(recorder.record(siteKey, event));
        if (inFlight.length >= IN_FLIGHT) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
    }
    await Promise.all(inFlight);
    const seedMs = performance.now() - seedStart;
    console.log(`seeded ${CONVERSATIONS.toLocaleString('en')} conversations (${events.toLocaleString('en')} events) over 30 days in ${(seedMs / 1000).toFixed(1)} s`);
    if (values.keep) await store.redis.set(`${prefix}:seeded-at`, String(now));
    }

    // The console's own queries for a range (whole UTC days for '30d'), as its page asks for them at once.
    const dashboard = (range: DashboardRange) =>
      Promise.all(
        Object.values(dashboardQueries(siteKey, range, now)).map((query: Record<string, string>) =>
          kpis.report({ siteKey, from: Number(query.from), to: Number(query.to), groupBy: query.groupBy, ...(query.queue ? { queue: query.queue as QueueName } : {}) }),
        ),
      );
    const queries: [name: string, run: () => Promise<unknown>][] = [
      ['30 days, site totals by day', () => kpis.report({ siteKey, from: from30, to, groupBy: 'day' })],
      ['30 days, by queue', () => kpis.report({ siteKey, from: from30, to, groupBy: 'queue' })],
      ['30 days, by agent', () => kpis.report({ siteKey, from: from30, to, groupBy: 'agent' })],
      ['30 days, by category', () => kpis.report({ siteKey, from: from30, to, groupBy: 'category' })],
      // What the console's dashboard asks for at once (console/screens/dashboard.tsx).
      ['dashboard, last 30 days (its five requests at once)', () => dashboard('30d')],
      ['1 day, site totals by hour', () => kpis.report({ siteKey, from: to - DAY_MS, to, groupBy: 'hour' })],
      ['1 day, by agent', () => kpis.report({ siteKey, from: to - DAY_MS, to, groupBy: 'agent' })],
      ['dashboard, last 24 hours (its five requests at once)', () => dashboard('24h')],
    ];
    const check = (await kpis.report({ siteKey, from: from30, to })).totals;
    console.log(`30-day totals: ${check.conversations} conversations, ${check.resolved} resolved, FRT median ${check.frtMs.median} ms`);
    for (const [name, run] of queries) {
      const cold: number[] = [];
      const warm: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        kpis = createKpis({ store, now: () => now });
        let t0 = performance.now();
        await run();
        cold.push(performance.now() - t0);
        t0 = performance.now();
        await run();
        warm.push(performance.now() - t0);
      }
      const ms = (xs: number[]) => `${median(xs).toFixed(1).padStart(7)} ms`;
      console.log(`${name.padEnd(52)} median cold ${ms(cold)}   warm ${ms(warm)}   (${ROUNDS} runs each)`);
    }
  } finally {
    if (!values.keep) await deleteKeysWithPrefix(store.redis, prefix);
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
