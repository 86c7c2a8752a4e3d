/**
 * JSON Schemas (TypeBox) for every socket payload and REST body. The server compiles them once
 * with Ajv; browser code imports only the `Static<>` types from here (`import type`), so TypeBox
 * never enters a bundle.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  MAX_CONTEXT_KEY_LENGTH,
  MAX_CONTEXT_KEYS,
  MAX_CONTEXT_VALUE_LENGTH,
  MAX_PAGE_TITLE_LENGTH,
  MAX_PAGE_URL_LENGTH,
  MAX_ABANDON_AFTER_SECONDS,
  MAX_AGENT_CAPACITY,
  MAX_CATEGORIES,
  MAX_MESSAGE_LENGTH,
  MAX_REOPEN_WITHIN_MINUTES,
  MAX_RETENTION_DAYS,
  MAX_VERIFIED_PRIORITY_MINUTES,
  MAX_FILE_BYTES,
  MAX_FILE_NAME_LENGTH,
} from './limits';
import { QUEUES } from './queues';
import { en } from '../widget/app/i18n/en';

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

/** An internal note (`note:add`): the same shape and limits as an agent's message. */
export const NoteAddPayloadSchema = Type.Object(
  { conversationId: IdSchema, clientId: ClientIdSchema, text: MessageTextSchema },
  Strict,
);
export type NoteAddPayload = Static<typeof NoteAddPayloadSchema>;

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
/** agent answers; lead also watches and reassigns the whole team; admin also configures the site. */
export const AgentRoleSchema = Type.Union([Type.Literal('agent'), Type.Literal('lead'), Type.Literal('admin')]);
export type AgentRole = Static<typeof AgentRoleSchema>;

export const AgentViewSchema = Type.Object({
  id: IdSchema,
  role: AgentRoleSchema,
  siteKey: SiteKeySchema,
  email: Type.String(),
  name: Type.String(),
  skills: SkillsSchema,
  capacity: Type.Integer({ minimum: 0 }),
  /** Other sites this admin administers (those they created); absent when none. */
  administers: Type.Optional(Type.Array(SiteKeySchema)),
});
export type AgentView = Static<typeof AgentViewSchema>;

/** How many conversations an agent may hold at once. */
export const AgentCapacitySchema = Type.Integer({ minimum: 0, maximum: MAX_AGENT_CAPACITY });

// Eight characters is the floor a guessable password still clears; the log-in limits do the rest.
export const PasswordSchema = Type.String({ minLength: 8, maxLength: 200 });
export const AgentNameSchema = Type.String({ minLength: 1, maxLength: 100 });

/** A new agent account, as `agent:add` (and the demo seed) gives it to the domain. */
export const NewAgentSchema = Type.Object(
  {
    siteKey: SiteKeySchema,
    email: EmailSchema,
    /** @default the part of the email before the "@" */
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    password: PasswordSchema,
    skills: SkillsSchema,
    /** @default 'agent' */
    role: Type.Optional(AgentRoleSchema),
    /** @default DEFAULT_AGENT_CAPACITY (server/store/store.ts) */
    capacity: Type.Optional(AgentCapacitySchema),
  },
  Strict,
);
export type NewAgent = Static<typeof NewAgentSchema>;

/**
 * What an admin may change about an agent, by REST (`PATCH …/agents/:agentId`) or `agent:update`: at
 * least one field. `password` sets a new one (an admin reset) and ends the agent's sessions.
 */
