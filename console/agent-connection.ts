/**
 * The only console module that knows Socket.IO: connects to `/agent` (the session cookie rides
 * along), reloads the workspace and what was missed after every (re)connect, and delivers replies
 * through the outbox.
 */
import { io, type Socket } from 'socket.io-client';
import { emitWithTimeout } from '../shared/emit-with-timeout';
import { compareMessageIds, createClientId } from '../shared/ids';
import { ACK_TIMEOUT_MS, TYPING_SHOWN_FOR_MS } from '../shared/limits';
import { createOutbox } from '../shared/outbox';
import type { AgentClientEvents, AgentServerEvents } from '../shared/protocol';
import type { QueueName } from '../shared/queues';
import type { StateStore } from '../shared/state-store';
import { createTypingSignal } from '../shared/typing-signal';
import { api } from './api';
import {
  applyConversation,
  applyHandedOver,
  applyMessages,
  applyQueueEntered,
  applyQueueLeft,
  applySeen,
  applyTaken,
  applyTyping,
  applyWorkspace,
  type AgentPresence,
  type ConsoleState,
  type PendingReply,
} from './workspace-store';

export type AgentConnection = ReturnType<typeof connectAgent>;

/** Why the console closed itself: the server ended the session (`session:ended`), or the agent logged out here. */
export type LoggedOutReason = SessionEnd['reason'];
type SessionEnd = Parameters<AgentServerEvents['session:ended']>[0];

/** Things an agent may want to be alerted about (console/alerts/), told as they arrive. */
export type ConsoleAlert =
  | { kind: 'waiting'; conversationId: string; text: string }
  | { kind: 'assigned'; conversationId: string; text: string }
  | { kind: 'message'; conversationId: string; text: string };

/** An action that got no answer shows this, never nothing. */
const NO_ANSWER = { code: 'INTERNAL', message: 'The server did not answer: check the connection and try again.' } as const;

