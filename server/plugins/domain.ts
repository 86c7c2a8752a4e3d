/**
 * Infrastructure every feature needs: the store and the domain services over it, decorated once.
 */
import fp from 'fastify-plugin';
import type { Classifier } from '../domain/routing/classification';
import { createAgentAccounts } from '../domain/agents';
import { createAssignmentService, DEFAULT_ASSIGNMENT_TIMINGS } from '../domain/assignment';
import { createAuditLog } from '../domain/audit';
import { createConversationService } from '../domain/conversations';
import { createDomainEvents } from '../domain/events';
import { createKpiRecorder } from '../domain/kpi-events';
import { createApiTokens } from '../domain/api-tokens';
import { createKpis } from '../domain/kpis';
import { createPrivacy } from '../domain/privacy';
import { createRateLimiter, type RateLimits } from '../domain/rate-limiter';
import { createRouter } from '../domain/routing/router';
import { createSiteRouting } from '../domain/routing/site-routing';
import { createVisitorTokens } from '../domain/visitor-tokens';
import type { Store } from '../store/store';

export interface DomainPluginOptions {
  store: Store;
  classifier: Classifier;
  now: () => number;
  /** Replaces the wait before answering a failed log-in (tests). */
  sleep?: (ms: number) => Promise<void>;
  rateLimits?: Partial<RateLimits>;
}

export default fp<DomainPluginOptions>(
  async (app, { store, classifier, now, sleep, rateLimits }) => {
    app.decorate('store', store);
    app.decorate('events', createDomainEvents(now));
    app.decorate('visitorTokens', createVisitorTokens(app.config.sessionSecret, app.config.previousSessionSecrets));
    const limiter = createRateLimiter(store, rateLimits);
    app.decorate('limiter', limiter);
    const kpiRecorder = createKpiRecorder({ store });
    app.decorate('kpiRecorder', kpiRecorder);
    app.decorate('kpis', createKpis({ store, now }));
    app.decorate('kpiNow', now);
    app.decorate('conversations', createConversationService({ store, router: createRouter({ classifier }), limiter, kpis: kpiRecorder, now }));
    app.decorate('agentAccounts', createAgentAccounts({ store, limiter, sessionTtlMs: app.config.sessionTtlMs, now, ...(sleep ? { sleep } : {}) }));
    const audit = createAuditLog(store, now);
    app.decorate('audit', audit);
    app.decorate('siteRouting', createSiteRouting(store, audit, now));
    app.decorate('privacy', createPrivacy({ store, audit, now }));
    app.decorate('apiTokens', createApiTokens({ store, audit, now }));
    app.decorate(
      'assignment',
      createAssignmentService({ store, now, kpis: kpiRecorder, timings: { ...DEFAULT_ASSIGNMENT_TIMINGS, graceMs: app.config.agentGraceMs } }),
    );
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'switchboard-domain', dependencies: ['switchboard-config'] },
);
