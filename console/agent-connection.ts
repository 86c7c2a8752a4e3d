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

export function connectAgent(store: StateStore<ConsoleState>, onLoggedOut: () => void) {
  const socket: Socket<AgentServerEvents, AgentClientEvents> = io('/agent', { transports: ['websocket', 'polling'] });
  const request = <K extends keyof AgentClientEvents & string>(event: K, payload: Parameters<AgentClientEvents[K]>[0]) =>
    emitWithTimeout(socket, ACK_TIMEOUT_MS, event, payload);
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
  socket.on('disconnect', () => store.setState({ connection: 'offline' }));
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    store.setState({ connection: 'offline' });
    if (error.data?.code === 'AUTH_REQUIRED') onLoggedOut();
  });
  socket.on('queue:entered', (entry, count) => apply((s) => applyQueueEntered(s, entry, count)));
  socket.on('queue:left', (left, count) => apply((s) => applyQueueLeft(s, left, count)));
  socket.on('message:new', (message) => apply((s) => applyMessages(s, message.conversationId, [message])));
  socket.on('conversation:updated', (conversation) => apply((s) => applyConversation(s, conversation)));
  socket.on('conversation:assigned', ({ conversation, messages, lastSeen }) => apply((s) => applyTaken(s, conversation, messages, lastSeen)));

  // Live signals: the visitor's "typing…" shows until they stop, write, or go quiet for TYPING_SHOWN_FOR_MS.
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const visitorTyping = (conversationId: string, typing: boolean) => {
    clearTimeout(typingTimers.get(conversationId));
    apply((s) => applyTyping(s, conversationId, typing));
    if (typing) typingTimers.set(conversationId, setTimeout(() => visitorTyping(conversationId, false), TYPING_SHOWN_FOR_MS));
  };
  socket.on('conversation:typing', ({ conversationId, typing }) => visitorTyping(conversationId, typing));
  socket.on('message:new', (message) => {
    if (message.author === 'visitor') visitorTyping(message.conversationId, false);
  });
  socket.on('message:seen', (seen) => apply((s) => applySeen(s, seen)));
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
      void request('message:seen', { conversationId, lastSeenId }).catch(() => undefined);
    },
    async takeNext() {
      const res = await request('queue:take-next', {});
      if (!res.ok) store.setState({ error: res.error });
      else if (res.data) apply((s) => applyTaken(s, res.data!.conversation, res.data!.messages));
      else store.setState({ error: { code: 'NOT_FOUND', message: 'Nobody is waiting in your queues.' } });
    },
    async setPresence(status: AgentPresence) {
      const res = await request('presence:set', { status });
      if (res.ok) store.setState({ presence: status, error: null });
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
    close() {
      outbox.stop();
      socket.disconnect();
    },
  };
}
