/**
 * KPIs follow the domain events: each step of a conversation's life is recorded once (kpi-events.ts
 * refuses a second recording), with the wait and handle times the wait estimates read.
 */
import type { DomainEvents } from './events';
import type { KpiRecorder } from './kpi-events';
import type { Store } from '../store/store';

export function recordKpisOnEvents(events: DomainEvents, { kpis, store }: { kpis: KpiRecorder; store: Store }): void {
  events.on('conversation.created', ({ data }) => kpis.created(data.conversation, data.previousCreatedAt));
  events.on('conversation.rerouted', ({ data, at }) => kpis.rerouted(data.conversation, data.fromQueue, at));
  events.on('conversation.assigned', async ({ data: { conversation } }) => {
    if (conversation.assignedAt === undefined) return;
    await Promise.all([
      kpis.assigned(conversation),
      store.recordTime(conversation.siteKey, conversation.queue, 'wait', conversation.assignedAt - conversation.queuedAt),
    ]);
  });
  events.on('message.created', async ({ data: { conversation, message } }) => {
    // Only the conversation's holder may write, so the holder is the one who replied.
    if (message.author === 'agent' && conversation.assignedAgentId) await kpis.agentReplied(conversation, conversation.assignedAgentId, message.createdAt);
  });
  events.on('conversation.transferred', ({ data, at }) => kpis.transferred(data.conversation, data.fromQueue, data.byAgentId, at));
  events.on('conversation.resolved', async ({ data: { conversation, byAgentId } }) => {
    const { assignedAt, resolvedAt } = conversation;
    await Promise.all([
      kpis.resolved(conversation, byAgentId, assignedAt ?? conversation.queuedAt),
      assignedAt !== undefined && resolvedAt !== undefined
        ? store.recordTime(conversation.siteKey, conversation.queue, 'handle', resolvedAt - assignedAt)
        : undefined,
    ]);
  });
  events.on('conversation.reopened', ({ data }) => kpis.reopened(data.conversation, data.previous));
  events.on('conversation.abandoned', ({ data }) => kpis.abandoned(data.conversation));
  events.on('conversation.rated', ({ data }) => kpis.rated(data.conversation));
}
