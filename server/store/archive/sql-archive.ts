/**
 * The archive in SQL: the same statements on PGlite and on PostgreSQL (see sql-client.ts).
 * Search is one tsvector per conversation (visitor name and email weighted A, every message), stemmed
 * in the visitor's language, behind a GIN index; a query is stemmed in every configuration the
 * archive uses and OR-ed, so one index scan finds candidates whatever their language, then each is
 * checked against the query in its own configuration.
 */
import type { ConversationId, SiteKey, VisitorId } from '../../../shared/ids';
import type { ConversationView } from '../../../shared/protocol';
import {
  archiveVersion,
  searchConfigOf,
  SEARCH_CONFIGS,
  type Archive,
  type ArchivedConversation,
  type ArchivedMessage,
  type ArchiveEntry,
  type ArchiveHit,
  type ArchiveSearch,
  type Highlight,
} from './archive';
import { migrate } from './migrate';
import type { SqlClient } from './sql-client';

// ts_headline marks matches with these; they are removed from the text first, so the marks are
// turned into ranges and no markup ever reaches a client.
const MARK_START = '\u0002';
const MARK_END = '\u0003';
const HEADLINE_OPTIONS = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

const CONFIGS = [...Object.values(SEARCH_CONFIGS), 'simple'];
/** The query in every configuration, OR-ed: `$n` is the user's text. */
const tsQuery = (n: number) => `(${CONFIGS.map((c) => `websearch_to_tsquery('${c}', $${n})`).join(' || ')})`;

interface ConversationRow {
  id: string;
  status: 'resolved' | 'abandoned';
  queue: ArchiveHit['queue'];
  category: string | null;
  agent_id: string | null;
  agent_name: string | null;
  visitor_id: string;
  visitor_name: string | null;
  visitor_email: string | null;
  preview: string;
  created_at: number;
  ended_at: number | null;
  message_count: number;
  headline?: string | null;
}

/** Splits ts_headline's output into the plain text and the ranges between the marks. */
export function parseHeadline(marked: string): Highlight {
  let text = '';
  const marks: [number, number][] = [];
  let start = -1;
  for (const char of marked) {
    if (char === MARK_START) start = text.length;
    else if (char === MARK_END) {
      if (start >= 0 && text.length > start) marks.push([start, text.length]);
      start = -1;
    } else text += char;
  }
  return { text, marks };
}

const toHit = (row: ConversationRow): ArchiveHit => ({
  id: row.id,
  status: row.status,
  queue: row.queue,
  category: row.category,
  agentId: row.agent_id,
  agentName: row.agent_name,
  visitorId: row.visitor_id,
  visitorName: row.visitor_name,
  visitorEmail: row.visitor_email,
  preview: row.preview,
  createdAt: row.created_at,
  endedAt: row.ended_at,
  messageCount: row.message_count,
  highlight: row.headline ? parseHeadline(row.headline) : null,
});

const stripMarks = (text: string) => text.replaceAll(MARK_START, '').replaceAll(MARK_END, '');

/** The columns of one conversation, in the order of the INSERT below. */
function conversationParams({ conversation: c, messages, attachments = [] }: ArchiveEntry, archivedAt: number): unknown[] {
  const body = messages.map((m) => stripMarks(typeof m.text === 'string' ? m.text : '')).join('\n');
  return [
    c.siteKey,
    c.id,
    c.visitorId,
    c.status,
    c.queue,
    c.category ?? null,
    c.assignedAgentId ?? null,
    c.assignedAgentName ?? null,
    c.visitor?.name ?? null,
    c.visitor?.email ?? null,
    c.preview,
    c.createdAt,
    c.resolvedAt ?? c.abandonedAt ?? null,
    messages.length,
    searchConfigOf(c.context?.language),
    [c.visitor?.name, c.visitor?.email].filter(Boolean).join(' '),
    body,
    JSON.stringify(c),
    JSON.stringify(attachments),
    archiveVersion(c),
    archivedAt,
  ];
}

