/**
 * Records each step of a conversation's life once, with its time, as a raw event and as
 * increments to hourly, daily and weekly aggregates (server/domain/kpis.ts reads them back). The fields
 * of an aggregate are `<dimension>|<metric>`, dimensions being `*` (the site), `q:<queue>`,
 * `a:<agent>` and `qa:<queue>:<agent>`, so a figure for any filter is a sum over buckets.
 *
 * A category is known only once the conversation is resolved, so the category dimensions (`c:`,
 * `qc:`, `ac:`, `qac:`) count a conversation at its resolution, with every figure it had by then
 * (its first wait, first reply, transfer, repeat contact), and its later rating and reopening.
 */
import type { AgentId, SiteKey } from '../../shared/ids';
import type { ConversationView } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { KpiEvent, KpiIncrement, KpiScope, Store } from '../store/store';
import { bucketOf } from './kpi-histogram';

/** A visitor back within this long of their previous conversation is a repeat contact. */
export const REPEAT_CONTACT_WINDOW_MS = 7 * 86_400_000;

/** The dimensions an event counts in: the site and its queue, and, with an agent, the agent alone and in that queue. */
export function dimensionsOf(queue: QueueName, agentId?: AgentId | null): { scope: KpiScope; dim: string }[] {
  const dims: { scope: KpiScope; dim: string }[] = [
    { scope: 'site', dim: '*' },
    { scope: 'site', dim: `q:${queue}` },
  ];
  if (agentId) dims.push({ scope: 'agent', dim: `a:${agentId}` }, { scope: 'agentQueue', dim: `qa:${queue}:${agentId}` });
  return dims;
}

/** The increments of one event, pure: what each KPI needs summed. */
export function incrementsOf(event: KpiEvent): KpiIncrement[] {
  const metrics: [metric: string, by: number, firstOnly?: boolean][] = [];
  const duration = (name: string, ms: number, firstOnly?: boolean) =>
    metrics.push([`${name}.n`, 1, firstOnly], [`${name}.sum`, Math.round(ms), firstOnly], [`${name}.h${bucketOf(ms)}`, 1, firstOnly]);
  let queue: QueueName;
  let agentId: AgentId | null = null;
  switch (event.type) {
    case 'created':
      queue = event.queue;
      metrics.push(['created', 1]);
      if (event.repeat) metrics.push(['repeat', 1]);
      break;
    case 'rerouted':
      return [];
    case 'assigned':
      queue = event.queue;
      agentId = event.agentId;
      metrics.push(['assigned', 1], [`assigned:${queue}`, 1]);
      // Waiting is measured once, up to the first assignment; a hand-back's second wait is the team's, not the visitor's first.
      duration('wait', event.waitMs, true);
      break;
    case 'first-reply':
      queue = event.queue;
      agentId = event.agentId;
      duration('frt', event.frtMs);
      break;
    case 'transferred': {
      agentId = event.agentId;
      queue = event.from;
      metrics.push([`xfer:${event.from}>${event.to}`, 1]);
      // The first transfer of a conversation says the router chose wrong: counted against the queue it chose.
      const routed = dimensionsOf(event.routedQueue).map(({ scope, dim }) => ({ scope, field: `${dim}|misrouted`, by: 1, firstOnly: true }));
      return [...expand(queue, agentId, metrics), ...routed];
    }
    case 'resolved':
      queue = event.queue;
      agentId = event.agentId;
      metrics.push(['resolved', 1]);
      duration('aht', event.handleMs);
      return [...expand(queue, agentId, metrics), ...categoryIncrements(event)];
    case 'reopened':
      // A conversation reopened twice is one reopened conversation: the rate is of conversations.
      return expand(event.queue, event.agentId, [['reopened', 1, true]], event.category);
    case 'abandoned':
      queue = event.queue;
      metrics.push(['abandoned', 1]);
      break;
    case 'rated':
      queue = event.queue;
      agentId = event.agentId;
      for (const kind of ['csat', 'ces', 'nps'] as const) {
        if (event[kind] !== undefined) metrics.push([`${kind}:${event[kind]}`, 1]);
      }
      return expand(queue, agentId, metrics, event.category);
  }
  return expand(queue, agentId, metrics);
}

