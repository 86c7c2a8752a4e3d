/**
 * What everyone concerned is told when a conversation changes hands or place in line. One place,
 * so a take, an auto-assignment, a hand-back and a sweep all announce the same way.
 */
import type { FastifyInstance } from 'fastify';
import type { ConversationId, SiteKey } from '../../shared/ids';
import type { ConversationView } from '../../shared/protocol';
import { toQueueEntry } from '../../shared/queue-entry';
import type { QueueName } from '../../shared/queues';
import { MAX_MESSAGES_PER_PAGE } from '../../shared/limits';
import type { SiteSettings } from '../store/store';
import { rooms } from './rooms';

/** Position updates of one queue are sent at most this often (ms), however busy it is. */
const POSITION_UPDATE_DELAY_MS = 300;
/** Position updates sent in one turn of the event loop: about 2 ms of work (bench:queue, 1,000 waiting). */
const POSITION_UPDATES_PER_TURN = 100;

export function createAnnouncer(app: FastifyInstance) {
  const { agents, visitors, store } = app;
  const pendingPositions = new Map<string, ReturnType<typeof setTimeout>>();

  const sendPositions = async (siteKey: SiteKey, queue: QueueName) => {
    const waiting = await store.listQueueVisitors(siteKey, queue);
    // Auto mode empties a line as it fills, and then nobody needs an estimate: the estimator's reads
    // (presence, loads, recent times and every online agent) would be spent every 300 ms for nothing.
    if (waiting.length === 0) return;
    const estimate = await app.assignment.estimator(siteKey, queue);
    for (let start = 0; start < waiting.length; start += POSITION_UPDATES_PER_TURN) {
      // A long line is told in slices, letting other work (a first message on its way to an agent) run between them.
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      waiting.slice(start, start + POSITION_UPDATES_PER_TURN).forEach(({ conversationId, visitorId }, i) => {
        const position = start + i + 1;
        visitors.to(rooms.visitor(siteKey, visitorId)).emit('queue:position', { conversationId, queue, position, ...estimate(position) });
      });
    }
  };

  const announcer = {
    /** Drops pending position updates: the app is closing and the store with it. */
    stop() {
      for (const timer of pendingPositions.values()) clearTimeout(timer);
      pendingPositions.clear();
    },

    /** Waiting visitors of the queue learn their new place (debounced per queue). */
    positionsChanged(siteKey: SiteKey, queue: QueueName) {
      const key = `${siteKey}\n${queue}`;
      if (pendingPositions.has(key)) return;
      const timer = setTimeout(() => {
        pendingPositions.delete(key);
        sendPositions(siteKey, queue).catch((error: unknown) => app.log.warn({ err: error }, 'position update failed'));
      }, POSITION_UPDATE_DELAY_MS);
      timer.unref();
      pendingPositions.set(key, timer);
    },

    /**
     * A conversation (re)entered a queue: agents of that queue see it, its visitor sees the change.
     * @param options.count the queue's count when the caller already has it (not read again)
     */
    async queued(conversation: ConversationView, options: { tellVisitor?: boolean; count?: number } = {}) {
      const count = options.count ?? (await app.conversations.queueCount(conversation.siteKey, conversation.queue));
      agents.to(rooms.queue(conversation.siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
      if (options.tellVisitor !== false) {
        visitors.to(rooms.visitor(conversation.siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      }
      announcer.positionsChanged(conversation.siteKey, conversation.queue);
    },

    /** A conversation left a queue without an agent (abandoned, re-routed away). */
    async leftQueue(siteKey: SiteKey, queue: QueueName, conversationId: string) {
      const count = await app.conversations.queueCount(siteKey, queue);
      agents.to(rooms.queue(siteKey, queue)).emit('queue:left', { conversationId, queue }, count);
      announcer.positionsChanged(siteKey, queue);
    },

    /**
     * An agent now holds the conversation (taken or auto-assigned): their sockets join its room,
     * the queue loses it, the visitor learns who joined, and the agent's consoles open it.
     */
    async assigned(conversation: ConversationView) {
      const { siteKey, id } = conversation;
      const agentId = conversation.assignedAgentId!;
      agents.in(rooms.agent(siteKey, agentId)).socketsJoin(rooms.conversation(siteKey, id));
      // Both reads at once: this is on the path from a visitor's first message to an agent.
      const [count, messages] = await Promise.all([
        app.conversations.queueCount(siteKey, conversation.queue),
        store.messagesAfter(siteKey, id, undefined, MAX_MESSAGES_PER_PAGE),
      ]);
      agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:left', { conversationId: id, queue: conversation.queue, takenBy: agentId }, count);
      visitors.to(rooms.visitor(siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      agents.to(rooms.agent(siteKey, agentId)).emit('conversation:assigned', { conversation, messages });
      announcer.positionsChanged(siteKey, conversation.queue);
      await app.assignment.recordAssigned(conversation);
    },

    /** The agent no longer holds it (resolved, transferred, handed back, swept): their consoles let go. */
    released(conversation: ConversationView, agentId: string) {
      const { siteKey, id } = conversation;
      agents.to(rooms.conversation(siteKey, id)).emit('conversation:updated', conversation);
      agents.in(rooms.conversation(siteKey, id)).socketsLeave(rooms.conversation(siteKey, id));
      agents.to(rooms.agent(siteKey, agentId)).emit('conversation:updated', conversation);
    },

    /**
     * Auto mode: hand waiting conversations of these queues to agents with free places. Each batch
     * is announced as soon as the store has assigned it, while it looks for more.
     * @param options what the caller already knows (the site's mode; the line's head), so it is not read again
     */
    async assignWaiting(
      siteKey: SiteKey,
      queues: readonly QueueName[],
      options: { assignment?: SiteSettings['assignment']; heads?: ConversationId[] } = {},
    ) {
      for (const queue of queues) {
        const announced: Promise<void>[] = [];
        await app.assignment.assignWaiting(siteKey, queue, {
          ...options,
          onAssigned: (batch) => {
            for (const conversation of batch) {
              const announcing = announcer.assigned(conversation);
              // Awaited below; handled now so that a failure of the loop cannot leave it unhandled.
              announcing.catch(() => {});
              announced.push(announcing);
            }
          },
        });
        await Promise.all(announced);
      }
    },
  };
  return announcer;
}

export type Announcer = ReturnType<typeof createAnnouncer>;
