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
import type { AgentAccounts } from './domain/agents';
import type { ConversationService } from './domain/conversations';
import type { SiteRouting } from './domain/routing/site-routing';
import type { SiteLearning } from './domain/routing/site-learning-service';
import type { AssignmentService } from './domain/assignment';
import type { AuditLog } from './domain/audit';
import type { Privacy } from './domain/privacy';
import type { RateLimiter } from './domain/rate-limiter';
import type { VisitorTokens } from './domain/visitor-tokens';
import type { Store } from './store/store';
import type { KpiRecorder } from './domain/kpi-events';
import type { Kpis } from './domain/kpis';
import type { ApiTokens } from './domain/api-tokens';
import type { DomainEvents } from './domain/events';
import type { Jobs } from './jobs/jobs';
import type { Webhooks } from './domain/webhooks';
import type { Transcripts } from './domain/transcripts';
import type { SignalService } from './domain/signals';

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, InterServerEvents, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, InterServerEvents, AgentSocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    store: Store;
    /** The domain event bus: use cases emit, subscribers (broadcasts, KPIs, webhooks, email) listen (server/domain/events.ts). */
    events: DomainEvents;
    /** A site's webhook endpoints (server/plugins/webhooks.ts delivers to them). */
    webhooks: Webhooks;
    conversations: ConversationService;
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
    /** Typing and seen between a visitor and the agent holding their conversation (server/domain/signals.ts). */
    signals: SignalService;
    io: Server;
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
  }
}
