/** Agent accounts and their console sessions. Ending a session or disabling an agent is told as an event: consoles close on it. */
import { createHash, randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import { LOGIN_FAILURE_DELAY_MS, PASSWORD_RESET_TTL_MS } from '../../shared/limits';
import type { SiteKey } from '../../shared/ids';
import {
  AgentPatchSchema,
  NewAgentSchema,
  PasswordChangeSchema,
  PasswordResetConfirmSchema,
  type AgentAdminView,
  type AgentPatch,
  type AgentView,
  type NewAgent,
  type PasswordChange,
} from '../../shared/schemas';
import { DEFAULT_AGENT_CAPACITY, type Agent, type AgentChanges, type Store } from '../store/store';
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
    ...(agent.administers?.length ? { administers: [...agent.administers] } : {}),
  };
}

/** An agent as the site's admins list them. */
export function toAgentAdminView(agent: Agent): AgentAdminView {
  return { ...toAgentView(agent), disabled: agent.disabled, createdAt: agent.createdAt };
}

/** An admin who can still log in: the kind a site must keep at least one of. */
const isEnabledAdmin = (agent: Pick<Agent, 'role' | 'disabled'>) => agent.role === 'admin' && !agent.disabled;

/** Reset links are kept as the SHA-256 of their token, so a copy of the store opens no account. */
const resetHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

// Verifying against a real hash when the email is unknown keeps the answer time the same either way,
// so the time of a failed login does not tell which emails exist.
const UNKNOWN_AGENT_HASH = hashPassword(randomBytes(16).toString('hex'));

export type AgentAccounts = ReturnType<typeof createAgentAccounts>;

/** Why a console was closed (`session:ended`). */
export type SessionEndReason = 'disabled' | 'logged-out';

