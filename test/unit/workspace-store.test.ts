import { expect, it } from 'vitest';
import {
  applyConversation,
  applyQueueEntered,
  applyQueueLeft,
  applyTaken,
  applyWorkspace,
  initialState,
  type ConsoleState,
} from '../../console/workspace-store';
import type { ConversationView, QueueEntry } from '../../shared/protocol';

const agent = { id: 'a1', role: 'agent' as const, capacity: 3, siteKey: 's', email: 'a@x.example', name: 'Ada', skills: ['service' as const] };
const routing = { queue: 'service' as const, by: 'model' as const, confidence: 0.9, reason: 'r', uncertain: false };
const entry = (id: string, queuedAt: number): QueueEntry => ({ conversationId: id, queue: 'service', preview: id, queuedAt, routing });
const apply = (state: ConsoleState, change: Partial<ConsoleState>): ConsoleState => ({ ...state, ...change });

it('keeps each queue oldest first with the count the server sends', () => {
  let state = initialState(agent);
  state = apply(state, applyQueueEntered(state, entry('late', 20), 1));
  state = apply(state, applyQueueEntered(state, entry('early', 10), 2));
  state = apply(state, applyQueueEntered(state, entry('early', 10), 2));
  expect(state.queues[0]).toMatchObject({ count: 2, entries: [{ conversationId: 'early' }, { conversationId: 'late' }] });
  state = apply(state, applyQueueLeft(state, { conversationId: 'early', queue: 'service' }, 1));
  expect(state.queues[0]).toMatchObject({ count: 1, entries: [{ conversationId: 'late' }] });
});

it('lists entries in the order the queue serves them, a reopened or priority one ahead of older ones', () => {
  let state = initialState(agent);
  state = apply(state, applyQueueEntered(state, entry('old', 10), 1));
  state = apply(state, applyQueueEntered(state, { ...entry('reopened', 50), queueOrder: 9 }, 2));
  state = apply(state, applyQueueEntered(state, { ...entry('priority', 60), queueOrder: 5 }, 3));
  expect(state.queues[0]!.entries.map((e) => e.conversationId)).toEqual(['priority', 'reopened', 'old']);
});

it('opens a taken conversation and ignores updates of conversations held by others', () => {
  let state = initialState(agent);
  state = apply(state, applyQueueEntered(state, entry('c1', 1), 1));
  const conversation = { id: 'c1', status: 'active', queue: 'service', assignedAgentId: 'a1' } as ConversationView;
  state = apply(state, applyTaken(state, conversation, []));
  expect(state.selectedId).toBe('c1');
  expect(state.queues[0]!.entries).toEqual([]);
  expect(applyConversation(state, { ...conversation, id: 'c2', assignedAgentId: 'someone-else' })).toEqual({});
});

it('lets go of a resolved conversation of its own that the visitor reopened: it is in the queue again', () => {
  let state = initialState(agent);
  const resolved = { id: 'c1', status: 'resolved', queue: 'service', assignedAgentId: 'a1' } as ConversationView;
  state = apply(state, applyConversation(state, { ...resolved, status: 'active' }));
  state = apply(state, applyConversation(state, resolved));
  expect(state.conversations.map((c) => c.id)).toEqual(['c1']);
  const reopened = { id: 'c1', status: 'waiting', queue: 'service', reopenedAt: 5 } as ConversationView;
  state = apply(state, applyConversation(state, reopened));
  expect(state.conversations).toEqual([]);
});

it("keeps whether the server sends email from the workspace, assuming it does until told", () => {
  const state = initialState(agent);
  expect(state.emailEnabled).toBe(true);
  const workspace = { agent, queues: [], conversations: [], categories: { service: [], support: [] }, lastSeen: {}, presence: 'online' as const };
  expect(applyWorkspace(state, { ...workspace, email: { enabled: false } }).emailEnabled).toBe(false);
  expect(applyWorkspace(state, { ...workspace, email: { enabled: true } }).emailEnabled).toBe(true);
});
