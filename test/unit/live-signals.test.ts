/**
 * The pure parts of the live signals: the system lines the widget reads from its own view of a
 * conversation, the typing throttle both clients share, the agent's initials, and how the console's
 * state takes typing and seen.
 */
import { describe, expect, it } from 'vitest';
import { TYPING_SIGNAL_INTERVAL_MS } from '../../shared/limits';
import type { VisitorConversationView } from '../../shared/protocol';
import { createTypingSignal } from '../../shared/typing-signal';
import { initialsOf } from '../../widget/app/initials';
import { systemLineFor } from '../../widget/app/signals';
import { applySeen, applyTaken, applyTyping, applyWorkspace, initialState } from '../../console/workspace-store';
import type { ConversationView } from '../../shared/protocol';

const view = (overrides: Partial<VisitorConversationView>): VisitorConversationView => ({
  id: 'c1',
  status: 'waiting',
  queue: 'service',
  createdAt: 1,
  queuedAt: 1,
  ...overrides,
});

describe('systemLineFor', () => {
  const waiting = view({});
  const withSam = view({ status: 'active', assignedAgentName: 'Sam', assignedAt: 2 });

  it('says who joined, and who took over after a hand-over', () => {
    expect(systemLineFor(waiting, withSam, 'm1')).toEqual({ key: 'agentJoined', values: { agent: 'Sam' }, after: 'm1' });
    expect(systemLineFor(withSam, { ...withSam, assignedAgentName: 'Bo' }, 'm2')).toEqual({ key: 'agentJoined', values: { agent: 'Bo' }, after: 'm2' });
    expect(systemLineFor(withSam, { ...withSam, rating: undefined }, 'm2')).toBeNull();
  });

  it('tells a transfer (active, then waiting in the other queue) from a hand-back (the same queue) and a re-route (waiting to waiting)', () => {
    expect(systemLineFor(withSam, view({ queue: 'support' }), 'm3')).toEqual({ key: 'transferred', values: { queue: 'support' }, after: 'm3' });
    expect(systemLineFor(withSam, view({}), 'm3')).toEqual({ key: 'backInQueue', values: {}, after: 'm3' });
    expect(systemLineFor(waiting, view({ queue: 'support' }), null)).toEqual({ key: 'rerouted', values: { queue: 'support' }, after: null });
  });

  it('says nothing for another conversation, a first one, or an end', () => {
    expect(systemLineFor(null, withSam, null)).toBeNull();
    expect(systemLineFor(waiting, { ...withSam, id: 'c2' }, null)).toBeNull();
    expect(systemLineFor(withSam, view({ status: 'resolved', resolvedAt: 3 }), 'm4')).toBeNull();
  });
});

describe('createTypingSignal', () => {
  it('sends "typing" at most once per interval while there is text, and one stop when it empties', () => {
    let now = 1_000;
    const sent: boolean[] = [];
    const signal = createTypingSignal((typing) => sent.push(typing), () => now);
    signal.draft('');
    signal.draft('H');
    signal.draft('He');
    now += TYPING_SIGNAL_INTERVAL_MS - 1;
    signal.draft('Hel');
    now += 1;
    signal.draft('Hell');
    signal.draft('   ');
    signal.draft('');
    signal.draft('Again');
    expect(sent).toEqual([true, true, false, true]);
  });
});

describe('initialsOf', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initialsOf('Sam')).toBe('S');
    expect(initialsOf('  sam  lee ')).toBe('SL');
    expect(initialsOf('Anne Marie de la Croix')).toBe('AC');
    expect(initialsOf('Élodie')).toBe('É');
  });
});

describe('the console state with signals', () => {
  const agent = { id: 'a1', siteKey: 's', email: 'a@x', name: 'Sam', skills: ['service' as const], role: 'agent' as const, capacity: 3 };

  it('keeps typing per conversation and seen marks per side, from the workspace, a take and live events', () => {
    let state = initialState(agent);
    state = { ...state, ...applyTyping(state, 'c1', true) };
    expect(state.typing).toEqual({ c1: true });
    state = { ...state, ...applyWorkspace(state, { agent, queues: [], conversations: [], categories: { service: [], support: [] }, email: { enabled: true }, lastSeen: { c1: { visitor: '1-0' } }, presence: 'online' }) };
    state = { ...state, ...applySeen(state, { conversationId: 'c1', by: 'agent', lastSeenId: '2-0' }) };
    expect(state.lastSeen).toEqual({ c1: { visitor: '1-0', agent: '2-0' } });
    const taken = { id: 'c2', status: 'active', queue: 'service', assignedAgentId: 'a1' } as ConversationView;
    state = { ...state, ...applyTaken(state, taken, [], { visitor: '5-0' }) };
    expect(state.lastSeen.c2).toEqual({ visitor: '5-0' });
  });
});