// The schemas REST and the CLI check too: an account is refused the same way whoever asks.
const checkNewAgent = compilePayloadCheck(NewAgentSchema);
const checkAgentPatch = compilePayloadCheck(AgentPatchSchema);
const checkPasswordChange = compilePayloadCheck(PasswordChangeSchema);
const checkResetConfirm = compilePayloadCheck(PasswordResetConfirmSchema);

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
    async sessionState(
      token: string | undefined,
      agent: Pick<AgentView, 'id' | 'siteKey'>,
    ): Promise<{ state: 'open'; agent: AgentView } | { state: SessionEndReason }> {
      const record = await store.getAgent(agent.siteKey, agent.id);
      if (!record || record.disabled) return { state: 'disabled' };
      const session = token ? await store.getSession(token, now()) : null;
      // Open: the agent as stored now, so an admin's change (capacity, skills, name) counts at once.
      return session && session.agentId === agent.id ? { state: 'open', agent: toAgentView(record) } : { state: 'logged-out' };
    },

    /** Ends one console session; the consoles riding on it close. */
    async logOut(token: string): Promise<void> {
      const session = await store.getSession(token, now());
      await store.deleteSession(token);
      if (session) await events.emit('agent.logged_out', session.siteKey, { agentId: session.agentId, sessionToken: token });
    },

    /**
     * Changes an agent (name, skills, capacity, role, disabled, password), audited as `actor`. A
     * disabled agent is logged out everywhere and (agent.updated's subscribers) loses their open
     * conversations back to the queue; a new password (an admin reset) logs them out everywhere too.
     * @throws PAYLOAD_INVALID; AGENT_NOT_FOUND; LAST_ADMIN when the site would keep no enabled admin
     */
    async updateAgent(siteKey: SiteKey, agentId: string, patch: AgentPatch, actor: string): Promise<AgentView> {
      const { password, ...fields } = checkAgentPatch(patch);
      const before = await store.getAgent(siteKey, agentId);
      if (!before) throw createError('AGENT_NOT_FOUND', { agentId });
      const after = { role: fields.role ?? before.role, disabled: fields.disabled ?? before.disabled };
      // Read, then write: two admins demoting each other at the same instant could both pass (rare, and the CLI mends it).
      if (isEnabledAdmin(before) && !isEnabledAdmin(after)) {
        const admins = (await store.listAgents(siteKey)).filter((a) => a.id !== agentId && isEnabledAdmin(a));
        if (admins.length === 0) throw createError('LAST_ADMIN', { agentId });
      }
      const changes: AgentChanges = { ...fields, ...(fields.name !== undefined ? { name: fields.name.trim() || before.name } : {}) };
      if (password !== undefined) changes.passwordHash = await hashPassword(password);
      const agent = await store.updateAgent(siteKey, agentId, changes);
      if (!agent) throw createError('AGENT_NOT_FOUND', { agentId });
      // Keep the assignment scripts' copy of the capacity and skills in step, whatever the presence is.
      const presence = (await store.listPresence(siteKey))[agentId] ?? { status: 'offline' as const, deadline: now() };
      await store.setPresence({ siteKey, agent, status: agent.disabled ? 'offline' : presence.status, deadline: presence.deadline });
      if (agent.disabled || password !== undefined) await store.deleteAgentSessions(agentId);
      // The password itself is never recorded: only that it was reset.
      await audit.record(siteKey, actor, 'agent.update', agentId, { ...fields, ...(password !== undefined ? { password: 'reset' } : {}) });
      const view = toAgentView(agent);
      await events.emit('agent.updated', siteKey, { agent: view, disabled: agent.disabled });
      if (password !== undefined && !agent.disabled) await events.emit('agent.logged_out', siteKey, { agentId });
      return view;
    },

    /** Every agent of the site, disabled ones too, oldest first. */
    async listAgents(siteKey: SiteKey): Promise<AgentAdminView[]> {
      return (await store.listAgents(siteKey)).map(toAgentAdminView);
    },

    /**
     * The agent changes their own password, giving the current one. Every other session ends; the
     * caller gets a new one. Wrong current passwords count as failed log-ins (same limits).
     * @throws PAYLOAD_INVALID; PASSWORD_WRONG; RATE_LIMITED
     */
    async changePassword(agent: AgentView, change: PasswordChange, context: { ip: string }): Promise<{ token: string; expiresAt: number }> {
      const { currentPassword, newPassword } = checkPasswordChange(change);
      await limiter.assertUnder('loginFailuresPerAccount', agent.email);
      const stored = await store.getAgent(agent.siteKey, agent.id);
      if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) {
        await Promise.all([limiter.count('loginFailuresPerAccount', agent.email), limiter.count('loginFailuresPerIp', context.ip)]);
        throw createError('PASSWORD_WRONG');
      }
      await store.updateAgent(agent.siteKey, agent.id, { passwordHash: await hashPassword(newPassword) });
      await store.deleteAgentSessions(agent.id);
      await events.emit('agent.logged_out', agent.siteKey, { agentId: agent.id });
      await audit.record(agent.siteKey, `agent:${agent.id} ${agent.email}`, 'agent.password-change', agent.id);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = now() + sessionTtlMs;
      await store.createSession({ token, agentId: agent.id, siteKey: agent.siteKey, expiresAt });
      return { token, expiresAt };
    },

    /**
     * "Forgot password": a single-use link for the account with this email, valid PASSWORD_RESET_TTL_MS.
     * Counted per IP and per email whether an account exists or not, so the answer tells nothing.
     * @returns the account and the link's token to email, or null when no enabled account has this email
     * @throws RATE_LIMITED
     */
    async requestPasswordReset(email: string, context: { ip: string }): Promise<{ agent: AgentView; token: string; expiresAt: number } | null> {
      const account = email.trim().toLowerCase();
      await limiter.hit('passwordResetsPerIp', context.ip);
      await limiter.hit('passwordResetsPerAccount', account);
      const agent = await store.findAgentByEmail(account);
      if (!agent || agent.disabled) return null;
      const token = randomBytes(32).toString('base64url');
      const expiresAt = now() + PASSWORD_RESET_TTL_MS;
      await store.createPasswordReset({ hash: resetHashOf(token), siteKey: agent.siteKey, agentId: agent.id, expiresAt });
      await audit.record(agent.siteKey, `agent:${agent.id} ${agent.email}`, 'agent.password-reset-request', agent.id);
      return { agent: toAgentView(agent), token, expiresAt };
    },

    /**
     * Sets a new password through a reset link, which is then used up; every session of the agent ends.
     * @throws PAYLOAD_INVALID; RESET_TOKEN_INVALID (unknown, used, expired, or the agent disabled since)
     */
    async resetPassword(input: { token: string; password: string }): Promise<void> {
      const { token, password } = checkResetConfirm(input);
      const reset = await store.takePasswordReset(resetHashOf(token), now());
      const agent = reset ? await store.getAgent(reset.siteKey, reset.agentId) : null;
      if (!reset || !agent || agent.disabled) throw createError('RESET_TOKEN_INVALID');
      await store.updateAgent(reset.siteKey, reset.agentId, { passwordHash: await hashPassword(password) });
      await store.deleteAgentSessions(agent.id);
      await store.resetCounter(`loginFailuresPerAccount:${agent.email}`);
      await events.emit('agent.logged_out', agent.siteKey, { agentId: agent.id });
      await audit.record(agent.siteKey, `agent:${agent.id} ${agent.email}`, 'agent.password-reset', agent.id);
    },

    /** Ends every session of the agent, on every device; their consoles close. @returns how many were ended */
    async logOutEverywhere(agent: Pick<AgentView, 'id' | 'siteKey'>): Promise<number> {
      const ended = await store.deleteAgentSessions(agent.id);
      await events.emit('agent.logged_out', agent.siteKey, { agentId: agent.id });
      return ended;
    },
  };
}
