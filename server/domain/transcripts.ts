/**
 * Transcript on request: a visitor asks for one of their own conversations (any status) by email,
 * to the address they type or the one they gave before. The job carries the whole email, so a
 * retry sends exactly the same one.
 */
import { createHash } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView } from '../../shared/protocol';
import type { ConversationTranscriptPayload } from '../../shared/schemas';
import { transcriptText, type TranscriptMessage } from '../../shared/transcript-text';
import type { Archive } from '../store/archive/archive';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { visitorMessages } from './views';
import { formatUtc, plainTextAsHtml, type EmailOutbox, type OutboundEmail } from './outbound-email';
import type { RateLimiter } from './rate-limiter';

export interface TranscriptsDeps {
  store: Store;
  limiter: RateLimiter;
  /** null when email is off: every request is EMAIL_DISABLED. */
  outbox: EmailOutbox;
  /** Where a conversation gone from the live store is read from. @default none */
  archive?: Archive | null;
}

export interface Transcripts {
  /**
   * Queues the transcript email. EMAIL_DISABLED when email is off, CONVERSATION_NOT_FOUND for a
   * conversation that is not this visitor's, PAYLOAD_INVALID when no email is known, RATE_LIMITED
   * past `transcriptsPerVisitor` / `transcriptsPerIp`.
   */
  request(siteKey: SiteKey, visitorId: VisitorId, payload: ConversationTranscriptPayload, context?: { ip?: string }): Promise<{ queued: true }>;
}

/**
 * A conversation and every message, from the live store, or from the archive once the store has
 * let it go (retention of live data, a restart of the embedded store). Null when neither has it.
 */
export async function readConversationWithMessages(
  store: Store,
  archive: Archive | null | undefined,
  siteKey: SiteKey,
  conversationId: string,
): Promise<{ conversation: ConversationView; messages: TranscriptMessage[] } | null> {
  const live = await store.getConversation(siteKey, conversationId);
  if (live) return { conversation: live, messages: await readAllMessages(store, siteKey, conversationId) };
  const archived = await archive?.get(siteKey, conversationId);
  return archived ? { conversation: archived.conversation, messages: archived.messages } : null;
}

export function createTranscripts({ store, limiter, outbox, archive }: TranscriptsDeps): Transcripts {
  return {
    async request(siteKey, visitorId, { conversationId, email }, context = {}) {
      if (!outbox) throw createError('EMAIL_DISABLED');
      const found = await readConversationWithMessages(store, archive, siteKey, conversationId);
      // Another visitor's conversation is answered exactly like one that does not exist.
      if (!found || found.conversation.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
      // The visitor's transcript never carries the team's internal notes.
      const { conversation } = found;
      const messages = visitorMessages(found.messages);
      const to = email ?? conversation.visitor?.email ?? (await store.getVisitorIdentity(siteKey, visitorId))?.email;
      if (!to) throw createError('PAYLOAD_INVALID', { path: '/email', problem: 'no email given, and the visitor has given none before' });
      // Counted once the request is valid: the typed address may be anyone's, so this is what keeps
      // the server from becoming a relay.
      await limiter.hit('transcriptsPerVisitor', `${siteKey}:${visitorId}`);
      if (context.ip) await limiter.hit('transcriptsPerIp', context.ip);
      const site = await store.getSite(siteKey);
      const mail = composeTranscriptEmail({ to, siteName: site?.name ?? 'Support', conversation, messages });
      // The same request retried (a lost ack) while its email still waits is queued once.
      const addressed = createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16);
      await outbox.add(mail, { jobId: `transcript-${conversationId}-${messages.at(-1)?.id ?? 'none'}-${addressed}` });
      return { queued: true };
    },
  };
}

/** Every message a visitor may see, with its author's name and its time in UTC, oldest first: the widget's download, in UTC. */
export function composeTranscriptEmail({
  to,
  siteName,
  conversation,
  messages,
}: {
  to: string;
  siteName: string;
  conversation: ConversationView;
  messages: TranscriptMessage[];
}): OutboundEmail {
  const visitorName = conversation.visitor?.name ?? 'You';
  const text = [
    `Your conversation with ${siteName}, started ${formatUtc(conversation.createdAt)}.`,
    '',
    transcriptText(messages, { title: `Conversation with ${siteName} (times in UTC)`, you: visitorName, agent: 'Agent' }, 'en-GB', 'UTC'),
    `You asked for this transcript in the chat on the ${siteName} website.`,
    '',
  ].join('\n');
  return {
    to,
    fromName: siteName,
    subject: `Your conversation with ${siteName} (${formatUtc(conversation.createdAt)})`,
    text,
    html: plainTextAsHtml(text),
  };
}

/**
 * The agents' download: every message, internal notes marked, and what agents know of the
 * conversation (queue, routing, category, transfer, survey), times in UTC.
 */
export function agentTranscriptText({ siteName, conversation: c, messages }: { siteName: string; conversation: ConversationView; messages: TranscriptMessage[] }): string {
  const visitor = c.visitor ? [c.visitor.name, c.visitor.email && `<${c.visitor.email}>`].filter(Boolean).join(' ') || c.visitor.userId : 'Visitor';
  const rating = c.rating ? Object.entries(c.rating).filter(([k]) => k !== 'at').map(([k, v]) => `${k.toUpperCase()} ${String(v)}`).join(', ') : null;
  const details = [
    `Conversation ${c.id}, started ${formatUtc(c.createdAt)}, ${c.status}${c.resolvedAt ? ` ${formatUtc(c.resolvedAt)}` : c.abandonedAt ? ` ${formatUtc(c.abandonedAt)}` : ''}`,
    `Visitor: ${visitor}`,
    `Queue: ${c.queue} (routed by ${c.routing.by}, confidence ${c.routing.confidence.toFixed(2)})`,
    ...(c.assignedAgentName ? [`Agent: ${c.assignedAgentName}`] : []),
    ...(c.category ? [`Category: ${c.category}`] : []),
    ...(c.transfer ? [`Transferred from ${c.transfer.fromQueue} by ${c.transfer.byAgentName}: ${c.transfer.note}`] : []),
    ...(rating ? [`Survey: ${rating}`] : []),
  ];
  return transcriptText(messages, { title: `${siteName}: conversation transcript (times in UTC)`, you: c.visitor?.name ?? 'Visitor', agent: 'Agent' }, 'en-GB', 'UTC', { audience: 'agent', details });
}
