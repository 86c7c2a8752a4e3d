/**
 * Webhook delivery: a subscriber of every domain event puts the event, projected to what a site
 * owner may see, in an ordered outbox per (endpoint, conversation), and one delivery job at a time
 * per outbox sends its head, signed. BullMQ's open-source edition has no per-group ordering, so
 * the order lives in the store: a job only ever delivers the head of its outbox, and only the job
 * that removes the head starts the next one (ackWebhookOutbox answers the new head in the same
 * atomic step). A failed attempt throws, so the job is retried with exponential backoff; the last
 * failure gives the event up and goes on with the next, so one dead event never blocks an outbox.
 *
 * Job data names the outbox and the event, never the event's content: the visitor's words stay
 * in the outbox, which visitor erasure can empty (forgetConversationDeliveries).
 */
import type { ConversationId, SiteKey } from '../../shared/ids';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../shared/schemas';
import type { Jobs } from '../jobs/jobs';
import type { Store, WebhookEndpoint, WebhookOutboxRef } from '../store/store';
import { conversationIdOf, type DomainEvent, type DomainEventMap } from './events';
import { toAgentConversation } from './views';
import { signWebhook, SIGNATURE_HEADER } from './webhook-signature';
import { postWebhook, WEBHOOK_USER_AGENT, type PostWebhook } from './webhook-request';

export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';

/**
 * Attempts per event, the first included. With the default 10 s base, retry n waits 10 s · 2^(n-1):
 * the first within a minute, the fifteenth about 45 hours after the event (more than the day promised).
 */
export const WEBHOOK_ATTEMPTS = 15;
/** @default 10 s: an endpoint slower than this is counted as failed, and the event retried. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How often outboxes are looked over for one left without a job (see sweepOutboxes). */
export const WEBHOOK_OUTBOX_SWEEP_MS = 5 * 60_000;
/**
 * How long a process reuses a site's list of endpoints before reading it again: every event of a
 * site needs it, and almost every site has none. A change made through this process is seen at
 * once (forgetEndpoints); one made by another process or the CLI reaches this one within this time.
 */
export const WEBHOOK_ENDPOINTS_CACHE_MS = 1_000;
/** Outboxes delivered at once per process: one slow endpoint does not hold up the others. */
const DELIVERY_CONCURRENCY = 8;

export interface WebhookDeliveryJob {
  siteKey: SiteKey;
  endpointId: string;
  conversationId: ConversationId | null;
  /** The event this job delivers: the head of the outbox when the job was added. */
  eventId: string;
}

/** What a receiver gets: the JSON body of every delivery. */
export interface WebhookPayload<K extends WebhookEventType = WebhookEventType> {
  /** The event's id: the same on every attempt, so a receiver can ignore a repeat. */
  id: string;
  type: K;
  siteKey: SiteKey;
  /** When it happened, ISO 8601 in UTC. */
  createdAt: string;
  data: WebhookData[K];
}

/**
 * The data of each public event: the agent's view of the conversation (never the stored record),
 * the message for `message.created`, and the event's own small facts; nothing else (no previous
 * states, no internal counters).
 */
const WEBHOOK_DATA = {
  // The first message rides with the conversation: it has no message.created of its own.
  'conversation.created': ({ conversation, message }) => ({ conversation: toAgentConversation(conversation), message }),
  'conversation.rerouted': ({ conversation, fromQueue }) => ({ conversation: toAgentConversation(conversation), fromQueue }),
  'conversation.assigned': ({ conversation, by }) => ({ conversation: toAgentConversation(conversation), by }),
  'conversation.transferred': ({ conversation, fromQueue, byAgentId }) => ({ conversation: toAgentConversation(conversation), fromQueue, byAgentId }),
  'conversation.released': ({ conversation, fromAgentId, reason }) => ({ conversation: toAgentConversation(conversation), fromAgentId, reason }),
  'conversation.resolved': ({ conversation, byAgentId }) => ({ conversation: toAgentConversation(conversation), byAgentId }),
  'conversation.reopened': ({ conversation }) => ({ conversation: toAgentConversation(conversation) }),
  'conversation.abandoned': ({ conversation }) => ({ conversation: toAgentConversation(conversation) }),
  'conversation.rated': ({ conversation }) => ({ conversation: toAgentConversation(conversation) }),
  'message.created': ({ conversation, message }) => ({ conversation: toAgentConversation(conversation), message }),
  'visitor.identified': ({ identity, conversation }) => ({ identity, conversation: conversation ? toAgentConversation(conversation) : null }),
} satisfies { [K in WebhookEventType]: (data: DomainEventMap[K]) => object };

