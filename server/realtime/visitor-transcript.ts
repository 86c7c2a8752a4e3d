/** `conversation:transcript` on `/visitor`: check → domain (queues the email) → ack. */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';
import type { InterServerEvents, VisitorClientEvents, VisitorServerEvents, VisitorSocketData } from '../../shared/protocol';
import { ConversationTranscriptPayloadSchema } from '../../shared/schemas';
import { handleEvent } from './ack';
import { compilePayloadCheck } from '../domain/validate';
import { socketAddress, socketLog } from './socket-context';

const checkTranscript = compilePayloadCheck(ConversationTranscriptPayloadSchema);

export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, InterServerEvents, VisitorSocketData>;

export function registerTranscriptEvent(app: FastifyInstance, socket: VisitorSocket): void {
  const { siteKey, visitorId } = socket.data;
  socket.on(
    'conversation:transcript',
    handleEvent(socketLog(app, socket), 'conversation:transcript', checkTranscript, (payload) =>
      app.transcripts.request(siteKey, visitorId, payload, { ip: socketAddress(app, socket) }),
    ),
  );
}
