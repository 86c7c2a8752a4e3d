/** Per-site learning in memory, as server/store/redis/router-learning.ts keeps it in Redis. */
import type { SiteKey } from '../../../shared/ids';
import type { RouterLearning, RoutingExample, Store } from '../store';

type RouterLearningOps = Pick<Store, 'saveRoutingExample' | 'listRoutingExamples' | 'getRouterLearning' | 'getActiveRouterVersion' | 'saveRouterLearning'>;

export function createMemoryRouterLearningOps(): RouterLearningOps & {
  eraseRoutingExamples(siteKey: SiteKey, ids: ReadonlySet<string>): number;
} {
  /** Per site: conversation id → example, in insertion order (re-inserted on update, like a sorted set by time). */
  const examples = new Map<SiteKey, Map<string, RoutingExample>>();
  const learning = new Map<SiteKey, RouterLearning>();
  const stateOf = (siteKey: SiteKey): RouterLearning => learning.get(siteKey) ?? { active: null, versions: [], pendingCorrections: 0 };
  const copy = <T>(value: T): T => structuredClone(value);

  return {
    async saveRoutingExample(siteKey, example, keep) {
      const site = examples.get(siteKey) ?? new Map<string, RoutingExample>();
      examples.set(siteKey, site);
      const state = stateOf(siteKey);
      learning.set(siteKey, state);
      const previous = site.get(example.conversationId);
      if (previous?.flagged && !example.flagged) return state.pendingCorrections;
      if (example.corrected && !previous?.corrected) state.pendingCorrections++;
      site.delete(example.conversationId);
      site.set(example.conversationId, copy(example));
      const sorted = [...site.values()].sort((a, b) => a.at - b.at);
      for (const old of sorted.slice(0, Math.max(0, sorted.length - keep))) site.delete(old.conversationId);
      return state.pendingCorrections;
    },

    async listRoutingExamples(siteKey, limit) {
      const all = [...(examples.get(siteKey)?.values() ?? [])].sort((a, b) => b.at - a.at);
      return copy(all.slice(0, limit));
    },

    async getRouterLearning(siteKey) {
      return copy(stateOf(siteKey));
    },

    async getActiveRouterVersion(siteKey) {
      return stateOf(siteKey).active;
    },

    async saveRouterLearning(siteKey, { active, versions }, trainedCorrections) {
      const state = stateOf(siteKey);
      learning.set(siteKey, { active, versions: copy(versions), pendingCorrections: Math.max(0, state.pendingCorrections - trainedCorrections) });
    },

    eraseRoutingExamples(siteKey, ids) {
      const site = examples.get(siteKey);
      if (!site) return 0;
      let erased = 0;
      for (const [id, example] of site) {
        if (ids.has(example.visitorId) || ids.has(example.conversationId)) {
          site.delete(id);
          erased++;
        }
      }
      return erased;
    },
  };
}
