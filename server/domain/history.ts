/**
 * History: searching the archive of ended conversations, reading one whole, and its transcript for
 * agents. Every agent of a site reads all of its history (as in the products agents know: "has this
 * customer written before?" is asked by whoever answers), never another site's.
 */
import { createError } from '../../shared/errors';
import type { ConversationId, SiteKey } from '../../shared/ids';
import type { HistoryConversation, HistoryPage, HistoryQuery } from '../../shared/schemas';
import type { TranscriptMessage } from '../../shared/transcript-text';
import type { Archive } from '../store/archive/archive';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { parseTime } from './kpis';
import { agentTranscriptText } from './transcripts';
import { toAgentConversation } from './views';

/** @default page size */
export const HISTORY_PAGE_SIZE = 25;

/** The cursor is the last hit's time and id, as base64url JSON: opaque to clients, checked on the way back. */
export function encodeCursor(after: { createdAt: number; id: ConversationId }): string {
  return Buffer.from(JSON.stringify([after.createdAt, after.id])).toString('base64url');
}

export function decodeCursor(next: string): { createdAt: number; id: ConversationId } {
  try {
    const value: unknown = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && value[0] >= 0 && typeof value[1] === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value[1])) {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through: any text that is not our cursor is refused the same way
  }
  throw createError('HISTORY_CURSOR_INVALID');
}

/** A search needs a letter or a digit: punctuation alone stems to nothing and would match nothing. */
const HAS_WORD = /[\p{L}\p{N}]/u;

export function createHistory({ store, archive }: { store: Store; archive: Archive }) {
  const read = async (siteKey: SiteKey, id: ConversationId) => {
    const [live, archived] = await Promise.all([store.getConversation(siteKey, id), archive.get(siteKey, id)]);
    const attachments = archived?.attachments ?? [];
    if (live) return { conversation: toAgentConversation(live), messages: (await readAllMessages(store, siteKey, id)) as TranscriptMessage[], attachments, source: 'live' as const };
    if (!archived) throw createError('CONVERSATION_NOT_FOUND', { conversationId: id });
    return { conversation: toAgentConversation(archived.conversation), messages: archived.messages as TranscriptMessage[], attachments, source: 'archive' as const };
  };

  return {
    /** SEARCH_QUERY_EMPTY, HISTORY_RANGE_INVALID, HISTORY_CURSOR_INVALID, before anything is read. */
    async search(siteKey: SiteKey, query: HistoryQuery): Promise<HistoryPage> {
      if (query.q !== undefined && !HAS_WORD.test(query.q)) throw createError('SEARCH_QUERY_EMPTY');
      const from = query.from === undefined ? undefined : parseTime(query.from);
      const to = query.to === undefined ? undefined : parseTime(query.to);
      if ((from !== undefined && !Number.isFinite(from)) || (to !== undefined && !Number.isFinite(to)) || (from !== undefined && to !== undefined && from >= to)) {
        throw createError('HISTORY_RANGE_INVALID', { from: query.from ?? null, to: query.to ?? null });
      }
      const after = query.next === undefined ? undefined : decodeCursor(query.next);
      const page = await archive.search({
        siteKey,
        limit: query.limit === undefined ? HISTORY_PAGE_SIZE : Number(query.limit),
        ...(query.q !== undefined ? { q: query.q } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(query.queue ? { queue: query.queue } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.agent ? { agentId: query.agent } : {}),
        ...(query.visitor ? { visitorId: query.visitor } : {}),
        ...(query.email ? { email: query.email } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(after ? { after } : {}),
      });
      return { conversations: page.hits, next: page.after ? encodeCursor(page.after) : null };
    },

    /** The live copy while the store has it, else the archived one; CONVERSATION_NOT_FOUND otherwise (another site's too). */
    async get(siteKey: SiteKey, id: ConversationId): Promise<HistoryConversation> {
      return (await read(siteKey, id)) as unknown as HistoryConversation;
    },

    /** The agents' download (shared/transcript-text.ts): every message, notes marked, times in UTC. */
    async transcript(siteKey: SiteKey, id: ConversationId): Promise<string> {
      const [{ conversation, messages }, site] = await Promise.all([read(siteKey, id), store.getSite(siteKey)]);
      return agentTranscriptText({ siteName: site?.name ?? siteKey, conversation, messages });
    },
  };
}

export type History = ReturnType<typeof createHistory>;