const UPSERT_CONVERSATION = `
INSERT INTO archived_conversations (site_key, id, visitor_id, status, queue, category, agent_id, agent_name, visitor_name,
  visitor_email, preview, created_at, ended_at, message_count, search_config, search, record, attachments, version, archived_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::regconfig,
  setweight(to_tsvector($15::regconfig, $16), 'A') || to_tsvector($15::regconfig, $17), $18::jsonb, $19::jsonb, $20, $21)
ON CONFLICT (site_key, id) DO UPDATE SET
  visitor_id = EXCLUDED.visitor_id, status = EXCLUDED.status, queue = EXCLUDED.queue, category = EXCLUDED.category,
  agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name, visitor_name = EXCLUDED.visitor_name,
  visitor_email = EXCLUDED.visitor_email, preview = EXCLUDED.preview, created_at = EXCLUDED.created_at,
  ended_at = EXCLUDED.ended_at, message_count = EXCLUDED.message_count, search_config = EXCLUDED.search_config,
  search = EXCLUDED.search, record = EXCLUDED.record, attachments = EXCLUDED.attachments, version = EXCLUDED.version,
  archived_at = EXCLUDED.archived_at`;

// Every message in one statement: the rows travel as one JSON parameter.
const INSERT_MESSAGES = `
INSERT INTO archived_messages (site_key, conversation_id, seq, id, kind, author, text, created_at, data)
SELECT $1, $2, m.seq, m.id, m.kind, m.author, m.text, m.created_at, m.data
FROM jsonb_to_recordset($3::jsonb) AS m(seq integer, id text, kind text, author text, text text, created_at bigint, data jsonb)`;

const HIT_COLUMNS = 'id, status, queue, category, agent_id, agent_name, visitor_id, visitor_name, visitor_email, preview, created_at, ended_at, message_count';

export interface SqlArchiveOptions {
  client: SqlClient;
  /**
   * `start`: migrate before returning (a server: a bad DATABASE_URL stops the start); `first-use`:
   * before the first call (the lazily started PGlite). @default 'start'
   */
  migrate?: 'start' | 'first-use';
}

