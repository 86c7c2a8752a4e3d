/**
 * The only widget module that knows Socket.IO. Connects to `/visitor` with the saved token,
 * resumes after every (re)connect from the last message seen, and delivers the outbox.
 */
import { io, type Socket } from 'socket.io-client';
import { ACK_TIMEOUT_MS } from '../../shared/limits';
import type { Ack, MessageSeen, MessageView, TypingSignal, VisitorConversationView, VisitorMessageSent, QueuePosition, VisitorClientEvents, VisitorServerEvents, VisitorSession, WireError } from '../../shared/protocol';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationRatePayload, ConversationTranscriptPayload, VisitorContextPayload, VisitorIdentifyPayload } from '../../shared/schemas';
import type { PendingMessage } from './storage';

export interface VisitorTransportEvents {
  onSession(session: VisitorSession): void;
  onMessage(message: MessageView): void;
  onConversation(conversation: VisitorConversationView): void;
  onPosition(position: QueuePosition): void;
  onConnection(state: 'online' | 'offline'): void;
  /** The server refused the connection for good (unknown site, origin not allowed). */
  onRefused(error: WireError): void;
  /** The agent is writing, or stopped. */
  onTyping(signal: TypingSignal): void;
  /** The agent has read up to a message. */
  onSeen(seen: MessageSeen): void;
}

export interface VisitorTransport {
  start(events: VisitorTransportEvents): void;
  send(message: PendingMessage): Promise<Ack<VisitorMessageSent>>;
  /** Sent now and again after every reconnect; settles once the server answered (or could not be asked). */
  identify(identity: VisitorIdentifyPayload): Promise<void> | void;
  /** The end-of-chat survey's answer. */
  rate(payload: ConversationRatePayload): Promise<Ack<VisitorConversationView>>;
  /** Live signals: best effort, never retried (a lost one is overtaken by the next). */
  typing(conversationId: string, typing: boolean): void;
  seen(conversationId: string, lastSeenId: string): void;
  /** The page the visitor is on, for agents: sent now and again after every reconnect. */
  context(payload: VisitorContextPayload): void;
  /** "Email me the transcript". */
  transcript(payload: ConversationTranscriptPayload): Promise<Ack<{ queued: true }>>;
  stop(): void;
}

export interface SocketTransportOptions {
  serverUrl: string;
  siteKey: string;
  /** The saved visitor token, read at every (re)connect. */
  getToken(): string | undefined;
  /** Forget a token the server refused, so the next attempt starts a new visitor. */
  dropToken(): void;
  /** The id of the newest message on screen, for resuming. */
  lastMessageId(): string | undefined;
  /** A refusal the page should hear of (`Switchboard.on('error')`): identify or context refused, the connection refused. */
  onError?(error: WireError): void;
}

export function createSocketTransport(options: SocketTransportOptions): VisitorTransport {
  let socket: Socket<VisitorServerEvents, VisitorClientEvents> | undefined;
  const tellRefusal = (res: Ack<unknown>) => {
    if (!res.ok) options.onError?.(res.error);
  };
  let identity: VisitorIdentifyPayload | undefined;
  let pageContext: VisitorContextPayload | undefined;
  const sendContext = () => {
    if (pageContext && socket?.connected) void emitWithTimeout(socket, ACK_TIMEOUT_MS, 'visitor:context', pageContext).then(tellRefusal, () => undefined);
  };
  const sendIdentity = async () => {
    if (identity && socket?.connected) await emitWithTimeout(socket, ACK_TIMEOUT_MS, 'visitor:identify', identity).then(tellRefusal, () => undefined);
  };

  return {
    start(events) {
      socket = io(`${options.serverUrl}/visitor`, {
        auth: (cb) => {
          const token = options.getToken();
          cb(token ? { siteKey: options.siteKey, token } : { siteKey: options.siteKey });
        },
        transports: ['websocket', 'polling'],
      });
      const s = socket;
      s.on('connect', async () => {
        events.onConnection('online');
        void sendIdentity();
        sendContext();
        const lastMessageId = options.lastMessageId();
        try {
          const res = await emitWithTimeout(s, ACK_TIMEOUT_MS, 'session:resume', lastMessageId ? { lastMessageId } : {});
          if (res.ok) events.onSession(res.data);
        } catch {
          // No answer: the next reconnect resumes again.
        }
      });
      s.on('disconnect', () => events.onConnection('offline'));
      s.on('connect_error', (error: Error & { data?: WireError }) => {
        events.onConnection('offline');
        if (error.data?.code === 'VISITOR_TOKEN_INVALID') {
          options.dropToken();
          s.connect();
        } else if (error.data) {
          options.onError?.(error.data);
          events.onRefused(error.data);
        }
      });
      s.on('message:new', events.onMessage);
      s.on('queue:position', events.onPosition);
      // The browser knows at once when the network is gone; Socket.IO would notice only at its next ping.
      globalThis.addEventListener?.('offline', () => events.onConnection('offline'));
      // Back online: a socket that survived the short loss never fires 'connect' again, so the
      // banner the 'offline' event raised is cleared here.
      globalThis.addEventListener?.('online', () => {
        if (s.connected) events.onConnection('online');
        else s.connect();
      });
      s.on('conversation:updated', events.onConversation);
      s.on('conversation:typing', events.onTyping);
      s.on('message:seen', events.onSeen);
    },
    typing(conversationId, typing) {
      if (socket?.connected) void emitWithTimeout(socket, ACK_TIMEOUT_MS, 'typing:set', { conversationId, typing }).catch(() => undefined);
    },
    seen(conversationId, lastSeenId) {
      if (socket?.connected) void emitWithTimeout(socket, ACK_TIMEOUT_MS, 'message:seen', { conversationId, lastSeenId }).catch(() => undefined);
    },
    send(message) {
      if (!socket?.connected) return Promise.reject(new Error('offline'));
      const { leave, ...rest } = message;
      if (leave) return emitWithTimeout(socket, ACK_TIMEOUT_MS, 'message:leave', { clientId: rest.clientId, text: rest.text, ...leave });
      return emitWithTimeout(socket, ACK_TIMEOUT_MS, 'message:send', rest);
    },
    rate(payload) {
      if (!socket?.connected) return Promise.reject(new Error('offline'));
      return emitWithTimeout(socket, ACK_TIMEOUT_MS, 'conversation:rate', payload);
    },
    context(given) {
      pageContext = given;
      sendContext();
    },
    transcript(payload) {
      if (!socket?.connected) return Promise.reject(new Error('offline'));
      return emitWithTimeout(socket, ACK_TIMEOUT_MS, 'conversation:transcript', payload);
    },
    identify(given) {
      identity = given;
      return sendIdentity();
    },
    stop() {
      socket?.disconnect();
    },
  };
}
