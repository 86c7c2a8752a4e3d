/** `/agent`: what a logged-in agent may do from the console. Each handler: check → domain → ack → broadcast. */
import type { FastifyInstance } from 'fastify';
import {
  AgentMessageSendPayloadSchema,
  ConversationMessagesPayloadSchema,
  ConversationRefPayloadSchema,
  ConversationTransferPayloadSchema,
  EmptyPayloadSchema,
} from '../../shared/schemas';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { toQueueEntry } from '../../shared/queue-entry';
import { rooms } from './rooms';
import { compilePayloadCheck } from './validate';

const checkEmpty = compilePayloadCheck(EmptyPayloadSchema);
const checkRef = compilePayloadCheck(ConversationRefPayloadSchema);
const checkMessages = compilePayloadCheck(ConversationMessagesPayloadSchema);
const checkSend = compilePayloadCheck(AgentMessageSendPayloadSchema);
const checkTransfer = compilePayloadCheck(ConversationTransferPayloadSchema);

export function registerAgentNamespace(app: FastifyInstance): void {
  const { visitors, agents, conversations, store } = app;

  agents.on('connection', async (socket) => {
    const { agent } = socket.data;
    const { siteKey } = agent;
    limitEventRate(socket);
    socket.on('workspace:load', handleEvent(app.log, 'workspace:load', checkEmpty, () => conversations.loadWorkspace(agent)));

    socket.on('conversation:take', handleEvent(app.log, 'conversation:take', checkRef, async ({ conversationId }) => {
      const taken = await conversations.takeConversation(agent, conversationId);
      const { conversation } = taken;
      agents.in(rooms.agent(siteKey, agent.id)).socketsJoin(rooms.conversation(siteKey, conversationId));
      const count = await conversations.queueCount(siteKey, conversation.queue);
      agents
        .to(rooms.queue(siteKey, conversation.queue))
        .emit('queue:left', { conversationId, queue: conversation.queue, takenBy: agent.id }, count);
      socket.to(rooms.agent(siteKey, agent.id)).emit('conversation:updated', conversation);
      visitors.to(rooms.visitor(siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      return taken;
    }));

    socket.on('conversation:messages', handleEvent(app.log, 'conversation:messages', checkMessages, ({ conversationId, afterId }) =>
      conversations.agentMessages(agent, conversationId, afterId),
    ));

    socket.on('message:send', handleEvent(app.log, 'message:send', checkSend, async (payload) => {
      const sent = await conversations.sendAgentMessage(agent, payload);
      if (!sent.duplicate) {
        visitors.to(rooms.visitor(siteKey, sent.conversation.visitorId)).emit('message:new', sent.message);
        socket.to(rooms.conversation(siteKey, payload.conversationId)).emit('message:new', sent.message);
      }
      return sent;
    }));

    socket.on('conversation:resolve', handleEvent(app.log, 'conversation:resolve', checkRef, async ({ conversationId }) => {
      const conversation = await conversations.resolveConversation(agent, conversationId);
      visitors.to(rooms.visitor(siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      socket.to(rooms.conversation(siteKey, conversationId)).emit('conversation:updated', conversation);
      agents.in(rooms.conversation(siteKey, conversationId)).socketsLeave(rooms.conversation(siteKey, conversationId));
      return conversation;
    }));

    socket.on('conversation:transfer', handleEvent(app.log, 'conversation:transfer', checkTransfer, async (payload) => {
      const conversation = await conversations.transferConversation(agent, payload);
      const count = await conversations.queueCount(siteKey, conversation.queue);
      agents.to(rooms.queue(siteKey, conversation.queue)).emit('queue:entered', toQueueEntry(conversation), count);
      visitors.to(rooms.visitor(siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      socket.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:updated', conversation);
      agents.in(rooms.conversation(siteKey, conversation.id)).socketsLeave(rooms.conversation(siteKey, conversation.id));
      return conversation;
    }));

    // Rooms are joined after the handlers are in place, so no event sent meanwhile goes unanswered.
    const open = await store.listAgentConversations(siteKey, agent.id);
    await socket.join([
      rooms.agent(siteKey, agent.id),
      ...agent.skills.map((queue) => rooms.queue(siteKey, queue)),
      ...open.map((c) => rooms.conversation(siteKey, c.id)),
    ]);
  });
}
