/**
 * Auto mode follows the domain events: whenever a conversation starts waiting or an agent gets a
 * free place (resolved, handed back, transferred, came online, more capacity), the waiting
 * conversations of the queues concerned go to agents with room. A disabled agent's conversations
 * go back to the queue at once.
 */
import type { AgentId, SiteKey } from '../../shared/ids';
import { QUEUES, type QueueName } from '../../shared/queues';
import type { Store } from '../store/store';
import type { AssignmentService } from './assignment';
import type { DomainEvents } from './events';

export function assignOnEvents(events: DomainEvents, { store, assignment }: { store: Store; assignment: AssignmentService }): void {
  /** Fills these queues, and those of `agentId` (who may have a free place now), on an auto site. */
  const fill = async (siteKey: SiteKey, queues: QueueName[], agentId?: AgentId) => {
    if ((await store.getSite(siteKey))?.settings.assignment !== 'auto') return;
    const skills = agentId ? ((await store.getAgent(siteKey, agentId))?.skills ?? []) : [];
    const wanted = new Set([...queues, ...skills]);
    for (const queue of QUEUES) if (wanted.has(queue)) await assignment.assignWaiting(siteKey, queue, { assignment: 'auto' });
  };

  events.on('conversation.created', async ({ siteKey, data: { conversation, assignment: mode, queueCount } }) => {
    await assignment.assignWaiting(siteKey, conversation.queue, {
      assignment: mode,
      // Alone in its line when created: it is the head, no need to read the line to know it.
      ...(queueCount === 1 ? { heads: [conversation.id] } : {}),
    });
  });
  events.on('conversation.rerouted', ({ siteKey, data }) => fill(siteKey, [data.conversation.queue]));
  events.on('conversation.reopened', ({ siteKey, data }) => fill(siteKey, [data.conversation.queue]));
  events.on('conversation.transferred', ({ siteKey, data }) => fill(siteKey, [data.conversation.queue], data.byAgentId));
  events.on('conversation.released', ({ siteKey, data }) =>
    // An agent gone has no place to fill: only the line they left behind.
    fill(siteKey, [data.conversation.queue], data.reason === 'agent-gone' ? undefined : data.fromAgentId),
  );
  events.on('conversation.resolved', ({ siteKey, data }) => fill(siteKey, [], data.byAgentId));
  events.on('conversation.assigned', ({ siteKey, data }) => (data.fromAgentId ? fill(siteKey, [], data.fromAgentId) : undefined));
  events.on('agent.presence_changed', ({ siteKey, data }) => (data.status === 'online' ? fill(siteKey, data.agent.skills) : undefined));
  events.on('agent.updated', async ({ siteKey, data }) => {
    if (data.disabled) await assignment.sweep(siteKey);
    else await fill(siteKey, data.agent.skills);
  });
}
