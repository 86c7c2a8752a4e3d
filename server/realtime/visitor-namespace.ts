/** `/visitor`: what a widget may do. Each handler: check → domain → ack → broadcast. */
import type { FastifyInstance } from 'fastify';
import {
  SessionResumePayloadSchema,
  VisitorIdentifyPayloadSchema,
  VisitorMessageSendPayloadSchema,
} from '../../shared/schemas';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { compilePayloadCheck } from './validate';

const checkResume = compilePayloadCheck(SessionResumePayloadSchema);
const checkSend = compilePayloadCheck(VisitorMessageSendPayloadSchema);
const checkIdentify = compilePayloadCheck(VisitorIdentifyPayloadSchema);

export function registerVisitorNamespace(app: FastifyInstance): void {
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

    socket.on(
      'message:send',
      handleEvent(app.log, 'message:send', checkSend, async (payload) => {
        const result = await conversations.sendVisitorMessage(siteKey, visitorId, payload, { ip: socket.handshake.address });
        const { conversation, message } = result;
        if (!result.duplicate) {
          socket.to(room).emit('message:new', message);
          if (!result.created) agents.to(rooms.conversation(siteKey, conversation.id)).emit('message:new', message);
        }
        if (result.created || result.reroutedFrom) {
          if (result.reroutedFrom && result.reroutedFrom !== conversation.queue) {
            await announce.leftQueue(siteKey, result.reroutedFrom, conversation.id);
          }
          await announce.queued(conversation, { tellVisitor: false });
          socket.to(room).emit('conversation:updated', conversation);
          await announce.assignWaiting(siteKey, [conversation.queue]);
        }
        const { created: _created, reroutedFrom: _from, ...sent } = result;
        return sent;
      }),
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

    // The visitor's last tab closed while waiting: the abandonment clock starts (sweep in assignment.ts).
    socket.on('disconnect', () => {
      void (async () => {
        if ((await visitors.in(room).fetchSockets()).length > 0) return;
        const open = await store.getOpenConversation(siteKey, visitorId);
        if (open?.status === 'waiting') await assignment.visitorPresence(siteKey, open.id, true);
      })().catch((error: unknown) => app.log.warn({ err: error }, 'visitor presence update failed'));
    });
  });
}
