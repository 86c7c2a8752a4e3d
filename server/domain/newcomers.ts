/**
 * Newcomers: visitors whose token was issued less than NEWCOMER_PERIOD_MS ago. When a site is over
 * its ceiling of new conversations (a flood from many addresses), newcomers are asked to wait while
 * visitors who came before still start conversations: the site ceiling can no longer be used to
 * lock real, returning visitors out (docs/security.md, "Floods").
 *
 * Kept as a store counter that expires on its own (the same counters as the rate limits), so it is
 * one write per new visitor, shared by every server process, and nothing to clean up.
 */
import type { SiteKey, VisitorId } from '../../shared/ids';
import { NEWCOMER_PERIOD_MS } from '../../shared/limits';
import type { Store } from '../store/store';

/** The counter's name, as a rate limit's are named (`<name>:<siteKey>:<visitorId>`); erasure deletes it too (privacy.ts). */
export const newcomerCounterName = (siteKey: SiteKey, visitorId: VisitorId) => `newcomer:${siteKey}:${visitorId}`;

export interface Newcomers {
  /** Marks a visitor whose token was just issued. */
  welcome(siteKey: SiteKey, visitorId: VisitorId): Promise<void>;
  /** True while the visitor's token is younger than NEWCOMER_PERIOD_MS; false for anyone older or unknown. */
  isNewcomer(siteKey: SiteKey, visitorId: VisitorId): Promise<boolean>;
}

export function createNewcomers(store: Store, periodMs = NEWCOMER_PERIOD_MS): Newcomers {
  return {
    async welcome(siteKey, visitorId) {
      await store.hitCounter(newcomerCounterName(siteKey, visitorId), periodMs);
    },
    async isNewcomer(siteKey, visitorId) {
      return (await store.peekCounter(newcomerCounterName(siteKey, visitorId))).count > 0;
    },
  };
}
