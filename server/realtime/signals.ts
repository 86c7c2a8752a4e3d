/**
 * `typing:set` and `message:seen` on both namespaces: check → domain (server/domain/signals.ts) → ack.
 * The other side hears them through broadcasts.ts; the per-socket event budget (event-rate.ts)
 * counts them like any event, and the domain throttles typing on top.
 */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';
import type { AgentClientEvents, AgentServerEvents, AgentSocketData, InterServerEvents } from '../../shared/protocol';
import { MessageSeenPayloadSchema, TypingSetPayloadSchema } from '../../shared/schemas';
import { compilePayloadCheck } from '../domain/validate';
import type { SignalSender } from '../domain/signals';
import { handleEvent } from './ack';
import type { VisitorSocket } from './visitor-transcript';
import { socketLog } from './socket-context';

const checkTyping = compilePayloadCheck(TypingSetPayloadSchema);
const checkSeen = compilePayloadCheck(MessageSeenPayloadSchema);

type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, InterServerEvents, AgentSocketData>;

function registerSignals(app: FastifyInstance, socket: VisitorSocket | AgentSocket, sender: SignalSender): void {
  const origin = { origin: socket.id };
  // One socket type at a time would need two copies of the same two handlers; the events and acks are the same on both.
  const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => void;
  on('typing:set', handleEvent(socketLog(app, socket), 'typing:set', checkTyping, ({ conversationId, typing }) => app.signals.setTyping(sender, conversationId, typing, origin)));
  on('message:seen', handleEvent(socketLog(app, socket), 'message:seen', checkSeen, ({ conversationId, lastSeenId }) => app.signals.markSeen(sender, conversationId, lastSeenId, origin)));
}

export function registerVisitorSignals(app: FastifyInstance, socket: VisitorSocket): void {
  const { siteKey, visitorId } = socket.data;
  registerSignals(app, socket, { by: 'visitor', siteKey, visitorId });
}

export function registerAgentSignals(app: FastifyInstance, socket: AgentSocket): void {
  registerSignals(app, socket, { by: 'agent', agent: socket.data.agent });
}
