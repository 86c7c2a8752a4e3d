/**
 * The message path under load (issue 17), printed:
 *
 *   npm run bench:load -- --visitors N --agents M --rate R --duration S [--processes P]
 *                         [--agent-rate A] [--warmup S] [--compare] [--stack product|bare]
 *                         [--client-workers W] [--profile] [--single-process] [--idle N]
 *
 * Starts P server processes itself (the built `dist/server/main.js`, as production runs it, built
 * first when its sources changed; BENCH_SOURCES=true runs `server/main.ts` through tsx instead),
 * on REDIS_URL, default redis://127.0.0.1:6379, under a random key prefix deleted at the end),
 * connects real socket.io-client visitors and agents over loopback from worker threads, has every
 * visitor start a conversation (auto assignment), then sends R messages/s from the visitors and A
 * (default R/10) from the agents for S seconds after a warm-up. Prints delivery latency both ways
 * (p50/p95/p99/max), messages lost (acked, never delivered) and duplicated (delivered twice) by
 * client id, refusals by error code, the servers' CPU (their process.cpuUsage() over the measured
 * seconds: 100 % is one core; and CPU time per message answered, the figure a machine shared with
 * other work distorts least) and heap/RSS per 1,000 connections.
 *
 * It keeps within the product's own limits, as real traffic would: visitors send at most
 * 2 messages/s each (messagesPerVisitor is 30 per 10 s; --visitors is raised to fit), at most 10
 * visitors share a loopback source address (connectionsPerIp, conversationsPerIp), a site has at
 * most 500 visitors (conversationsPerSite is 1,000/min: the bench spreads them over several sites,
 * as a host of many sites is), agents send at most 8 events/s each (the socket budget is 10/s).
 * Nothing is lifted.
 *
 * --compare runs the same load against the bare stack (scripts/bench-bare.ts: Fastify + Socket.IO
 * + ioredis, one XADD per message, no product code) right after, and prints the ratios: on a
 * shared machine the ratio within one run is the honest figure. --profile writes a V8 CPU profile
 * of each server process over the measured seconds only (scripts/bench-probe.ts) under
 * test-artifacts/profiles/ (read them with scripts/profile-summary.ts).
 * --single-process runs the product with SINGLE_PROCESS=true (no Redis adapter; one process only).
 * Each run prints, per server process, its GC pauses and event-loop delay over the measured seconds.
 * BENCH_NODE_ARGS (environment) adds Node/V8 flags to the server processes, for experiments such as
 * BENCH_NODE_ARGS=--max-semi-space-size=32.
 * --idle N: connects N visitors (and resumes their sessions, as the widget does) and nothing else,
 * and prints the servers' heap and RSS with them, after a full GC.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { hashPassword } from '../server/domain/passwords';
import { addSite } from '../server/domain/sites';
import { deleteKeysWithPrefix } from '../server/store/redis/delete-prefix';
import { createRedisStore } from '../server/store/redis/redis-store';
import { MAX_AGENT_CAPACITY } from '../shared/limits';
import { startServerProcess, type ServerProcess } from '../test/helpers/server-process';
import type { LoadClientsOptions, LoadResult, LoadRun, LoadSite } from './bench-load-clients';
import { ensureBuilt } from './ensure-built';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'https://shop.example';
/** messagesPerVisitor allows 3/s on average; well under it, so no visitor meets it even when a stalled client catches up. */
const MAX_RATE_PER_VISITOR = 2;
/** conversationsPerSite allows 1,000 a minute; every visitor of the bench starts one. */
const VISITORS_PER_SITE = 500;
/** conversationsPerIp is 20 a minute and connectionsPerIp 120: a household, not an office. */
const VISITORS_PER_ADDRESS = 10;
/** The socket event budget is 10/s with a burst of 20. */
const MAX_RATE_PER_AGENT = 8;