export const AgentPatchSchema = Type.Object(
  {
    capacity: Type.Optional(AgentCapacitySchema),
    disabled: Type.Optional(Type.Boolean()),
    name: Type.Optional(AgentNameSchema),
    skills: Type.Optional(SkillsSchema),
    role: Type.Optional(AgentRoleSchema),
    password: Type.Optional(PasswordSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AgentPatch = Static<typeof AgentPatchSchema>;

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
export const ApiTokenCreatedSchema = Type.Object({
  /** Names the token in the list and in `DELETE …/api-tokens/:id`; not a secret. */
  id: Type.String(),
  /** The secret itself, `<siteKey>.<random>`: shown in this answer only. */
  token: Type.String(),
  name: Type.String(),
  createdAt: Type.Number(),
});

// ---- Site settings (docs/protocol.md, "Routing and site settings") ---------------------------

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The two formats JSON Schema cannot say by pattern alone; the server's Ajv instances (its own
 * validator module and Fastify's) define them, in `server/domain/validate.ts`.
 */
export const SETTINGS_FORMATS = { timeZone: 'time-zone', openingRange: 'opening-range', colour: 'colour', calendarDate: 'calendar-date', origin: 'origin' } as const;

/** An IANA name the runtime knows, like Europe/Paris. */
export const TimeZoneSchema = Type.String({ minLength: 1, maxLength: 64, format: SETTINGS_FORMATS.timeZone });
/** `HH:MM-HH:MM` in the site's time zone, ending after it starts (24:00 ends a day). */
export const OpeningRangeSchema = Type.String({ maxLength: 11, format: SETTINGS_FORMATS.openingRange });
// Six ranges a day covers any split shift we have seen; more is a typo.
const DayRangesSchema = Type.Optional(Type.Array(OpeningRangeSchema, { maxItems: 6 }));

/** A day of the calendar, `YYYY-MM-DD`, that exists (no 2026-02-30). */
export const CalendarDateSchema = Type.String({ maxLength: 10, format: SETTINGS_FORMATS.calendarDate });
/** A year of public holidays and then some; more is a mistake. */
export const MAX_HOLIDAYS = 400;

/**
 * A site's opening hours in its own time zone: `{ timeZone: 'Europe/Paris', weekly: { mon:
 * ['09:00-12:30', '13:30-18:00'], … }, holidays: ['2026-12-25'] }`; a day left out is closed, and so
 * is every holiday (a date in the site's time zone). A day's ranges may not overlap.
 */
export const BusinessHoursSchema = Type.Object(
  {
    timeZone: TimeZoneSchema,
    /** Dates closed all day whatever the week says. @default [] */
    holidays: Type.Optional(Type.Array(CalendarDateSchema, { maxItems: MAX_HOLIDAYS, uniqueItems: true })),
    weekly: Type.Object(
      { mon: DayRangesSchema, tue: DayRangesSchema, wed: DayRangesSchema, thu: DayRangesSchema, fri: DayRangesSchema, sat: DayRangesSchema, sun: DayRangesSchema },
      Strict,
    ),
  },
  Strict,
);
export type BusinessHours = Static<typeof BusinessHoursSchema>;

export const CategoryListSchema = Type.Array(CategorySchema, { maxItems: MAX_CATEGORIES, uniqueItems: true });

/** What agents may file a resolved conversation under, per queue. */
export const CategoriesSchema = Type.Object({ service: CategoryListSchema, support: CategoryListSchema }, Strict);

// ---- The widget's look and words per site (README "Look and languages") ------------------------

/** The languages the widget has a catalogue for (`widget/app/i18n/`); `ar` is written right to left. */
export const WIDGET_LANGUAGES = ['en', 'fr', 'de', 'es', 'ar'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];
export const WidgetLanguageSchema = Type.Union(WIDGET_LANGUAGES.map((lang) => Type.Literal(lang)));

/** A site's wording of any string of the source catalogue, for one language; an unknown key is refused. */
export const WidgetStringsSchema = Type.Partial(
  Type.Object(Object.fromEntries(Object.keys(en).map((key) => [key, Type.String({ minLength: 1, maxLength: 500 })])) as Record<keyof typeof en, ReturnType<typeof Type.String>>),
  Strict,
);
/** A team's name as visitors read it ("Billing team"); null: the catalogue's name for the queue. */
const TeamNameSchema = Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()]);

/** How the widget looks and speaks on one site. Defaults: `shared/site-settings.ts`. */
export const WidgetLookSchema = Type.Object(
  {
    /** The launcher's, header's and visitor bubbles' colour; the text on it is black or white, whichever reaches WCAG AA. */
    accentColor: Type.String({ format: SETTINGS_FORMATS.colour, examples: ['#1d4ed8'] }),
    /** The corner of the launcher and window in a left-to-right language; a right-to-left one mirrors it. */
    position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
    teamNames: Type.Object({ service: TeamNameSchema, support: TeamNameSchema }, Strict),
    /** Shown before the first message; null: the catalogue's greeting in the visitor's language. */
    greeting: Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]),
    /** Agent messages carry a round badge with the initials of the agent's name. */
    agentInitials: Type.Boolean(),
    /**
     * A picture in the widget's header (the team's face or logo), an https address the visitor's browser
     * fetches; null or absent: none. Optional so settings stored before it still read.
     */
    avatarUrl: Type.Optional(Type.Union([Type.String({ minLength: 12, maxLength: 2048, pattern: '^https://[^\\s"<>]+$' }), Type.Null()])),
    /** The language when none of the visitor's browser languages has a catalogue. */
    defaultLanguage: WidgetLanguageSchema,
    /** Per language, strings that replace the catalogue's (any key of `widget/app/i18n/en.ts`). */
    strings: Type.Partial(Type.Object(Object.fromEntries(WIDGET_LANGUAGES.map((lang) => [lang, WidgetStringsSchema])) as Record<WidgetLanguage, typeof WidgetStringsSchema>, Strict)),
    /** The short form before the first message (README "Pre-chat"). */
    prechat: Type.Object(
      {
        /** `off`: no form; `optional`: the form has Skip; `required`: a first message needs an identity (`PRECHAT_REQUIRED`). */
        mode: Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')]),
        /** What the form asks; the topic question follows `topicQuestion`. */
        fields: Type.Array(Type.Union([Type.Literal('name'), Type.Literal('email')]), { maxItems: 2, uniqueItems: true }),
      },
      Strict,
    ),
  },
  Strict,
);
export type WidgetLook = Static<typeof WidgetLookSchema>;

