/**
 * Prints how fast the queues hand out conversations (issue 5's benchmark):
 *
 *   npm run bench:queue [-- --rounds 5 --samples 200 --part a|b|ab --clients thread|inline]
 *
 * (a) Assignments per second through Redis: 1,000 waiting conversations and 50 online agents with
 *     room for all of them, emptied with `assignNext` from 1 and from 4 concurrent loops (each on
 *     its own connection, as separate server processes would be); the median rate of the rounds.
 *     Beside it: the same with a single online agent (what looking at every agent costs), and a
 *     bare Lua pop of a sorted set's head, one round trip each, as the floor.
 * (b) Latency from a visitor's first message to the conversation being offered to an agent, through
 *     the real app (buildApp on port 0, real socket.io-client visitors and agents, real Redis):
 *     auto mode with nothing else waiting, auto mode with 1,000 waiting in the other queue, and
 *     manual mode with 1,000 waiting ahead in the same queue (there "offered" is the agents'
 *     `queue:entered`). One message at a time; p50 and p99 of each round, median of the rounds.
 *     The clients (bench-queue-clients.ts) run in a worker thread: their own event loop and heap,
 *     as browsers are elsewhere; `--clients inline` runs them in the server's thread instead, which
 *     adds their work (and their garbage) to the server's.
 *
 * Uses REDIS_URL (default redis://127.0.0.1:6379) under its own random prefix, deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { hashPassword } from '../server/domain/passwords';
import type { RateLimits } from '../server/domain/rate-limiter';
import { addSite } from '../server/domain/sites';
import { createRedisStore, type RedisStore } from '../server/store/redis/redis-store';
import type { Store } from '../server/store/store';
import type { QueueName } from '../shared/queues';
import { RATE_LIMITS } from '../shared/limits';
import { deleteKeysWithPrefix } from '../server/store/redis/delete-prefix';
import { createClients, type ClientsOptions, type RoundTimes } from './bench-queue-clients';


const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'https://shop.example';
const WAITING = 1_000;
const AGENTS = 50;
const ASSIGN_ROUNDS = 7;
const LOOP_COUNTS = [1, 4];
const WARM_UP_SAMPLES = 2000;
/** Visitors taking turns, so no one socket comes near the per-socket event budget. */
const VISITORS = 40;

/** Every test and bench connects from 127.0.0.1 many times: abuse limits are lifted, as test/helpers/start-app.ts does. */
const RELAXED_LIMITS = Object.fromEntries(
  Object.entries(RATE_LIMITS).map(([name, rule]) => [name, { ...rule, limit: 1_000_000 }]),
) as unknown as RateLimits;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function deletePrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** `count` waiting conversations of one queue, created 100 at a time straight in the store. */
async function fillQueue(store: Store, siteKey: string, queue: QueueName, count: number, startAt: number) {
  const ids: string[] = [];
  for (let done = 0; done < count; done += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - done) }, (_, j) =>
        store.createConversation({
          id: `c_fill_${randomUUID()}`,
          siteKey,
          visitorId: `v_fill_${randomUUID()}`,
          routing: { queue, by: 'visitor', confidence: 1, reason: 'bench', uncertain: false },
          preview: 'My order has not arrived yet',
          now: startAt + done + j,
          firstMessage: { clientId: randomUUID(), text: 'My order has not arrived yet' },
        }),
      ),
    );
    ids.push(...batch.map((c) => c.conversation.id));
  }
  return ids;
}

// ---- (a) assignments per second ------------------------------------------------------------

