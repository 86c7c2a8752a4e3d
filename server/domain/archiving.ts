/**
 * Writing ended conversations to the archive, off the message path. A conversation is archived
 * when it ends (resolved or abandoned) and again when it changes after that (rated, reopened and
 * resolved again): a subscriber of those events adds one `archive` job, and the job reads the
 * conversation and every message from the live store and writes them in one transaction. Nothing
 * is written per message, so sending a message costs the archive nothing.
 *
 * Crash safety: once the job is added (BullMQ, in Redis) it survives any crash and is retried with
 * backoff. A process killed between the store change and the job's add loses the job; the
 * `archive-sweep` job then finds the ended conversation missing from the archive and archives it.
 * Writing is idempotent (an upsert of the conversation, its messages replaced), so a job that runs
 * twice changes nothing.
 */
import type { ConversationId, SiteKey } from '../../shared/ids';
import type { Jobs } from '../jobs/jobs';
import type { Archive } from '../store/archive/archive';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import type { DomainEvent, DomainEvents, DomainEventType } from './events';

export const ARCHIVE_JOB = 'archive';
export const ARCHIVE_SWEEP_JOB = 'archive-sweep';
/** Attempts of one archive job: from 5 s doubling, about 20 minutes in all, then the sweep takes over. */
const ARCHIVE_ATTEMPTS = 8;
/** Conversation ids read from the store per step of the sweep. */
const SWEEP_BATCH = 1_000;

/** The events after which a conversation's archived copy is written (again). */
const ARCHIVED_ON: DomainEventType[] = ['conversation.resolved', 'conversation.abandoned', 'conversation.rated'];

export interface ArchiveJob {
  siteKey: SiteKey;
  conversationId: ConversationId;
}

export interface ArchivingOptions {
  store: Store;
  archive: Archive;
  jobs: Jobs;
  events: DomainEvents;
  now: () => number;
  /** Told of a job that could not be queued (the sweep will archive the conversation). */
  onQueueFailure?: (error: unknown, job: ArchiveJob) => void;
  /** First retry after this. @default 5_000 */
  retryBaseMs?: number;
}

const isEnded = (status: string) => status === 'resolved' || status === 'abandoned';

export function createArchiving({ store, archive, jobs, events, now, onQueueFailure, retryBaseMs = 5_000 }: ArchivingOptions) {
  /** Reads the conversation from the live store and writes it. @returns false when there was nothing to write */
  const archiveConversation = async (siteKey: SiteKey, conversationId: ConversationId): Promise<boolean> => {
    const conversation = await store.getConversation(siteKey, conversationId);
    // Gone (erased), or open again (reopened): its next end archives it.
    if (!conversation || !isEnded(conversation.status)) return false;
    const [messages, existing] = await Promise.all([readAllMessages(store, siteKey, conversationId), archive.get(siteKey, conversationId)]);
    // Files are added to the archived copy by the attachments work; a rewrite keeps them.
    await archive.put({ conversation, messages, attachments: existing?.attachments ?? [] }, now());
    return true;
  };

  const queue = jobs.define<ArchiveJob>(
    ARCHIVE_JOB,
    async ({ data }) => {
      await archiveConversation(data.siteKey, data.conversationId);
    },
    { attempts: ARCHIVE_ATTEMPTS, backoff: { type: 'exponential', delayMs: retryBaseMs }, concurrency: 2 },
  );

  const enqueue = async (event: DomainEvent) => {
    const conversation = (event.data as { conversation: { id: ConversationId } }).conversation;
    const job = { siteKey: event.siteKey, conversationId: conversation.id };
    // One job per event: BullMQ ids may not hold ':'; event ids are [A-Za-z0-9_-].
    await queue.add(job, { jobId: `archive.${event.id}` }).catch((error: unknown) => onQueueFailure?.(error, job));
  };
  const unsubscribe = ARCHIVED_ON.map((type) => events.on(type, enqueue));

  return {
    archiveConversation,

    /**
     * Archives every ended conversation of the live store that the archive lacks (a job lost to a
     * crash before it was queued). @returns how many it wrote
     */
    async sweep(): Promise<number> {
      let written = 0;
      for (const siteKey of await store.listSiteKeys()) {
        let seen = 0;
        for (;;) {
          const ids = await store.listConversationIdsCreatedBefore(siteKey, now() + 1, seen + SWEEP_BATCH);
          const batch = ids.slice(seen);
          if (batch.length === 0) break;
          const archived = await archive.versions(siteKey, batch);
          for (const id of batch) {
            if (archived.has(id)) continue;
            // archiveConversation reads it and writes only an ended one.
            if (await archiveConversation(siteKey, id)) written += 1;
          }
          seen = ids.length;
          if (batch.length < SWEEP_BATCH) break;
        }
      }
      return written;
    },

    stop(): void {
      for (const off of unsubscribe) off();
    },
  };
}

export type Archiving = ReturnType<typeof createArchiving>;
