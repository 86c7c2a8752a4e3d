/** Socket.IO room names, built in one place. A room name carries its site, so sites never share one. */
import type { AgentId, ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type { QueueName } from '../../shared/queues';

export const rooms = {
  /** Agents who serve a queue (in /agent). */
  queue: (site: SiteKey, queue: QueueName) => `site:${site}:queue:${queue}`,
  /** All sockets of one agent (in /agent). */
  agent: (site: SiteKey, agent: AgentId) => `site:${site}:agent:${agent}`,
  /** Agent sockets holding a conversation (in /agent). */
  conversation: (site: SiteKey, id: ConversationId) => `site:${site}:conv:${id}`,
  /** Leads' and admins' sockets, for the team's live view (in /agent). */
  team: (site: SiteKey) => `site:${site}:team`,
  /** All tabs of one visitor (in /visitor); a visitor has one open conversation at a time. */
  visitor: (site: SiteKey, visitor: VisitorId) => `site:${site}:visitor:${visitor}`,
};
