/** `conversation:transcript` on `/visitor`: check → domain (queues the email) → ack. */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';
import type { InterServerEvents, VisitorClientEvents, VisitorServerEvents, VisitorSocketData } from '../../shared/protocol';
import { ConversationTranscriptPayloadSchema } from '../../shared/schemas';
import { handleEvent } from './ack';
import { compilePayloadCheck } from '../domain/validate';

const checkTranscript = compilePayloadCheck(ConversationTranscriptPayloadSchema);

export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, InterServerEvents, VisitorSocketData>;

export function registerTranscriptEvent(app: FastifyInstance, socket: VisitorSocket): void {
  const { siteKey, visitorId } = socket.data;
  socket.on(
    'conversation:transcript',
    handleEvent(app.log, 'conversation:transcript', checkTranscript, (payload) =>
      app.transcripts.request(siteKey, visitorId, payload, { ip: socket.handshake.address }),
    ),
  );
}
