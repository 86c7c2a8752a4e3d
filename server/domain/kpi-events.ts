/**
 * Records each step of a conversation's life once, with its time, as a raw event and as
 * increments to hourly and daily aggregates (server/domain/kpis.ts reads them back). The fields
 * of an aggregate are `<dimension>|<metric>`, dimensions being `*` (the site), `q:<queue>`,
 * `a:<agent>` and `qa:<queue>:<agent>`, so a figure for any filter is a sum over buckets.
 */
import type { AgentId, SiteKey } from '../../shared/ids';
import type { ConversationView } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { KpiEvent, KpiIncrement, Store } from '../store/store';
import { bucketOf } from './kpi-histogram';

/** A visitor back within this long of their previous conversation is a repeat contact. */
export const REPEAT_CONTACT_WINDOW_MS = 7 * 86_400_000;

/** The dimensions an event counts in: the site and its queue, and, with an agent, the agent alone and in that queue. */
export function dimensionsOf(queue: QueueName, agentId?: AgentId | null): { scope: KpiIncrement['scope']; dim: string }[] {
  const dims: { scope: KpiIncrement['scope']; dim: string }[] = [
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
      break;
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
      break;
  }
  return expand(queue, agentId, metrics);
}

function expand(queue: QueueName, agentId: AgentId | null, metrics: [string, number, boolean?][]): KpiIncrement[] {
  return dimensionsOf(queue, agentId).flatMap(({ scope, dim }) =>
    metrics.map(([metric, by, firstOnly]) => ({ scope, field: `${dim}|${metric}`, by, ...(firstOnly ? { firstOnly } : {}) })),
  );
}

/** Marks that make each recording happen once per conversation (retries and races record nothing twice). */
function marksOf(event: KpiEvent): { once: string; first?: string } {
  switch (event.type) {
    case 'created':
    case 'first-reply':
    case 'resolved':
    case 'abandoned':
    case 'rated':
      return { once: event.type };
    case 'assigned':
      return { once: `assigned:${event.at}`, first: 'assigned' };
    case 'transferred':
      return { once: `transferred:${event.at}`, first: 'transferred' };
    case 'rerouted':
      return { once: `rerouted:${event.at}` };
  }
}

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

    resolved(c: ConversationView, agentId: AgentId, assignedAt: number) {
      const at = c.resolvedAt!;
      return record(c.siteKey, { type: 'resolved', at, conversationId: c.id, queue: c.queue, agentId, handleMs: at - assignedAt });
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
        ...(r.csat !== undefined ? { csat: r.csat } : {}),
        ...(r.ces !== undefined ? { ces: r.ces } : {}),
        ...(r.nps !== undefined ? { nps: r.nps } : {}),
        ...(r.comment ? { comment: r.comment } : {}),
      });
    },
  };
}
