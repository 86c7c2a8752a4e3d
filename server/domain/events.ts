/**
 * Domain events: the one place where "a thing happened" is said. A use case changes the store, then
 * emits the event; broadcasts, KPIs, auto-assignment, webhooks and email subscribe (STYLE.md rule 16).
 * Declared in one map, like the wire protocol, so a subscriber is typed by the event it listens to.
 *
 * The bus is in-process: the process whose use case changed the store tells its subscribers, and
 * they reach other processes through engines made for it (the Socket.IO Redis adapter for
 * broadcasts, BullMQ jobs for webhooks and email, Redis itself for KPIs). `docs/events.md` lists
 * every event and who listens.
 */
import type { AgentId, ConversationId, MessageId, SiteKey } from '../../shared/ids';
import type { ConversationView, MessageView, SeenBy, VisitorContext, VisitorIdentity } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { AgentView } from '../../shared/schemas';
import { randomId } from './random-id';

/** Why a conversation went back to its queue without being resolved. */
export type ReleaseReason = 'released' | 'agent-gone' | 'hand-over';

/** How a conversation came to an agent. */
export type AssignedBy = 'take' | 'take-next' | 'auto' | 'hand-over' | 'reassign';

export interface DomainEventMap {
  /**
   * A visitor's first message (or a left message) started a conversation, waiting in its queue.
   * That first message is told here, and by no message.created of its own.
   */
  'conversation.created': {
    conversation: ConversationView;
    message: MessageView;
    /** How many wait in its queue now, itself included. */
    queueCount: number;
    assignment: 'manual' | 'auto';
    /** createdAt of the visitor's previous conversation on the site (repeat contacts). */
    previousCreatedAt?: number;
  };
  /** The router became sure of a conversation it had placed by default: it moved queue, keeping its place. */
  'conversation.rerouted': { conversation: ConversationView; fromQueue: QueueName };
  /** An agent now holds it. */
  'conversation.assigned': {
    conversation: ConversationView;
    by: AssignedBy;
    /** On a hand-over or a reassignment of a held conversation: the agent who held it until now. */
    fromAgentId?: AgentId;
  };
  /** An agent handed it to the other queue with a note (a routing correction). */
  'conversation.transferred': { conversation: ConversationView; fromQueue: QueueName; byAgentId: AgentId };
  /**
   * An agent said the router put it in the wrong queue, without moving it: kept as a correction
   * towards `queue` for the site's learning; `pendingCorrections` not yet trained on, this one included.
   */
  'conversation.route_flagged': { conversation: ConversationView; byAgentId: AgentId; queue: QueueName; pendingCorrections: number };
  /** It waits again at the front of its queue: handed back, its agent gone, or on its way to a colleague. */
  'conversation.released': { conversation: ConversationView; fromAgentId: AgentId; reason: ReleaseReason };
  'conversation.resolved': { conversation: ConversationView; byAgentId: AgentId };
  /** The visitor replied to it after it was resolved: it waits again. */
  'conversation.reopened': { conversation: ConversationView; previous: ConversationView };
  /** Its visitor left while it waited and did not come back in time. */
  'conversation.abandoned': { conversation: ConversationView };
  /**
   * It was deleted from the store, with its messages: by a visitor's erasure or the site's
   * retention. What lives outside the store (attachments' files) goes with it. Not delivered to webhooks.
   */
  'conversation.deleted': { conversation: ConversationView; reason: 'erasure' | 'retention' };
  /** The visitor answered the end-of-chat survey. */
  'conversation.rated': { conversation: ConversationView };
  /** The visitor said who they are, and it changed what is kept; `conversation` is their open one, if any. */
  'visitor.identified': { identity: VisitorIdentity; conversation: ConversationView | null };
  /** The visitor's page context changed (navigation, setContext); `conversation` is their open one, showing it, if any. */
  'visitor.context_updated': { context: VisitorContext; conversation: ConversationView | null };
  /** A message was stored in an existing conversation (never for a duplicate client id; a first message is conversation.created). */
  'message.created': { conversation: ConversationView; message: MessageView };
  /**
   * An agent wrote an internal note (`message.kind === 'note'`) in it. Agents only: the visitor's
   * channel, answer emails, KPIs and webhooks do not listen.
   */
  'note.created': { conversation: ConversationView; message: MessageView; byAgentId: AgentId };
  'agent.presence_changed': { agent: AgentView; status: 'online' | 'away' | 'offline' };
  /** An admin changed an agent (capacity, disabled). */
  'agent.updated': { agent: AgentView; disabled: boolean };
  /** An admin revoked an API token: feeds open with it close. */
  'api-token.revoked': { tokenId: string };
  /** A console session ended; every session of the agent when `sessionToken` is absent. */
  'agent.logged_out': { agentId: AgentId; sessionToken?: string };
  /**
   * The visitor or the agent holding it started or stopped writing (throttled; never stored, never
   * the text). A live signal for the other side only: no webhook delivers it.
   */
  'conversation.typing': { conversation: ConversationView; by: SeenBy; typing: boolean };
  /** One side has shown the conversation up to `lastSeenId`, later than before (stored). Not delivered to webhooks. */
  'message.seen': { conversation: ConversationView; by: SeenBy; lastSeenId: MessageId };
}

