import type { QueueSnapshot } from '../../shared/protocol';
import { VisitorName } from './visitor-name';
import { longestWaitSince } from '../inbox/inbox-figures';
import { WaitedFor } from './waited-for';

const TITLES = { service: 'Service', support: 'Support' } as const;

export function QueueList({ snapshot, onTake }: { snapshot: QueueSnapshot; onTake(conversationId: string): void }) {
  const headingId = `queue-${snapshot.queue}`;
  const longest = longestWaitSince(snapshot);
  return (
    <section class="queue" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {TITLES[snapshot.queue]} <span class="count" aria-label={`${snapshot.count} waiting`}>{snapshot.count}</span>
        {longest !== undefined && (
          <span class="longest">
            longest <WaitedFor since={longest} />
          </span>
        )}
      </h2>
      {snapshot.entries.length === 0 ? (
        <p class="empty">Nobody waiting.</p>
      ) : (
        <ul>
          {snapshot.entries.map((entry) => (
            <li key={entry.conversationId} class="waiting" data-conversation={entry.conversationId}>
              {entry.visitor && (
                <p class="meta">
                  <VisitorName conversation={entry} />
                </p>
              )}
              <p class="preview">{entry.preview}</p>
              <p class="meta">
                waiting <WaitedFor since={entry.queuedAt} />
                {entry.routing.uncertain && <span class="flag" title={entry.routing.reason}> · unsure route</span>}
                {entry.reopenedAt !== undefined && <span class="flag" title="The visitor replied after it was resolved"> · reopened</span>}
                {entry.leftMessage && <span class="left-message" title="Left through the form while nobody was available"> · left a message</span>}
              </p>
              <p class="why" title="Why it is in this queue">{entry.routing.reason}</p>
              {entry.transfer && (
                <p class="why transfer">
                  Transferred from {entry.transfer.fromQueue} by {entry.transfer.byAgentName}
                  {entry.transfer.note && `: “${entry.transfer.note}”`}
                </p>
              )}
              <button type="button" onClick={() => onTake(entry.conversationId)}>
                Take
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
