/** The wallboard feed: a plain WebSocket with a site API token, updated within a second of a change. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { LiveMetricsMessage } from '../../shared/schemas';
import { expectOk } from '../helpers/acks';
import { connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the live wallboard feed /api/v1/metrics/live', () => {
  let started: StartedApp;
  let token: string;
  const sockets: WebSocket[] = [];

  /** Opens the feed and collects its messages; resolves once the first arrives. */
  function openFeed(query: string) {
    const ws = new WebSocket(`${started.url.replace('http', 'ws')}/api/v1/metrics/live?${query}`);
    sockets.push(ws);
    const messages: { at: number; message: LiveMetricsMessage }[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (data) => {
      messages.push({ at: Date.now(), message: JSON.parse(String(data)) as LiveMetricsMessage });
      for (const wake of waiters.splice(0)) wake();
    });
    const next = (count: number, timeoutMs = 3000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (messages.length >= count ? resolve() : waiters.push(check));
        setTimeout(() => reject(new Error(`no message ${count} within ${timeoutMs} ms`)), timeoutMs).unref();
        check();
      });
    return { ws, messages, next };
  }

  /** How a refused upgrade ends: the HTTP status and error code the server answered with. */
  function refusal(query: string) {
    return new Promise<{ status: number; code: string }>((resolve, reject) => {
      const ws = new WebSocket(`${started.url.replace('http', 'ws')}/api/v1/metrics/live?${query}`);
      sockets.push(ws);
      ws.on('open', () => reject(new Error('the feed opened')));
      ws.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, code: (JSON.parse(body) as { error: { code: string } }).error.code }));
      });
      ws.on('error', () => {});
    });
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    const admin = await logIn(started.url, started.adminAgent);
    const response = await siteApi(started, 'POST', '/api-tokens', admin, { name: 'TV in the office' });
    expect(response.status).toBe(201);
    token = ((await response.json()) as { token: string }).token;
    expect(token.startsWith(`${started.siteKey}.`)).toBe(true);
  });
  afterEach(() => {
    disconnectAll();
    for (const ws of sockets.splice(0)) ws.terminate();
  });
  afterAll(() => started?.close());

  it('sends the queues and today’s figures at once, then an update within a second of a change', async () => {
    const feed = openFeed(`token=${encodeURIComponent(token)}`);
    await feed.next(1);
    const first = feed.messages[0]!.message;
    expect(first).toMatchObject({ type: 'metrics', site: started.siteKey, queues: [{ queue: 'service', waiting: 0 }, { queue: 'support', waiting: 0 }] });
    const before = first.today.conversations;

    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const sentAt = Date.now();
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for my order' }));
    await feed.next(2);
    const update = feed.messages[1]!;
    expect(update.at - sentAt).toBeLessThan(1000);
    expect(update.message.today.conversations).toBe(before + 1);
    expect(update.message.queues.find((q) => q.queue === 'service')!.waiting).toBe(1);
    // Nothing changed since: nothing more is sent.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(feed.messages).toHaveLength(2);
  });

  it('sends at most one update a second, however busy the site', async () => {
    const feed = openFeed(`token=${encodeURIComponent(token)}`);
    await feed.next(1);
    for (let i = 0; i < 5; i++) {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'The app crashes on start' }));
    }
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const times = feed.messages.map((m) => m.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(990);
  });

  it('refuses a wrong, malformed, missing or other site’s token before any socket opens', async () => {
    const secret = token.split('.')[1]!;
    const wrong = `${started.siteKey}.${secret.slice(0, -2)}${secret.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal(`token=${encodeURIComponent(wrong)}`)).toEqual({ status: 401, code: 'API_TOKEN_INVALID' });
    expect(await refusal(`token=${encodeURIComponent(`other_site.${secret}`)}`)).toEqual({ status: 401, code: 'API_TOKEN_INVALID' });
    expect(await refusal('token=nonsense')).toEqual({ status: 401, code: 'API_TOKEN_INVALID' });
    expect(await refusal('')).toEqual({ status: 401, code: 'API_TOKEN_INVALID' });
  });

  it('lets only admins make tokens, and the CLI too', async () => {
    const agent = await logIn(started.url, started.serviceAgent);
    expect((await siteApi(started, 'POST', '/api-tokens', agent, { name: 'x' })).status).toBe(403);
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/admin.ts', 'site:token', '--site', started.siteKey, '--name', 'lobby'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
    });
    const made = JSON.parse(stdout) as { token: string; name: string };
    expect(made.name).toBe('lobby');
    const feed = openFeed(`token=${encodeURIComponent(made.token)}`);
    await feed.next(1);
    expect(feed.messages[0]!.message.site).toBe(started.siteKey);
  }, 30_000);
});