export type WebhookData = { [K in WebhookEventType]: ReturnType<(typeof WEBHOOK_DATA)[K]> };

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/** The exact body sent for an event, or null for an event that never leaves the server. */
export function toWebhookBody(event: DomainEvent): string | null {
  if (!isWebhookEventType(event.type)) return null;
  // An identity without a conversation reaches receivers with the conversation.created that
  // follows; alone, it would wait in a site-wide line that a visitor's erasure cannot find.
  if (event.type === 'visitor.identified' && (event as DomainEvent<'visitor.identified'>).data.conversation === null) return null;
  const project = WEBHOOK_DATA[event.type] as (data: unknown) => object;
  const payload = { id: event.id, type: event.type, siteKey: event.siteKey, createdAt: new Date(event.at).toISOString(), data: project(event.data) };
  return JSON.stringify(payload);
}

const eventIdOf = (body: string) => (JSON.parse(body) as { id: string }).id;

/** Thrown by a failed attempt that will be tried again: the job engine's cue to back off. */
export class WebhookAttemptFailed extends Error {
  constructor(readonly endpointId: string, readonly eventId: string, readonly outcome: string) {
    super(`webhook ${endpointId} did not accept ${eventId}: ${outcome}`);
    this.name = 'WebhookAttemptFailed';
  }
}

export interface WebhookDeliveryOptions {
  store: Store;
  jobs: Jobs;
  /** The wait before the first retry; each next one waits twice as long. @default 10_000 */
  retryBaseMs?: number;
  /** @default WEBHOOK_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default WEBHOOK_ATTEMPTS */
  attempts?: number;
  /** When attempts ended, for the delivery log. @default Date.now */
  now?: () => number;
  /** @default postWebhook (fetch) */
  post?: PostWebhook;
  /** Told about each event given up on. */
  onGiveUp?: (job: WebhookDeliveryJob, outcome: string) => void;
  /** @default WEBHOOK_ENDPOINTS_CACHE_MS */
  endpointsCacheMs?: number;
}

