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
  NoteAddPayloadSchema,
  PresenceSetPayloadSchema,
} from '../../shared/schemas';
import { createError, toWireError } from '../../shared/errors';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { registerAgentSignals } from './signals';
import { compilePayloadCheck } from '../domain/validate';
import { mayOversee } from '../domain/notes';
import { socketLog } from './socket-context';

const checkEmpty = compilePayloadCheck(EmptyPayloadSchema);
const checkRef = compilePayloadCheck(ConversationRefPayloadSchema);
const checkResolve = compilePayloadCheck(ConversationResolvePayloadSchema);
const checkMessages = compilePayloadCheck(ConversationMessagesPayloadSchema);
const checkSend = compilePayloadCheck(AgentMessageSendPayloadSchema);
const checkTransfer = compilePayloadCheck(ConversationTransferPayloadSchema);
const checkPresence = compilePayloadCheck(PresenceSetPayloadSchema);
const checkHandOver = compilePayloadCheck(ConversationHandOverPayloadSchema);
const checkNote = compilePayloadCheck(NoteAddPayloadSchema);

/**
 * @param closing true once the app is shutting down: connections closing then are not agents
 * leaving, and the store and the adapter's Redis connections are going away.
 */
export function registerAgentNamespace(app: FastifyInstance, closing: () => boolean): void {
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
        // Leads and admins hear the team's changes (team:updated).
        ...(mayOversee(agent) ? [rooms.team(agent.siteKey)] : []),
      ]);
      // The status the agent chose survives a reload and a new log-in: the store keeps it.
      await assignment.keepPresent(agent);
      next();
    } catch (error) {
      const wire = toWireError(error);
      next(Object.assign(new Error(wire.message), { data: wire }));
    }
  });

  agents.on('connection', (socket) => {
    // Read at each event: endWithSession refreshes it, so an admin's change (capacity, skills, name)
    // counts from the agent's next event, not their next connection.
    const current = () => socket.data.agent;
    const { siteKey } = socket.data.agent;
    /** Echoed on the events this connection causes, so broadcasts need not tell it what its ack says. */
    const origin = { origin: socket.id };
    limitEventRate(socket);
    endWithSession(app, socket);

    socket.on('workspace:load', handleEvent(socketLog(app, socket), 'workspace:load', checkEmpty, () => conversations.loadWorkspace(current())));

    socket.on('conversation:take', handleEvent(socketLog(app, socket), 'conversation:take', checkRef, ({ conversationId }) =>
      conversations.takeConversation(current(), conversationId, origin),
    ));

    socket.on('queue:take-next', handleEvent(socketLog(app, socket), 'queue:take-next', checkEmpty, async () => {
      const conversation = await assignment.takeNext(current(), origin);
      if (!conversation) return null;
      return { conversation, messages: await conversations.agentMessages(current(), conversation.id) };
    }));

    socket.on('conversation:messages', handleEvent(socketLog(app, socket), 'conversation:messages', checkMessages, ({ conversationId, afterId }) =>
      conversations.agentMessages(current(), conversationId, afterId),
    ));

    socket.on('message:send', handleEvent(socketLog(app, socket), 'message:send', checkSend, (payload) => conversations.sendAgentMessage(current(), payload, origin)));

    socket.on('note:add', handleEvent(socketLog(app, socket), 'note:add', checkNote, (payload) => app.notes.addNote(current(), payload, origin)));

    socket.on('conversation:resolve', handleEvent(socketLog(app, socket), 'conversation:resolve', checkResolve, ({ conversationId, category }) =>
      conversations.resolveConversation(current(), conversationId, category, origin),
    ));

    socket.on('conversation:transfer', handleEvent(socketLog(app, socket), 'conversation:transfer', checkTransfer, (payload) =>
      conversations.transferConversation(current(), payload, origin),
    ));

    socket.on('conversation:flag-route', handleEvent(socketLog(app, socket), 'conversation:flag-route', checkRef, async ({ conversationId }) => {
      const { queue } = await app.siteLearning.flagWrongQueue(current(), conversationId, origin);
      return { queue };
    }));

    socket.on('conversation:hand-over', handleEvent(socketLog(app, socket), 'conversation:hand-over', checkHandOver, (payload) =>
      conversations.handOverConversation(current(), payload, origin),
    ));

    socket.on('team:load', handleEvent(socketLog(app, socket), 'team:load', checkEmpty, () => app.team.snapshot(current())));

    socket.on('conversation:reassign', handleEvent(socketLog(app, socket), 'conversation:reassign', checkHandOver, (payload) => app.team.reassign(current(), payload, origin)));

    socket.on('conversation:release', handleEvent(socketLog(app, socket), 'conversation:release', checkRef, ({ conversationId }) =>
      conversations.releaseConversation(current(), conversationId, origin),
    ));

    socket.on('presence:set', handleEvent(socketLog(app, socket), 'presence:set', checkPresence, async ({ status }) => {
      // Kept by the store: every process's heartbeat renews it from there; offline is not renewed.
      await assignment.setStatus(current(), status, origin);
      return { status };
    }));

    socket.on('visitor:history', handleEvent(socketLog(app, socket), 'visitor:history', checkRef, ({ conversationId }) =>
      conversations.previousConversations(current(), conversationId),
    ));

    registerAgentSignals(app, socket);

    socket.on('disconnect', () => {
      if (closing()) return;
      void app.shutdown.track((async () => {
        if ((await agents.in(rooms.agent(siteKey, current().id)).fetchSockets()).length > 0) return;
        await assignment.connectionLost(current());
      })()).catch((error: unknown) => socketLog(app, socket).warn({ err: error }, 'agent presence update failed'));
    });

    // A console that connects is an agent with free places, perhaps: auto mode fills them.
    app.shutdown.track(assignment.assignWaitingIn(siteKey, assignment.queuesOf(current()))).catch((error: unknown) => socketLog(app, socket).warn({ err: error }, 'assignment failed'));
  });
}

/**
 * A socket lives no longer than its session: every event re-checks it (expired, logged out on
 * another device, agent disabled) and takes the agent as stored now (an admin's change of capacity,
 * skills or name). Agents send few events, so two Redis reads each cost nothing.
 */
function endWithSession(app: FastifyInstance, socket: Parameters<Parameters<FastifyInstance['agents']['on']>[1]>[0]) {
  socket.use((packet, next) => {
    app.agentAccounts.sessionState(socket.data.sessionToken, socket.data.agent).then(
      (session) => {
        if (session.state === 'open') {
          socket.data.agent = session.agent;
          return next();
        }
        const state = session.state;
        // The event is refused with a code, changes nothing, and the console hears why before it closes.
        const ack: unknown = packet.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error: toWireError(createError('AUTH_REQUIRED', { reason: state })) });
        socket.emit('session:ended', { reason: state });
        socket.disconnect(true);
      },
      (error: unknown) => next(error as Error),
    );
  });
}
