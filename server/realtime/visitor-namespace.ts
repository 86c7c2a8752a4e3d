/** `/visitor`: what a widget may do. Each handler: check → domain → ack → broadcast. */
import type { FastifyInstance } from 'fastify';
import { toQueueEntry } from '../../shared/queue-entry';
import { SessionResumePayloadSchema, VisitorIdentifyPayloadSchema, VisitorMessageSendPayloadSchema } from '../../shared/schemas';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { compilePayloadCheck } from './validate';

const checkResume = compilePayloadCheck(SessionResumePayloadSchema);
const checkSend = compilePayloadCheck(VisitorMessageSendPayloadSchema);
const checkIdentify = compilePayloadCheck(VisitorIdentifyPayloadSchema);

export function registerVisitorNamespace(app: FastifyInstance): void {
  const { visitors, agents, conversations } = app;

  visitors.on('connection', (socket) => {
    const { siteKey, visitorId, token } = socket.data;
    limitEventRate(socket);
    void socket.join(rooms.visitor(siteKey, visitorId));

    socket.on(
      'session:resume',
      handleEvent(app.log, 'session:resume', checkResume, async ({ lastMessageId }) => ({
        visitorId,
        token,
        ...(await conversations.resumeVisitor(siteKey, visitorId, lastMessageId)),
      })),
    );

    socket.on(
      'visitor:identify',
      handleEvent(app.log, 'visitor:identify', checkIdentify, async (payload) => {
        const { identity, conversation } = await conversations.identifyVisitor(siteKey, visitorId, payload);
        if (conversation?.status === 'waiting') {
          const count = await conversations.queueCount(siteKey, conversation.queue);
          agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
        } else if (conversation) {
          agents.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:updated', conversation);
        }
        return identity;
      }),
    );

    socket.on(
      'message:send',
      handleEvent(app.log, 'message:send', checkSend, async (payload) => {
        const result = await conversations.sendVisitorMessage(siteKey, visitorId, payload, { ip: socket.handshake.address });
        const { conversation, message } = result;
        if (result.created) {
          const count = await conversations.queueCount(siteKey, conversation.queue);
          agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
          socket.to(rooms.visitor(siteKey, visitorId)).emit('conversation:updated', conversation);
        }
        if (!result.duplicate) {
          socket.to(rooms.visitor(siteKey, visitorId)).emit('message:new', message);
          if (!result.created) agents.to(rooms.conversation(siteKey, conversation.id)).emit('message:new', message);
        }
        if (result.reroutedFrom) {
          const { reroutedFrom } = result;
          if (reroutedFrom !== conversation.queue) {
            const left = await conversations.queueCount(siteKey, reroutedFrom);
            agents.to(rooms.queue(siteKey, reroutedFrom)).emit('queue:left', { conversationId: conversation.id, queue: reroutedFrom }, left);
          }
          const count = await conversations.queueCount(siteKey, conversation.queue);
          agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
          socket.to(rooms.visitor(siteKey, visitorId)).emit('conversation:updated', conversation);
        }
        const { created: _created, reroutedFrom: _from, ...sent } = result;
        return sent;
      }),
    );
  });
}
