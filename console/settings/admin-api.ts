/** The REST calls of Settings › Sites, Agents, API tokens and Account. Types only from the shared schemas. */
import type { AgentAdminView, AgentPatch, AgentView, ApiTokenView, NewSiteAgent, SiteCreated, SiteView } from '../../shared/schemas';
import { call } from '../api';

const site = (siteKey: string) => `/api/v1/sites/${encodeURIComponent(siteKey)}`;

export const adminApi = {
  sites: () => call<{ sites: SiteView[] }>('GET', '/api/v1/sites'),
  createSite: (name: string, origins: string[]) => call<SiteCreated>('POST', '/api/v1/sites', { name, origins }),
  updateSite: (siteKey: string, patch: { name?: string; origins?: string[] }) => call<SiteView>('PATCH', site(siteKey), patch),
  rotateSecret: (siteKey: string) => call<{ identitySecret: string }>('POST', `${site(siteKey)}/identity-secret`),
  agents: (siteKey: string) => call<{ agents: AgentAdminView[] }>('GET', `${site(siteKey)}/agents`),
  addAgent: (siteKey: string, agent: NewSiteAgent) => call<AgentAdminView>('POST', `${site(siteKey)}/agents`, agent),
  updateAgent: (siteKey: string, agentId: string, patch: AgentPatch) => call<AgentView>('PATCH', `${site(siteKey)}/agents/${encodeURIComponent(agentId)}`, patch),
  tokens: (siteKey: string) => call<{ tokens: ApiTokenView[] }>('GET', `${site(siteKey)}/api-tokens`),
  createToken: (siteKey: string, name: string) => call<{ id: string; token: string; name: string; createdAt: number }>('POST', `${site(siteKey)}/api-tokens`, { name }),
  revokeToken: (siteKey: string, id: string) => call<void>('DELETE', `${site(siteKey)}/api-tokens/${encodeURIComponent(id)}`),
  changePassword: (currentPassword: string, newPassword: string) => call<void>('PUT', '/api/v1/account/password', { currentPassword, newPassword }),
  requestReset: (email: string) => call<{ requested: true }>('POST', '/api/v1/password-resets', { email }),
  confirmReset: (token: string, password: string) => call<void>('POST', '/api/v1/password-resets/confirm', { token, password }),
};

