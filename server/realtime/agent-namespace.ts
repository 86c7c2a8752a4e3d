/** `/agent`: what a logged-in agent may do from the console. Each handler: check → domain → ack → broadcast. */
import type { FastifyInstance } from 'fastify';
import type { ConversationView } from '../../shared/protocol';
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
import { handOverConversation } from '../domain/hand-over';
import { toWireError } from '../../shared/errors';
import { handleEvent } from './ack';
import type { AgentStatuses } from './agent-statuses';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { compilePayloadCheck } from './validate';

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
  const { visitors, agents, conversations, assignment, announce, store } = app;

  // Rooms and presence are in place before the client hears it is connected, so its first event
  // (take-next, say) never finds the agent offline, and no broadcast meanwhile is missed.
  agents.use(async (socket, next) => {
    try {
      const { agent } = socket.data;
      const open = await store.listAgentConversations(agent.siteKey, agent.id);
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
    const myQueues = assignment.queuesOf(agent);
    limitEventRate(socket);
    endWithSession(app, socket);

    /** The agent let go of a conversation that now waits again: tell everyone, then fill free places. */
    const backInQueue = async (conversation: ConversationView) => {
      announce.released(conversation, agent.id);
      await announce.queued(conversation);
      await announce.assignWaiting(siteKey, [...new Set([conversation.queue, ...myQueues])]);
      return conversation;
    };

    socket.on('workspace:load', handleEvent(app.log, 'workspace:load', checkEmpty, async () => ({
      ...(await conversations.loadWorkspace(agent)),
      email: { enabled: app.config.smtpUrl !== undefined },
    })));

    socket.on('conversation:take', handleEvent(app.log, 'conversation:take', checkRef, async ({ conversationId }) => {
      const taken = await conversations.takeConversation(agent, conversationId);
      await announce.assigned(taken.conversation);
      return taken;
    }));

    socket.on('queue:take-next', handleEvent(app.log, 'queue:take-next', checkEmpty, async () => {
      const conversation = await assignment.takeNext(agent);
      if (!conversation) return null;
      await announce.assigned(conversation);
      return { conversation, messages: await conversations.agentMessages(agent, conversation.id) };
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

    socket.on('conversation:resolve', handleEvent(app.log, 'conversation:resolve', checkResolve, async ({ conversationId, category }) => {
      const conversation = await conversations.resolveConversation(agent, conversationId, category);
      visitors.to(rooms.visitor(siteKey, conversation.visitorId)).emit('conversation:updated', conversation);
      announce.released(conversation, agent.id);
      await assignment.recordResolved(conversation);
      await announce.assignWaiting(siteKey, myQueues);
      return conversation;
    }));

    socket.on('conversation:transfer', handleEvent(app.log, 'conversation:transfer', checkTransfer, async (payload) =>
      backInQueue(await conversations.transferConversation(agent, payload)),
    ));

    socket.on('conversation:hand-over', handleEvent(app.log, 'conversation:hand-over', checkHandOver, async (payload) => {
      const conversation = await handOverConversation(store, agent, payload, Date.now());
      announce.released(conversation, agent.id);
      await announce.assigned(conversation);
      if (payload.note.trim()) {
        await app.audit.record(siteKey, `agent:${agent.id} ${agent.email}`, 'conversation.hand-over', conversation.id, {
          to: payload.agentId,
          note: payload.note.trim(),
        });
      }
      await announce.assignWaiting(siteKey, myQueues);
      return conversation;
    }));

    socket.on('conversation:release', handleEvent(app.log, 'conversation:release', checkRef, async ({ conversationId }) =>
      backInQueue(await store.requeueConversation({ siteKey, conversationId, agentId: agent.id, now: Date.now() })),
    ));

    socket.on('presence:set', handleEvent(app.log, 'presence:set', checkPresence, async ({ status }) => {
      if (status === 'offline') {
        statuses.set(agent.id, 'away');
        await assignment.goOffline(agent);
        await announceSweep(app, siteKey, await assignment.sweep(siteKey));
      } else {
        statuses.set(agent.id, status);
        await assignment.keepPresent(agent, status);
        if (status === 'online') await announce.assignWaiting(siteKey, myQueues);
      }
      return { status };
    }));

    socket.on('disconnect', () => {
      if (closing()) return;
      void (async () => {
        if ((await agents.in(rooms.agent(siteKey, agent.id)).fetchSockets()).length > 0) return;
        await assignment.connectionLost(agent, statuses.get(agent.id));
      })().catch((error: unknown) => app.log.warn({ err: error }, 'agent presence update failed'));
    });

    announce.assignWaiting(siteKey, myQueues).catch((error: unknown) => app.log.warn({ err: error }, 'assignment failed'));
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

/** Ends the sockets riding on one session (log out), or all of an agent's (log out everywhere, disabled). */
export async function disconnectAgentSockets(app: FastifyInstance, siteKey: string, agentId: string, sessionToken?: string) {
  const sockets = await app.agents.in(rooms.agent(siteKey, agentId)).fetchSockets();
  for (const socket of sockets) if (!sessionToken || socket.data.sessionToken === sessionToken) socket.disconnect(true);
}

/** Tells everyone what a sweep changed: conversations back in line, visitors who gave up. */
export async function announceSweep(app: FastifyInstance, siteKey: string, result: Awaited<ReturnType<FastifyInstance['assignment']['sweep']>>) {
  for (const { conversation, fromAgentId } of result.requeued) {
    app.announce.released(conversation, fromAgentId);
    await app.announce.queued(conversation);
  }
  for (const conversation of result.abandoned) await app.announce.leftQueue(siteKey, conversation.queue, conversation.id);
  if (result.requeued.length > 0) await app.announce.assignWaiting(siteKey, ['service', 'support']);
}
