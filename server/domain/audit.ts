/** Who did what, when: every administrative action on a site is recorded (sites, agents, routing, exports, deletions). */
import type { SiteKey } from '../../shared/ids';
import type { AgentView } from '../../shared/schemas';
import type { AuditEntry, AuditFilter, Store } from '../store/store';

/** The operators' CLI, run by whoever has the Redis URL. */
export const OPERATOR = 'operator';
/** Scheduled jobs such as retention. */
export const SYSTEM = 'system';

export function agentActor(agent: Pick<AgentView, 'id' | 'email'>): string {
  return `agent:${agent.id} ${agent.email}`;
}

export interface AuditLog {
  record(siteKey: SiteKey, actor: string, action: string, target: string, details?: Record<string, unknown>): Promise<void>;
  /** Newest first, at most `limit`, only those `filter` keeps. */
  list(siteKey: SiteKey, limit: number, filter?: AuditFilter): Promise<AuditEntry[]>;
}

export function createAuditLog(store: Store, now: () => number = Date.now): AuditLog {
  return {
    async record(siteKey, actor, action, target, details) {
      await store.appendAudit(siteKey, { at: now(), actor, action, target, ...(details ? { details } : {}) });
    },
    list: (siteKey, limit, filter) => store.listAudit(siteKey, limit, filter),
  };
}