interface Pauses {
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  gcLongest: Record<string, number>;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

interface Probe {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  /** Since the probe before. */
  pauses: Pauses;
}

const { values } = parseArgs({
  options: {
    visitors: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '0' },
    rate: { type: 'string', default: '1000' },
    'agent-rate': { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    processes: { type: 'string', default: '1' },
    'client-workers': { type: 'string', default: '2' },
    stack: { type: 'string', default: 'product' },
    compare: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'single-process': { type: 'boolean', default: false },
    idle: { type: 'string' },
  },
});

function usage(message: string): never {
  console.error(`bench:load: ${message}`);
  process.exit(2);
}
const whole = (name: string, raw: string | undefined, min: number) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) usage(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
  return n;
};

const processes = whole('processes', values.processes, 1);
const clientWorkers = whole('client-workers', values['client-workers'], 1);
const idle = values.idle === undefined ? undefined : whole('idle', values.idle, 1);
const rate = whole('rate', values.rate, 1);
const agentRate = values['agent-rate'] === undefined ? Math.round(rate / 10) : whole('agent-rate', values['agent-rate'], 0);
const durationMs = whole('duration', values.duration, 1) * 1000;
const warmUpMs = whole('warmup', values.warmup, 0) * 1000;
if (values.stack !== 'product' && values.stack !== 'bare') usage(`--stack takes product or bare, not ${values.stack}`);

const notes: string[] = [];
let visitors = idle ?? whole('visitors', values.visitors, 1);
if (idle === undefined && rate / visitors > MAX_RATE_PER_VISITOR) {
  visitors = Math.ceil(rate / MAX_RATE_PER_VISITOR);
  notes.push(`--visitors raised to ${visitors}: ${MAX_RATE_PER_VISITOR} messages/s each at most (messagesPerVisitor)`);
}
const siteCount = Math.ceil(visitors / VISITORS_PER_SITE);
// Room for every conversation (capacity 20, the most an agent may hold) and for the replies' pace.
const agentsPerSite = idle !== undefined ? 0 : Math.max(Math.ceil(whole('agents', values.agents, 0) / siteCount), Math.ceil(Math.ceil(visitors / siteCount) / (MAX_AGENT_CAPACITY - 2)), Math.ceil(agentRate / MAX_RATE_PER_AGENT / siteCount));

