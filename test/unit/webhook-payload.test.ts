import { describe, expect, it } from 'vitest';
import { createDomainEvents } from '../../server/domain/events';
import { toWebhookBody } from '../../server/domain/webhook-delivery';
import type { ConversationView, MessageView } from '../../shared/protocol';
import { WEBHOOK_EVENT_TYPES } from '../../shared/schemas';

const conversation: ConversationView = {
  id: 'c_1',
  siteKey: 'site_1',
  visitorId: 'v_1',
  status: 'waiting',
  queue: 'support',
  routing: { queue: 'service', by: 'model', confidence: 0.9, reason: 'charged', uncertain: false },
  preview: 'I was charged twice',
  createdAt: 1_765_000_000_000,
  queuedAt: 1_765_000_000_000,
  transfer: { fromQueue: 'service', note: 'for support', byAgentName: 'Sam', at: 1_765_000_001_000 },
};
const message: MessageView = { id: '1-0', conversationId: 'c_1', clientId: 'client-1', author: 'visitor', text: 'hello', createdAt: 1_765_000_000_000 };

describe('webhook payloads', () => {
  const events = createDomainEvents(() => 1_765_000_002_000);

  it('is { id, type, siteKey, createdAt (ISO 8601), data } with the agent view and the event’s own facts only', async () => {
    const created = await events.emit('conversation.created', 'site_1', { conversation, message, queueCount: 4, assignment: 'manual', previousCreatedAt: 1 });
    expect(JSON.parse(toWebhookBody(created)!)).toEqual({
      id: created.id,
      type: 'conversation.created',
      siteKey: 'site_1',
      createdAt: '2025-12-06T05:46:42.000Z',
      // The first message rides with the conversation; queueCount and the previous contact stay inside.
      data: { conversation, message },
    });
    const reopened = await events.emit('conversation.reopened', 'site_1', { conversation, previous: { ...conversation, status: 'resolved' } });
    expect(Object.keys(JSON.parse(toWebhookBody(reopened)!).data)).toEqual(['conversation']);
    const sent = await events.emit('message.created', 'site_1', { conversation, message });
    expect(JSON.parse(toWebhookBody(sent)!).data).toEqual({ conversation, message });
    const transferred = await events.emit('conversation.transferred', 'site_1', { conversation, fromQueue: 'service', byAgentId: 'a_1' });
    expect(JSON.parse(toWebhookBody(transferred)!).data).toEqual({ conversation, fromQueue: 'service', byAgentId: 'a_1' });
  });

  it('leaves out the events that stay inside the server', async () => {
    const presence = await events.emit('agent.presence_changed', 'site_1', {
      agent: { id: 'a_1', role: 'agent', siteKey: 'site_1', email: 'a@x.example', name: 'A', skills: ['service'], capacity: 3 },
      status: 'online',
    });
    expect(toWebhookBody(presence)).toBeNull();
    expect(WEBHOOK_EVENT_TYPES).not.toContain('agent.presence_changed');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('agent.logged_out');
  });

  it('leaves out the live signals: typing and seen are for the two people in the conversation', async () => {
    const typing = await events.emit('conversation.typing', 'site_1', { conversation, by: 'visitor', typing: true });
    const seen = await events.emit('message.seen', 'site_1', { conversation, by: 'agent', lastSeenId: message.id });
    expect(toWebhookBody(typing)).toBeNull();
    expect(toWebhookBody(seen)).toBeNull();
    expect(WEBHOOK_EVENT_TYPES).not.toContain('conversation.typing');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('message.seen');
  });
});
