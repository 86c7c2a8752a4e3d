/**
 * Answers by email: an agent answered a visitor who gave an email (a left message, or their
 * identity) and who is not on the site any more, so the answer goes to their inbox.
 *
 * Debounced by window: the replies of one conversation within the same `windowMs` of the clock
 * (a minute by default) make one email, composed by a job that runs once the window is over. The
 * job id is (conversation, window), so however many replies and processes add it, it runs once,
 * and no state needs keeping between windows: the next window is another job reading other messages.
 * Whether the visitor is on the site is asked twice: when the reply is stored, of this process's
 * own sockets only (free, and the reply's ack never waits on the network), and when the job runs,
 * of every process: a visitor who came back meanwhile sees the answers in the widget, and gets no email.
 */
import type { ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, MessageView } from '../../shared/protocol';
import type { JobQueue } from '../jobs/jobs';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { visitorMessages } from './views';
import type { DomainEvent } from './events';
import { formatUtc, indent, oneLine, plainTextAsHtml, type EmailOutbox, type OutboundEmail } from './outbound-email';

/** The answers of one conversation in one window, waiting to be emailed. */
export interface AnswerBatch {
  siteKey: SiteKey;
  conversationId: ConversationId;
  /** Index of the window (`createdAt / windowMs`, rounded down) the replies fall in. */
  window: number;
}

/** Whether any tab of the visitor is connected now, on any server process (realtime knows). */
export type IsVisitorOnline = (siteKey: SiteKey, visitorId: VisitorId) => Promise<boolean>;
/** Whether a tab of the visitor is connected to this process: answered without asking the others. */
export type IsVisitorConnectedHere = (siteKey: SiteKey, visitorId: VisitorId) => boolean;

/**
 * A reply stored just before its window ended is announced within this much (or a tenth of a short
 * window): the job waits for it. Events follow their store change by milliseconds; this leaves room
 * for a busy event loop.
 */
export const ANSWER_SETTLE_MS = 5_000;

export const DEFAULT_ANSWER_WINDOW_MS = 60_000;

export interface AnswerEmailsDeps {
  store: Store;
  outbox: NonNullable<EmailOutbox>;
  /** The queue of batch jobs: `collect` runs each. */
  batches: JobQueue<AnswerBatch>;
  isVisitorOnline: IsVisitorOnline;
  isVisitorConnectedHere: IsVisitorConnectedHere;
  now: () => number;
  /** @default 60_000 */
  windowMs?: number;
}

export interface AnswerEmails {
  /** Subscriber of `message.created`: starts (or joins) the batch of an agent's reply to an absent visitor. */
  onMessageCreated(event: DomainEvent<'message.created'>): Promise<void>;
  /** The batch job: composes and queues the email of one window's replies, unless the visitor is back. */
  collect(batch: AnswerBatch): Promise<void>;
}

const emailOf = (conversation: ConversationView) => conversation.visitor?.email;

export function createAnswerEmails({
  store,
  outbox,
  batches,
  isVisitorOnline,
  isVisitorConnectedHere,
  now,
  windowMs = DEFAULT_ANSWER_WINDOW_MS,
}: AnswerEmailsDeps): AnswerEmails {
  const settleMs = Math.min(ANSWER_SETTLE_MS, windowMs / 10);
  return {
    async onMessageCreated({ siteKey, data: { conversation, message } }) {
      if (message.author !== 'agent' || !emailOf(conversation)) return;
      if (isVisitorConnectedHere(siteKey, conversation.visitorId)) return;
      const window = Math.floor(message.createdAt / windowMs);
      const runAt = (window + 1) * windowMs + settleMs;
      await batches.add(
        { siteKey, conversationId: conversation.id, window },
        // BullMQ job ids may not contain ':'.
        { jobId: `answer-${conversation.id}-${window}`, delayMs: Math.max(0, runAt - now()) },
      );
    },

    async collect({ siteKey, conversationId, window }) {
      const conversation = await store.getConversation(siteKey, conversationId);
      // Deleted meanwhile (erasure, retention), or the email was withdrawn: nothing to send.
      const to = conversation && emailOf(conversation);
      if (!conversation || !to) return;
      if (await isVisitorOnline(siteKey, conversation.visitorId)) return;
      const from = window * windowMs;
      const replies = visitorMessages(await readAllMessages(store, siteKey, conversationId)).filter(
        (m) => m.author === 'agent' && m.createdAt >= from && m.createdAt < from + windowMs,
      );
      const last = replies.at(-1);
      if (!last) return;
      const site = await store.getSite(siteKey);
      const email = composeAnswerEmail({ to, siteName: site?.name ?? 'Support', conversation, replies });
      // One email per batch even if this job runs twice after a crash (the id names its last reply).
      await outbox.add(email, { jobId: `answer-${conversationId}-${last.id}` });
    },
  };
}

/** "Re: <the visitor's first words>", the agent's answers with their names and times, and the way back to the chat. */
export function composeAnswerEmail({
  to,
  siteName,
  conversation,
  replies,
}: {
  to: string;
  siteName: string;
  conversation: ConversationView;
  replies: MessageView[];
}): OutboundEmail {
  const names = [...new Set(replies.map((m) => m.agentName ?? 'An agent'))];
  const greeting = conversation.visitor?.name ? `Hello ${conversation.visitor.name},` : 'Hello,';
  const text = [
    greeting,
    '',
    `${names.join(' and ')} from ${siteName} answered your message:`,
    '',
    ...replies.flatMap((m) => [`${m.agentName ?? 'An agent'}, ${formatUtc(m.createdAt)}:`, indent(m.text), '']),
    'Your message:',
    indent(conversation.preview),
    '',
    `You can reply in the chat on the ${siteName} website: open the chat there and this conversation continues.`,
    '',
  ].join('\n');
  return { to, fromName: siteName, subject: `Re: ${oneLine(conversation.preview, 80)}`, text, html: plainTextAsHtml(text) };
}