const percentile = (sorted: Float64Array, q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
const ms = (n: number) => (Number.isNaN(n) ? '   -  ' : n.toFixed(n < 10 ? 2 : 1).padStart(6));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Sends `message` to a server process's bench-probe.ts and resolves with the first answer carrying `answer`. */
function ask<T>(server: ServerProcess, message: unknown, answer: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server process did not answer ${JSON.stringify(message)}`)), 30_000);
    const listen = (reply: Record<string, unknown>) => {
      if (reply?.[answer] === undefined) return;
      clearTimeout(timer);
      server.child.off('message', listen);
      resolve(reply[answer] as T);
    };
    server.child.on('message', listen);
    server.child.send(message as string);
  });
}

const probe = (server: ServerProcess) => ask<Probe>(server, 'bench:probe', 'probe');

async function startServers(stack: 'product' | 'bare', prefix: string): Promise<ServerProcess[]> {
  const env = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: randomUUID() + randomUUID(),
    LOG_LEVEL: 'info',
    BARE_ADAPTER: String(processes > 1),
    ...(values['single-process'] ? { SINGLE_PROCESS: 'true' } : {}),
  };
  const nodeArgs = ['--expose-gc', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', './scripts/bench-probe.ts'];
  // The product as production runs it: the built server (built first when its sources changed).
  const entry = stack === 'bare' ? 'scripts/bench-bare.ts' : process.env.BENCH_SOURCES === 'true' ? 'server/main.ts' : await ensureBuilt();
  return Promise.all(Array.from({ length: processes }, () => startServerProcess(env, 60_000, { nodeArgs, ipc: true, entry })));
}

/** Sites with their agents, straight in the store (logging in hundreds of agents costs hundreds of scrypt runs). */
async function createSites(prefix: string, stack: 'product' | 'bare'): Promise<LoadSite[]> {
  const sites: LoadSite[] = [];
  const store = createRedisStore({ url: REDIS_URL, prefix });
  try {
    const passwordHash = await hashPassword(randomUUID());
    for (let s = 0; s < siteCount; s++) {
      const siteKey = `site_load_${s}`;
      const siteVisitors = Math.floor(visitors / siteCount) + (s < visitors % siteCount ? 1 : 0);
      const agents: LoadSite['agents'] = [];
      if (stack === 'product') await addSite(store, { key: siteKey, name: `Load shop ${s}`, origins: [ORIGIN], settings: { assignment: 'auto' } });
      for (let a = 0; a < agentsPerSite; a++) {
        const id = `a_load_${s}_${a}`;
        const token = randomUUID();
        if (stack === 'product') {
          await store.createAgent({ id, siteKey, email: `agent${a}@${siteKey}.example`, name: `Agent ${a}`, skills: ['service'], role: 'agent', capacity: MAX_AGENT_CAPACITY, disabled: false, passwordHash, createdAt: Date.now() });
          await store.createSession({ token, agentId: id, siteKey, expiresAt: Date.now() + 3_600_000 });
        }
        agents.push({ id, token });
      }
      sites.push({ siteKey, agents, visitors: siteVisitors });
    }
  } finally {
    await store.close();
  }
  return sites;
}

/** Client worker threads, each with whole sites; resolves once every one has connected its clients. */
async function startClients(stack: 'product' | 'bare', urls: string[], sites: LoadSite[]) {
  const entry = new URL('./bench-load-clients.ts', import.meta.url).href;
  // A worker does not inherit tsx's loader on Node 20: it imports the TypeScript through tsx's API.
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const shares = Array.from({ length: Math.min(clientWorkers, sites.length) }, (_, w) => sites.filter((_, s) => s % clientWorkers === w));
  let firstVisitor = 0;
  const workers = shares.map((share) => {
    const options: LoadClientsOptions = { stack, urls, origin: ORIGIN, sites: share, firstVisitor, visitorsPerAddress: VISITORS_PER_ADDRESS, idle: idle !== undefined };
    firstVisitor += share.reduce((n, site) => n + site.visitors, 0);
    return new Worker(code, { eval: true, workerData: options });
  });
  const next = <T>(worker: Worker) =>
    new Promise<T>((resolve, reject) => {
      worker.once('message', (message: T & { error?: string }) => (message.error ? reject(new Error(message.error)) : resolve(message)));
      worker.once('error', reject);
    });
  const connections = (await Promise.all(workers.map((w) => next<{ ready: number }>(w)))).reduce((n, r) => n + r.ready, 0);
  return {
    connections,
    run: (run: LoadRun) => Promise.all(workers.map((w, i) => {
      const answer = next<{ result: LoadResult }>(w);
      // Each worker's share of the rates, by its share of the visitors and conversations.
      const share = shares[i]!.reduce((n, site) => n + site.visitors, 0) / visitors;
      w.postMessage({ run: { ...run, visitorRate: run.visitorRate * share, agentRate: run.agentRate * share } });
      return answer.then((a) => a.result);
    })),
    async close() {
      await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.postMessage({ close: true });
        setTimeout(() => void w.terminate(), 3_000).unref();
      })));
    },
  };
}

function summarise(results: LoadResult[]) {
  const direction = (pick: (r: LoadResult) => LoadResult['visitorToAgent']) => {
    const parts = results.map(pick);
    const all = new Float64Array(parts.reduce((n, p) => n + p.latencies.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p.latencies, at);
      at += p.latencies.length;
    }
    all.sort();
    const sum = (f: (p: (typeof parts)[number]) => number) => parts.reduce((n, p) => n + f(p), 0);
    return {
      p50: percentile(all, 0.5), p95: percentile(all, 0.95), p99: percentile(all, 0.99), max: all.length ? all[all.length - 1]! : NaN,
      measured: all.length, sent: sum((p) => p.sent), acked: sum((p) => p.acked), lost: sum((p) => p.lost), duplicated: sum((p) => p.duplicated),
    };
  };
  const refusals: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.refusals)) refusals[code] = (refusals[code] ?? 0) + n;
  return { v2a: direction((r) => r.visitorToAgent), a2v: direction((r) => r.agentToVisitor), refusals };
}

type Summary = ReturnType<typeof summarise> & { pauses: Pauses[]; cpu: number[]; cpuPerMessageUs: number; heapPer1000: number; rssPer1000: number; heap: number; rss: number; connections: number };

async function runStack(stack: 'product' | 'bare'): Promise<Summary | undefined> {
  const prefix = `sb:bench:load:${randomUUID()}`;
  let servers: ServerProcess[] = [];
  let clients: Awaited<ReturnType<typeof startClients>> | undefined;
  try {
    const sites = await createSites(prefix, stack);
    servers = await startServers(stack, prefix);
    const before = await Promise.all(servers.map(probe));
    const connectStart = performance.now();
    clients = await startClients(stack, servers.map((s) => s.url), sites);
    const connectSeconds = (performance.now() - connectStart) / 1000;
    const connected = await Promise.all(servers.map(probe));
    const heap = connected.reduce((n, p) => n + p.memory.heapUsed, 0);
    const rss = connected.reduce((n, p) => n + p.memory.rss, 0);
    const perThousand = (after: number, was: number) => ((after - was) / clients!.connections) * 1000;
    const heapBefore = before.reduce((n, p) => n + p.memory.heapUsed, 0);
    const rssBefore = before.reduce((n, p) => n + p.memory.rss, 0);
    if (idle !== undefined) {
      console.log(
        `  ${stack.padEnd(7)} ${clients.connections} idle visitors on ${processes} process(es), connected in ${connectSeconds.toFixed(1)} s: ` +
          `heap ${mb(heap)} (${mb(heapBefore)} before them; ${mb(perThousand(heap, heapBefore))} per 1,000), RSS ${mb(rss)} (${mb(perThousand(rss, rssBefore))} per 1,000)`,
      );
      return undefined;
    }

    // CPU is read over the measured seconds only: from the end of the warm-up to the end of sending.
    const runStart = await Promise.all(servers.map(probe));
    const running = clients.run({ visitorRate: rate, agentRate, warmUpMs, durationMs });
    await new Promise((r) => setTimeout(r, warmUpMs));
    const cpuStart = await Promise.all(servers.map(probe));
    if (values.profile) await Promise.all(servers.map((server) => ask(server, 'bench:profile:start', 'profiling')));
    const wallStart = performance.now();
    await new Promise((r) => setTimeout(r, durationMs));
    const cpuEnd = await Promise.all(servers.map(probe));
    if (values.profile) {
      const profileDir = `test-artifacts/profiles/${stack}-${Date.now()}`;
      mkdirSync(profileDir, { recursive: true });
      await Promise.all(servers.map((server, i) => ask(server, { 'bench:profile:stop': `${profileDir}/process-${i}.cpuprofile` }, 'profiled')));
      console.log(`  ${stack}: CPU profiles of the measured seconds in ${profileDir}`);
    }
    const wall = (performance.now() - wallStart) * 1000;
    const cpu = cpuEnd.map((end, i) => ((end.cpu.user + end.cpu.system - cpuStart[i]!.cpu.user - cpuStart[i]!.cpu.system) / wall) * 100);
    const results = await running;
    const after = await Promise.all(servers.map(probe));
    const summary = summarise(results);
    // CPU time per message, from the start of sending until the last answer: the figure a machine
    // shared with other work distorts least (a starved server is slow, not more expensive).
    const cpuUsed = after.reduce((n, p, i) => n + p.cpu.user + p.cpu.system - before[i]!.cpu.user - before[i]!.cpu.system, 0);
    const cpuAtRun = runStart.reduce((n, p) => n + p.cpu.user + p.cpu.system, 0) - before.reduce((n, p) => n + p.cpu.user + p.cpu.system, 0);
    return {
      ...summary,
      // Per message the server answered (acked or refused), late ones included.
      cpuPerMessageUs: (cpuUsed - cpuAtRun) / (summary.v2a.acked + summary.a2v.acked + Object.entries(summary.refusals).reduce((n, [code, k]) => n + (['ACK_LATE', 'UNANSWERED'].includes(code) ? 0 : k), 0)),
      cpu,
      pauses: cpuEnd.map((end) => end.pauses),
      heap: after.reduce((n, p) => n + p.memory.heapUsed, 0),
      rss: after.reduce((n, p) => n + p.memory.rss, 0),
      heapPer1000: perThousand(after.reduce((n, p) => n + p.memory.heapUsed, 0), heapBefore),
      rssPer1000: perThousand(after.reduce((n, p) => n + p.memory.rss, 0), rssBefore),
      connections: clients.connections,
    };
  } finally {
    await clients?.close();
    await Promise.all(servers.map((s) => s.stop(10_000)));
    const redis = new Redis(REDIS_URL);
    await deleteKeysWithPrefix(redis, prefix).finally(() => redis.disconnect());
  }
}

function print(stack: string, s: Summary) {
  const line = (name: string, d: Summary['v2a'], target: number) =>
    `    ${name} ${String(Math.round(target)).padStart(5)}/s  p50 ${ms(d.p50)}  p95 ${ms(d.p95)}  p99 ${ms(d.p99)}  max ${ms(d.max)} ms` +
    `   sent ${d.sent}, acked ${d.acked}, lost ${d.lost}, duplicated ${d.duplicated}`;
  const refusals = Object.entries(s.refusals).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  console.log(
    [
      `  ${stack}:`,
      line('visitor → agent', s.v2a, rate),
      line('agent → visitor', s.a2v, agentRate),
      `    server CPU ${s.cpu.map((c) => `${c.toFixed(0)} %`).join(' + ')} (100 % = one core), ${s.cpuPerMessageUs.toFixed(0)} µs CPU per message   heap ${mb(s.heap)}, RSS ${mb(s.rss)} with ${s.connections} connections ` +
        `(${mb(s.heapPer1000)} heap, ${mb(s.rssPer1000)} RSS per 1,000)`,
      `    refusals: ${refusals}`,
      ...s.pauses.map(
        (p, i) =>
          `    process ${i + 1} over the measured seconds: ${p.gcCount} GC pauses, ${p.gcTotalMs.toFixed(0)} ms in all, longest ${p.gcMaxMs.toFixed(1)} ms (${Object.entries(p.gcLongest).map(([kind, ms]) => `${kind} ${ms.toFixed(1)}`).join(', ')}); ` +
          `event-loop delay p99 ${p.loopDelayP99Ms.toFixed(1)} ms, max ${p.loopDelayMaxMs.toFixed(1)} ms`,
      ),
    ].join('\n'),
  );
}

async function main() {
  const stacks: ('product' | 'bare')[] = values.compare ? ['product', 'bare'] : [values.stack as 'product' | 'bare'];
  console.log(
    idle !== undefined
      ? `bench:load --idle ${idle}: ${siteCount} site(s), ${processes} server process(es), ${clientWorkers} client worker(s); heap after a full GC`
      : `bench:load: ${visitors} visitors and ${agentsPerSite * siteCount} agents on ${siteCount} site(s), ${processes} server process(es), ` +
          `${rate} msg/s visitor → agent and ${agentRate} msg/s agent → visitor for ${durationMs / 1000} s after ${warmUpMs / 1000} s of warm-up; ` +
          `${clientWorkers} client worker thread(s); Redis ${REDIS_URL}`,
  );
  for (const note of notes) console.log(`  note: ${note}`);
  const summaries: Partial<Record<'product' | 'bare', Summary>> = {};
  for (const stack of stacks) {
    const summary = await runStack(stack);
    if (summary) {
      summaries[stack] = summary;
      print(stack, summary);
    }
  }
  const { product, bare } = summaries;
  if (product && bare) {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `  product / bare: p99 visitor → agent ×${(product.v2a.p99 / bare.v2a.p99).toFixed(2)}, p50 ×${(product.v2a.p50 / bare.v2a.p50).toFixed(2)}, ` +
        `server CPU ×${(sum(product.cpu) / sum(bare.cpu)).toFixed(2)}, CPU per message ×${(product.cpuPerMessageUs / bare.cpuPerMessageUs).toFixed(2)}, heap per 1,000 ×${(product.heapPer1000 / bare.heapPer1000).toFixed(2)}`,
    );
  }
}

await main();
