/**
 * Prometheus metrics as a scraper reads them: on their own port only, refused to addresses not in
 * METRICS_ALLOW, every family present, and the counts move with a conversation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { MessageView, QueueEntry } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually, waitFor } from '../helpers/wait-for';

/** The value of one sample: `name{labels}` with every given label (others may be there too); 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

const FAMILIES = [
  'switchboard_connections',
  'switchboard_messages_total',
  'switchboard_conversations_total',
  'switchboard_acks_total',
  'switchboard_queue_waiting',
  'switchboard_queue_longest_wait_seconds',
  'switchboard_assignment_seconds',
  'switchboard_first_offer_seconds',
  'switchboard_redis_command_seconds',
  'switchboard_redis_command_errors_total',
  'switchboard_job_queue_jobs',
  'nodejs_eventloop_lag_seconds',
  'process_cpu_seconds_total',
];

describe('Prometheus metrics', () => {
  let started: StartedApp;
  const scrape = async () => {
    const response = await fetch(started.app.metricsUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: { METRICS_PORT: '0', METRICS_ALLOW: 'loopback' } });
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  it('serves every family on its own loopback port, and nothing on the public one', async () => {
    expect(started.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await scrape();
    for (const family of FAMILIES) expect(text, family).toContain(`# TYPE ${family} `);
    expect((await fetch(`${started.url}/metrics`)).status).toBe(404);
  });

  it('moves with a conversation: connections, messages both ways, acks by result, queue, waits, Redis commands', async () => {
    const { siteKey } = started;
    const before = await scrape();
    const agent = await connectAgent(started.url, started.serviceAgent);
    const visitor = await connectVisitor(started.url, { siteKey });
    const entered = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
    expectOk(await emitWithTimeout(visitor, 5000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for my order' }));
    const [entry] = await entered;

    const waiting = await scrape();
    expect(sample(waiting, 'switchboard_connections', { namespace: '/visitor' })).toBeGreaterThanOrEqual(1);
    expect(sample(waiting, 'switchboard_connections', { namespace: '/agent' })).toBeGreaterThanOrEqual(1);
    expect(sample(waiting, 'switchboard_queue_waiting', { site: siteKey, queue: 'service' })).toBe(1);
    expect(sample(waiting, 'switchboard_queue_longest_wait_seconds', { site: siteKey, queue: 'service' })).toBeGreaterThanOrEqual(0);

    expectOk(await emitWithTimeout(agent, 5000, 'conversation:take', { conversationId: entry.conversationId }));
    const reply = waitFor<[MessageView]>(visitor, 'message:new');
    expectOk(await emitWithTimeout(agent, 5000, 'message:send', { conversationId: entry.conversationId, clientId: randomUUID(), text: 'Refunding one now.' }));
    await reply;
    const refused = await emitWithTimeout(agent, 5000, 'conversation:take', { conversationId: 'c_nope' });
    expect(refused.ok).toBe(false);

    await eventually(async () => {
      const after = await scrape();
      const grew = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
      expect(grew('switchboard_messages_total', { direction: 'visitor' })).toBe(1);
      expect(grew('switchboard_messages_total', { direction: 'agent' })).toBe(1);
      expect(grew('switchboard_conversations_total', { event: 'created', queue: 'service' })).toBe(1);
      expect(grew('switchboard_acks_total', { namespace: '/visitor', event: 'message:send', result: 'ok' })).toBe(1);
      expect(grew('switchboard_acks_total', { namespace: '/agent', event: 'conversation:take', result: 'ok' })).toBe(1);
      expect(grew('switchboard_acks_total', { namespace: '/agent', event: 'conversation:take', result: 'error', code: 'CONVERSATION_NOT_FOUND' })).toBe(1);
      expect(grew('switchboard_assignment_seconds_count', { queue: 'service', by: 'take' })).toBe(1);
      expect(grew('switchboard_first_offer_seconds_count', { queue: 'service' })).toBe(1);
      expect(grew('switchboard_redis_command_seconds_count', { command: 'evalsha' })).toBeGreaterThan(0);
      expect(sample(after, 'switchboard_queue_waiting', { site: siteKey, queue: 'service' })).toBe(0);
    }, 5000);
  });
});

describe('Prometheus metrics, restricted and off', () => {
  it('refuses a scrape from an address not in METRICS_ALLOW with 403, and counts nothing for it', async () => {
    const started = await startApp({ env: { METRICS_PORT: '0', METRICS_ALLOW: '10.0.0.0/8, 192.0.2.1' } });
    try {
      const response = await fetch(started.app.metricsUrl!);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/METRICS_ALLOW/);
      expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
    } finally {
      await started.close();
    }
  });

  it('is off without METRICS_PORT', async () => {
    const started = await startApp();
    try {
      expect(started.app.metricsUrl).toBeNull();
    } finally {
      await started.close();
    }
  });
});
