/**
 * The archive: every ended conversation with its messages, kept in PostgreSQL for history and
 * full-text search while Redis keeps only live state (DESIGN.md). One interface, one SQL
 * implementation (`sql-archive.ts`) over two clients: PGlite in-process when no DATABASE_URL is
 * given, node-postgres' Pool otherwise; `test/contract/archive.contract.ts` holds both to it.
 */
import type { AgentId, ConversationId, SiteKey, VisitorId } from '../../../shared/ids';
import type { ConversationView, MessageView } from '../../../shared/protocol';
import type { QueueName } from '../../../shared/queues';

/**
 * A stored message of any kind: chat messages today; internal notes and attachments (other work)
 * fit without a migration, as a `kind` and fields the archive keeps as they are (jsonb).
 */
export type ArchivedMessage = MessageView & { kind?: string; visibility?: string };

/** What is written for one conversation: the stored record as it ended, and every message. */
export interface ArchiveEntry {
  conversation: ConversationView;
  messages: ArchivedMessage[];
  /** Files of the conversation (filled by the attachments work); kept as given. @default [] */
  attachments?: unknown[];
}

/** A conversation read back from the archive. */
export interface ArchivedConversation extends ArchiveEntry {
  attachments: unknown[];
  archivedAt: number;
}

/** The conversations statuses the archive holds: it is written when a conversation ends. */
export type ArchivedStatus = 'resolved' | 'abandoned';

export interface ArchiveSearch {
  siteKey: SiteKey;
  /** Full text over messages, visitor name and email (websearch syntax: "a phrase", -word, or). */
  q?: string;
  /** Created at or after (ms). */
  from?: number;
  /** Created before (ms). */
  to?: number;
  queue?: QueueName;
  category?: string;
  agentId?: AgentId;
  visitorId?: VisitorId;
  /** Exact, case-insensitive. */
  email?: string;
  status?: ArchivedStatus;
  /** Where the previous page stopped: its last hit's createdAt and id. */
  after?: { createdAt: number; id: ConversationId };
  /** @default 25 */
  limit: number;
}

/** A highlighted excerpt: `text` as it is, and the [start, end) character ranges that matched. */
export interface Highlight {
  text: string;
  marks: [number, number][];
}

export interface ArchiveHit {
  id: ConversationId;
  status: ArchivedStatus;
  queue: QueueName;
  category: string | null;
  agentId: AgentId | null;
  agentName: string | null;
  visitorId: VisitorId;
  visitorName: string | null;
  visitorEmail: string | null;
  preview: string;
  createdAt: number;
  endedAt: number | null;
  messageCount: number;
  /** With `q`: where the words were found. */
  highlight: Highlight | null;
}

export interface ArchivePage {
  hits: ArchiveHit[];
  /** Present when more may follow: pass it back for the next page. */
  after: { createdAt: number; id: ConversationId } | null;
}

export interface Archive {
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Writes a conversation and its messages; writing the same again changes nothing (a job may run twice). */
  put(entry: ArchiveEntry, archivedAt: number): Promise<void>;
  get(siteKey: SiteKey, id: ConversationId): Promise<ArchivedConversation | null>;
  /** Which of `ids` are archived, each with the version written (see archiveVersion). */
  versions(siteKey: SiteKey, ids: ConversationId[]): Promise<Map<ConversationId, string>>;
  /** Newest first (createdAt, then id). */
  search(query: ArchiveSearch): Promise<ArchivePage>;
  /** Every archived conversation of a visitor, oldest first (GDPR export). */
  listVisitor(siteKey: SiteKey, visitorId: VisitorId): Promise<ArchivedConversation[]>;
  /** @returns how many conversations it removed */
  delete(siteKey: SiteKey, ids: ConversationId[]): Promise<number>;
  /** Removes every conversation of a visitor on the site. @returns how many */
  deleteVisitor(siteKey: SiteKey, visitorId: VisitorId): Promise<number>;
  /** Removes the site's ended conversations created before `before` (retention). @returns how many */
  deleteCreatedBefore(siteKey: SiteKey, before: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * What changes when an ended conversation should be written again: its status and end, a rating
 * or category given later, and a re-resolve after a reopen.
 */
export function archiveVersion(c: ConversationView): string {
  return [c.status, c.resolvedAt ?? '', c.abandonedAt ?? '', c.category ?? '', c.rating?.at ?? '', c.reopenedAt ?? ''].join('|');
}

/** Languages with a stemming configuration in PostgreSQL; any other searches with `simple`. */
export const SEARCH_CONFIGS = { en: 'english', fr: 'french', de: 'german', es: 'spanish', pt: 'portuguese' } as const;

/** The text-search configuration of a BCP 47 language tag (`fr-CA` → french). */
export function searchConfigOf(language: string | undefined): string {
  const primary = language?.split('-')[0]?.toLowerCase() ?? '';
  return (SEARCH_CONFIGS as Record<string, string>)[primary] ?? 'simple';
}
