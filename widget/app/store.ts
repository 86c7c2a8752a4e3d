/** The widget's state, read by screens through `useStore(store, selector)`. */
import type { ConversationView, MessageView, WireError } from '../../shared/protocol';
import type { PendingMessage } from './storage';

export interface WidgetState {
  connection: 'connecting' | 'online' | 'offline';
  conversation: ConversationView | null;
  /** Stored messages, oldest first, each once. */
  messages: MessageView[];
  /** Sent but not yet acked. */
  pending: PendingMessage[];
  /** Refused by the server, shown with the reason. */
  refused: { message: PendingMessage; error: WireError }[];
}