async function benchAssignments(prefix: string) {
  const stores: RedisStore[] = Array.from({ length: Math.max(...LOOP_COUNTS) }, () => createRedisStore({ url: REDIS_URL, prefix }));
  const results: string[] = [];
  try {
    const runRound = async (siteKey: string, loops: number, agents: number, batch = false) => {
      const deadline = Date.now() + 10 * 60_000;
      await Promise.all(
        Array.from({ length: agents }, (_, i) =>
          stores[0]!.setPresence({
            siteKey,
            agent: { id: `a_${i}`, name: `Agent ${i}`, skills: ['service'], capacity: Math.ceil(WAITING / agents) + 1, disabled: false },
            status: 'online',
            deadline,
          }),
        ),
      );
      await fillQueue(stores[0]!, siteKey, 'service', WAITING, 1_700_000_000_000);
      let assigned = 0;
      const start = performance.now();
      await Promise.all(
        stores.slice(0, loops).map(async (store) => {
          if (!batch) {
            while (await store.assignNext(siteKey, 'service', Date.now())) assigned++;
            return;
          }
          // What auto mode runs (assignWaiting): four heads a script call.
          for (let n = -1; n !== 0; assigned += n) n = (await store.assignWaiting(siteKey, 'service', Date.now())).length;
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      if (assigned !== WAITING) throw new Error(`assigned ${assigned} of ${WAITING}`);
      return WAITING / seconds;
    };

    // The last row shows what the script's look at every online agent costs: the same with one agent.
    for (const [loops, agents] of [...LOOP_COUNTS.map((loops) => [loops, AGENTS]), [1, 1]] as const) {
      await runRound(`site_warm_${loops}_${agents}`, loops, agents);
      const rates: number[] = [];
      for (let round = 0; round < ASSIGN_ROUNDS; round++) rates.push(await runRound(`site_a${loops}_${agents}_${round}`, loops, agents));
      results.push(
        `  assignNext, ${loops} loop${loops > 1 ? 's' : ' '}, ${String(agents).padStart(2)} agent${agents > 1 ? 's' : ' '} online: ` +
          `${fmt(median(rates), 0).padStart(6)} assignments/s   (rounds: ${rates.map((r) => fmt(r, 0)).join(', ')})`,
      );
    }

    for (const loops of LOOP_COUNTS) {
      await runRound(`site_warm_b${loops}`, loops, AGENTS, true);
      const rates: number[] = [];
      for (let round = 0; round < ASSIGN_ROUNDS; round++) rates.push(await runRound(`site_b${loops}_${round}`, loops, AGENTS, true));
      results.push(
        `  assignWaiting (batches), ${loops} loop${loops > 1 ? 's' : ' '}, ${AGENTS} agents online: ` +
          `${fmt(median(rates), 0).padStart(6)} assignments/s   (rounds: ${rates.map((r) => fmt(r, 0)).join(', ')})`,
      );
    }

    // The floor: a one-line Lua script popping the head of a sorted set, one round trip per call.
    const redis = stores[0]!.redis;
    const key = `${prefix}:{bare}:queue`;
    const rates: number[] = [];
    for (let round = 0; round < ASSIGN_ROUNDS; round++) {
      await redis.zadd(key, ...Array.from({ length: WAITING }, (_, i) => [i, `c${i}`]).flat());
      const start = performance.now();
      let popped = 0;
      await Promise.all(
        stores.map(async (store) => {
          for (;;) {
            const head = (await store.redis.eval("return redis.call('ZPOPMIN', KEYS[1])", 1, key)) as string[];
            if (head.length === 0) break;
            popped++;
          }
        }),
      );
      rates.push(popped / ((performance.now() - start) / 1000));
    }
    results.push(`  bare Lua ZPOPMIN, ${stores.length} loops:           ${fmt(median(rates), 0).padStart(6)} pops/s          (one round trip each: the floor on this machine)`);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
  return results;
}

// ---- (b) first message → offered ------------------------------------------------------------


/** The bench's clients, in a worker thread or inline (see bench-queue-clients.ts). */
async function startClients(options: ClientsOptions, where: 'thread' | 'inline') {
  if (where === 'inline') return createClients(options);
  // A worker does not inherit tsx's loader on Node 20: it imports the TypeScript through tsx's API.
  const entry = new URL('./bench-queue-clients.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(code, { eval: true, workerData: options });
  const next = () =>
    new Promise<{ ready?: true; times?: RoundTimes; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const ready = await next();
  if (ready.error) throw new Error(ready.error);
  return {
    async run(scenario: Parameters<Awaited<ReturnType<typeof createClients>>['run']>[0]): Promise<RoundTimes> {
      const answer = next();
      worker.postMessage({ run: scenario });
      const { times, error } = await answer;
      if (error) throw new Error(error);
      return times!;
    },
    close() {
      worker.postMessage({ close: true });
    },
  };
}

async function benchLatency(prefix: string, rounds: number, samples: number, where: 'thread' | 'inline') {
  const config = loadConfig({
    PORT: '0',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: randomUUID() + randomUUID(),
    LOG_LEVEL: 'warn',
    DEMO: 'false',
  });
  const app = await buildApp(config, { rateLimits: RELAXED_LIMITS });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const lines: string[] = [];
  let clients: Awaited<ReturnType<typeof startClients>> | undefined;
  try {
    const siteKey = 'site_bench';
    await addSite(app.store, { key: siteKey, name: 'Bench shop', origins: [ORIGIN] });

    // 40 service agents answer; 10 support agents are kept busy so a support backlog can build up.
    // One password hash for all, and sessions made directly: logging 50 agents in costs 50 scrypt runs.
    const passwordHash = await hashPassword(randomUUID());
    const agents: ClientsOptions['agents'] = [];
    for (let i = 0; i < AGENTS; i++) {
      const skills: QueueName[] = i < 40 ? ['service'] : ['support'];
      const id = `a_bench_${i}`;
      await app.store.createAgent({
        id,
        siteKey,
        email: `agent${i}-${prefix.slice(-8)}@bench.example`,
        name: `Agent ${i}`,
        skills,
        role: 'agent',
        capacity: 3,
        disabled: false,
        passwordHash,
        createdAt: Date.now(),
      });
      const token = randomUUID();
      await app.store.createSession({ token, agentId: id, siteKey, expiresAt: Date.now() + 3_600_000 });
      agents.push({ token, service: skills.includes('service') });
    }
    clients = await startClients({ url, siteKey, origin: ORIGIN, agents, visitors: VISITORS }, where);

    const runScenario = async (name: string, mode: 'auto' | 'manual') => {
      await app.siteRouting.updateSettings(siteKey, { assignment: mode }, 'bench');
      const { p50s, p99s } = await clients!.run({ mode, warmUp: WARM_UP_SAMPLES, rounds, samples });
      lines.push(
        `  ${name}`,
        `      p50 ${fmt(median(p50s), 2).padStart(6)} ms   (rounds: ${p50s.map((t) => fmt(t, 2)).join(', ')})`,
        `      p99 ${fmt(median(p99s), 2).padStart(6)} ms   (rounds: ${p99s.map((t) => fmt(t, 2)).join(', ')})`,
      );
    };

    await runScenario('auto mode, nothing else waiting (first message → conversation:assigned)', 'auto');

    // A support backlog: its 10 agents hold 3 each and 1,000 more wait behind them.
    await fillQueue(app.store, siteKey, 'support', 30 + WAITING, Date.now() - 3_600_000);
    await app.assignment.assignWaitingIn(siteKey, ['support']);
    const supportWaiting = (await app.store.listQueueIds(siteKey, 'support')).length;
    await runScenario(`auto mode, ${supportWaiting} waiting in the support queue (first message → conversation:assigned)`, 'auto');

    // Manual mode: 1,000 waiting ahead in the very queue the new conversations join.
    await app.siteRouting.updateSettings(siteKey, { assignment: 'manual' }, 'bench');
    await fillQueue(app.store, siteKey, 'service', WAITING, Date.now() - 3_600_000);
    const serviceWaiting = (await app.store.listQueueIds(siteKey, 'service')).length;
    await runScenario(`manual mode, ${serviceWaiting} waiting ahead in the same queue (first message → queue:entered)`, 'manual');
  } finally {
    clients?.close();
    // Queue position updates are debounced by 300 ms (server/realtime/announce.ts) and not cancelled
    // by close(): let the last ones go out, or they log "position update failed" on a closed store.
    await new Promise((r) => setTimeout(r, 400));
    await app.close();
  }
  return lines;
}

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      samples: { type: 'string', default: '200' },
      part: { type: 'string', default: 'ab' },
      clients: { type: 'string', default: 'thread' },
    },
  });
  const rounds = Number(values.rounds);
  const samples = Number(values.samples);
  const parts = values.part;
  const prefix = `sb:bench:${randomUUID()}`;
  try {
    process.stdout.write(`bench:queue against ${REDIS_URL} (prefix ${prefix}, deleted afterwards)\n\n`);
    if (parts.includes('a')) {
      process.stdout.write(`(a) ${WAITING} waiting conversations, ${AGENTS} online agents with room for all; median of ${ASSIGN_ROUNDS} rounds\n`);
      process.stdout.write(`${(await benchAssignments(`${prefix}:a`)).join('\n')}\n`);
      process.stdout.write('      target: at least 5,000 assignments/s\n\n');
    }
    if (!parts.includes('b')) return;
    if (values.clients !== 'thread' && values.clients !== 'inline') throw new Error(`--clients takes thread or inline, not ${values.clients}`);
    const where = values.clients;
    process.stdout.write(
      `(b) first message → offered to an agent, real app and sockets, ${AGENTS} agents online, one message at a time;\n` +
        `    ${samples} samples a round after ${WARM_UP_SAMPLES} warm-up, median of ${rounds} rounds;\n` +
        (where === 'thread'
          ? '    clients in a worker thread of their own, as browsers are elsewhere (--clients inline: in the server\'s thread)\n'
          : "    clients inline, in the server's own thread: their work is in the figures\n"),
    );
    process.stdout.write(`${(await benchLatency(`${prefix}:b`, rounds, samples, where)).join('\n')}\n`);
    process.stdout.write('      target: p99 under 10 ms\n');
  } finally {
    await deletePrefix(prefix);
  }
}

await main();
