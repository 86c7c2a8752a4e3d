import type { IncomingMessage } from 'node:http';
import type { Namespace, Server } from 'socket.io';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSocketData,
  InterServerEvents,
  VisitorClientEvents,
  VisitorServerEvents,
  VisitorSocketData,
} from '../shared/protocol';
import type { AgentView } from '../shared/schemas';
import type { Config } from './config';
import type { Shutdown } from './plugins/shutdown';
import type { AgentAccounts } from './domain/agents';
import type { ConversationService } from './domain/conversations';
import type { NoteService } from './domain/notes';
import type { TeamService } from './domain/team';
import type { CannedReplyService } from './domain/canned-replies';
import type { SiteRouting } from './domain/routing/site-routing';
import type { SiteLearning } from './domain/routing/site-learning-service';
import type { AssignmentService } from './domain/assignment';
import type { AuditLog } from './domain/audit';
import type { Privacy } from './domain/privacy';
import type { RateLimiter } from './domain/rate-limiter';
import type { VisitorTokens } from './domain/visitor-tokens';
import type { Store } from './store/store';
import type { Archive } from './store/archive/archive';
import type { History } from './domain/history';
import type { KpiRecorder } from './domain/kpi-events';
import type { Kpis } from './domain/kpis';
import type { ApiTokens } from './domain/api-tokens';
import type { DomainEvents } from './domain/events';
import type { Jobs } from './jobs/jobs';
import type { Webhooks } from './domain/webhooks';
import type { Transcripts } from './domain/transcripts';
import type { SignalService } from './domain/signals';
import type { EmailOutbox } from './domain/outbound-email';
import type { SiteAdmin } from './domain/site-admin';
import type { Attachments } from './domain/attachments';
import type { FileLinks } from './domain/file-links';

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, InterServerEvents, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, InterServerEvents, AgentSocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    /** The ordered shutdown: stop accepting, drain work in flight, then jobs and Redis (server/plugins/shutdown.ts). */
    shutdown: Shutdown;
    /** The client's address of a raw request (a socket handshake), read as TRUST_PROXY says: what `request.ip` is for REST. */
    clientAddress: (request: Pick<IncomingMessage, 'headers' | 'socket'>) => string;
    store: Store;
    /** The archive of ended conversations: PostgreSQL with DATABASE_URL, PGlite otherwise (docs/archive.md). */
    archive: Archive;
    /** Search and read the archive (server/plugins/archive.ts). */
    history: History;
    /** The domain event bus: use cases emit, subscribers (broadcasts, KPIs, webhooks, email) listen (server/domain/events.ts). */
    events: DomainEvents;
    /** A site's webhook endpoints (server/plugins/webhooks.ts delivers to them). */
    webhooks: Webhooks;
    conversations: ConversationService;
    notes: NoteService;
    team: TeamService;
    cannedReplies: CannedReplyService;
    agentAccounts: AgentAccounts;
    siteRouting: SiteRouting;
    siteLearning: SiteLearning;
    limiter: RateLimiter;
    audit: AuditLog;
    assignment: AssignmentService;
    privacy: Privacy;
    kpiRecorder: KpiRecorder;
    kpis: Kpis;
    /** The clock of the KPIs (the app's `now`, controllable in tests). */
    kpiNow: () => number;
    apiTokens: ApiTokens;
    visitorTokens: VisitorTokens;
    /** Repeating and retried background work, once per cluster (server/jobs/jobs.ts). */
    jobs: Jobs;
    /** Transcripts by email on a visitor's request (the email plugin; EMAIL_DISABLED without SMTP_URL). */
    transcripts: Transcripts;
    /** The `email` job queue (retried with backoff), or null when email is off (no SMTP_URL). */
    emailOutbox: EmailOutbox;
    /** Sites for their admins: list, create, origins, snippet, identity secret (server/domain/site-admin.ts). */
    siteAdmin: SiteAdmin;
    /** Typing and seen between a visitor and the agent holding their conversation (server/domain/signals.ts). */
    signals: SignalService;
    /** Files in conversations: upload, signed links, deletion with their conversation (server/plugins/files.ts). */
    attachments: Attachments;
    fileLinks: FileLinks;
    io: Server;
    /** Where Prometheus scrapes this process (`http://127.0.0.1:9100/metrics`); null without METRICS_PORT. */
    metricsUrl: string | null;
    visitors: VisitorNamespace;
    agents: AgentNamespace;
  }

  interface FastifyRequest {
    /** The logged-in agent, on routes whose `config.auth` asks for one. */
    agent: AgentView | null;
  }

  interface FastifyContextConfig {
    /** Who may call the route: any logged-in agent of the site, its leads and admins, or its admins only. */
    auth?: 'agent' | 'lead' | 'admin';
    /**
     * The route also takes a visitor's token (`Authorization: Bearer`) from the site's pages: with
     * one, the console-origin check is left to the route, which checks the site's allowed origins.
     */
    visitorToken?: boolean;
  }
}
