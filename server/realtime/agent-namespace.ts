/** `/agent`: what a logged-in agent may do from the console. Each handler: check → use case → ack; broadcasts follow the events. */
import type { FastifyInstance } from 'fastify';
import {
  AgentMessageSendPayloadSchema,
  ConversationHandOverPayloadSchema,
  ConversationMessagesPayloadSchema,
  ConversationRefPayloadSchema,
  ConversationResolvePayloadSchema,
  ConversationTransferPayloadSchema,
  EmptyPayloadSchema,
  PresenceSetPayloadSchema,
} from '../../shared/schemas';
import { toWireError } from '../../shared/errors';
import { handleEvent } from './ack';
import type { AgentStatuses } from './agent-statuses';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { registerAgentSignals } from './signals';
import { compilePayloadCheck } from '../domain/validate';

const checkEmpty = compilePayloadCheck(EmptyPayloadSchema);
const checkRef = compilePayloadCheck(ConversationRefPayloadSchema);
const checkResolve = compilePayloadCheck(ConversationResolvePayloadSchema);
const checkMessages = compilePayloadCheck(ConversationMessagesPayloadSchema);
const checkSend = compilePayloadCheck(AgentMessageSendPayloadSchema);
const checkTransfer = compilePayloadCheck(ConversationTransferPayloadSchema);
const checkPresence = compilePayloadCheck(PresenceSetPayloadSchema);
const checkHandOver = compilePayloadCheck(ConversationHandOverPayloadSchema);

/**
 * @param closing true once the app is shutting down: connections closing then are not agents
 * leaving, and the store and the adapter's Redis connections are going away.
 */
export function registerAgentNamespace(app: FastifyInstance, statuses: AgentStatuses, closing: () => boolean): void {
  const { agents, conversations, assignment } = app;

  // Rooms and presence are in place before the client hears it is connected, so its first event
  // (take-next, say) never finds the agent offline, and no broadcast meanwhile is missed.
  agents.use(async (socket, next) => {
    try {
      const { agent } = socket.data;
      const open = await conversations.heldBy(agent);
      await socket.join([
        rooms.agent(agent.siteKey, agent.id),
        ...agent.skills.map((queue) => rooms.queue(agent.siteKey, queue)),
        ...open.map((c) => rooms.conversation(agent.siteKey, c.id)),
      ]);
      await assignment.keepPresent(agent, statuses.get(agent.id));
      next();
    } catch (error) {
      const wire = toWireError(error);
      next(Object.assign(new Error(wire.message), { data: wire }));
    }
  });

  agents.on('connection', (socket) => {
    const { agent } = socket.data;
    const { siteKey } = agent;
    /** Echoed on the events this connection causes, so broadcasts need not tell it what its ack says. */
    const origin = { origin: socket.id };
    limitEventRate(socket);
    endWithSession(app, socket);

    socket.on('workspace:load', handleEvent(app.log, 'workspace:load', checkEmpty, () => conversations.loadWorkspace(agent)));

    socket.on('conversation:take', handleEvent(app.log, 'conversation:take', checkRef, ({ conversationId }) =>
      conversations.takeConversation(agent, conversationId, origin),
    ));

    socket.on('queue:take-next', handleEvent(app.log, 'queue:take-next', checkEmpty, async () => {
      const conversation = await assignment.takeNext(agent, origin);
      if (!conversation) return null;
      return { conversation, messages: await conversations.agentMessages(agent, conversation.id) };
    }));

    socket.on('conversation:messages', handleEvent(app.log, 'conversation:messages', checkMessages, ({ conversationId, afterId }) =>
      conversations.agentMessages(agent, conversationId, afterId),
    ));

    socket.on('message:send', handleEvent(app.log, 'message:send', checkSend, (payload) => conversations.sendAgentMessage(agent, payload, origin)));

    socket.on('conversation:resolve', handleEvent(app.log, 'conversation:resolve', checkResolve, ({ conversationId, category }) =>
      conversations.resolveConversation(agent, conversationId, category, origin),
    ));

    socket.on('conversation:transfer', handleEvent(app.log, 'conversation:transfer', checkTransfer, (payload) =>
      conversations.transferConversation(agent, payload, origin),
    ));

    socket.on('conversation:flag-route', handleEvent(app.log, 'conversation:flag-route', checkRef, async ({ conversationId }) => {
      const { queue } = await app.siteLearning.flagWrongQueue(agent, conversationId, origin);
      return { queue };
    }));

    socket.on('conversation:hand-over', handleEvent(app.log, 'conversation:hand-over', checkHandOver, (payload) =>
      conversations.handOverConversation(agent, payload, origin),
    ));

    socket.on('conversation:release', handleEvent(app.log, 'conversation:release', checkRef, ({ conversationId }) =>
      conversations.releaseConversation(agent, conversationId, origin),
    ));

    socket.on('presence:set', handleEvent(app.log, 'presence:set', checkPresence, async ({ status }) => {
      // This process's heartbeat renews the chosen status; offline is said once and not renewed.
      statuses.set(agent.id, status === 'offline' ? 'away' : status);
      await assignment.setStatus(agent, status, origin);
      return { status };
    }));

    registerAgentSignals(app, socket);

    socket.on('disconnect', () => {
      if (closing()) return;
      void (async () => {
        if ((await agents.in(rooms.agent(siteKey, agent.id)).fetchSockets()).length > 0) return;
        await assignment.connectionLost(agent, statuses.get(agent.id));
      })().catch((error: unknown) => app.log.warn({ err: error }, 'agent presence update failed'));
    });

    // A console that connects is an agent with free places, perhaps: auto mode fills them.
    assignment.assignWaitingIn(siteKey, assignment.queuesOf(agent)).catch((error: unknown) => app.log.warn({ err: error }, 'assignment failed'));
  });
}

/**
 * A socket lives no longer than its session: every event re-checks it (expired, logged out on
 * another device, agent disabled). Agents send few events, so two Redis reads each cost nothing.
 */
function endWithSession(app: FastifyInstance, socket: Parameters<Parameters<FastifyInstance['agents']['on']>[1]>[0]) {
  socket.use((_packet, next) => {
    app.agentAccounts.authenticate(socket.data.sessionToken).then(
      (agent) => (agent ? next() : socket.disconnect(true)),
      (error: unknown) => next(error as Error),
    );
  });
}