/** A site's settings, whole, as stored and as `GET /sites/:key/routing` returns them. Defaults: `shared/site-settings.ts`. */
export const SiteSettingsSchema = Type.Object(
  {
    /** Ask the visitor "General question" / "Technical problem" before the first message. */
    topicQuestion: Type.Boolean(),
    /** Where a conversation goes when the router is unsure. */
    fallbackQueue: QueueNameSchema,
    /** Resolved conversations older than this many days are deleted; null keeps them. */
    retentionDays: Type.Union([Type.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS }), Type.Null()]),
    /** Keep the visitor's IP address on new conversations. */
    storeVisitorIp: Type.Boolean(),
    /** `manual`: agents take from the queue; `auto`: the server gives each waiting conversation to an agent. */
    assignment: Type.Union([Type.Literal('manual'), Type.Literal('auto')]),
    /** A waiting conversation whose visitor has been gone this long is abandoned. */
    abandonAfterSeconds: Type.Integer({ minimum: 1, maximum: MAX_ABANDON_AFTER_SECONDS }),
    /** Opening hours; outside them visitors are offered to leave a message. null: always open. */
    businessHours: Type.Union([BusinessHoursSchema, Type.Null()]),
    /** Verified customers enter the line as if they had arrived this many minutes earlier. */
    verifiedPriorityMinutes: Type.Integer({ minimum: 0, maximum: MAX_VERIFIED_PRIORITY_MINUTES }),
    /** The end-of-chat survey also asks NPS 0–10. */
    npsSurvey: Type.Boolean(),
    categories: CategoriesSchema,
    /** A visitor's reply this long after the end reopens the conversation; later ones start a new one. 0: never. */
    reopenWithinMinutes: Type.Integer({ minimum: 0, maximum: MAX_REOPEN_WITHIN_MINUTES }),
    /** The largest attachment a visitor or agent may send, in bytes; 0 turns attachments off (FILES_DISABLED). */
    maxFileBytes: Type.Integer({ minimum: 0, maximum: MAX_FILE_BYTES }),
    /** The widget's look and words on this site. */
    widget: WidgetLookSchema,
  },
  Strict,
);
export type SiteSettings = Static<typeof SiteSettingsSchema>;