export function connectAgent(store: StateStore<ConsoleState>, onLoggedOut: (reason: LoggedOutReason) => void, onAlert: (alert: ConsoleAlert) => void = () => {}) {
  const socket: Socket<AgentServerEvents, AgentClientEvents> = io('/agent', { transports: ['websocket', 'polling'] });
  const request = <K extends keyof AgentClientEvents & string>(event: K, payload: Parameters<AgentClientEvents[K]>[0]) =>
    emitWithTimeout(socket, ACK_TIMEOUT_MS, event, payload).catch(() => ({ ok: false as const, error: NO_ANSWER }));
  const apply = (change: (s: ConsoleState) => Partial<ConsoleState>) => store.setState(change);

  const outbox = createOutbox<PendingReply>({
    send: (reply) => {
      if (!socket.connected) return Promise.reject(new Error('offline'));
      return request('message:send', reply);
    },
    onSent: (reply, sent) =>
      apply((s) => ({
        ...applyMessages(s, reply.conversationId, [sent.message]),
        pending: s.pending.filter((p) => p.clientId !== reply.clientId),
      })),
    onRefused: (reply, error) => apply((s) => ({ pending: s.pending.filter((p) => p.clientId !== reply.clientId), error })),
  });

  const resync = async () => {
    const ws = await request('workspace:load', {});
    if (!ws.ok) return;
    apply((s) => applyWorkspace(s, ws.data));
    for (const c of ws.data.conversations) {
      const last = store.getState().messages[c.id]?.at(-1)?.id;
      const res = await request('conversation:messages', last ? { conversationId: c.id, afterId: last } : { conversationId: c.id });
      if (res.ok) apply((s) => applyMessages(s, c.id, res.data));
    }
  };

  socket.on('connect', () => {
    store.setState({ connection: 'online' });
    resync().catch(() => undefined);
    outbox.flush();
  });
  let ended = false;
  const end = (reason: LoggedOutReason) => {
    if (ended) return;
    ended = true;
    outbox.stop();
    socket.disconnect();
    onLoggedOut(reason);
  };
  socket.on('session:ended', ({ reason }) => end(reason));
  socket.on('disconnect', (reason) => {
    store.setState({ connection: 'offline' });
    // The server closed it without saying why (a session:ended lost in a race): ask whether the session holds.
    if (reason === 'io server disconnect' && !ended) {
      void api.currentAgent().then((agent) => (agent ? socket.connect() : end('logged-out')));
    }
  });
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    store.setState({ connection: 'offline' });
    if (error.data?.code === 'AUTH_REQUIRED') end('logged-out');
  });
  socket.on('presence:changed', ({ status }) => store.setState({ presence: status }));
  socket.on('queue:entered', (entry, count) => {
    const known = store.getState().queues.some((q) => q.entries.some((e) => e.conversationId === entry.conversationId));
    apply((s) => applyQueueEntered(s, entry, count));
    if (!known) onAlert({ kind: 'waiting', conversationId: entry.conversationId, text: entry.preview });
  });
  socket.on('queue:left', (left, count) => apply((s) => applyQueueLeft(s, left, count)));
  socket.on('message:new', (message) => apply((s) => applyMessages(s, message.conversationId, [message])));
  socket.on('conversation:updated', (conversation) => apply((s) => applyConversation(s, conversation)));
  socket.on('conversation:assigned', ({ conversation, messages, lastSeen }) => {
    const known = store.getState().conversations.some((c) => c.id === conversation.id && c.status === 'active');
    // An assignment does not steal the screen from a chat the agent is in.
    apply((s) => ({ ...applyTaken(s, conversation, messages, lastSeen), selectedId: s.selectedId ?? conversation.id }));
    if (!known) onAlert({ kind: 'assigned', conversationId: conversation.id, text: conversation.preview });
  });

  // Live signals: the visitor's "typing…" shows until they stop, write, or go quiet for TYPING_SHOWN_FOR_MS.
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const visitorTyping = (conversationId: string, typing: boolean) => {
    clearTimeout(typingTimers.get(conversationId));
    apply((s) => applyTyping(s, conversationId, typing));
    if (typing) typingTimers.set(conversationId, setTimeout(() => visitorTyping(conversationId, false), TYPING_SHOWN_FOR_MS));
  };
  socket.on('conversation:typing', ({ conversationId, typing }) => visitorTyping(conversationId, typing));
  socket.on('message:new', (message) => {
    if (message.author !== 'visitor') return;
    visitorTyping(message.conversationId, false);
    onAlert({ kind: 'message', conversationId: message.conversationId, text: message.text });
  });
  socket.on('message:seen', (seen) => apply((s) => applySeen(s, seen)));
  socket.on('team:updated', (team) => store.setState({ team }));
  /** The agent's own typing signal, one throttle per conversation. */
  const drafts = new Map<string, ReturnType<typeof createTypingSignal>>();
  const draftOf = (conversationId: string) => {
    let signal = drafts.get(conversationId);
    if (!signal) {
      signal = createTypingSignal((typing) => {
        if (socket.connected) void request('typing:set', { conversationId, typing }).catch(() => undefined);
      });
      drafts.set(conversationId, signal);
    }
    return signal;
  };
  /** The last message id reported seen per conversation: only later ones are sent. */
  const reportedSeen = new Map<string, string>();

  return {
    async take(conversationId: string) {
      const res = await request('conversation:take', { conversationId });
      if (res.ok) apply((s) => applyTaken(s, res.data.conversation, res.data.messages, res.data.lastSeen));
      else store.setState({ error: res.error });
    },
    /** The reply box changed ('' once sent): tells the visitor "typing…", throttled, never the text. */
    draft(conversationId: string, text: string) {
      draftOf(conversationId).draft(text);
    },
    /** The pane has shown the conversation up to this message (the page visible). */
    seen(conversationId: string, lastSeenId: string) {
      const before = reportedSeen.get(conversationId) ?? store.getState().lastSeen[conversationId]?.agent;
      if (!socket.connected || (before && compareMessageIds(lastSeenId, before) <= 0)) return;
      reportedSeen.set(conversationId, lastSeenId);
      // Unread counts read the agent's own mark: it moves here at once, as the server keeps it.
      apply((s) => applySeen(s, { conversationId, by: 'agent', lastSeenId }));
      void request('message:seen', { conversationId, lastSeenId });
    },
    async takeNext() {
      const res = await request('queue:take-next', {});
      if (!res.ok) store.setState({ error: res.error });
      else if (res.data) apply((s) => applyTaken(s, res.data!.conversation, res.data!.messages));
      else store.setState({ error: { code: 'NOT_FOUND', message: 'Nobody is waiting in your queues.' } });
    },
    async setPresence(status: AgentPresence) {
      const res = await request('presence:set', { status });
      if (res.ok) store.setState({ presence: res.data.status, error: null });
      else store.setState({ error: res.error });
    },
    async release(conversationId: string) {
      const res = await request('conversation:release', { conversationId });
      if (res.ok) apply((s) => applyHandedOver(s, conversationId));
      else store.setState({ error: res.error });
    },
    async resolve(conversationId: string, category?: string) {
      const res = await request('conversation:resolve', { conversationId, ...(category ? { category } : {}) });
      if (res.ok) apply((s) => applyConversation(s, res.data));
      else store.setState({ error: res.error });
    },
    async transfer(conversationId: string, queue: QueueName, note: string) {
      const res = await request('conversation:transfer', { conversationId, queue, note });
      if (res.ok) apply((s) => applyHandedOver(s, conversationId));
      else store.setState({ error: res.error });
    },
    /** An internal note: the team's only (server: `note:add`). */
    async note(conversationId: string, text: string) {
      const res = await request('note:add', { conversationId, clientId: createClientId(), text });
      if (res.ok) apply((s) => ({ ...applyMessages(s, conversationId, [res.data.message]), error: null }));
      else store.setState({ error: res.error });
    },
    /** The team now; for leads it also starts the live view (`team:updated`). */
    async loadTeam() {
      const res = await request('team:load', {});
      if (!res.ok) {
        store.setState({ error: res.error });
        return null;
      }
      store.setState({ team: res.data });
      return res.data;
    },
    async handOver(conversationId: string, agentId: string, note: string) {
      const res = await request('conversation:hand-over', { conversationId, agentId, note });
      if (res.ok) apply((s) => applyHandedOver(s, conversationId));
      else store.setState({ error: res.error });
    },
    /** A lead gives a waiting or held conversation to a named agent. */
    async reassign(conversationId: string, agentId: string) {
      const res = await request('conversation:reassign', { conversationId, agentId, note: '' });
      if (res.ok) store.setState({ error: null });
      else store.setState({ error: res.error });
      return res.ok;
    },
    /** @returns the queue it belonged in, or null when refused (the error is shown) */
    async flagRoute(conversationId: string): Promise<QueueName | null> {
      const res = await request('conversation:flag-route', { conversationId });
      if (res.ok) return res.data.queue;
      store.setState({ error: res.error });
      return null;
    },
    reply(conversationId: string, text: string) {
      const reply = { conversationId, clientId: createClientId(), text };
      store.setState((s) => ({ pending: [...s.pending, reply], error: null }));
      outbox.add(reply);
      draftOf(conversationId).draft('');
    },
    /** The visitor's earlier conversations, to read (`visitor:history`); none when the server refuses. */
    async history(conversationId: string) {
      const res = await request('visitor:history', { conversationId });
      return res.ok ? res.data : [];
    },
    close() {
      outbox.stop();
      socket.disconnect();
    },
  };
}
