/** How domain records are laid out in Redis hashes and stream entries, both ways. */
import type { ConversationView, MessageView, RoutingDecision } from '../../../shared/protocol';
import type { QueueName } from '../../../shared/queues';
import type { SiteSettings } from '../../../shared/schemas';
import { DEFAULT_SITE_SETTINGS } from '../../../shared/site-settings';
import { DEFAULT_AGENT_CAPACITY, type Agent, type RoutingCorrection, type Site } from '../store';

export function conversationToFields(c: ConversationView): string[] {
  const fields: Record<string, string | number | undefined> = {
    id: c.id,
    siteKey: c.siteKey,
    visitorId: c.visitorId,
    status: c.status,
    queue: c.queue,
    routing: JSON.stringify(c.routing),
    preview: c.preview,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    queueOrder: c.queueOrder,
    assignedAgentId: c.assignedAgentId,
    assignedAgentName: c.assignedAgentName,
    assignedAt: c.assignedAt,
    resolvedAt: c.resolvedAt,
    transfer: c.transfer ? JSON.stringify(c.transfer) : undefined,
    rating: c.rating ? JSON.stringify(c.rating) : undefined,
    visitor: c.visitor ? JSON.stringify(c.visitor) : undefined,
    visitorIp: c.visitorIp,
    context: c.context ? JSON.stringify(c.context) : undefined,
    leftMessage: c.leftMessage ? '1' : undefined,
  };
  return Object.entries(fields).flatMap(([key, value]) => (value === undefined ? [] : [key, String(value)]));
}

/** A hash as a Lua script or a stream entry returns it, `[field, value, …]`, as an object. */
export function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export function conversationFromHash(h: Record<string, string>): ConversationView | null {
  if (!h.id) return null;
  const c: ConversationView = {
    id: h.id,
    siteKey: h.siteKey!,
    visitorId: h.visitorId!,
    status: h.status as ConversationView['status'],
    queue: h.queue as QueueName,
    routing: JSON.parse(h.routing!) as RoutingDecision,
    preview: h.preview ?? '',
    createdAt: Number(h.createdAt),
    queuedAt: Number(h.queuedAt),
  };
  if (h.queueOrder) c.queueOrder = Number(h.queueOrder);
  if (h.assignedAgentId) c.assignedAgentId = h.assignedAgentId;
  if (h.assignedAgentName) c.assignedAgentName = h.assignedAgentName;
  if (h.assignedAt) c.assignedAt = Number(h.assignedAt);
  if (h.resolvedAt) c.resolvedAt = Number(h.resolvedAt);
  if (h.category) c.category = h.category;
  if (h.reopenedAt) c.reopenedAt = Number(h.reopenedAt);
  if (h.abandonedAt) c.abandonedAt = Number(h.abandonedAt);
  if (h.transfer) c.transfer = JSON.parse(h.transfer) as NonNullable<ConversationView['transfer']>;
  if (h.rating) c.rating = JSON.parse(h.rating) as NonNullable<ConversationView['rating']>;
  if (h.visitor) c.visitor = JSON.parse(h.visitor) as NonNullable<ConversationView['visitor']>;
  if (h.visitorIp) c.visitorIp = h.visitorIp;
  if (h.context) c.context = JSON.parse(h.context) as NonNullable<ConversationView['context']>;
  if (h.leftMessage === '1') c.leftMessage = true;
  return c;
}

/** A stream entry as ioredis returns it: `[id, [field, value, …]]`. */
export function messageFromStreamEntry(conversationId: string, [id, flat]: [string, string[]]): MessageView {
  const f = fieldsOf(flat);
  const message: MessageView = {
    id,
    conversationId,
    clientId: f.clientId!,
    author: f.author as MessageView['author'],
    text: f.text ?? '',
    createdAt: Number(f.at),
  };
  if (f.agentName) message.agentName = f.agentName;
  if (f.kind === 'note') message.kind = 'note';
  if (f.attachment) message.attachment = JSON.parse(f.attachment) as MessageView['attachment'] & object;
  return message;
}

export function siteToFields(site: Site): Record<string, string> {
  return {
    key: site.key,
    name: site.name,
    origins: JSON.stringify(site.origins),
    settings: JSON.stringify(site.settings),
    identitySecret: site.identitySecret,
    createdAt: String(site.createdAt),
  };
}

/** Stored settings over the defaults, the widget's field by field: a site saved before a widget setting existed gets its default. */
function settingsWithDefaults(stored: Partial<SiteSettings>): SiteSettings {
  return { ...DEFAULT_SITE_SETTINGS, ...stored, widget: { ...DEFAULT_SITE_SETTINGS.widget, ...stored.widget } };
}

export function siteFromHash(h: Record<string, string>): Site | null {
  if (!h.key) return null;
  return {
    key: h.key,
    name: h.name ?? '',
    origins: JSON.parse(h.origins ?? '[]') as string[],
    settings: settingsWithDefaults(h.settings ? (JSON.parse(h.settings) as Partial<SiteSettings>) : {}),
    identitySecret: h.identitySecret ?? '',
    createdAt: Number(h.createdAt),
  };
}

export function agentToFields(agent: Agent): Record<string, string> {
  return {
    id: agent.id,
    siteKey: agent.siteKey,
    email: agent.email,
    name: agent.name,
    skills: agent.skills.join(','),
    role: agent.role,
    capacity: String(agent.capacity),
    disabled: agent.disabled ? '1' : '0',
    passwordHash: agent.passwordHash,
    createdAt: String(agent.createdAt),
    ...(agent.administers?.length ? { administers: agent.administers.join(',') } : {}),
  };
}

export function agentFromHash(h: Record<string, string>): Agent | null {
  if (!h.id) return null;
  return {
    id: h.id,
    siteKey: h.siteKey!,
    email: h.email!,
    name: h.name ?? '',
    skills: (h.skills ?? '').split(',').filter(Boolean) as QueueName[],
    role: h.role === 'admin' || h.role === 'lead' ? h.role : 'agent',
    capacity: h.capacity === undefined ? DEFAULT_AGENT_CAPACITY : Number(h.capacity),
    disabled: h.disabled === '1',
    passwordHash: h.passwordHash!,
    createdAt: Number(h.createdAt),
    ...(h.administers ? { administers: h.administers.split(',').filter(Boolean) } : {}),
  };
}

/** A routing-corrections stream entry as ioredis returns it. */
export function correctionFromStreamEntry([, flat]: [string, string[]]): RoutingCorrection {
  const f: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  return {
    conversationId: f.conversationId!,
    text: f.text ?? '',
    predicted: f.predicted as QueueName,
    corrected: f.corrected as QueueName,
    routedBy: f.routedBy as RoutingCorrection['routedBy'],
    note: f.note ?? '',
    agentId: f.agentId ?? '',
    at: Number(f.at),
  };
}
