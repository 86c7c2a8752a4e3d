/**
 * A conversation goes straight to a named agent: handed over by the agent who holds it, or
 * reassigned by a lead or admin (waiting or held). Everything that would refuse it is checked
 * first, so a refusal changes nothing; then a held conversation is released and claimed by the
 * receiver. If someone else takes it in the instant between (another agent, auto mode), it is
 * waiting at the front of its queue, announced as released: never lost, and the caller hears
 * CONVERSATION_CHANGED.
 */
import { createError, isSwitchboardError } from '../../shared/errors';
import type { ConversationView } from '../../shared/protocol';
import type { AgentView } from '../../shared/schemas';
import type { Agent, Store } from '../store/store';
import type { AssignedBy, DomainEvents, EventOrigin } from './events';
import { mayOversee } from './notes';

type Deps = { store: Store; events: DomainEvents };

/**
 * The receiver of `conversation`, or the reason they cannot take it: unknown, disabled or of another
 * site (AGENT_NOT_FOUND), already holding it (AGENT_IS_HOLDER), without the queue's skill
 * (SKILL_REQUIRED), not online now (AGENT_OFFLINE, `details.status` away or offline), full (AGENT_AT_CAPACITY).
 */
export async function checkReceiver(store: Store, conversation: ConversationView, agentId: string, now: number): Promise<Agent> {
  const { siteKey } = conversation;
  const target = await store.getAgent(siteKey, agentId);
  if (!target || target.disabled) throw createError('AGENT_NOT_FOUND', { agentId });
  if (conversation.status === 'active' && conversation.assignedAgentId === target.id) throw createError('AGENT_IS_HOLDER', { agentId });
  if (!target.skills.includes(conversation.queue)) throw createError('SKILL_REQUIRED', { agentId: target.id, queue: conversation.queue });
  const [presence, loads] = await Promise.all([store.listPresence(siteKey), store.agentLoads(siteKey)]);
  const status = presence[target.id] && presence[target.id]!.deadline >= now ? presence[target.id]!.status : 'offline';
  if (status !== 'online') {
    throw createError('AGENT_OFFLINE', { agentId: target.id, status }, `${target.name} is ${status}: only an online agent can be given a conversation.`);
  }
  if ((loads[target.id] ?? 0) >= target.capacity) throw createError('AGENT_AT_CAPACITY', { agentId: target.id, load: loads[target.id] ?? 0, capacity: target.capacity });
  return target;
}

/** Releases `conversation` from its holder (if any) and gives it to `target`, telling each step. */
async function moveTo({ store, events }: Deps, conversation: ConversationView, target: Agent, by: AssignedBy, now: number, origin: EventOrigin) {
  const { siteKey } = conversation;
  const holder = conversation.status === 'active' ? conversation.assignedAgentId : undefined;
  const requeued = holder ? await store.requeueConversation({ siteKey, conversationId: conversation.id, agentId: holder, now }) : conversation;
  let moved: ConversationView;
  try {
    moved = await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: target.id, agentName: target.name, skills: target.skills, now });
  } catch (error) {
    if (holder) await events.emit('conversation.released', siteKey, { conversation: requeued, fromAgentId: holder, reason: 'hand-over' }, origin);
    if (isSwitchboardError(error)) throw createError('CONVERSATION_CHANGED', { conversationId: conversation.id, reason: error.code });
    throw error;
  }
  await events.emit('conversation.assigned', siteKey, { conversation: moved, by, ...(holder ? { fromAgentId: holder } : {}) }, origin);
  return moved;
}

export async function handOverConversation(
  deps: Deps,
  from: AgentView,
  input: { conversationId: string; agentId: string; note: string },
  now: number,
  origin: EventOrigin = {},
): Promise<ConversationView> {
  const conversation = await deps.store.getConversation(from.siteKey, input.conversationId);
  if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId: input.conversationId });
  if (conversation.status !== 'active') throw createError('CONVERSATION_NOT_ACTIVE', { conversationId: input.conversationId });
  if (conversation.assignedAgentId !== from.id) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId: input.conversationId });
  const target = await checkReceiver(deps.store, conversation, input.agentId, now);
  return moveTo(deps, conversation, target, 'hand-over', now, origin);
}

/** A lead or admin gives a waiting or held conversation of their site to a named agent. */
export async function reassignConversation(
  deps: Deps,
  lead: AgentView,
  input: { conversationId: string; agentId: string },
  now: number,
  origin: EventOrigin = {},
): Promise<ConversationView> {
  const conversation = await deps.store.getConversation(lead.siteKey, input.conversationId);
  if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId: input.conversationId });
  if (!mayOversee(lead)) throw createError('FORBIDDEN', { role: lead.role }, 'Only a lead or admin reassigns conversations: hand over your own instead.');
  if (conversation.status !== 'active' && conversation.status !== 'waiting') throw createError('CONVERSATION_NOT_ACTIVE', { conversationId: input.conversationId });
  const target = await checkReceiver(deps.store, conversation, input.agentId, now);
  return moveTo(deps, conversation, target, 'reassign', now, origin);
}
