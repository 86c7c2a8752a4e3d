/**
 * Transcript on request: a visitor asks for one of their own conversations (any status) by email,
 * to the address they type or the one they gave before. The job carries the whole email, so a
 * retry sends exactly the same one.
 */
import { createHash } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, MessageView } from '../../shared/protocol';
import type { ConversationTranscriptPayload } from '../../shared/schemas';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { visitorMessages } from './views';
import { formatUtc, indent, plainTextAsHtml, type EmailOutbox, type OutboundEmail } from './outbound-email';
import type { RateLimiter } from './rate-limiter';

export interface TranscriptsDeps {
  store: Store;
  limiter: RateLimiter;
  /** null when email is off: every request is EMAIL_DISABLED. */
  outbox: EmailOutbox;
}

export interface Transcripts {
  /**
   * Queues the transcript email. EMAIL_DISABLED when email is off, CONVERSATION_NOT_FOUND for a
   * conversation that is not this visitor's, PAYLOAD_INVALID when no email is known, RATE_LIMITED
   * past `transcriptsPerVisitor` / `transcriptsPerIp`.
   */
  request(siteKey: SiteKey, visitorId: VisitorId, payload: ConversationTranscriptPayload, context?: { ip?: string }): Promise<{ queued: true }>;
}

export function createTranscripts({ store, limiter, outbox }: TranscriptsDeps): Transcripts {
  return {
    async request(siteKey, visitorId, { conversationId, email }, context = {}) {
      if (!outbox) throw createError('EMAIL_DISABLED');
      const conversation = await store.getConversation(siteKey, conversationId);
      // Another visitor's conversation is answered exactly like one that does not exist.
      if (!conversation || conversation.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
      const to = email ?? conversation.visitor?.email ?? (await store.getVisitorIdentity(siteKey, visitorId))?.email;
      if (!to) throw createError('PAYLOAD_INVALID', { path: '/email', problem: 'no email given, and the visitor has given none before' });
      // Counted once the request is valid: the typed address may be anyone's, so this is what keeps
      // the server from becoming a relay.
      await limiter.hit('transcriptsPerVisitor', `${siteKey}:${visitorId}`);
      if (context.ip) await limiter.hit('transcriptsPerIp', context.ip);
      const [site, messages] = await Promise.all([store.getSite(siteKey), readAllMessages(store, siteKey, conversationId).then(visitorMessages)]);
      const mail = composeTranscriptEmail({ to, siteName: site?.name ?? 'Support', conversation, messages });
      // The same request retried (a lost ack) while its email still waits is queued once.
      const addressed = createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16);
      await outbox.add(mail, { jobId: `transcript-${conversationId}-${messages.at(-1)?.id ?? 'none'}-${addressed}` });
      return { queued: true };
    },
  };
}

/** Every message with its author's name and its time in UTC, oldest first. */
export function composeTranscriptEmail({
  to,
  siteName,
  conversation,
  messages,
}: {
  to: string;
  siteName: string;
  conversation: ConversationView;
  messages: MessageView[];
}): OutboundEmail {
  const visitorName = conversation.visitor?.name ?? 'You';
  const text = [
    `Your conversation with ${siteName}, started ${formatUtc(conversation.createdAt)}.`,
    '',
    ...messages.flatMap((m) => [
      `${m.author === 'agent' ? (m.agentName ?? 'Agent') : visitorName}, ${formatUtc(m.createdAt)}:`,
      indent(m.text),
      '',
    ]),
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
