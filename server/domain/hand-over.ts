/**
 * An agent hands a conversation straight to a named colleague. Everything that would refuse it is
 * checked first, so a refusal changes nothing; then the conversation is released and claimed by
 * the colleague. If someone else takes it in the instant between (another agent, auto mode), it is
 * waiting at the front of its queue, announced as released: never lost, and the caller hears
 * CONVERSATION_CHANGED.
 */
import { createError, isSwitchboardError } from '../../shared/errors';
import type { ConversationView } from '../../shared/protocol';
import type { AgentView } from '../../shared/schemas';
import type { Store } from '../store/store';
import type { DomainEvents, EventOrigin } from './events';

export async function handOverConversation(
  { store, events }: { store: Store; events: DomainEvents },
  from: AgentView,
  input: { conversationId: string; agentId: string; note: string },
  now: number,
  origin: EventOrigin = {},
): Promise<ConversationView> {
  const { siteKey } = from;
  const conversation = await store.getConversation(siteKey, input.conversationId);
  if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId: input.conversationId });
  if (conversation.status !== 'active') throw createError('CONVERSATION_NOT_ACTIVE', { conversationId: input.conversationId });
  if (conversation.assignedAgentId !== from.id) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId: input.conversationId });
  const target = await store.getAgent(siteKey, input.agentId);
  if (!target || target.disabled || target.id === from.id) throw createError('AGENT_NOT_FOUND', { agentId: input.agentId });
  if (!target.skills.includes(conversation.queue)) throw createError('SKILL_REQUIRED', { agentId: target.id, queue: conversation.queue });
  const presence = (await store.listPresence(siteKey))[target.id];
  if (!presence || presence.status !== 'online' || presence.deadline < now) throw createError('AGENT_OFFLINE', { agentId: target.id });
  if (((await store.agentLoads(siteKey))[target.id] ?? 0) >= target.capacity) throw createError('AGENT_AT_CAPACITY', { agentId: target.id });

  const requeued = await store.requeueConversation({ siteKey, conversationId: conversation.id, agentId: from.id, now });
  let handedOver: ConversationView;
  try {
    handedOver = await store.claimConversation({
      siteKey,
      conversationId: conversation.id,
      agentId: target.id,
      agentName: target.name,
      skills: target.skills,
      now,
    });
  } catch (error) {
    await events.emit('conversation.released', siteKey, { conversation: requeued, fromAgentId: from.id, reason: 'hand-over' }, origin);
    if (isSwitchboardError(error)) throw createError('CONVERSATION_CHANGED', { conversationId: conversation.id, reason: error.code });
    throw error;
  }
  await events.emit('conversation.assigned', siteKey, { conversation: handedOver, by: 'hand-over', fromAgentId: from.id }, origin);
  return handedOver;
}
