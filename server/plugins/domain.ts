/**
 * Infrastructure every feature needs: the store, the domain event bus and the domain services over
 * them, decorated once, with the domain's own subscribers (KPIs, auto-assignment). Transport
 * subscribers (broadcasts) and integrations (webhooks, email) subscribe in their own plugins.
 */
import fp from 'fastify-plugin';
import type { Classifier } from '../domain/routing/classification';
import { createAgentAccounts } from '../domain/agents';
import { createAssignmentService, DEFAULT_ASSIGNMENT_TIMINGS } from '../domain/assignment';
import { assignOnEvents } from '../domain/assignment-subscriber';
import { createDomainEvents } from '../domain/events';
import { recordKpisOnEvents } from '../domain/kpi-subscriber';
import { createAuditLog } from '../domain/audit';
import { createConversationService } from '../domain/conversations';
import { createNoteService } from '../domain/notes';
import { createTeamService } from '../domain/team';
import { createCannedReplyService } from '../domain/canned-replies';
import { createKpiRecorder } from '../domain/kpi-events';
import { createApiTokens } from '../domain/api-tokens';
import { createSiteAdmin } from '../domain/site-admin';
import { createKpis } from '../domain/kpis';
import { createPrivacy } from '../domain/privacy';
import { createRateLimiter, type RateLimits } from '../domain/rate-limiter';
import { createRouter } from '../domain/routing/router';
import { createSiteRouting } from '../domain/routing/site-routing';
import { createSiteLearning } from '../domain/routing/site-learning-service';
import { createSignalService } from '../domain/signals';
import { createVisitorTokens } from '../domain/visitor-tokens';
import type { Archive } from '../store/archive/archive';
import type { Store } from '../store/store';

export interface DomainPluginOptions {
  store: Store;
  /** The archive of ended conversations (PostgreSQL or PGlite), closed with the app. */
  archive: Archive;
  classifier: Classifier;
  now: () => number;
  /** Replaces the wait before answering a failed log-in (tests). */
  sleep?: (ms: number) => Promise<void>;
  rateLimits?: Partial<RateLimits>;
}

export default fp<DomainPluginOptions>(
  async (app, { store, archive, classifier, now, sleep, rateLimits }) => {
    app.decorate('store', store);
    app.decorate('archive', archive);
    const events = createDomainEvents(now);
    app.decorate('events', events);
    app.decorate('visitorTokens', createVisitorTokens(app.config.sessionSecret, app.config.previousSessionSecrets));
    // The site ceiling is an operator's setting (SITE_CONVERSATIONS_PER_MINUTE); a test's overrides still win.
    const siteCeiling = { conversationsPerSite: { limit: app.config.siteConversationsPerMinute, windowMs: 60_000 } };
    const limiter = createRateLimiter(store, { ...siteCeiling, ...rateLimits });
    app.decorate('limiter', limiter);
    const kpiRecorder = createKpiRecorder({ store });
    app.decorate('kpiRecorder', kpiRecorder);
    app.decorate('kpis', createKpis({ store, now }));
    app.decorate('kpiNow', now);
    const audit = createAuditLog(store, now);
    app.decorate('audit', audit);
    const router = createRouter({ classifier });
    const siteLearning = createSiteLearning({ store, classifier, events, audit, now });
    app.decorate('siteLearning', siteLearning);
    app.decorate(
      'conversations',
      createConversationService({ store, router, siteLearning, limiter, events, audit, emailEnabled: app.config.smtpUrl !== undefined, now }),
    );
    app.decorate('notes', createNoteService({ store, events, now }));
    app.decorate('team', createTeamService({ store, events, audit, now }));
    app.decorate('cannedReplies', createCannedReplyService({ store, audit, now }));
    app.decorate(
      'agentAccounts',
      createAgentAccounts({ store, limiter, events, audit, sessionTtlMs: app.config.sessionTtlMs, now, ...(sleep ? { sleep } : {}) }),
    );
    app.decorate('siteRouting', createSiteRouting(store, audit, now, router, siteLearning));
    app.decorate('signals', createSignalService({ store, events, now }));
    app.decorate('privacy', createPrivacy({ store, audit, events, now, archive }));
    app.decorate('siteAdmin', createSiteAdmin({ store, audit, publicUrl: app.config.publicUrl, now }));
    app.decorate('apiTokens', createApiTokens({ store, audit, events, now }));
    const assignment = createAssignmentService({ store, now, events, timings: { ...DEFAULT_ASSIGNMENT_TIMINGS, graceMs: app.config.agentGraceMs } });
    app.decorate('assignment', assignment);
    recordKpisOnEvents(events, { kpis: kpiRecorder, store });
    assignOnEvents(events, { store, assignment });
    app.addHook('onClose', async () => {
      await Promise.all([store.close(), archive.close()]);
    });
  },
  { name: 'switchboard-domain', dependencies: ['switchboard-config'] },
);
