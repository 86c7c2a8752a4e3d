import type { ConversationId, SiteKey } from '../../shared/ids';
import { MAX_MESSAGES_PER_PAGE } from '../../shared/limits';
import type { MessageView } from '../../shared/protocol';
import type { Store } from '../store/store';

/** Every message of a conversation, oldest first, read page by page (exports, transcripts, emails). */
export async function readAllMessages(store: Store, siteKey: SiteKey, conversationId: ConversationId): Promise<MessageView[]> {
  const messages: MessageView[] = [];
  for (;;) {
    const page = await store.messagesAfter(siteKey, conversationId, messages.at(-1)?.id, MAX_MESSAGES_PER_PAGE);
    messages.push(...page);
    if (page.length < MAX_MESSAGES_PER_PAGE) return messages;
  }
}
