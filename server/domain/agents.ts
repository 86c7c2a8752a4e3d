/** Agent accounts and their console sessions. Ending a session or disabling an agent is told as an event: consoles close on it. */
import { randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import { LOGIN_FAILURE_DELAY_MS } from '../../shared/limits';
import type { SiteKey } from '../../shared/ids';
import { AgentPatchSchema, NewAgentSchema, type AgentPatch, type AgentView, type NewAgent } from '../../shared/schemas';
import { DEFAULT_AGENT_CAPACITY, type Agent, type Store } from '../store/store';
import { hashPassword, verifyPassword } from './passwords';
import type { RateLimiter } from './rate-limiter';
import { randomId } from './random-id';
import type { AuditLog } from './audit';
import type { DomainEvents } from './events';
import { compilePayloadCheck } from './validate';

export interface AgentAccountsDeps {
  store: Store;
  limiter: RateLimiter;
  events: DomainEvents;
  audit: AuditLog;
  /**
   * Waits before answering a failed log-in; injectable so tests need not wait.
   * @default setTimeout
   */
  sleep?: (ms: number) => Promise<void>;
  /** How long a console session lasts without logging in again. */
  sessionTtlMs: number;
  /** @default Date.now */
  now?: () => number;
}

export function toAgentView(agent: Agent): AgentView {
  return {
    id: agent.id,
    role: agent.role,
    siteKey: agent.siteKey,
    email: agent.email,
    name: agent.name,
    skills: agent.skills,
    capacity: agent.capacity,
  };
}

// Verifying against a real hash when the email is unknown keeps the answer time the same either way,
// so the time of a failed login does not tell which emails exist.
const UNKNOWN_AGENT_HASH = hashPassword(randomBytes(16).toString('hex'));

export type AgentAccounts = ReturnType<typeof createAgentAccounts>;

/** Why a console was closed (`session:ended`). */
export type SessionEndReason = 'disabled' | 'logged-out';

// The schemas REST and the CLI check too: an account is refused the same way whoever asks.
const checkNewAgent = compilePayloadCheck(NewAgentSchema);
const checkAgentPatch = compilePayloadCheck(AgentPatchSchema);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAgentAccounts({ store, limiter, events, audit, sessionTtlMs, now = Date.now, sleep = realSleep }: AgentAccountsDeps) {
  return {
    /** @throws PAYLOAD_INVALID naming the field when `account` does not fit NewAgentSchema; SITE_NOT_FOUND; AGENT_EMAIL_TAKEN */
    async addAgent(account: NewAgent): Promise<AgentView> {
      const input = checkNewAgent(account);
      const capacity = input.capacity ?? DEFAULT_AGENT_CAPACITY;
      if (!(await store.getSite(input.siteKey))) throw createError('SITE_NOT_FOUND', { siteKey: input.siteKey });
      const agent = await store.createAgent({
        id: randomId('a'),
        siteKey: input.siteKey,
        email: input.email.trim().toLowerCase(),
        name: input.name?.trim() || input.email.split('@')[0]!,
        skills: [...new Set(input.skills)],
        role: input.role ?? 'agent',
        capacity,
        disabled: false,
        passwordHash: await hashPassword(input.password),
        createdAt: now(),
      });
      return toAgentView(agent);
    },

    /**
     * Checks the password and opens a new session; the same error for a wrong email or password.
     * Failures slow the next answer for that account and, past a limit, lock the account or the IP
     * address for the rest of the window (RATE_LIMITED), even for the right password.
     */
    async logIn(email: string, password: string, context: { ip: string }): Promise<{ token: string; agent: AgentView; expiresAt: number }> {
      const account = email.trim().toLowerCase();
      await limiter.assertUnder('loginFailuresPerIp', context.ip);
      await limiter.assertUnder('loginFailuresPerAccount', account);
      const agent = await store.findAgentByEmail(email.trim());
      const valid = await verifyPassword(password, agent?.passwordHash ?? (await UNKNOWN_AGENT_HASH));
      if (!agent || !valid || agent.disabled) {
        const [failures] = await Promise.all([
          limiter.count('loginFailuresPerAccount', account),
          limiter.count('loginFailuresPerIp', context.ip),
        ]);
        await sleep(Math.min(LOGIN_FAILURE_DELAY_MS.max, (failures - 1) * LOGIN_FAILURE_DELAY_MS.step));
        throw createError('CREDENTIALS_INVALID');
      }
      await store.resetCounter(`loginFailuresPerAccount:${account}`);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = now() + sessionTtlMs;
      await store.createSession({ token, agentId: agent.id, siteKey: agent.siteKey, expiresAt });
      return { token, agent: toAgentView(agent), expiresAt };
    },

    /** The agent behind a session token, or null when it is unknown, expired, or the agent is gone. */
    async authenticate(token: string | undefined): Promise<AgentView | null> {
      if (!token) return null;
      const session = await store.getSession(token, now());
      if (!session) return null;
      const agent = await store.getAgent(session.siteKey, session.agentId);
      return agent && !agent.disabled ? toAgentView(agent) : null;
    },

    /**
     * Whether a console session of `agent` still holds: `open`, or why it ended (`disabled` by an
     * admin, which also deletes the sessions, or `logged-out`, expired included).
     */
    async sessionState(token: string | undefined, agent: Pick<AgentView, 'id' | 'siteKey'>): Promise<'open' | SessionEndReason> {
      const record = await store.getAgent(agent.siteKey, agent.id);
      if (!record || record.disabled) return 'disabled';
      const session = token ? await store.getSession(token, now()) : null;
      return session && session.agentId === agent.id ? 'open' : 'logged-out';
    },

    /** Ends one console session; the consoles riding on it close. */
    async logOut(token: string): Promise<void> {
      const session = await store.getSession(token, now());
      await store.deleteSession(token);
      if (session) await events.emit('agent.logged_out', session.siteKey, { agentId: session.agentId, sessionToken: token });
    },

    /**
     * Changes an agent's capacity or disables them, audited as `actor`. A disabled agent is logged
     * out everywhere and (agent.updated's subscribers) loses their open conversations back to the queue.
     */
    async updateAgent(siteKey: SiteKey, agentId: string, patch: AgentPatch, actor: string): Promise<AgentView> {
      const changes = checkAgentPatch(patch);
      const agent = await store.updateAgent(siteKey, agentId, changes);
      if (!agent) throw createError('AGENT_NOT_FOUND', { agentId });
      // Keep the assignment scripts' copy of the capacity in step, whatever the presence is.
      const presence = (await store.listPresence(siteKey))[agentId] ?? { status: 'offline' as const, deadline: now() };
      await store.setPresence({ siteKey, agent, status: agent.disabled ? 'offline' : presence.status, deadline: presence.deadline });
      if (agent.disabled) await store.deleteAgentSessions(agentId);
      await audit.record(siteKey, actor, 'agent.update', agentId, { ...changes });
      const view = toAgentView(agent);
      await events.emit('agent.updated', siteKey, { agent: view, disabled: agent.disabled });
      return view;
    },

    /** Ends every session of the agent, on every device; their consoles close. @returns how many were ended */
    async logOutEverywhere(agent: Pick<AgentView, 'id' | 'siteKey'>): Promise<number> {
      const ended = await store.deleteAgentSessions(agent.id);
      await events.emit('agent.logged_out', agent.siteKey, { agentId: agent.id });
      return ended;
    },
  };
}
