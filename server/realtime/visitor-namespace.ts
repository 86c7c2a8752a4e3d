/** `/visitor`: what a widget may do. Each handler: check → domain → ack → broadcast. */
import type { FastifyInstance } from 'fastify';
import {
  ConversationRatePayloadSchema,
  MessageLeavePayloadSchema,
  SessionResumePayloadSchema,
  VisitorIdentifyPayloadSchema,
  VisitorMessageSendPayloadSchema,
} from '../../shared/schemas';
import type { MessageSent } from '../../shared/protocol';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { compilePayloadCheck } from './validate';
import { registerTranscriptEvent } from './visitor-transcript';

const checkResume = compilePayloadCheck(SessionResumePayloadSchema);
const checkSend = compilePayloadCheck(VisitorMessageSendPayloadSchema);
const checkIdentify = compilePayloadCheck(VisitorIdentifyPayloadSchema);
const checkLeave = compilePayloadCheck(MessageLeavePayloadSchema);
const checkRate = compilePayloadCheck(ConversationRatePayloadSchema);

/** @param closing true once the app is shutting down (see registerAgentNamespace). */
export function registerVisitorNamespace(app: FastifyInstance, closing: () => boolean): void {
  const { visitors, agents, conversations, assignment, announce, store } = app;

  visitors.on('connection', (socket) => {
    const { siteKey, visitorId, token } = socket.data;
    const room = rooms.visitor(siteKey, visitorId);
    limitEventRate(socket);
    void socket.join(room);

    socket.on(
      'session:resume',
      handleEvent(app.log, 'session:resume', checkResume, async ({ lastMessageId }) => {
        const resumed = await conversations.resumeVisitor(siteKey, visitorId, lastMessageId);
        const waiting = resumed.conversation?.status === 'waiting' ? resumed.conversation : null;
        if (waiting) await assignment.visitorPresence(siteKey, waiting.id, false);
        return { visitorId, token, ...resumed, position: waiting ? await assignment.position(siteKey, waiting) : null };
      }),
    );

    /** Tells the visitor's other tabs and the agents about a stored message, and queues a new conversation. */
    const announceSent = async (result: Awaited<ReturnType<typeof conversations.sendVisitorMessage>>): Promise<MessageSent> => {
      const { conversation, message, duplicate, queued } = result;
      try {
        if (!duplicate) {
          socket.to(room).emit('message:new', message);
          if (!result.created) {
            // Its agent's own room too: a join made by another server process for a fresh offer may
            // not have landed yet (consoles merge messages by id, so nobody sees one twice).
            const agent = conversation.assignedAgentId ? [rooms.agent(siteKey, conversation.assignedAgentId)] : [];
            agents.to([rooms.conversation(siteKey, conversation.id), ...agent]).emit('message:new', message);
          }
        }
        if (result.created || result.reopened || result.reroutedFrom) {
          if (result.reroutedFrom && result.reroutedFrom !== conversation.queue) {
            await announce.leftQueue(siteKey, result.reroutedFrom, conversation.id);
          }
          await announce.queued(conversation, { tellVisitor: false, ...(queued ? { count: queued.count } : {}) });
          socket.to(room).emit('conversation:updated', conversation);
          // The agent who resolved it left its room then: their console lets it go to the queue.
          if (result.reopenedFrom) agents.to(rooms.agent(siteKey, result.reopenedFrom)).emit('conversation:updated', conversation);
          await announce.assignWaiting(siteKey, [conversation.queue], {
            ...(queued ? { assignment: queued.assignment } : {}),
            // Alone in its line when created: it is the head, no need to read the line to know it.
            ...(queued?.count === 1 ? { heads: [conversation.id] } : {}),
          });
        }
      } finally {
        // Recorded beside the announcements (see VisitorMessageResult.kpiRecorded); acked only once
        // it is, and its failure reaches the client even when an announcement failed first.
        await result.kpiRecorded;
      }
      return { message, duplicate, conversation };
    };

    socket.on(
      'message:send',
      handleEvent(app.log, 'message:send', checkSend, async (payload) =>
        announceSent(await conversations.sendVisitorMessage(siteKey, visitorId, payload, { ip: socket.handshake.address })),
      ),
    );

    socket.on(
      'message:leave',
      handleEvent(app.log, 'message:leave', checkLeave, async (payload) =>
        announceSent(await conversations.leaveMessage(siteKey, visitorId, payload, { ip: socket.handshake.address })),
      ),
    );

    socket.on(
      'visitor:identify',
      handleEvent(app.log, 'visitor:identify', checkIdentify, async (payload) => {
        const { identity, conversation } = await conversations.identifyVisitor(siteKey, visitorId, payload);
        if (conversation?.status === 'waiting') await announce.queued(conversation, { tellVisitor: false });
        else if (conversation) agents.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:updated', conversation);
        return identity;
      }),
    );

    socket.on(
      'conversation:rate',
      handleEvent(app.log, 'conversation:rate', checkRate, async (payload) => {
        const rated = await conversations.rateConversation(siteKey, visitorId, payload);
        socket.to(room).emit('conversation:updated', rated);
        return rated;
      }),
    );

    registerTranscriptEvent(app, socket);

    // The visitor's last tab closed while waiting: the abandonment clock starts (sweep in assignment.ts).
    socket.on('disconnect', () => {
      if (closing()) return;
      void (async () => {
        if ((await visitors.in(room).fetchSockets()).length > 0) return;
        const open = await store.getOpenConversation(siteKey, visitorId);
        // A left message is meant to be answered later: its visitor leaving is not abandoning it.
        if (open?.status === 'waiting' && !open.leftMessage) await assignment.visitorPresence(siteKey, open.id, true);
      })().catch((error: unknown) => app.log.warn({ err: error }, 'visitor presence update failed'));
    });
  });
}
