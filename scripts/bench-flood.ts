/**
 * Prints whether a flood from one visitor slows everyone else (issue 7):
 *
 *   npm run bench:flood [-- --rounds 3 --seconds 4]
 *
 * and, with `--addresses N`, whether conversations started from N addresses (X-Forwarded-For
 * through TRUST_PROXY=loopback, `--per-address` each, new visitors every one) lock real visitors
 * out of the site (issue 17): afterwards a returning visitor (token from before the flood) and a
 * newcomer each try to start a conversation, and the refusals and waits are printed.
 *
 *   npm run bench:flood -- --addresses 55 --per-address 20 [--site-ceiling 1000]
 *
 * The real app (buildApp on port 0, real Redis) with the real per-visitor and per-socket limits of
 * shared/limits.ts; only the per-IP and per-site limits are lifted, since every client here is
 * 127.0.0.1. Ten agents in auto mode take the conversations. Twenty normal visitors each send one
 * message every 200 ms and their ack times are measured for a few seconds, first alone, then while
 * one visitor floods from several sockets as fast as acks come back (most answered RATE_LIMITED).
 * Fresh normal visitors each phase, so they stay under their own limit (30 messages in 10 s).
 *
 * The flooder runs in a child process (this script with `--flooder`), as it would run on another
 * machine; on a 2-core box it still takes CPU from the server, so this is a worst case.
 * Uses REDIS_URL (default redis://127.0.0.1:6379) under its own random prefix, deleted at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { hashPassword } from '../server/domain/passwords';
import type { RateLimits } from '../server/domain/rate-limiter';
import { addSite } from '../server/domain/sites';
import { SESSION_COOKIE } from '../server/domain/agent-session';
import { emitWithTimeout } from '../shared/emit-with-timeout';
import { RATE_LIMITS, SOCKET_EVENT_RATE } from '../shared/limits';
import type { AgentClientEvents, AgentServerEvents, VisitorClientEvents, VisitorServerEvents } from '../shared/protocol';
import { deleteKeysWithPrefix } from '../server/store/redis/delete-prefix';

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'https://shop.example';
const NORMAL_VISITORS = 20;
const NORMAL_INTERVAL_MS = 200;
const AGENTS = 10;
const FLOOD_SOCKETS = 5;
/** Events each flooding socket keeps in flight: it sends the next the moment an ack comes back. */
const FLOOD_IN_FLIGHT = 16;
/** The flood runs this long before measuring starts, so the normal visitors meet it at full strength. */
const FLOOD_LEAD_MS = 500;

