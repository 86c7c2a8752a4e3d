/**
 * The only console module that knows Socket.IO: connects to `/agent` (the session cookie rides
 * along), reloads the workspace and what was missed after every (re)connect, and delivers replies
 * through the outbox.
 */
import { io, type Socket } from 'socket.io-client';
import { emitWithTimeout } from '../shared/emit-with-timeout';
import { createClientId } from '../shared/ids';
import { ACK_TIMEOUT_MS } from '../shared/limits';
import { createOutbox } from '../shared/outbox';
import type { AgentClientEvents, AgentServerEvents } from '../shared/protocol';
import type { QueueName } from '../shared/queues';
import type { StateStore } from '../shared/state-store';
import {
  applyConversation,
  applyHandedOver,
  applyMessages,
  applyQueueEntered,
  applyQueueLeft,
  applyTaken,
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
  socket.on('conversation:assigned', ({ conversation, messages }) => apply((s) => applyTaken(s, conversation, messages)));

  return {
    async take(conversationId: string) {
      const res = await request('conversation:take', { conversationId });
      if (res.ok) apply((s) => applyTaken(s, res.data.conversation, res.data.messages));
      else store.setState({ error: res.error });
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
    reply(conversationId: string, text: string) {
      const reply = { conversationId, clientId: createClientId(), text };
      store.setState((s) => ({ pending: [...s.pending, reply], error: null }));
      outbox.add(reply);
    },
    close() {
      outbox.stop();
      socket.disconnect();
    },
  };
}