export function createWebhookDelivery(options: WebhookDeliveryOptions) {
  const { store, jobs, now = Date.now, post = postWebhook, onGiveUp } = options;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const endpointsCacheMs = options.endpointsCacheMs ?? WEBHOOK_ENDPOINTS_CACHE_MS;

  /** Each site's endpoints as last read, and when (the process's own clock: the app clock may stand still in tests). */
  const endpointsRead = new Map<SiteKey, { readAt: number; endpoints: Promise<WebhookEndpoint[]> }>();
  const endpointsOf = (siteKey: SiteKey): Promise<WebhookEndpoint[]> => {
    const read = endpointsRead.get(siteKey);
    if (read && performance.now() - read.readAt < endpointsCacheMs) return read.endpoints;
    const endpoints = store.listWebhooks(siteKey);
    endpointsRead.set(siteKey, { readAt: performance.now(), endpoints });
    // A failed read is not kept: the next event asks again.
    endpoints.catch(() => endpointsRead.delete(siteKey));
    return endpoints;
  };

  const outboxOf = (job: WebhookDeliveryJob): WebhookOutboxRef => ({ siteKey: job.siteKey, endpointId: job.endpointId, conversationId: job.conversationId });

  /** Adds the job of the event at an outbox's head; a no-op while that job waits, backs off or runs. */
  const schedule = (outbox: WebhookOutboxRef, eventId: string) =>
    queue.add(
      { ...outbox, eventId },
      // BullMQ job ids may not contain ':'; every part here is [A-Za-z0-9_-].
      { jobId: `wh.${outbox.siteKey}.${outbox.endpointId}.${outbox.conversationId ?? '-'}.${eventId}` },
    );

  const deliver = async (run: { data: WebhookDeliveryJob; attempt: number; finalAttempt: boolean }) => {
    const job = run.data;
    const outbox = outboxOf(job);
    const endpoint = await store.getWebhook(job.siteKey, job.endpointId);
    if (!endpoint) return;
    const body = await store.peekWebhookOutbox(outbox);
    if (body === null) return;
    const eventId = eventIdOf(body);
    if (eventId !== job.eventId) {
      // This job's event went already (a re-run after a crash between the ack and the next add):
      // make sure the event now at the head has its job.
      await schedule(outbox, eventId);
      return;
    }
    // The signature's time is the wall clock's: receivers compare it with theirs.
    const headers = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'switchboard-event-id': eventId,
      [SIGNATURE_HEADER.toLowerCase()]: signWebhook(endpoint.secret, Math.floor(Date.now() / 1000), body),
    };
    const result = await post(endpoint.url, body, headers, timeoutMs);
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    const type = (JSON.parse(body) as { type: WebhookEventType }).type;
    await store.recordWebhookDelivery(job.siteKey, job.endpointId, {
      eventId,
      type,
      attempt: run.attempt,
      at: now(),
      ok,
      ...(result.status !== undefined ? { status: result.status } : { error: result.error }),
      ...(!ok && run.finalAttempt ? { final: true } : {}),
    });
    const outcome = result.status !== undefined ? `HTTP ${result.status}` : result.error;
    if (!ok && !run.finalAttempt) throw new WebhookAttemptFailed(job.endpointId, eventId, outcome);
    if (!ok) onGiveUp?.(job, outcome);
    const next = await store.ackWebhookOutbox(outbox, body);
    if (next !== null) await schedule(outbox, eventIdOf(next));
  };

  const queue = jobs.define<WebhookDeliveryJob>(WEBHOOK_DELIVERY_JOB, deliver, {
    attempts: options.attempts ?? WEBHOOK_ATTEMPTS,
    backoff: { type: 'exponential', delayMs: options.retryBaseMs ?? 10_000 },
    concurrency: DELIVERY_CONCURRENCY,
  });

  return {
    /**
     * Adds the job of each outbox's head again. While that job waits, backs off or runs this is a
     * no-op (job ids); it restarts an outbox whose producer died between its push and its add,
     * which nothing else would. @returns how many outboxes hold events
     */
    async sweepOutboxes(): Promise<number> {
      let outboxes = 0;
      for (const siteKey of await store.listSiteKeys()) {
        for (const endpoint of await store.listWebhooks(siteKey)) {
          for (const conversationId of await store.listWebhookOutboxes(siteKey, endpoint.id)) {
            const outbox = { siteKey, endpointId: endpoint.id, conversationId };
            const head = await store.peekWebhookOutbox(outbox);
            if (head === null) continue;
            outboxes += 1;
            await schedule(outbox, eventIdOf(head));
          }
        }
      }
      return outboxes;
    },

    /** Reads the site's endpoints afresh for its next event: they were just changed. */
    forgetEndpoints(siteKey: SiteKey): void {
      endpointsRead.delete(siteKey);
    },

    /**
     * The subscriber: queues the event for every endpoint of its site that wants its type, and
     * settles once it is kept in the store (so it survives a crash from then on).
     */
    async enqueue(event: DomainEvent): Promise<void> {
      if (!isWebhookEventType(event.type)) return;
      const endpoints = (await endpointsOf(event.siteKey)).filter((e) => e.events === null || e.events.includes(event.type as WebhookEventType));
      if (endpoints.length === 0) return;
      const body = toWebhookBody(event);
      if (body === null) return;
      const conversationId = conversationIdOf(event) ?? null;
      await Promise.all(
        endpoints.map(async (endpoint) => {
          const outbox = { siteKey: event.siteKey, endpointId: endpoint.id, conversationId };
          const head = await store.pushWebhookOutbox(outbox, body);
          // Only the event that found its outbox empty starts a job; otherwise the job delivering
          // the head goes on to it. (A crash right here leaves the outbox to sweepOutboxes.)
          if (head === body) await schedule(outbox, event.id);
        }),
      );
    },
  };
}

export type WebhookDeliveryService = ReturnType<typeof createWebhookDelivery>;
