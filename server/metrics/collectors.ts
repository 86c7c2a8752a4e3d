/**
 * Prometheus metric families (prom-client) on a registry of the app's own (no global registry:
 * two apps in one test process keep their counts apart). Counts and latencies come from domain
 * events (STYLE rule 16); gauges are read when Prometheus scrapes. Label sets are bounded: sites
 * beyond the top `maxSites` by waiting conversations are summed under `site="other"`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DomainEvents } from '../domain/events';
import { QUEUES } from '../../shared/queues';
import type { Store } from '../store/store';

/** Waits and offers: seconds to a minute are normal, ten minutes is a queue in trouble. */
const WAIT_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Redis round trips on loopback or a LAN: sub-millisecond to a few ms; 100 ms is an incident. */
const REDIS_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

export interface SwitchboardMetrics {
  registry: Registry;
  connections: Gauge<'namespace'>;
  acks: Counter<'namespace' | 'event' | 'result' | 'code'>;
  redisCommands: Histogram<'command'>;
  redisErrors: Counter<'command'>;
  /** Stops the subscriptions and timers. */
  stop(): void;
}

export interface MetricsSources {
  events: DomainEvents;
  store: Store;
  /** Open sockets per namespace, read at scrape time. */
  socketCounts: () => Record<string, number>;
  /** Job queue depths by queue and state, read at scrape time (BullMQ); absent in embedded mode. */
  jobCounts?: () => Promise<Record<string, Record<string, number>>>;
  /** Most sites labelled one by one; the rest are summed as "other". @default 20 */
  maxSites?: number;
  now?: () => number;
}