/**
 * What a settings change accepts, by REST, the CLI and the domain alike: any of the fields, at least
 * one, each whole, except `widget`, whose fields may change one at a time (each of them whole).
 */
export const SiteSettingsPatchSchema = Type.Partial(
  Type.Object({ ...SiteSettingsSchema.properties, widget: Type.Partial(WidgetLookSchema, { additionalProperties: false, minProperties: 1 }) }),
  { additionalProperties: false, minProperties: 1 },
);
export type SiteSettingsPatch = Static<typeof SiteSettingsPatchSchema>;

/** A routing rule to add: a message containing the phrase goes to the queue (`POST …/routing/rules`, `routing:rule:add`). */
export const NewRoutingRuleSchema = Type.Object({ phrase: Type.String({ minLength: 1, maxLength: 100 }), queue: QueueNameSchema }, Strict);
export type NewRoutingRule = Static<typeof NewRoutingRuleSchema>;

/** "Try a message" (`POST …/routing/try`): what the router would do with a first message, creating nothing. */
export const RoutingTryBodySchema = Type.Object({ text: MessageTextSchema, topic: Type.Optional(QueueNameSchema) }, Strict);
export type RoutingTryBody = Static<typeof RoutingTryBodySchema>;
/** The router's decision, as conversations carry it (`routing` in docs/protocol.md). */
export const RoutingDecisionSchema = Type.Object({
  queue: QueueNameSchema,
  by: Type.Union([Type.Literal('rule'), Type.Literal('visitor'), Type.Literal('model'), Type.Literal('default')]),
  confidence: Type.Number(),
  reason: Type.String(),
  uncertain: Type.Boolean(),
});
export const RoutingTryResultSchema = Type.Object({
  decision: RoutingDecisionSchema,
  /** The id of the rule that decided (`by: 'rule'`), else null. */
  ruleId: Type.Union([Type.String(), Type.Null()]),
  /** Whether the site is open now by its business hours (agents online aside). */
  openNow: Type.Boolean(),
});
export type RoutingTryResult = Static<typeof RoutingTryResultSchema>;
// ---- Webhooks (docs/webhooks.md) -------------------------------------------------------------

/**
 * The domain events a site's webhook endpoints may receive, the `type` of each delivery. Others
 * (agents' presence, log-outs) stay inside the server.
 */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'conversation.rerouted',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.released',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.abandoned',
  'conversation.rated',
  'message.created',
  'visitor.identified',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WebhookEventTypeSchema = Type.Union(WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)));
/** Where deliveries go: http or https (checked again by the domain, which the CLI goes through). */
export const WebhookUrlSchema = Type.String({ minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' });

export const WebhookBodySchema = Type.Object(
  {
    url: WebhookUrlSchema,
    /** Only these types; absent or null: every type, present and future. */
    events: Type.Optional(Type.Union([Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }), Type.Null()])),
  },
  Strict,
);
export type WebhookBody = Static<typeof WebhookBodySchema>;

export const WebhookSiteParamsSchema = Type.Object({ siteKey: SiteKeySchema }, Strict);
export type WebhookSiteParams = Static<typeof WebhookSiteParamsSchema>;
export const WebhookParamsSchema = Type.Object({ siteKey: SiteKeySchema, id: IdSchema }, Strict);
export type WebhookParams = Static<typeof WebhookParamsSchema>;

/** An endpoint as listed: never its secret, which is shown once, when it is made. */
export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Union([Type.Array(WebhookEventTypeSchema), Type.Null()]),
  createdAt: Type.Number(),
});
export type WebhookView = Static<typeof WebhookSchema>;
export const WebhookCreatedSchema = Type.Composite([WebhookSchema, Type.Object({ secret: Type.String() })]);
export type WebhookCreated = Static<typeof WebhookCreatedSchema>;
export const WebhookListSchema = Type.Object({ webhooks: Type.Array(WebhookSchema) });