/** Only limits keyed by IP or site are lifted; per visitor and per socket stay as shipped. */
const LIFTED: (keyof RateLimits)[] = ['restRequestsPerIp', 'connectionsPerIp', 'conversationsPerIp', 'conversationsPerSite'];
const LIMITS = Object.fromEntries(
  Object.entries(RATE_LIMITS).map(([name, rule]) => [name, LIFTED.includes(name as keyof RateLimits) ? { ...rule, limit: 1_000_000 } : rule]),
) as unknown as RateLimits;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connectVisitor(url: string, siteKey: string, token?: string): Promise<VisitorSocket> {
  const socket: VisitorSocket = io(`${url}/visitor`, {
    auth: token ? { siteKey, token } : { siteKey },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin: ORIGIN },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// ---- the flooder (child process) -----------------------------------------------------------

interface FloodReport {
  sent: number;
  ok: number;
  refused: Record<string, number>;
  timedOut: number;
  seconds: number;
}

async function runFlooder(url: string, siteKey: string) {
  const first = await connectVisitor(url, siteKey);
  const session = await emitWithTimeout(first, 5_000, 'session:resume', {});
  if (!session.ok) throw new Error(`flooder could not start: ${session.error.code}`);
  const sockets = [first, ...(await Promise.all(Array.from({ length: FLOOD_SOCKETS - 1 }, () => connectVisitor(url, siteKey, session.data.token))))];
  const report: FloodReport = { sent: 0, ok: 0, refused: {}, timedOut: 0, seconds: 0 };
  let flooding = false;
  let startedAt = 0;

  const floodFrom = async (socket: VisitorSocket) => {
    while (flooding) {
      report.sent++;
      try {
        const ack = await emitWithTimeout(socket, 5_000, 'message:send', { clientId: randomUUID(), text: 'spam spam spam', topic: 'service' });
        if (ack.ok) report.ok++;
        else report.refused[ack.error.code] = (report.refused[ack.error.code] ?? 0) + 1;
      } catch {
        report.timedOut++;
      }
    }
  };
  const lanes: Promise<void>[] = [];
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') {
      flooding = true;
      startedAt = performance.now();
      for (const socket of sockets) for (let i = 0; i < FLOOD_IN_FLIGHT; i++) lanes.push(floodFrom(socket));
    } else if (message.type === 'stop') {
      flooding = false;
      void Promise.all(lanes.splice(0)).then(() => {
        report.seconds = (performance.now() - startedAt) / 1000;
        process.send!({ type: 'report', report });
        Object.assign(report, { sent: 0, ok: 0, refused: {}, timedOut: 0, seconds: 0 });
      });
    } else if (message.type === 'exit') {
      for (const socket of sockets) socket.disconnect();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready' });
}

// ---- the server and the normal visitors ------------------------------------------------------

async function startFlooder(url: string, siteKey: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--flooder', url, siteKey], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const [message] = (await once(child, 'message')) as [{ type: string }];
  if (message.type !== 'ready') throw new Error(`flooder said ${message.type}`);
  return child;
}

async function askFlooder<T>(child: ChildProcess, type: string, answer?: string): Promise<T | undefined> {
  const reply = answer ? once(child, 'message') : undefined;
  child.send({ type });
  return reply ? ((await reply)[0] as { report: T }).report : undefined;
}

/**
 * Fresh visitors, each with its conversation started; then every one sends a message every 200 ms
 * for `ms`. Also returns how busy this process's event loop (server and these clients) was meanwhile.
 */
async function measureNormalVisitors(url: string, siteKey: string, ms: number) {
  const visitors = await Promise.all(Array.from({ length: NORMAL_VISITORS }, () => connectVisitor(url, siteKey)));
  await Promise.all(
    visitors.map(async (v) => {
      const ack = await emitWithTimeout(v, 5_000, 'message:send', { clientId: randomUUID(), text: 'Hello, where is my order?', topic: 'service' });
      if (!ack.ok) throw new Error(`first message refused: ${ack.error.code}`);
    }),
  );
  const times: number[] = [];
  const refused: Record<string, number> = {};
  const loopBefore = performance.eventLoopUtilization();
  const end = performance.now() + ms;
  await Promise.all(
    visitors.map(async (visitor, i) => {
      // Spread over the interval, as people's typing is.
      await sleep((i * NORMAL_INTERVAL_MS) / NORMAL_VISITORS);
      let next = performance.now();
      while (next < end) {
        const start = performance.now();
        const ack = await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: 'Any news about my parcel?' });
        times.push(performance.now() - start);
        if (!ack.ok) refused[ack.error.code] = (refused[ack.error.code] ?? 0) + 1;
        next += NORMAL_INTERVAL_MS;
        await sleep(Math.max(0, next - performance.now()));
      }
    }),
  );
  const busy = performance.eventLoopUtilization(loopBefore).utilization;
  for (const v of visitors) v.disconnect();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), count: times.length, refused, busy };
}