/** The dimensions of a category, each in its own scope: alone, in the queue, and with an agent, the agent's alone and in the queue. */
export function categoryDimensionsOf(category: string, queue: QueueName, agentId?: AgentId | null): { scope: KpiScope; dim: string }[] {
  const dims: { scope: KpiScope; dim: string }[] = [
    { scope: 'category', dim: `c:${category}` },
    { scope: 'queueCategory', dim: `qc:${queue}:${category}` },
  ];
  if (agentId) dims.push({ scope: 'agentCategory', dim: `ac:${agentId}:${category}` }, { scope: 'agentQueueCategory', dim: `qac:${queue}:${agentId}:${category}` });
  return dims;
}

function expand(
  queue: QueueName,
  agentId: AgentId | null,
  metrics: [string, number, boolean?][],
  category?: string,
): KpiIncrement[] {
  const dims = dimensionsOf(queue, agentId);
  if (category) dims.push(...categoryDimensionsOf(category, queue, agentId));
  return dims.flatMap(({ scope, dim }) =>
    metrics.map(([metric, by, firstOnly]) => ({ scope, field: `${dim}|${metric}`, by, ...(firstOnly ? { firstOnly } : {}) })),
  );
}

/** What a resolved conversation had been through, counted in its category's dimensions. */
function categoryIncrements(event: Extract<KpiEvent, { type: 'resolved' }>): KpiIncrement[] {
  const { category, summary } = event;
  if (!category || !summary) return [];
  const metrics: [string, number][] = [];
  const duration = (name: string, ms: number | undefined) => {
    if (ms !== undefined) metrics.push([`${name}.n`, 1], [`${name}.sum`, Math.round(ms)], [`${name}.h${bucketOf(ms)}`, 1]);
  };
  metrics.push(['created', 1], ['assigned', 1], [`assigned:${summary.routedQueue}`, 1], ['resolved', 1]);
  if (summary.repeat) metrics.push(['repeat', 1]);
  if (summary.transferredFrom) metrics.push([`xfer:${summary.transferredFrom}>${event.queue}`, 1], ['misrouted', 1]);
  duration('wait', summary.waitMs);
  duration('frt', summary.frtMs);
  duration('aht', event.handleMs);
  return categoryDimensionsOf(category, event.queue, event.agentId).flatMap(({ scope, dim }) =>
    metrics.map(([metric, by]) => ({ scope, field: `${dim}|${metric}`, by })),
  );
}

/**
 * Marks that make each recording happen once per conversation (retries and races record nothing
 * twice), and the value kept with them: what the conversation's resolution reads back (MARKS_READ_AT_RESOLVE).
 */
function marksOf(event: KpiEvent): { once: string; first?: string; markValue: number } {
  switch (event.type) {
    case 'created':
      return { once: event.type, markValue: event.repeat ? 1 : 0 };
    case 'first-reply':
      return { once: event.type, markValue: event.frtMs };
    case 'resolved':
      return { once: event.type, markValue: event.handleMs };
    case 'abandoned':
    case 'rated':
      return { once: event.type, markValue: 1 };
    case 'assigned':
      return { once: `assigned:${event.at}`, first: 'assigned', markValue: event.waitMs };
    case 'transferred':
      return { once: `transferred:${event.at}`, first: 'transferred', markValue: 1 };
    case 'reopened':
      return { once: `reopened:${event.at}`, first: 'reopened', markValue: event.afterMs };
    case 'rerouted':
      return { once: `rerouted:${event.at}`, markValue: 1 };
  }
}

/** created: 1 for a repeat contact; assigned: the first wait; first-reply: the FRT. */
const MARKS_READ_AT_RESOLVE = ['created', 'assigned', 'first-reply'];

export type KpiRecorder = ReturnType<typeof createKpiRecorder>;

/** What listens to recorded events (the live wallboard feed): told the site changed. */
export type KpiListener = (siteKey: SiteKey) => void;