/** One attempt to deliver one event to one endpoint, as its recent deliveries list it. */
export const WebhookDeliverySchema = Type.Object({
  eventId: Type.String(),
  type: WebhookEventTypeSchema,
  /** 1 for the first try. */
  attempt: Type.Integer({ minimum: 1 }),
  /** When the attempt ended (ms). */
  at: Type.Number(),
  ok: Type.Boolean(),
  /** The endpoint's HTTP status, when it answered. */
  status: Type.Optional(Type.Integer()),
  /** Why it failed without an answer (timeout, refused connection …). */
  error: Type.Optional(Type.String()),
  /** No attempt follows this failed one: the event was dropped for this endpoint. */
  final: Type.Optional(Type.Boolean()),
});
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;
export const WebhookDeliveryListSchema = Type.Object({ deliveries: Type.Array(WebhookDeliverySchema) });

/** `typing:set` (both namespaces): the sender's person is writing, or stopped. Never the draft's text. */
export const TypingSetPayloadSchema = Type.Object({ conversationId: IdSchema, typing: Type.Boolean() }, Strict);
export type TypingSetPayload = Static<typeof TypingSetPayloadSchema>;

/** `message:seen` (both namespaces): the sender has shown the conversation up to this message. */
export const MessageSeenPayloadSchema = Type.Object({ conversationId: IdSchema, lastSeenId: MessageIdSchema }, Strict);
export type MessageSeenPayload = Static<typeof MessageSeenPayloadSchema>;
// ---- page context (visitor:context) ----------------------------------------------------------

/** Only http and https pages: a `javascript:` or `data:` address must never become a link in the console. */
const PageUrlSchema = Type.String({ minLength: 8, maxLength: MAX_PAGE_URL_LENGTH, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$' });

/** The site's own facts about the visitor (`Switchboard.setContext`): strings and numbers, bounded. */
export const VisitorCustomContextSchema = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: MAX_CONTEXT_VALUE_LENGTH }), Type.Number()]),
  { maxProperties: MAX_CONTEXT_KEYS, propertyNames: { minLength: 1, maxLength: MAX_CONTEXT_KEY_LENGTH, pattern: '^[^\\u0000-\\u001f]+$' } },
);
export type VisitorCustomContext = Static<typeof VisitorCustomContextSchema>;

/** Where the visitor is and what the site says about them; sent on connect and when the page changes. */
export const VisitorContextPayloadSchema = Type.Object(
  {
    page: Type.Object(
      {
        url: PageUrlSchema,
        title: Type.String({ maxLength: MAX_PAGE_TITLE_LENGTH }),
        /** Absent when the browser gives none. */
        referrer: Type.Optional(PageUrlSchema),
      },
      Strict,
    ),
    /** The browser's first language, a BCP 47 tag (`fr-CA`). */
    language: Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
    /** The browser's IANA time zone (`Europe/Paris`), for the visitor's local time. */
    timeZone: TimeZoneSchema,
    custom: Type.Optional(VisitorCustomContextSchema),
  },
  Strict,
);
export type VisitorContextPayload = Static<typeof VisitorContextPayloadSchema>;

// ---- Administration: sites, agents, API tokens, accounts (docs/api.md) ----------------------

/** Most allowed origins per site. */
export const MAX_SITE_ORIGINS = 50;

/** An origin as browsers send it: `https://shop.example` (scheme, host, port; no path, wildcard, `null` or other scheme). */
export const OriginSchema = Type.String({ minLength: 1, maxLength: 300, format: SETTINGS_FORMATS.origin });
export const OriginListSchema = Type.Array(OriginSchema, { maxItems: MAX_SITE_ORIGINS });
export const SiteNameSchema = Type.String({ minLength: 1, maxLength: 100 });

/** `POST /api/v1/sites`. */
export const NewSiteSchema = Type.Object({ name: SiteNameSchema, origins: OriginListSchema }, Strict);
export type NewSite = Static<typeof NewSiteSchema>;

/** `PATCH /api/v1/sites/:siteKey` and `site:update`: at least one field; `origins` replaces the whole list. */
export const SitePatchSchema = Type.Object(
  { name: Type.Optional(SiteNameSchema), origins: Type.Optional(OriginListSchema) },
  { additionalProperties: false, minProperties: 1 },
);
export type SitePatch = Static<typeof SitePatchSchema>;

