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
});
export type AgentView = Static<typeof AgentViewSchema>;

/** How many conversations an agent may hold at once. */
export const AgentCapacitySchema = Type.Integer({ minimum: 0, maximum: MAX_AGENT_CAPACITY });

/** A new agent account, as `agent:add` (and the demo seed) gives it to the domain. */
export const NewAgentSchema = Type.Object(
  {
    siteKey: SiteKeySchema,
    email: EmailSchema,
    /** @default the part of the email before the "@" */
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    // Eight characters is the floor a guessable password still clears; the log-in limits do the rest.
    password: Type.String({ minLength: 8, maxLength: 200 }),
    skills: SkillsSchema,
    /** @default 'agent' */
    role: Type.Optional(AgentRoleSchema),
    /** @default DEFAULT_AGENT_CAPACITY (server/store/store.ts) */
    capacity: Type.Optional(AgentCapacitySchema),
  },
  Strict,
);
export type NewAgent = Static<typeof NewAgentSchema>;

/** What an admin may change about an agent, by REST (`PATCH …/agents/:agentId`) or `agent:update`: at least one field. */
export const AgentPatchSchema = Type.Object(
  { capacity: Type.Optional(AgentCapacitySchema), disabled: Type.Optional(Type.Boolean()) },
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
export const ApiTokenCreatedSchema = Type.Object({ token: Type.String(), name: Type.String(), createdAt: Type.Number() });

// ---- Site settings (docs/protocol.md, "Routing and site settings") ---------------------------

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The two formats JSON Schema cannot say by pattern alone; the server's Ajv instances (its own
 * validator module and Fastify's) define them, in `server/domain/validate.ts`.
 */
export const SETTINGS_FORMATS = { timeZone: 'time-zone', openingRange: 'opening-range', colour: 'colour', calendarDate: 'calendar-date' } as const;

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