export function createKpiRecorder({ store }: { store: Store }) {
  const listeners = new Set<KpiListener>();
  const record = async (siteKey: SiteKey, event: KpiEvent) => {
    const recorded = await store.recordKpiEvent({ siteKey, ...marksOf(event), event, increments: incrementsOf(event) });
    if (recorded) for (const listener of listeners) listener(siteKey);
    return recorded;
  };

  return {
    record,
    /** @returns a function that stops listening */
    onRecorded(listener: KpiListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** A new conversation; `previousCreatedAt` is the visitor's conversation before it, if any. */
    created(c: ConversationView, previousCreatedAt: number | undefined) {
      const repeat = previousCreatedAt !== undefined && c.createdAt - previousCreatedAt <= REPEAT_CONTACT_WINDOW_MS;
      return record(c.siteKey, {
        type: 'created',
        at: c.createdAt,
        conversationId: c.id,
        queue: c.queue,
        routedBy: c.routing.by,
        visitorId: c.visitorId,
        repeat,
      });
    },

    rerouted(c: ConversationView, from: QueueName, at: number) {
      return record(c.siteKey, { type: 'rerouted', at, conversationId: c.id, from, to: c.queue, routedBy: c.routing.by });
    },

    assigned(c: ConversationView) {
      if (c.assignedAt === undefined || !c.assignedAgentId) return Promise.resolve(false);
      return record(c.siteKey, {
        type: 'assigned',
        at: c.assignedAt,
        conversationId: c.id,
        queue: c.queue,
        agentId: c.assignedAgentId,
        waitMs: c.assignedAt - c.queuedAt,
      });
    },

    /** Called for every agent message; only the conversation's first is recorded. */
    agentReplied(c: ConversationView, agentId: AgentId, at: number) {
      return record(c.siteKey, { type: 'first-reply', at, conversationId: c.id, queue: c.queue, agentId, frtMs: at - c.createdAt });
    },

    transferred(c: ConversationView, from: QueueName, agentId: AgentId, at: number) {
      return record(c.siteKey, { type: 'transferred', at, conversationId: c.id, from, to: c.queue, agentId, routedQueue: c.routing.queue });
    },

    async resolved(c: ConversationView, agentId: AgentId, assignedAt: number) {
      const at = c.resolvedAt!;
      const base = { type: 'resolved', at, conversationId: c.id, queue: c.queue, agentId, handleMs: at - assignedAt } as const;
      if (!c.category) return record(c.siteKey, base);
      const marks = await store.readKpiMarks(c.siteKey, c.id, MARKS_READ_AT_RESOLVE);
      return record(c.siteKey, {
        ...base,
        category: c.category,
        summary: {
          routedQueue: c.routing.queue,
          repeat: marks.created === 1,
          ...(marks.assigned !== undefined ? { waitMs: marks.assigned } : {}),
          ...(marks['first-reply'] !== undefined ? { frtMs: marks['first-reply'] } : {}),
          ...(c.transfer ? { transferredFrom: c.transfer.fromQueue } : {}),
        },
      });
    },

    /** The visitor's reply reopened `c`, which `previous` (as it was resolved) was. */
    reopened(c: ConversationView, previous: ConversationView) {
      const at = c.reopenedAt!;
      return record(c.siteKey, {
        type: 'reopened',
        at,
        conversationId: c.id,
        queue: previous.queue,
        agentId: previous.assignedAgentId ?? null,
        afterMs: at - (previous.resolvedAt ?? at),
        ...(previous.category ? { category: previous.category } : {}),
      });
    },

    abandoned(c: ConversationView) {
      const at = c.abandonedAt!;
      return record(c.siteKey, { type: 'abandoned', at, conversationId: c.id, queue: c.queue, waitedMs: at - c.queuedAt });
    },

    rated(c: ConversationView) {
      const r = c.rating!;
      return record(c.siteKey, {
        type: 'rated',
        at: r.at,
        conversationId: c.id,
        queue: c.queue,
        agentId: c.assignedAgentId ?? null,
        ...(c.category ? { category: c.category } : {}),
        ...(r.csat !== undefined ? { csat: r.csat } : {}),
        ...(r.ces !== undefined ? { ces: r.ces } : {}),
        ...(r.nps !== undefined ? { nps: r.nps } : {}),
        ...(r.comment ? { comment: r.comment } : {}),
      });
    },
  };
}
