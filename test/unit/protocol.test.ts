/**
 * Pins how the protocol's event maps type the clients and the server. The `expectTypeOf` lines
 * are checked by `npm run typecheck` (tsc covers test/); at run time they do nothing, and the
 * sockets here never connect.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { AgentNamespace, VisitorNamespace } from '../../server/types';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ErrorCode } from '../../shared/errors';
import type {
  VisitorConversationView,
  VisitorMessageSent,
  Ack,
  AgentClientEvents,
  AgentServerEvents,
  AgentWorkspace,
  ConversationView,
  MessageSent,
  MessageView,
  QueueEntry,
  TakenConversation,
  VisitorClientEvents,
  VisitorServerEvents,
  VisitorSession,
  WireError,
} from '../../shared/protocol';

// Nothing listens there, and autoConnect is off: emits wait in the buffer until their timeout.
const offline = { autoConnect: false, reconnection: false } as const;
const visitor: Socket<VisitorServerEvents, VisitorClientEvents> = io('http://127.0.0.1:9/visitor', offline);
const agent: Socket<AgentServerEvents, AgentClientEvents> = io('http://127.0.0.1:9/agent', offline);

/** Emits made only for their types; each rejects after 1 ms with no server to answer. */
const pending: Promise<unknown>[] = [];
function typed<T>(promise: Promise<T>): Promise<T> {
  pending.push(promise.catch(() => undefined));
  return promise;
}

afterAll(async () => {
  await Promise.all(pending);
  visitor.close();
  agent.close();
});

describe('the typed clients', () => {
  it('resolve emitWithTimeout on /visitor to the Ack of each event', () => {
    expectTypeOf(typed(emitWithTimeout(visitor, 1, 'message:send', { clientId: 'c-12345678', text: 'hi' }))).resolves.toEqualTypeOf<
      Ack<VisitorMessageSent>
    >();
    expectTypeOf(typed(emitWithTimeout(visitor, 1, 'session:resume', {}))).resolves.toEqualTypeOf<Ack<VisitorSession>>();
    expectTypeOf(typed(emitWithTimeout(visitor, 1, 'conversation:transcript', { conversationId: 'c_1' }))).resolves.toEqualTypeOf<
      Ack<{ queued: true }>
    >();
  });

  it('resolve emitWithTimeout on /agent to the Ack of each event', () => {
    const ref = { conversationId: 'c_1' };
    expectTypeOf(typed(emitWithTimeout(agent, 1, 'workspace:load', {}))).resolves.toEqualTypeOf<Ack<AgentWorkspace>>();
    expectTypeOf(typed(emitWithTimeout(agent, 1, 'conversation:take', ref))).resolves.toEqualTypeOf<Ack<TakenConversation>>();
    expectTypeOf(typed(emitWithTimeout(agent, 1, 'conversation:messages', { ...ref, afterId: '1-0' }))).resolves.toEqualTypeOf<
      Ack<MessageView[]>
    >();
    expectTypeOf(typed(emitWithTimeout(agent, 1, 'conversation:resolve', ref))).resolves.toEqualTypeOf<Ack<ConversationView>>();
    expectTypeOf(typed(emitWithTimeout(agent, 1, 'message:send', { ...ref, clientId: 'c-12345678', text: 'hi' }))).resolves.toEqualTypeOf<
      Ack<MessageSent>
    >();
  });

  it('refuse payloads and events the protocol does not have', () => {
    // @ts-expect-error clientId is required
    typed(emitWithTimeout(visitor, 1, 'message:send', { text: 'hi' }));
    // @ts-expect-error a visitor names no conversation: its token decides which one is its own
    typed(emitWithTimeout(visitor, 1, 'message:send', { conversationId: 'c_1', clientId: 'c-12345678', text: 'hi' }));
    // @ts-expect-error an agent event on the visitor socket
    typed(emitWithTimeout(visitor, 1, 'conversation:take', { conversationId: 'c_1' }));
    // @ts-expect-error an agent message names its conversation
    typed(emitWithTimeout(agent, 1, 'message:send', { clientId: 'c-12345678', text: 'hi' }));
    // @ts-expect-error no such event
    typed(emitWithTimeout(agent, 1, 'conversation:delete', { conversationId: 'c_1' }));
  });

  it('narrow an Ack on `ok` to its data or a catalogued error', () => {
    const narrow = (ack: Ack<MessageSent>) => {
      if (ack.ok) expectTypeOf(ack.data).toEqualTypeOf<MessageSent>();
      else {
        expectTypeOf(ack.error).toEqualTypeOf<WireError>();
        expectTypeOf(ack.error.code).toEqualTypeOf<ErrorCode>();
      }
    };
    expectTypeOf(narrow).parameter(0).toEqualTypeOf<Ack<MessageSent>>();
  });

  it('type what the server pushes', () => {
    visitor.on('message:new', (message) => expectTypeOf(message).toEqualTypeOf<MessageView>());
    // The visitor's own view: routing, transfer notes, agents' ids and the IP never reach a widget.
    visitor.on('conversation:updated', (conversation) => expectTypeOf(conversation).toEqualTypeOf<VisitorConversationView>());
    agent.on('queue:entered', (entry, count) => {
      expectTypeOf(entry).toEqualTypeOf<QueueEntry>();
      expectTypeOf(count).toEqualTypeOf<number>();
    });
    agent.on('queue:left', (left, count) => {
      expectTypeOf(left.takenBy).toEqualTypeOf<string | undefined>();
      expectTypeOf(count).toEqualTypeOf<number>();
    });
    // @ts-expect-error the visitor namespace never pushes queue events
    visitor.on('queue:entered', () => {});
  });

  it('keep the ack typed without a timeout (Socket.IO types that case itself)', () => {
    expectTypeOf<ReturnType<typeof visitor.emitWithAck<'message:send'>>>().toEqualTypeOf<Promise<Ack<VisitorMessageSent>>>();
  });

  it('still get `any` from socket.timeout(ms).emitWithAck, which is why emitWithTimeout exists', () => {
    // socketio/socket.io#4925: the client's emitWithAck takes the first argument of the ack, which
    // timeout() makes the Error. When this line fails, Socket.IO has fixed it; emitWithTimeout can go.
    expectTypeOf(typed(visitor.timeout(1).emitWithAck('message:send', { clientId: 'c-12345678', text: 'hi' }))).resolves.toBeAny();
  });

  it('reject emitWithTimeout when no ack comes in time (the caller then retries with the same client id)', async () => {
    await expect(emitWithTimeout(visitor, 1, 'session:resume', {})).rejects.toThrow(/timed out/);
  });
});

describe('the typed server namespaces', () => {
  it('push only the events of their own map, with their payloads', () => {
    const visitors = null as unknown as VisitorNamespace;
    const agents = null as unknown as AgentNamespace;
    const check = () => {
      visitors.to('room').emit('message:new', {} as MessageView);
      // @ts-expect-error a conversation is not a message
      visitors.to('room').emit('message:new', {} as ConversationView);
      // @ts-expect-error the visitor namespace has no queue events
      visitors.to('room').emit('queue:entered', {} as QueueEntry, 1);
      agents.to('room').emit('queue:left', { conversationId: 'c_1', queue: 'service', takenBy: 'a_1' }, 0);
      // @ts-expect-error queue names are the two queues
      agents.to('room').emit('queue:left', { conversationId: 'c_1', queue: 'sales' }, 0);
    };
    expectTypeOf(check).toBeFunction();
  });
});
