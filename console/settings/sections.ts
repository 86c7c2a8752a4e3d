/**
 * The Settings area's sections, in the order of the side list. Each page is its own lazy chunk
 * (`load`), so opening one section fetches only that page. To add a section, add an entry here and a
 * page file that default-exports a component taking `SettingsPageProps`.
 *
 * @example
 * { id: 'agents', title: 'Agents', load: () => import('./agents-page') }
 */
import type { ComponentType } from 'preact';
import type { AgentRole, AgentView } from '../../shared/schemas';

export interface SettingsPageProps {
  /** The admin signed in; `agent.siteKey` is the site every page edits. */
  agent: AgentView;
}

export interface SettingsSection {
  /** The hash route: `#settings/<id>`. Kebab-case, unique. */
  id: string;
  /** The side list's label and the page's heading. */
  title: string;
  load: () => Promise<{ default: ComponentType<SettingsPageProps> }>;
  /**
   * Who sees the section. The Settings entry itself shows only to admins; the server refuses the
   * rest whatever this says.
   * @default ['admin']
   */
  roles?: AgentRole[];
}

export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'widget', title: 'Widget', load: () => import('./widget-page') },
  { id: 'hours', title: 'Hours and availability', load: () => import('./hours-page') },
  { id: 'routing', title: 'Routing', load: () => import('./routing-page') },
  { id: 'learning', title: 'Router learning', load: () => import('./learning-page') },
  { id: 'queues', title: 'Queues', load: () => import('./queues-page') },
  { id: 'webhooks', title: 'Webhooks', load: () => import('./webhooks-page') },
  { id: 'audit', title: 'Audit log', load: () => import('./audit-page') },
  { id: 'sites', title: 'Sites', load: () => import('./sites-page') },
  { id: 'agents', title: 'Agents', load: () => import('./agents-page') },
  { id: 'api-tokens', title: 'API tokens', load: () => import('./api-tokens-page') },
  // Every agent's own account: reached from the header's "Account" link, the rest of Settings being admins'.
  { id: 'account', title: 'Account', load: () => import('./account-page'), roles: ['agent', 'lead', 'admin'] },
];

/** The sections `role` may open. */
export function sectionsFor(role: AgentRole): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((s) => (s.roles ?? ['admin']).includes(role));
}

/** Whether the console shows the Settings entry to this agent. */
export function canOpenSettings(agent: Pick<AgentView, 'role'>): boolean {
  return agent.role === 'admin';
}
