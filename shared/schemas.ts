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
    /**
     * A reply to this resolved conversation of the visitor's: it reopens, within the site's
     * `reopenWithinMinutes` of its end; later, the message starts a new conversation instead.
     */
    reopen: Type.Optional(IdSchema),
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

/**
 * Emails the transcript of one of the visitor's own conversations, to `email` or, without it, to the
 * email the visitor gave before (left message or identity).
 */
export const ConversationTranscriptPayloadSchema = Type.Object(
  { conversationId: IdSchema, email: Type.Optional(EmailSchema) },
  Strict,
);
export type ConversationTranscriptPayload = Static<typeof ConversationTranscriptPayloadSchema>;

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

/**
 * What a conversation was about, chosen by the agent who resolves it from the site's list for its
 * queue. Letters, digits, spaces and `&'()./-`: never `|` or `:`, which the KPI fields use.
 */
export const CategorySchema = Type.String({ minLength: 1, maxLength: 40, pattern: "^[\\p{L}\\p{N}][\\p{L}\\p{N} &'()./-]*$" });

export const ConversationResolvePayloadSchema = Type.Object(
  { conversationId: IdSchema, category: Type.Optional(CategorySchema) },
  Strict,
);
export type ConversationResolvePayload = Static<typeof ConversationResolvePayloadSchema>;

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

// ---- KPIs (DESIGN.md, "KPIs") ---------------------------------------------------------------

/**
 * The end-of-chat survey (`conversation:rate`): CSAT 1–5 for a service conversation, customer
 * effort 1–7 for a support one, NPS 0–10 as well when the site asks it; an optional comment.
 */
export const ConversationRatePayloadSchema = Type.Object(
  {
    conversationId: IdSchema,
    csat: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    ces: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 })),
    nps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  Strict,
);
export type ConversationRatePayload = Static<typeof ConversationRatePayloadSchema>;

export const METRICS_GROUPS = ['hour', 'day', 'queue', 'agent', 'category'] as const;
export type MetricsGroup = (typeof METRICS_GROUPS)[number];

// Query strings are text and the server coerces no types: times are ISO 8601 or epoch milliseconds, as text.
const TimeTextSchema = Type.String({ minLength: 1, maxLength: 40, pattern: '^([0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)$' });

export const MetricsQuerySchema = Type.Object(
  {
    site: SiteKeySchema,
    from: TimeTextSchema,
    to: TimeTextSchema,
    queue: Type.Optional(QueueNameSchema),
    agent: Type.Optional(IdSchema),
    category: Type.Optional(CategorySchema),
    // Any text here, so an unknown group is answered with METRICS_GROUP_UNKNOWN rather than a bare schema error.
    groupBy: Type.Optional(Type.String({ maxLength: 32 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  Strict,
);
export type MetricsQuery = Static<typeof MetricsQuerySchema>;

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

/** Milliseconds: median and p90 from log-scale histograms (the upper edge of the bucket), mean exact. */
export const DurationFiguresSchema = Type.Object({
  count: Type.Integer(),
  median: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
  mean: Nullable(Type.Number()),
});
export type DurationFigures = Static<typeof DurationFiguresSchema>;

export const KpiFiguresSchema = Type.Object({
  /** Conversations created (for an agent: conversations assigned to them). */
  conversations: Type.Integer(),
  assigned: Type.Integer(),
  resolved: Type.Integer(),
  resolutionRate: Nullable(Type.Number()),
  /** Resolved conversations the visitor reopened by replying (each counted once), and their share of those resolved. */
  reopened: Type.Integer(),
  reopenRate: Nullable(Type.Number()),
  abandoned: Type.Integer(),
  abandonmentRate: Nullable(Type.Number()),
  transfers: Type.Object({ serviceToSupport: Type.Integer(), supportToService: Type.Integer() }),
  transferRate: Type.Object({ serviceToSupport: Nullable(Type.Number()), supportToService: Nullable(Type.Number()) }),
  waitMs: DurationFiguresSchema,
  frtMs: DurationFiguresSchema,
  ahtMs: DurationFiguresSchema,
  csat: Type.Object({ count: Type.Integer(), mean: Nullable(Type.Number()), satisfiedShare: Nullable(Type.Number()) }),
  ces: Type.Object({ count: Type.Integer(), mean: Nullable(Type.Number()) }),
  nps: Type.Object({ count: Type.Integer(), score: Nullable(Type.Number()) }),
  repeatContacts: Type.Integer(),
  repeatContactRate: Nullable(Type.Number()),
  misrouted: Type.Integer(),
  routerAccuracy: Nullable(Type.Number()),
  /** The FRT histogram: upper edge (ms) → conversations, for charts. */
  frtHistogram: Type.Array(Type.Object({ upToMs: Type.Number(), count: Type.Integer() })),
});
export type KpiFigures = Static<typeof KpiFiguresSchema>;

export const QueueNowSchema = Type.Object({
  queue: QueueNameSchema,
  waiting: Type.Integer(),
  /** How long the head of the line has waited, 0 when nobody waits. */
  longestWaitMs: Type.Number(),
});
export type QueueNow = Static<typeof QueueNowSchema>;

export const MetricsReportSchema = Type.Object({
  site: Type.String(),
  from: Type.Number(),
  to: Type.Number(),
  queue: Type.Union([QueueNameSchema, Type.Null()]),
  agent: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  groupBy: Type.Union([Type.String(), Type.Null()]),
  now: Type.Object({ at: Type.Number(), queues: Type.Array(QueueNowSchema) }),
  totals: KpiFiguresSchema,
  groups: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), figures: KpiFiguresSchema })),
});
export type MetricsReport = Static<typeof MetricsReportSchema>;

/** What the wallboard feed `/api/v1/metrics/live` sends: the whole picture, each time it changes (at most once a second). */
export const LiveMetricsMessageSchema = Type.Object({
  type: Type.Literal('metrics'),
  site: Type.String(),
  at: Type.Number(),
  queues: Type.Array(QueueNowSchema),
  /** Since 00:00 UTC today. */
  today: KpiFiguresSchema,
  todayByQueue: Type.Object({ service: KpiFiguresSchema, support: KpiFiguresSchema }),
});
export type LiveMetricsMessage = Static<typeof LiveMetricsMessageSchema>;

export const LiveMetricsQuerySchema = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }, Strict);
export type LiveMetricsQuery = Static<typeof LiveMetricsQuerySchema>;

export const ApiTokenBodySchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, Strict);
export type ApiTokenBody = Static<typeof ApiTokenBodySchema>;
export const ApiTokenCreatedSchema = Type.Object({ token: Type.String(), name: Type.String(), createdAt: Type.Number() });