async function deletePrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Issue 17's flood: many addresses, each within its own limits, together over the site's allowance. */
async function manyAddresses(addresses: number, perAddress: number, siteCeiling: string | undefined) {
  const prefix = `sb:bench:${randomUUID()}`;
  const config = loadConfig({
    PORT: '0', REDIS_URL, REDIS_PREFIX: prefix, SESSION_SECRET: randomUUID() + randomUUID(), LOG_LEVEL: 'warn', DEMO: 'false',
    TRUST_PROXY: 'loopback', ...(siteCeiling ? { SITE_CONVERSATIONS_PER_MINUTE: siteCeiling } : {}),
  });
  // Limits as shipped, but for connections per address (each flooding address opens one socket per conversation).
  const limits = { ...RATE_LIMITS, connectionsPerIp: { ...RATE_LIMITS.connectionsPerIp, limit: 1_000_000 } } as unknown as RateLimits;
  const app = await buildApp(config, { rateLimits: { ...limits, conversationsPerSite: { limit: config.siteConversationsPerMinute, windowMs: 60_000 } } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const siteKey = 'site_flood';
  try {
    await addSite(app.store, { key: siteKey, name: 'Flooded shop', origins: [ORIGIN] });
    const returning = app.visitorTokens.issue(siteKey);
    const start = (address: string, token?: string) =>
      new Promise<{ ok: boolean; code?: string; scope?: unknown; retryAfterMs?: number }>((resolve) => {
        const socket: VisitorSocket = io(`${url}/visitor`, {
          auth: token ? { siteKey, token } : { siteKey }, transports: ['websocket'], reconnection: false, forceNew: true,
          extraHeaders: { origin: ORIGIN, 'x-forwarded-for': address },
        });
        socket.once('connect_error', (error: Error & { data?: { code: string } }) => resolve({ ok: false, code: error.data?.code ?? error.message }));
        socket.once('connect', async () => {
          const ack = await emitWithTimeout(socket, 10_000, 'message:send', { clientId: randomUUID(), text: 'spam spam', topic: 'service' });
          socket.disconnect();
          resolve(ack.ok ? { ok: true } : { ok: false, code: ack.error.code, scope: ack.error.details?.scope, retryAfterMs: ack.error.details?.retryAfterMs as number });
        });
      });
    const began = performance.now();
    const outcomes: Awaited<ReturnType<typeof start>>[] = [];
    for (let round = 0; round < perAddress; round++) {
      outcomes.push(...(await Promise.all(Array.from({ length: addresses }, (_, i) => start(`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`)))));
    }
    const seconds = (performance.now() - began) / 1000;
    const tally: Record<string, number> = {};
    for (const o of outcomes) {
      const key = o.ok ? 'accepted' : `${o.code}${o.scope ? ` (${String(o.scope)})` : ''}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    const real = await start('192.0.2.1', returning.token);
    const newcomer = await start('192.0.2.2');
    const describe = (o: Awaited<ReturnType<typeof start>>) =>
      o.ok ? 'starts a conversation' : `refused ${o.code}${o.scope ? ` (${String(o.scope)})` : ''}${o.retryAfterMs ? `, retry in ${(o.retryAfterMs / 1000).toFixed(1)} s` : ''}`;
    process.stdout.write(
      `bench:flood --addresses ${addresses} --per-address ${perAddress}: ${outcomes.length} new visitors' first messages in ${seconds.toFixed(1)} s; ` +
        `limits: ${RATE_LIMITS.conversationsPerIp.limit} conversations per address a minute, site ceiling ${config.siteConversationsPerMinute} a minute (newcomers only)\n` +
        `  flood: ${JSON.stringify(tally)}\n` +
        `  then a returning visitor (token from before the flood): ${describe(real)}\n` +
        `  then a newcomer:                                        ${describe(newcomer)}\n`,
    );
  } finally {
    await sleep(400);
    await app.close();
    await deletePrefix(prefix);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '4' },
      addresses: { type: 'string' },
      'per-address': { type: 'string', default: '20' },
      'site-ceiling': { type: 'string' },
    },
  });
  if (values.addresses) {
    await manyAddresses(Number(values.addresses), Number(values['per-address']), values['site-ceiling']);
    return;
  }
  const rounds = Number(values.rounds);
  const phaseMs = Number(values.seconds) * 1000;
  if (phaseMs / NORMAL_INTERVAL_MS + 1 >= RATE_LIMITS.messagesPerVisitor.limit) {
    throw new Error(`--seconds ${values.seconds} would put normal visitors over their own limit of ${RATE_LIMITS.messagesPerVisitor.limit} messages`);
  }
  const prefix = `sb:bench:${randomUUID()}`;
  const config = loadConfig({ PORT: '0', REDIS_URL, REDIS_PREFIX: prefix, SESSION_SECRET: randomUUID() + randomUUID(), LOG_LEVEL: 'warn', DEMO: 'false' });
  const app = await buildApp(config, { rateLimits: LIMITS });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const agents: AgentSocket[] = [];
  let flooder: ChildProcess | undefined;
  try {
    const siteKey = 'site_flood';
    await addSite(app.store, { key: siteKey, name: 'Flooded shop', origins: [ORIGIN] });
    await app.siteRouting.updateSettings(siteKey, { assignment: 'auto' }, 'bench');
    const passwordHash = await hashPassword(randomUUID());
    for (let i = 0; i < AGENTS; i++) {
      const id = `a_flood_${i}`;
      await app.store.createAgent({ id, siteKey, email: `agent${i}-${prefix.slice(-8)}@bench.example`, name: `Agent ${i}`, skills: ['service', 'support'], role: 'agent', capacity: 3, disabled: false, passwordHash, createdAt: Date.now() });
      const token = randomUUID();
      await app.store.createSession({ token, agentId: id, siteKey, expiresAt: Date.now() + 3_600_000 });
      const socket: AgentSocket = io(`${url}/agent`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` } });
      agents.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    /** Each phase's conversations are closed afterwards, so agents keep room for the next. */
    const resolveAll = async () => {
      for (const [conversationId, agentId] of Object.entries(await app.store.listAssignments(siteKey))) {
        await app.store.resolveConversation({ siteKey, conversationId, agentId, now: Date.now() });
      }
    };

    flooder = await startFlooder(url, siteKey);
    process.stdout.write(
      `bench:flood: ${NORMAL_VISITORS} normal visitors, one message each every ${NORMAL_INTERVAL_MS} ms for ${phaseMs / 1000} s a phase; ` +
        `the flooder: 1 visitor, ${FLOOD_SOCKETS} sockets, ${FLOOD_IN_FLIGHT} in flight each;\n` +
        `limits as shipped: ${RATE_LIMITS.messagesPerVisitor.limit} messages per visitor per ${RATE_LIMITS.messagesPerVisitor.windowMs / 1000} s, ` +
        `${SOCKET_EVENT_RATE.perSecond} events/s per socket (burst ${SOCKET_EVENT_RATE.burst}); ${rounds} rounds\n\n`,
    );

    await measureNormalVisitors(url, siteKey, 1_000); // warm-up
    await resolveAll();
    const quiet: { p50: number; p99: number }[] = [];
    const flooded: { p50: number; p99: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const alone = await measureNormalVisitors(url, siteKey, phaseMs);
      await resolveAll();
      await askFlooder(flooder, 'start');
      await sleep(FLOOD_LEAD_MS);
      const under = await measureNormalVisitors(url, siteKey, phaseMs);
      const flood = (await askFlooder<FloodReport>(flooder, 'stop', 'report'))!;
      await resolveAll();
      quiet.push(alone);
      flooded.push(under);
      const refusedNormal = { ...alone.refused, ...under.refused };
      process.stdout.write(
        `round ${round + 1}: alone p50 ${fmt(alone.p50)} ms p99 ${fmt(alone.p99)} ms (${alone.count} acks, server loop ${pct(alone.busy)} busy) | ` +
          `flooded p50 ${fmt(under.p50)} ms p99 ${fmt(under.p99)} ms (${under.count} acks, server loop ${pct(under.busy)} busy)` +
          `${Object.keys(refusedNormal).length ? ` | normal visitors refused: ${JSON.stringify(refusedNormal)}` : ''}\n` +
          `         flood: ${Math.round(flood.sent / flood.seconds)} events/s sent, ${flood.ok} accepted, refused ${JSON.stringify(flood.refused)}` +
          `${flood.timedOut ? `, ${flood.timedOut} without an ack in 5 s` : ''}\n`,
      );
    }
    const p50 = { alone: median(quiet.map((q) => q.p50)), flooded: median(flooded.map((f) => f.p50)) };
    const p99 = { alone: median(quiet.map((q) => q.p99)), flooded: median(flooded.map((f) => f.p99)) };
    process.stdout.write(
      `\nnormal visitors' ack time, median of ${rounds} rounds:\n` +
        `  p50  alone ${fmt(p50.alone).padStart(6)} ms   flooded ${fmt(p50.flooded).padStart(6)} ms   ratio ${fmt(p50.flooded / p50.alone)}\n` +
        `  p99  alone ${fmt(p99.alone).padStart(6)} ms   flooded ${fmt(p99.flooded).padStart(6)} ms   ratio ${fmt(p99.flooded / p99.alone)}\n`,
    );
  } finally {
    if (flooder?.connected) {
      const exited = once(flooder, 'exit');
      flooder.send({ type: 'exit' });
      await exited;
    }
    for (const socket of agents) socket.disconnect();
    // Queue position updates are debounced by 300 ms (server/realtime/announce.ts) and not cancelled
    // by close(): let the last ones go out, or they log "position update failed" on a closed store.
    await sleep(400);
    await app.close();
    await deletePrefix(prefix);
  }
}

const flooderAt = process.argv.indexOf('--flooder');
if (flooderAt >= 0) await runFlooder(process.argv[flooderAt + 1]!, process.argv[flooderAt + 2]!);
else await main();
