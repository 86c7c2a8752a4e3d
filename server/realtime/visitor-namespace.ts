/**
 * `/visitor`: what a widget may do. Each handler: check → use case → ack in the visitor's view;
 * broadcasts follow the events (broadcasts.ts), and everything sent goes through visitor-channel.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  ConversationRatePayloadSchema,
  MessageLeavePayloadSchema,
  SessionResumePayloadSchema,
  VisitorContextPayloadSchema,
  VisitorIdentifyPayloadSchema,
  VisitorMessageSendPayloadSchema,
} from '../../shared/schemas';
import { handleEvent } from './ack';
import { limitEventRate } from './event-rate';
import { rooms } from './rooms';
import { compilePayloadCheck } from '../domain/validate';
import { toVisitorConversation, toVisitorMessageSent, toVisitorSession, visitorFileLinks } from './visitor-channel';
import { registerTranscriptEvent } from './visitor-transcript';
import { registerVisitorSignals } from './signals';
import { socketAddress, socketLog } from './socket-context';

const checkResume = compilePayloadCheck(SessionResumePayloadSchema);
const checkSend = compilePayloadCheck(VisitorMessageSendPayloadSchema);
const checkIdentify = compilePayloadCheck(VisitorIdentifyPayloadSchema);
const checkLeave = compilePayloadCheck(MessageLeavePayloadSchema);
const checkRate = compilePayloadCheck(ConversationRatePayloadSchema);
const checkContext = compilePayloadCheck(VisitorContextPayloadSchema);

/** @param closing true once the app is shutting down (see registerAgentNamespace). */
export function registerVisitorNamespace(app: FastifyInstance, closing: () => boolean): void {
  const { visitors, conversations, assignment } = app;

  visitors.on('connection', (socket) => {
    const { siteKey, visitorId, token } = socket.data;
    const linkFor = visitorFileLinks(app)(siteKey);
    const room = rooms.visitor(siteKey, visitorId);
    /** Where the visitor's requests come from: the address for per-IP limits, the connection for the events. */
    const context = { ip: socketAddress(app, socket), origin: socket.id };
    limitEventRate(socket);
    void socket.join(room);

    socket.on(
      'session:resume',
      handleEvent(socketLog(app, socket), 'session:resume', checkResume, async ({ lastMessageId }) => {
        const resumed = await conversations.resumeVisitor(siteKey, visitorId, lastMessageId);
        const open = resumed.conversation && (resumed.conversation.status === 'waiting' || resumed.conversation.status === 'active') ? resumed.conversation : null;
        if (open) await assignment.visitorReturned(siteKey, open.id);
        const position = open?.status === 'waiting' ? await assignment.position(siteKey, open) : null;
        return toVisitorSession({ visitorId, token, ...resumed, position }, linkFor);
      }),
    );

    socket.on(
      'message:send',
      handleEvent(socketLog(app, socket), 'message:send', checkSend, async (payload) =>
        toVisitorMessageSent(await conversations.sendVisitorMessage(siteKey, visitorId, payload, context)),
      ),
    );

    socket.on(
      'message:leave',
      handleEvent(socketLog(app, socket), 'message:leave', checkLeave, async (payload) =>
        toVisitorMessageSent(await conversations.leaveMessage(siteKey, visitorId, payload, context)),
      ),
    );

    socket.on(
      'visitor:identify',
      handleEvent(socketLog(app, socket), 'visitor:identify', checkIdentify, async (payload) => {
        const { identity } = await conversations.identifyVisitor(siteKey, visitorId, payload, context);
        return identity;
      }),
    );

    socket.on(
      'conversation:rate',
      handleEvent(socketLog(app, socket), 'conversation:rate', checkRate, async (payload) =>
        toVisitorConversation(await conversations.rateConversation(siteKey, visitorId, payload, context)),
      ),
    );

    socket.on(
      'visitor:context',
      handleEvent(socketLog(app, socket), 'visitor:context', checkContext, (payload) =>
        conversations.updateVisitorContext(siteKey, visitorId, payload, { ...context, userAgent: socket.handshake.headers['user-agent'] }),
      ),
    );

    registerTranscriptEvent(app, socket);
    registerVisitorSignals(app, socket);

    // The visitor's last tab closed: the abandonment clock starts (the sweep in assignment.ts).
    socket.on('disconnect', () => {
      if (closing()) return;
      // Tracked: a shutdown right after a burst of disconnects waits for these writes (shutdown.ts).
      void app.shutdown.track((async () => {
        if ((await visitors.in(room).fetchSockets()).length > 0) return;
        await assignment.visitorLeft(siteKey, visitorId);
        await conversations.visitorWentAway(siteKey, visitorId);
      })()).catch((error: unknown) => socketLog(app, socket).warn({ err: error }, 'visitor presence update failed'));
    });
  });
}