/** A site as its admins see it: never the identity secret, which is shown once (creation, rotation). */
export const SiteViewSchema = Type.Object({
  key: SiteKeySchema,
  name: Type.String(),
  origins: Type.Array(Type.String()),
  createdAt: Type.Number(),
  /** The script tag to paste into the site's pages, with this server's address. */
  snippet: Type.String(),
});
export type SiteView = Static<typeof SiteViewSchema>;
export const SiteListSchema = Type.Object({ sites: Type.Array(SiteViewSchema) });
export const IdentitySecretSchema = Type.Object({ identitySecret: Type.String() });
export const SiteCreatedSchema = Type.Composite([SiteViewSchema, IdentitySecretSchema]);
export type SiteCreated = Static<typeof SiteCreatedSchema>;
export const SiteParamsSchema = Type.Object({ siteKey: SiteKeySchema }, Strict);
export const SiteAgentParamsSchema = Type.Object({ siteKey: SiteKeySchema, agentId: IdSchema }, Strict);
export const SiteItemParamsSchema = Type.Object({ siteKey: SiteKeySchema, id: IdSchema }, Strict);

/** An agent as the site's admins list them: with whether they are disabled, and since when they exist. */
export const AgentAdminViewSchema = Type.Composite([AgentViewSchema, Type.Object({ disabled: Type.Boolean(), createdAt: Type.Number() })]);
export type AgentAdminView = Static<typeof AgentAdminViewSchema>;
export const AgentListSchema = Type.Object({ agents: Type.Array(AgentAdminViewSchema) });
/** `POST /api/v1/sites/:siteKey/agents`: a new account of that site (the site comes from the path). */
export const NewSiteAgentSchema = Type.Omit(NewAgentSchema, ['siteKey'], Strict);
export type NewSiteAgent = Static<typeof NewSiteAgentSchema>;

/** A token as listed: never the secret. */
export const ApiTokenViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.Number(),
  /** When it last opened the wallboard feed (ms); null: never. */
  lastUsedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type ApiTokenView = Static<typeof ApiTokenViewSchema>;
export const ApiTokenListSchema = Type.Object({ tokens: Type.Array(ApiTokenViewSchema) });

/** `PUT /api/v1/account/password`: the agent's own password, the current one required. */
export const PasswordChangeSchema = Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: PasswordSchema }, Strict);
export type PasswordChange = Static<typeof PasswordChangeSchema>;
/** `POST /api/v1/password-resets`: email a reset link, if the account exists. */
export const PasswordResetRequestSchema = Type.Object({ email: EmailSchema }, Strict);
export type PasswordResetRequest = Static<typeof PasswordResetRequestSchema>;
/** `POST /api/v1/password-resets/confirm`: the token from the link and the new password. */
export const PasswordResetConfirmSchema = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }), password: PasswordSchema }, Strict);
export type PasswordResetConfirm = Static<typeof PasswordResetConfirmSchema>;

