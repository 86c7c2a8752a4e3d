/**
 * Infrastructure every feature needs: the store and the domain services over it, decorated once.
 */
import fp from 'fastify-plugin';
import type { Classifier } from '../domain/routing/classification';
import { createAgentAccounts } from '../domain/agents';
import { createConversationService } from '../domain/conversations';
import { createRouter } from '../domain/routing/router';
import { createSiteRouting } from '../domain/routing/site-routing';
import { createVisitorTokens } from '../domain/visitor-tokens';
import type { Store } from '../store/store';

export interface DomainPluginOptions {
  store: Store;
  classifier: Classifier;
  now: () => number;
}

export default fp<DomainPluginOptions>(
  async (app, { store, classifier, now }) => {
    app.decorate('store', store);
    app.decorate('visitorTokens', createVisitorTokens(app.config.sessionSecret));
    app.decorate('conversations', createConversationService({ store, router: createRouter({ classifier }), now }));
    app.decorate('agentAccounts', createAgentAccounts({ store, sessionTtlMs: app.config.sessionTtlMs, now }));
    app.decorate('siteRouting', createSiteRouting(store, now));
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'switchboard-domain', dependencies: ['switchboard-config'] },
);
