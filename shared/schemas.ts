/**
 * JSON Schemas (TypeBox) for every socket payload and REST body. The server compiles them once
 * with Ajv; browser code imports only the `Static<>` types from here (`import type`), so TypeBox
 * never enters a bundle.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_MESSAGE_LENGTH } from './limits';
import { QUEUES } from './queues';

const Strict = { additionalProperties: false } as const;

export const SiteKeySchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const IdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
// A stream id is `<ms>-<seq>`, two 64-bit numbers. Up to 16 digits each keeps every accepted id (and the
// one after it, which an exclusive range start asks Redis for) inside 64 bits; real ids have 13 and a few.
export const MessageIdSchema = Type.String({ maxLength: 33, pattern: '^[0-9]{1,16}-[0-9]{1,16}$' });
export const ClientIdSchema = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const MessageTextSchema = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH });
export const QueueNameSchema = Type.Union(QUEUES.map((queue) => Type.Literal(queue)));
export const SkillsSchema = Type.Array(QueueNameSchema, { minItems: 1, maxItems: QUEUES.length, uniqueItems: true });

/** What a visitor's socket sends in `auth` when it connects to `/visitor`. */
export const VisitorHandshakeSchema = Type.Object(
  {
    siteKey: SiteKeySchema,
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  Strict,
);
export type VisitorHandshake = Static<typeof VisitorHandshakeSchema>;

export const SessionResumePayloadSchema = Type.Object(
  { lastMessageId: Type.Optional(MessageIdSchema) },
  Strict,
);
export type SessionResumePayload = Static<typeof SessionResumePayloadSchema>;

export const VisitorMessageSendPayloadSchema = Type.Object(
  {
    clientId: ClientIdSchema,
    text: MessageTextSchema,
    /** The visitor's answer to the site's topic question; used only by the first message. */
    topic: Type.Optional(QueueNameSchema),
  },
  Strict,
);
export type VisitorMessageSendPayload = Static<typeof VisitorMessageSendPayloadSchema>;

const EmailSchema = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });

export const MessageLeavePayloadSchema = Type.Object(
  { clientId: ClientIdSchema, text: MessageTextSchema, name: Type.String({ minLength: 1, maxLength: 100 }), email: EmailSchema },
  Strict,
);
export type MessageLeavePayload = Static<typeof MessageLeavePayloadSchema>;

export const VisitorIdentifyPayloadSchema = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' })),
    /** Hex HMAC-SHA256 of userId with the site's identity secret, made by the site's own server. */
    hash: Type.Optional(Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-fA-F]{64}$' })),
  },
  Strict,
);
export type VisitorIdentifyPayload = Static<typeof VisitorIdentifyPayloadSchema>;

export const AgentMessageSendPayloadSchema = Type.Object(
  { conversationId: IdSchema, clientId: ClientIdSchema, text: MessageTextSchema },
  Strict,
);
export type AgentMessageSendPayload = Static<typeof AgentMessageSendPayloadSchema>;

export const ConversationRefPayloadSchema = Type.Object({ conversationId: IdSchema }, Strict);
export type ConversationRefPayload = Static<typeof ConversationRefPayloadSchema>;

export const TransferNoteSchema = Type.String({ maxLength: 500 });

export const ConversationTransferPayloadSchema = Type.Object(
  { conversationId: IdSchema, queue: QueueNameSchema, note: TransferNoteSchema },
  Strict,
);
export type ConversationTransferPayload = Static<typeof ConversationTransferPayloadSchema>;

/** Hands a conversation straight to a named colleague (who needs the skill, presence and a free place). */
export const ConversationHandOverPayloadSchema = Type.Object(
  { conversationId: IdSchema, agentId: IdSchema, note: TransferNoteSchema },
  Strict,
);
export type ConversationHandOverPayload = Static<typeof ConversationHandOverPayloadSchema>;

export const ConversationMessagesPayloadSchema = Type.Object(
  { conversationId: IdSchema, afterId: Type.Optional(MessageIdSchema) },
  Strict,
);
export type ConversationMessagesPayload = Static<typeof ConversationMessagesPayloadSchema>;

export const PresenceSetPayloadSchema = Type.Object(
  { status: Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]) },
  Strict,
);
export type PresenceSetPayload = Static<typeof PresenceSetPayloadSchema>;

export const EmptyPayloadSchema = Type.Object({}, Strict);
export type EmptyPayload = Static<typeof EmptyPayloadSchema>;

export const LoginBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  Strict,
);
export type LoginBody = Static<typeof LoginBodySchema>;

/** `admin` may also manage the site's settings and routing rules. */
export const AgentRoleSchema = Type.Union([Type.Literal('agent'), Type.Literal('admin')]);
export type AgentRole = Static<typeof AgentRoleSchema>;

export const AgentViewSchema = Type.Object({
  id: IdSchema,
  role: AgentRoleSchema,
  siteKey: SiteKeySchema,
  email: Type.String(),
  name: Type.String(),
  skills: SkillsSchema,
  capacity: Type.Integer({ minimum: 0 }),
});
export type AgentView = Static<typeof AgentViewSchema>;

export const ErrorReplySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