/** `GET /api/v1/sites/:siteKey/audit`: newest first; every condition given must hold. Times as in /metrics. */
export const AuditQuerySchema = Type.Object(
  {
    // Query strings are text and the server coerces no types, so the number is checked as text.
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })),
    /** An agent id, or a whole actor (`operator`, `system`, `agent:<id> <email>`). */
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
    /** An action (`agent.update`), or a family of them ending in `.` (`agent.`). */
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z-]+(\\.[a-z-]+)*\\.?$' })),
    from: Type.Optional(TimeTextSchema),
    to: Type.Optional(TimeTextSchema),
  },
  Strict,
);
export type AuditQuery = Static<typeof AuditQuerySchema>;
export const AuditEntrySchema = Type.Object({
  at: Type.Number(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export const AuditListSchema = Type.Object({ entries: Type.Array(AuditEntrySchema) });
// ---- Canned replies ------------------------------------------------------------------------

/** What an agent types after `/` in the composer: lower-case letters, digits, `-` and `_`, 1–32. */
export const CannedShortcutSchema = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9][a-z0-9_-]*$' });

/**
 * A canned reply's text, with placeholders `{{visitor.firstName}}`, `{{visitor.name}}`,
 * `{{agent.name}}`, `{{agent.firstName}}`, `{{site.name}}`. The schema's ceiling only bounds the
 * payload; MAX_CANNED_REPLY_LENGTH (after trimming) is checked by the domain as MESSAGE_TOO_LONG.
 */
export const CannedTextSchema = Type.String({ maxLength: 10_000 });

export const CannedReplySchema = Type.Object({
  id: Type.String(),
  shortcut: CannedShortcutSchema,
  text: Type.String(),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type CannedReply = Static<typeof CannedReplySchema>;

export const NewCannedReplySchema = Type.Object({ shortcut: CannedShortcutSchema, text: CannedTextSchema }, Strict);
export type NewCannedReply = Static<typeof NewCannedReplySchema>;

export const CannedReplyPatchSchema = Type.Object(
  { shortcut: Type.Optional(CannedShortcutSchema), text: Type.Optional(CannedTextSchema) },
  { additionalProperties: false, minProperties: 1 },
);
export type CannedReplyPatch = Static<typeof CannedReplyPatchSchema>;

export const CannedSiteParamsSchema = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
export const CannedReplyParamsSchema = Type.Object({ siteKey: SiteKeySchema, id: IdSchema }, { additionalProperties: false });

/** `GET …/canned-replies`: the replies by shortcut, and the site's name for `{{site.name}}`. */
export const CannedReplyListSchema = Type.Object({ replies: Type.Array(CannedReplySchema), siteName: Type.String() });
export type CannedReplyList = Static<typeof CannedReplyListSchema>;
// ---- History: the archive of ended conversations (docs/api.md "History") -----------------------

/** Longest search text: enough for a long sentence or a few quoted phrases. */
export const MAX_HISTORY_QUERY_LENGTH = 200;
export const HISTORY_STATUSES = ['resolved', 'abandoned'] as const;

export const HistoryQuerySchema = Type.Object(
  {
    /** Words to find in messages, visitor name and email (websearch syntax: "a phrase", -not, or). */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_HISTORY_QUERY_LENGTH })),
    from: Type.Optional(TimeTextSchema),
    to: Type.Optional(TimeTextSchema),
    queue: Type.Optional(QueueNameSchema),
    category: Type.Optional(CategorySchema),
    agent: Type.Optional(IdSchema),
    visitor: Type.Optional(IdSchema),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' })),
    status: Type.Optional(Type.Union(HISTORY_STATUSES.map((s) => Type.Literal(s)))),
    /** The `next` of the previous page. */
    next: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
  },
  Strict,
);
export type HistoryQuery = Static<typeof HistoryQuerySchema>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** Matched words as [start, end) character ranges of `text`: mark them, never read `text` as markup. */
export const HighlightSchema = Type.Object({ text: Type.String(), marks: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()])) });

export const HistoryHitSchema = Type.Object({
  id: Type.String(),
  status: Type.Union(HISTORY_STATUSES.map((s) => Type.Literal(s))),
  queue: QueueNameSchema,
  category: NullableString,
  agentId: NullableString,
  agentName: NullableString,
  visitorId: Type.String(),
  visitorName: NullableString,
  visitorEmail: NullableString,
  preview: Type.String(),
  createdAt: Type.Number(),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  messageCount: Type.Integer(),
  highlight: Type.Union([HighlightSchema, Type.Null()]),
});
export type HistoryHit = Static<typeof HistoryHitSchema>;

export const HistoryPageSchema = Type.Object({
  conversations: Type.Array(HistoryHitSchema),
  /** Pass as `next` for the following page; null on the last one. */
  next: NullableString,
});
export type HistoryPage = Static<typeof HistoryPageSchema>;

/** One conversation, whole: the stored record (routing, transfer, survey …), every message of every kind, its files. */
export const HistoryConversationSchema = Type.Object({
  conversation: Type.Record(Type.String(), Type.Unknown()),
  messages: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  attachments: Type.Array(Type.Unknown()),
  /** `live`: still in the live store (open, or ended and not yet let go); `archive`: from the archive only. */
  source: Type.Union([Type.Literal('live'), Type.Literal('archive')]),
});
export type HistoryConversation = Static<typeof HistoryConversationSchema>;
// ---- Attachments (docs/protocol.md, "Attachments") --------------------------------------------

