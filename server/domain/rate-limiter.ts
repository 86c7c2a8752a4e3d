/** Checks named limits against the store's shared counters; over one is RATE_LIMITED with a retry time. */
import { createError } from '../../shared/errors';
import { RATE_LIMITS, type RateRule } from '../../shared/limits';
import type { Store } from '../store/store';

export type RateLimitName = keyof typeof RATE_LIMITS;
export type RateLimits = Record<RateLimitName, RateRule>;

export interface RateLimiter {
  /** The limits in force: shared/limits.ts with any overrides. */
  readonly rules: Readonly<RateLimits>;
  /** Counts one hit on `counter` under the limit `rule`; throws RATE_LIMITED when it goes over. */
  hit(rule: RateLimitName, counter: string): Promise<void>;
  /** Throws RATE_LIMITED when `counter` is already at its limit, without counting. */
  assertUnder(rule: RateLimitName, counter: string): Promise<void>;
  /** Counts one hit without checking (failures that only matter from the next attempt on). */
  count(rule: RateLimitName, counter: string): Promise<number>;
}

/** The store counter of one limit for one subject: the one naming rule, so erasure finds them all. */
const counterName = (rule: string, subject: string) => `${rule}:${subject}`;

/**
 * The names of every counter the limits keep for one subject (`<siteKey>:<visitorId>`, an IP
 * address …), as hit() names them: what an erasure deletes for a visitor.
 */
export function rateCounterNames(subject: string): string[] {
  return Object.keys(RATE_LIMITS).map((rule) => counterName(rule, subject));
}

/** @param limits the defaults of shared/limits.ts, with any overridden (tests, a site that needs more) */
export function createRateLimiter(store: Store, limits: Partial<RateLimits> = {}): RateLimiter {
  const rules: RateLimits = { ...RATE_LIMITS, ...limits };
  const limited = (rule: RateRule, resetInMs: number) =>
    createError('RATE_LIMITED', { retryAfterMs: Math.max(1, resetInMs), limit: rule.limit, windowMs: rule.windowMs });
  return {
    rules,
    async hit(name, counter) {
      const rule = rules[name];
      const { count, resetInMs } = await store.hitCounter(counterName(name, counter), rule.windowMs);
      if (count > rule.limit) throw limited(rule, resetInMs);
    },
    async assertUnder(name, counter) {
      const rule = rules[name];
      const { count, resetInMs } = await store.peekCounter(counterName(name, counter));
      if (count >= rule.limit) throw limited(rule, resetInMs);
    },
    async count(name, counter) {
      return (await store.hitCounter(counterName(name, counter), rules[name].windowMs)).count;
    },
  };
}