export function createMetrics({ events, store, socketCounts, jobCounts, maxSites = 20, now = Date.now }: MetricsSources): SwitchboardMetrics {
  const registry = new Registry();
  // Process CPU, memory, heap, GC and event-loop lag (nodejs_eventloop_lag_*), as every Node exporter has them.
  collectDefaultMetrics({ register: registry });

  const connections = new Gauge({
    name: 'switchboard_connections',
    help: 'Open Socket.IO connections on this process, by namespace.',
    labelNames: ['namespace'] as const,
    registers: [registry],
    collect() {
      for (const [namespace, count] of Object.entries(socketCounts())) this.set({ namespace }, count);
    },
  });
  const messages = new Counter({
    name: 'switchboard_messages_total',
    help: 'Messages stored, by direction (visitor = visitor to agent, agent = agent to visitor).',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const conversations = new Counter({
    name: 'switchboard_conversations_total',
    help: 'Conversations by what happened to them (created, assigned, resolved, abandoned, transferred, released).',
    labelNames: ['event', 'queue'] as const,
    registers: [registry],
  });
  const acks = new Counter({
    name: 'switchboard_acks_total',
    help: 'Acknowledgements sent for client events, by namespace, event, result (ok, error) and error code.',
    labelNames: ['namespace', 'event', 'result', 'code'] as const,
    registers: [registry],
  });
  const assignment = new Histogram({
    name: 'switchboard_assignment_seconds',
    help: 'From joining the queue (queuedAt) to an agent holding the conversation, by queue and how (take, take-next, auto, hand-over).',
    labelNames: ['queue', 'by'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const firstOffer = new Histogram({
    name: 'switchboard_first_offer_seconds',
    help: "From the visitor's first message to the first agent holding the conversation (never re-queued before), by queue.",
    labelNames: ['queue'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const redisCommands = new Histogram({
    name: 'switchboard_redis_command_seconds',
    help: 'Redis command latency as the app sees it (queueing in the client included), by command.',
    labelNames: ['command'] as const,
    buckets: REDIS_BUCKETS,
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: 'switchboard_redis_command_errors_total',
    help: 'Redis commands that failed (error reply, lost connection), by command.',
    labelNames: ['command'] as const,
    registers: [registry],
  });

  // Queue gauges: read from the store at scrape time, the busiest sites by name and the rest summed.
  // prom-client collects every family at once, so both gauges share one read per scrape.
  let reading: Promise<Map<string, { count: number; waitedS: number }>> | undefined;
  const readQueues = async () => {
    const sites = await store.listSiteKeys();
    const rows = await Promise.all(
      sites.flatMap((site) =>
        QUEUES.map(async (queue) => {
          const { count, entries } = await store.listQueue(site, queue, 1);
          const first = entries[0];
          return { site, queue, count, waitedS: first ? Math.max(0, (now() - first.queuedAt) / 1000) : 0 };
        }),
      ),
    );
    const bySite = new Map<string, number>();
    for (const row of rows) bySite.set(row.site, (bySite.get(row.site) ?? 0) + row.count);
    const named = new Set([...bySite].sort((a, b) => b[1] - a[1]).slice(0, maxSites).map(([site]) => site));
    /** `site\u0000queue` → waiting count and longest wait, "other" summed (count) and maxed (wait). */
    const series = new Map<string, { count: number; waitedS: number }>();
    for (const row of rows) {
      const key = `${named.has(row.site) ? row.site : 'other'}\u0000${row.queue}`;
      const sum = series.get(key) ?? { count: 0, waitedS: 0 };
      series.set(key, { count: sum.count + row.count, waitedS: Math.max(sum.waitedS, row.waitedS) });
    }
    return series;
  };
  const queueSeries = () => {
    if (!reading) {
      reading = readQueues();
      reading.then(
        () => (reading = undefined),
        () => (reading = undefined),
      );
    }
    return reading;
  };
  new Gauge({
    name: 'switchboard_queue_waiting',
    help: `Conversations waiting, by site (the ${maxSites} with most waiting; the rest as "other") and queue.`,
    labelNames: ['site', 'queue'] as const,
    registers: [registry],
    async collect() {
      const series = await queueSeries();
      this.reset();
      for (const [key, { count }] of series) {
        const [site = '', queue = ''] = key.split('\u0000');
        this.set({ site, queue }, count);
      }
    },
  });
  new Gauge({
    name: 'switchboard_queue_longest_wait_seconds',
    help: 'How long the first conversation in line has waited, by site (as switchboard_queue_waiting) and queue.',
    labelNames: ['site', 'queue'] as const,
    registers: [registry],
    async collect() {
      const series = await queueSeries();
      this.reset();
      for (const [key, { waitedS }] of series) {
        const [site = '', queue = ''] = key.split('\u0000');
        this.set({ site, queue }, waitedS);
      }
    },
  });

  if (jobCounts) {
    new Gauge({
      name: 'switchboard_job_queue_jobs',
      help: 'Background jobs by queue (sweep, retention, webhook and email deliveries …) and state (waiting, delayed, active, failed).',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [queue, states] of Object.entries(await jobCounts())) {
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
        }
      },
    });
  }

  const unsubscribe = [
    events.on('message.created', ({ data }) => messages.inc({ direction: data.message.author })),
    events.on('conversation.created', ({ data }) => {
      // The first message is told with the conversation, not by a message.created of its own.
      messages.inc({ direction: data.message.author });
      conversations.inc({ event: 'created', queue: data.conversation.queue });
    }),
    events.on('conversation.assigned', ({ data: { conversation, by } }) => {
      conversations.inc({ event: 'assigned', queue: conversation.queue });
      const assignedAt = conversation.assignedAt ?? now();
      assignment.observe({ queue: conversation.queue, by }, Math.max(0, (assignedAt - conversation.queuedAt) / 1000));
      if (by !== 'hand-over' && conversation.queuedAt === conversation.createdAt) {
        firstOffer.observe({ queue: conversation.queue }, Math.max(0, (assignedAt - conversation.createdAt) / 1000));
      }
    }),
    events.on('conversation.resolved', ({ data }) => conversations.inc({ event: 'resolved', queue: data.conversation.queue })),
    events.on('conversation.abandoned', ({ data }) => conversations.inc({ event: 'abandoned', queue: data.conversation.queue })),
    events.on('conversation.transferred', ({ data }) => conversations.inc({ event: 'transferred', queue: data.conversation.queue })),
    events.on('conversation.released', ({ data }) => conversations.inc({ event: 'released', queue: data.conversation.queue })),
  ];

  return {
    registry,
    connections,
    acks,
    redisCommands,
    redisErrors,
    stop() {
      for (const off of unsubscribe) off();
    },
  };
}
