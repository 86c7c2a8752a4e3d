/**
 * How a change of place or hands is told on the wire: the queue lists of agents, the consoles of the
 * agent concerned, and the waiting visitors' places in line. broadcasts.ts calls these as the domain
 * events come; nothing here changes the store.
 */
import type { FastifyInstance } from 'fastify';
import type { SiteKey } from '../../shared/ids';
import type { ConversationView } from '../../shared/protocol';
import { toQueueEntry } from '../../shared/queue-entry';
import type { QueueName } from '../../shared/queues';
import { rooms } from './rooms';
import type { VisitorChannel } from './visitor-channel';

/** Position updates of one queue are sent at most this often (ms), however busy it is. */
const POSITION_UPDATE_DELAY_MS = 300;
/** Position updates sent in one turn of the event loop: about 2 ms of work (bench:queue, 1,000 waiting). */
const POSITION_UPDATES_PER_TURN = 100;

export function createAnnouncer(app: FastifyInstance, visitorChannel: VisitorChannel) {
  const { agents, assignment, conversations } = app;
  const pendingPositions = new Map<string, ReturnType<typeof setTimeout>>();
  /** Set once the app closes: an event still being told then starts no update against a closing store. */
  let stopped = false;

  const sendPositions = async (siteKey: SiteKey, queue: QueueName) => {
    const waiting = await assignment.waitingLine(siteKey, queue);
    // Auto mode empties a line as it fills, and then nobody needs an estimate: the estimator's reads
    // (presence, loads, recent times and every online agent) would be spent every 300 ms for nothing.
    if (waiting.length === 0) return;
    const estimate = await assignment.estimator(siteKey, queue);
    for (let start = 0; start < waiting.length; start += POSITION_UPDATES_PER_TURN) {
      // A long line is told in slices, letting other work (a first message on its way to an agent) run between them.
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      waiting.slice(start, start + POSITION_UPDATES_PER_TURN).forEach(({ conversationId, visitorId }, i) => {
        const position = start + i + 1;
        visitorChannel.position(siteKey, visitorId, { conversationId, queue, position, ...estimate(position) });
      });
    }
  };

  const announcer = {
    /** Drops pending position updates: the app is closing and the store with it. */
    stop() {
      stopped = true;
      for (const timer of pendingPositions.values()) clearTimeout(timer);
      pendingPositions.clear();
    },

    /** Waiting visitors of the queue learn their new place (debounced per queue). */
    positionsChanged(siteKey: SiteKey, queue: QueueName) {
      const key = `${siteKey}\n${queue}`;
      if (stopped || pendingPositions.has(key)) return;
      const timer = setTimeout(() => {
        pendingPositions.delete(key);
        app.shutdown.track(sendPositions(siteKey, queue)).catch((error: unknown) => app.log.warn({ err: error }, 'position update failed'));
      }, POSITION_UPDATE_DELAY_MS);
      timer.unref();
      pendingPositions.set(key, timer);
    },

    /**
     * A conversation (re)entered a queue: agents of that queue see it, its visitor sees the change.
     * @param options.count the queue's count when the caller already has it (not read again)
     * @param options.tellVisitor false when nothing changed for the visitor (a new identity)
     * @param options.except the visitor connection that caused it, which its ack told already
     */
    async queued(conversation: ConversationView, options: { tellVisitor?: boolean; count?: number; except?: string } = {}) {
      const count = options.count ?? (await conversations.queueCount(conversation.siteKey, conversation.queue));
      agents.to(rooms.queue(conversation.siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
      if (options.tellVisitor !== false) visitorChannel.conversationUpdated(conversation, options.except);
      announcer.positionsChanged(conversation.siteKey, conversation.queue);
    },

    /** A conversation left a queue without an agent (abandoned, re-routed away). */
    async leftQueue(siteKey: SiteKey, queue: QueueName, conversationId: string) {
      const count = await conversations.queueCount(siteKey, queue);
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
        conversations.queueCount(siteKey, conversation.queue),
        conversations.firstMessages(siteKey, id),
      ]);
      agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:left', { conversationId: id, queue: conversation.queue, takenBy: agentId }, count);
      visitorChannel.conversationUpdated(conversation);
      agents.to(rooms.agent(siteKey, agentId)).emit('conversation:assigned', { conversation, messages });
      announcer.positionsChanged(siteKey, conversation.queue);
    },

    /** The agent no longer holds it (resolved, transferred, handed back, swept): their consoles let go. */
    released(conversation: ConversationView, agentId: string) {
      const { siteKey, id } = conversation;
      agents.to(rooms.conversation(siteKey, id)).emit('conversation:updated', conversation);
      agents.in(rooms.conversation(siteKey, id)).socketsLeave(rooms.conversation(siteKey, id));
      agents.to(rooms.agent(siteKey, agentId)).emit('conversation:updated', conversation);
    },
  };
  return announcer;
}

export type Announcer = ReturnType<typeof createAnnouncer>;