export const FileIdSchema = Type.String({ minLength: 3, maxLength: 64, pattern: '^f_[A-Za-z0-9_-]+$' });

export const FileUploadParamsSchema = Type.Object({ siteKey: SiteKeySchema, conversationId: IdSchema }, Strict);
export type FileUploadParams = Static<typeof FileUploadParamsSchema>;

/** The body is the file's bytes; its name and the sender's client id (retries store it once) ride in the query. */
export const FileUploadQuerySchema = Type.Object(
  {
    /** Checked against the content: `shot.png` must be a PNG (FILE_TYPE_MISMATCH otherwise). No path, no control characters. */
    name: Type.String({ minLength: 1, maxLength: MAX_FILE_NAME_LENGTH, pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$' }),
    clientId: ClientIdSchema,
  },
  Strict,
);
export type FileUploadQuery = Static<typeof FileUploadQuerySchema>;

export const FileLinkParamsSchema = Type.Object({ siteKey: SiteKeySchema, conversationId: IdSchema, fileId: FileIdSchema }, Strict);
export type FileLinkParams = Static<typeof FileLinkParamsSchema>;

/** A signed link's query (`GET /files/:fileId?s=…&c=…&a=…&exp=…&sig=…`): every part is covered by `sig`. */
export const FileGetQuerySchema = Type.Object(
  {
    s: SiteKeySchema,
    c: IdSchema,
    /** Whom it was minted for: `v` the conversation's visitor, `a` the site's agents. */
    a: Type.Union([Type.Literal('v'), Type.Literal('a')]),
    exp: Type.String({ pattern: '^[0-9]{1,15}$' }),
    sig: Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  Strict,
);
export type FileGetQuery = Static<typeof FileGetQuerySchema>;
export const FileGetParamsSchema = Type.Object({ fileId: FileIdSchema }, Strict);

export const FileLinkSchema = Type.Object({ url: Type.String(), expiresAt: Type.Number() });
export type FileLink = Static<typeof FileLinkSchema>;
// ---- Per-site router learning (docs/router.md, "Each site's own corrections") --------------------

const SiteModelSummarySchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  trainedAt: Type.Number(),
  /** Site words with a weight. */
  features: Type.Integer({ minimum: 0 }),
  trainedOn: Type.Object({ examples: Type.Integer(), corrections: Type.Integer() }),
  heldBack: Type.Object({ examples: Type.Integer(), corrections: Type.Integer(), accuracyBefore: Type.Number(), accuracyAfter: Type.Number() }),
  /** Its strongest words: a positive weight pulls towards support, a negative one towards service. */
  words: Type.Array(Type.Object({ feature: Type.String(), weight: Type.Number() })),
});

export const RouterLearningViewSchema = Type.Object({
  thisWeek: Type.Object({
    conversations: Type.Integer({ minimum: 0 }),
    corrected: Type.Integer({ minimum: 0 }),
    accuracy: Type.Union([Type.Number(), Type.Null()]),
  }),
  examples: Type.Integer({ minimum: 0 }),
  pendingCorrections: Type.Integer({ minimum: 0 }),
  retrainAfter: Type.Integer({ minimum: 1 }),
  active: Type.Union([SiteModelSummarySchema, Type.Null()]),
  versions: Type.Array(SiteModelSummarySchema),
  suggestedRules: Type.Array(
    Type.Object({ phrase: Type.String(), queue: QueueNameSchema, corrections: Type.Integer(), against: Type.Integer() }),
  ),
});

export const RouterRetrainResultSchema = Type.Object({
  adopted: Type.Boolean(),
  reason: Type.String(),
  candidate: SiteModelSummarySchema,
  learning: RouterLearningViewSchema,
});
export type RouterLearningView = Static<typeof RouterLearningViewSchema>;
export type RouterRetrainResult = Static<typeof RouterRetrainResultSchema>;