export type DomainEventType = keyof DomainEventMap;

export type DomainEvent<K extends DomainEventType = DomainEventType> = {
  [T in K]: {
    /** Unique and stable: a webhook delivers it under this id on every attempt. */
    id: string;
    type: T;
    siteKey: SiteKey;
    /** When it happened (the app clock, ms). */
    at: number;
    /**
     * The connection that caused it, opaque to the domain: a transport that already answered that
     * connection leaves it out of the broadcast.
     */
    origin?: string;
    data: DomainEventMap[T];
  };
}[K];

export type DomainEventHandler<K extends DomainEventType> = (event: DomainEvent<K>) => unknown;

/** What the transport passes to a use case about who asked: echoed on the events it causes. */
export interface EventOrigin {
  origin?: string;
}

export interface DomainEvents {
  /** @returns a function that unsubscribes */
  on<K extends DomainEventType>(type: K, handler: DomainEventHandler<K>): () => void;
  /**
   * Subscribes ahead of the subscribers already there (Node's `prependListener`): the wire's
   * subscribers use it, so that an offer or a queue entry goes out before the KPI write and the
   * auto-assignment reads queue their Redis commands in front of it.
   */
  prepend<K extends DomainEventType>(type: K, handler: DomainEventHandler<K>): () => void;
  /** Every event (webhooks, tests). */
  onAny(handler: (event: DomainEvent) => unknown): () => void;
  /**
   * Calls every subscriber, in the order they subscribed (`prepend` puts one ahead; each runs until
   * its first await before the next starts, so a broadcast put first goes out first), and settles
   * once all have. A
   * subscriber's failure is re-thrown after every other one has run, so the caller's client hears it.
   */
  emit<K extends DomainEventType>(type: K, siteKey: SiteKey, data: DomainEventMap[K], meta?: EventOrigin & { at?: number }): Promise<DomainEvent<K>>;
}

/**
 * For a use case that tells several events (or changes the store again after telling one): each
 * change made must be told, even when a subscriber of an earlier event failed. `tell` waits for an
 * emit and keeps its failure; `settle` re-throws the first one once everything was told.
 */
export function tellingAll() {
  const failures: unknown[] = [];
  return {
    async tell(emitting: Promise<unknown>): Promise<void> {
      try {
        await emitting;
      } catch (error) {
        failures.push(error);
      }
    },
    settle(): void {
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** Events about one conversation carry it; a subscriber that orders per conversation reads this. */
export function conversationIdOf(event: DomainEvent): ConversationId | undefined {
  const data = event.data as { conversation?: ConversationView | null };
  return data.conversation?.id ?? undefined;
}

export function createDomainEvents(now: () => number = Date.now): DomainEvents {
  const handlers = new Map<DomainEventType, DomainEventHandler<DomainEventType>[]>();
  const anyHandlers: ((event: DomainEvent) => unknown)[] = [];

  const remove = <T>(list: T[], item: T) => () => {
    const index = list.indexOf(item);
    if (index >= 0) list.splice(index, 1);
  };

  return {
    on(type, handler) {
      const list = handlers.get(type) ?? [];
      handlers.set(type, list);
      list.push(handler as DomainEventHandler<DomainEventType>);
      return remove(list, handler as DomainEventHandler<DomainEventType>);
    },

    prepend(type, handler) {
      const list = handlers.get(type) ?? [];
      handlers.set(type, list);
      list.unshift(handler as DomainEventHandler<DomainEventType>);
      return remove(list, handler as DomainEventHandler<DomainEventType>);
    },

    onAny(handler) {
      anyHandlers.push(handler);
      return remove(anyHandlers, handler);
    },

    async emit(type, siteKey, data, meta = {}) {
      const event = {
        id: randomId('ev'),
        type,
        siteKey,
        at: meta.at ?? now(),
        ...(meta.origin !== undefined ? { origin: meta.origin } : {}),
        data,
      } as DomainEvent<typeof type>;
      // Only what a subscriber returned as a promise is waited for: on a message most subscribers
      // (the wire's broadcasts, the metrics) are synchronous, and every message emits an event.
      let running: PromiseLike<unknown>[] | undefined;
      let failure: { error: unknown } | undefined;
      const call = (handler: (event: DomainEvent) => unknown) => {
        try {
          const result = handler(event as DomainEvent);
          if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') (running ??= []).push(result as PromiseLike<unknown>);
        } catch (error) {
          failure ??= { error };
        }
      };
      // Copies: a subscriber may unsubscribe while the event is told.
      for (const handler of handlers.get(type)?.slice() ?? []) call(handler as (event: DomainEvent) => unknown);
      for (const handler of anyHandlers.slice()) call(handler);
      if (running) {
        for (const settled of await Promise.allSettled(running)) {
          if (settled.status === 'rejected') failure ??= { error: settled.reason };
        }
      }
      if (failure) throw failure.error;
      return event;
    },
  };
}