export async function createSqlArchive({ client: raw, migrate: when = 'start' }: SqlArchiveOptions): Promise<Archive> {
  let migrated: Promise<unknown> | undefined = when === 'start' ? migrate(raw) : undefined;
  if (migrated) await migrated;
  const ready = () => (migrated ??= migrate(raw));
  // Every call waits for the migrations (a no-op once done).
  const client: SqlClient = {
    query: async (text, params) => (await ready(), raw.query(text, params)),
    exec: async (sql) => (await ready(), raw.exec(sql)),
    transaction: async (work) => (await ready(), raw.transaction(work)),
    close: () => raw.close(),
  };

  const readConversations = async (where: string, params: unknown[]): Promise<ArchivedConversation[]> => {
    const rows = await client.query<{ id: string; record: ConversationView; attachments: unknown[]; archived_at: number }>(
      `SELECT id, record, attachments, archived_at FROM archived_conversations WHERE ${where} ORDER BY created_at, id`,
      params,
    );
    if (rows.length === 0) return [];
    const messages = await client.query<{ conversation_id: string; data: ArchivedMessage }>(
      `SELECT conversation_id, data FROM archived_messages WHERE site_key = $1 AND conversation_id = ANY($2::text[]) ORDER BY conversation_id, seq`,
      [params[0], rows.map((r) => r.id)],
    );
    return rows.map((row) => ({
      conversation: row.record,
      messages: messages.filter((m) => m.conversation_id === row.id).map((m) => m.data),
      attachments: row.attachments,
      archivedAt: row.archived_at,
    }));
  };

  return {
    async ping() {
      await client.query('SELECT 1');
    },

    async put(entry, archivedAt) {
      const { conversation: c, messages } = entry;
      const rows = messages.map((m, seq) => ({
        seq,
        id: m.id,
        kind: typeof m.kind === 'string' ? m.kind : 'message',
        author: m.author,
        text: typeof m.text === 'string' ? m.text : '',
        created_at: m.createdAt,
        data: m,
      }));
      await client.transaction(async (tx) => {
        await tx.query(UPSERT_CONVERSATION, conversationParams(entry, archivedAt));
        await tx.query('DELETE FROM archived_messages WHERE site_key = $1 AND conversation_id = $2', [c.siteKey, c.id]);
        if (rows.length > 0) await tx.query(INSERT_MESSAGES, [c.siteKey, c.id, JSON.stringify(rows)]);
      });
    },

    async get(siteKey, id) {
      return (await readConversations('site_key = $1 AND id = $2', [siteKey, id]))[0] ?? null;
    },

    async versions(siteKey, ids) {
      if (ids.length === 0) return new Map();
      const rows = await client.query<{ id: string; version: string }>(
        'SELECT id, version FROM archived_conversations WHERE site_key = $1 AND id = ANY($2::text[])',
        [siteKey, ids],
      );
      return new Map(rows.map((r) => [r.id, r.version]));
    },

    async search(query: ArchiveSearch) {
      const params: unknown[] = [query.siteKey];
      const where = ['site_key = $1'];
      const add = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      let textParam: number | undefined;
      if (query.q !== undefined) {
        add(query.q);
        textParam = params.length;
        // The OR of every configuration finds candidates through the GIN index; each is then held to
        // the query in its own language, so a negation or a phrase means what it says.
        where.push(`search @@ ${tsQuery(textParam)} AND search @@ websearch_to_tsquery(search_config, $${textParam})`);
      }
      if (query.from !== undefined) where.push(`created_at >= ${add(query.from)}`);
      if (query.to !== undefined) where.push(`created_at < ${add(query.to)}`);
      if (query.queue !== undefined) where.push(`queue = ${add(query.queue)}`);
      if (query.category !== undefined) where.push(`category = ${add(query.category)}`);
      if (query.agentId !== undefined) where.push(`agent_id = ${add(query.agentId)}`);
      if (query.visitorId !== undefined) where.push(`visitor_id = ${add(query.visitorId)}`);
      if (query.email !== undefined) where.push(`visitor_email IS NOT NULL AND lower(visitor_email) = lower(${add(query.email)})`);
      if (query.status !== undefined) where.push(`status = ${add(query.status)}`);
      if (query.after) where.push(`(created_at, id) < (${add(query.after.createdAt)}, ${add(query.after.id)})`);
      const limit = add(query.limit + 1);
      const headline =
        textParam === undefined
          ? 'NULL'
          : `(SELECT ts_headline(page.search_config, string_agg(m.text, E'\\n' ORDER BY m.seq), websearch_to_tsquery(page.search_config, $${textParam}), ${add(HEADLINE_OPTIONS)})
              FROM archived_messages m WHERE m.site_key = page.site_key AND m.conversation_id = page.id)`;
      const rows = await client.query<ConversationRow>(
        `WITH page AS (
           SELECT site_key, search_config, ${HIT_COLUMNS} FROM archived_conversations
           WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${limit})
         SELECT ${HIT_COLUMNS}, ${headline} AS headline FROM page ORDER BY created_at DESC, id DESC`,
        params,
      );
      const hits = rows.slice(0, query.limit).map(toHit);
      const last = hits.at(-1);
      return { hits, after: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    listVisitor: (siteKey: SiteKey, visitorId: VisitorId) => readConversations('site_key = $1 AND visitor_id = $2', [siteKey, visitorId]),

    async delete(siteKey: SiteKey, ids: ConversationId[]) {
      if (ids.length === 0) return 0;
      const rows = await client.query('DELETE FROM archived_conversations WHERE site_key = $1 AND id = ANY($2::text[]) RETURNING id', [siteKey, ids]);
      return rows.length;
    },

    async deleteVisitor(siteKey, visitorId) {
      return (await client.query('DELETE FROM archived_conversations WHERE site_key = $1 AND visitor_id = $2 RETURNING id', [siteKey, visitorId])).length;
    },

    async deleteCreatedBefore(siteKey, before) {
      return (await client.query('DELETE FROM archived_conversations WHERE site_key = $1 AND created_at < $2 RETURNING id', [siteKey, before])).length;
    },

    close: () => client.close(),
  };
}
