import { useState } from 'preact/hooks';
import type { ConversationView } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';

/**
 * "Wrong queue": tells the router it chose badly without moving the conversation (it is nearly
 * done); the site's learning counts it as a correction. Only for the router's own decisions: a
 * site rule or the visitor's choice is not the router's to learn from.
 */
export function WrongQueueButton({ conversation, onFlag }: { conversation: ConversationView; onFlag(): Promise<QueueName | null> }) {
  const [flagged, setFlagged] = useState<QueueName | null>(null);
  if (conversation.routing.by !== 'model' && conversation.routing.by !== 'default') return null;
  if (flagged) return <span class="flagged-route"> · Noted: belongs in {flagged}. The router learns from it.</span>;
  return (
    <>
      {' · '}
      <button
        type="button"
        class="link"
        title="The router chose the wrong queue (no need to transfer a nearly finished chat)"
        onClick={async () => setFlagged(await onFlag())}
      >
        Wrong queue
      </button>
    </>
  );
}
