/**
 * The wire follows the domain events: each event is told to the visitors and agents concerned,
 * through the Socket.IO rooms (and so, with Redis, to every server process by the adapter). The
 * connection that caused an event (its `origin`) heard the result in its ack and is left out where
 * it would only hear it twice. Each is subscribed ahead of the domain's own subscribers (KPIs,
 * auto-assignment): on the way from a first message to an agent, nothing waits behind a KPI write.
 */
import type { FastifyInstance } from 'fastify';
import type { Announcer } from './announce';
import { QUEUES } from '../../shared/queues';
import { rooms } from './rooms';
import type { SessionEndReason } from '../domain/agents';
import { toAgentConversation } from '../domain/views';
import type { VisitorChannel } from './visitor-channel';

export function broadcastEvents(app: FastifyInstance, announce: Announcer, visitorChannel: VisitorChannel): void {
  const { agents } = app;
  const { prepend } = app.events;

  // A new conversation is in nobody's console yet: its agent gets its first message with the offer.
  prepend('conversation.created', ({ origin, data: { conversation, message, queueCount } }) => {
    visitorChannel.messageCreated(conversation, message, origin);
    return announce.queued(conversation, { count: queueCount, except: origin });
  });

  prepend('message.created', ({ origin, data: { conversation, message } }) => {
    visitorChannel.messageCreated(conversation, message, origin);
    // Its agent's own room too: a join made by another server process for a fresh offer may not
    // have landed yet (consoles merge messages by id, so nobody sees one twice).
    const holder = conversation.assignedAgentId ? [rooms.agent(conversation.siteKey, conversation.assignedAgentId)] : [];
    const to = agents.to([rooms.conversation(conversation.siteKey, conversation.id), ...holder]);
    (origin === undefined ? to : to.except(origin)).emit('message:new', message);
  });

  // A note goes to the consoles of the conversation, never the visitor's channel (see notes.ts).
  prepend('note.created', ({ origin, data: { conversation, message } }) => {
    const holder = conversation.assignedAgentId ? [rooms.agent(conversation.siteKey, conversation.assignedAgentId)] : [];
    const to = agents.to([rooms.conversation(conversation.siteKey, conversation.id), ...holder]);
    (origin === undefined ? to : to.except(origin)).emit('message:new', message);
  });

  prepend('conversation.rerouted', async ({ siteKey, origin, data: { conversation, fromQueue } }) => {
    if (fromQueue !== conversation.queue) await announce.leftQueue(siteKey, fromQueue, conversation.id);
    await announce.queued(conversation, { except: origin });
  });

  prepend('conversation.reopened', async ({ siteKey, origin, data: { conversation, previous } }) => {
    await announce.queued(conversation, { except: origin });
    // The agent who resolved it left its room then: their console lets it go to the queue.
    if (previous.assignedAgentId) agents.to(rooms.agent(siteKey, previous.assignedAgentId)).emit('conversation:updated', conversation);
  });

  prepend('conversation.assigned', async ({ data: { conversation, fromAgentId } }) => {
    if (fromAgentId) announce.released(conversation, fromAgentId);
    await announce.assigned(conversation);
  });

  prepend('conversation.transferred', async ({ data: { conversation, byAgentId } }) => {
    announce.released(conversation, byAgentId);
    await announce.queued(conversation);
  });

  prepend('conversation.released', async ({ data: { conversation, fromAgentId } }) => {
    announce.released(conversation, fromAgentId);
    await announce.queued(conversation);
  });

  prepend('conversation.resolved', ({ data: { conversation, byAgentId } }) => {
    visitorChannel.conversationUpdated(conversation);
    announce.released(conversation, byAgentId);
  });

  prepend('conversation.abandoned', ({ siteKey, data: { conversation } }) => announce.leftQueue(siteKey, conversation.queue, conversation.id));

  prepend('conversation.rated', ({ origin, data: { conversation } }) => visitorChannel.conversationUpdated(conversation, origin));

  prepend('visitor.identified', async ({ siteKey, data: { conversation } }) => {
    if (conversation?.status === 'waiting') await announce.queued(conversation, { tellVisitor: false });
    else if (conversation) agents.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:updated', conversation);
  });

  // Agents only (the visitor's view has no context); a waiting conversation shows it once taken.
  prepend('visitor.context_updated', ({ siteKey, data: { conversation } }) => {
    if (conversation?.status === 'active') agents.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:updated', toAgentConversation(conversation));
  });

  prepend('agent.updated', async ({ siteKey, data: { agent, disabled } }) => {
    if (disabled) await disconnectAgentSockets(app, siteKey, agent.id, 'disabled');
  });

  prepend('agent.logged_out', ({ siteKey, data: { agentId, sessionToken } }) => disconnectAgentSockets(app, siteKey, agentId, 'logged-out', sessionToken));

  // Every console of the agent shows the status the server has, whichever tab changed it.
  prepend('agent.presence_changed', ({ siteKey, origin, data: { agent, status } }) => {
    const to = agents.to(rooms.agent(siteKey, agent.id));
    (origin === undefined ? to : to.except(origin)).emit('presence:changed', { status });
  });

  // Live signals go to the other side only: the visitor's to the consoles holding the conversation,
  // the agent's to the visitor's tabs (through the visitor channel, in the visitor's view).
  prepend('conversation.typing', ({ siteKey, data: { conversation, by, typing } }) => {
    const signal = { conversationId: conversation.id, by, typing };
    if (by === 'agent') visitorChannel.typing(conversation, signal);
    else agents.to(rooms.conversation(siteKey, conversation.id)).emit('conversation:typing', signal);
  });

  prepend('message.seen', ({ siteKey, data: { conversation, by, lastSeenId } }) => {
    const seen = { conversationId: conversation.id, by, lastSeenId };
    if (by === 'agent') visitorChannel.seen(conversation, seen);
    else agents.to(rooms.conversation(siteKey, conversation.id)).emit('message:seen', seen);
  });

  // Who can answer changed: the waiting visitors of the agent's queues learn their new place and
  // wait (and that nobody is there, when the last one went).
  prepend('agent.presence_changed', ({ siteKey, data: { agent } }) => {
    for (const queue of agent.skills) announce.positionsChanged(siteKey, queue);
  });
  // The event does not say which queues the gone agent served: every queue hears it (debounced, and
  // a queue nobody waits in reads nothing more).
  prepend('conversation.released', ({ siteKey, data: { reason } }) => {
    if (reason === 'agent-gone') for (const queue of QUEUES) announce.positionsChanged(siteKey, queue);
  });
}

/**
 * Ends the sockets riding on one session (log out), or all of an agent's (log out everywhere,
 * disabled), telling each console why first (`session:ended`), so that it says so and shows the log-in.
 */
async function disconnectAgentSockets(app: FastifyInstance, siteKey: string, agentId: string, reason: SessionEndReason, sessionToken?: string) {
  const sockets = await app.agents.in(rooms.agent(siteKey, agentId)).fetchSockets();
  for (const socket of sockets) {
    if (sessionToken && socket.data.sessionToken !== sessionToken) continue;
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }
}
