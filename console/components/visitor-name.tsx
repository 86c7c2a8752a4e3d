import type { ConversationView, QueueEntry } from '../../shared/protocol';

/**
 * Who the visitor is, as far as we know: the name or email they gave, marked when the site did not
 * vouch for it (an unverified identity is only what a page script claimed).
 */
export function VisitorName({ conversation }: { conversation: Pick<ConversationView, 'visitor'> & { visitorId?: string } | QueueEntry }) {
  const visitor = conversation.visitor;
  if (!visitor) {
    const id = 'visitorId' in conversation && conversation.visitorId ? conversation.visitorId.slice(2, 8) : '';
    return <span class="visitor anonymous">Visitor {id}</span>;
  }
  return (
    <span class="visitor">
      {visitor.name ?? visitor.email ?? visitor.userId}
      {visitor.name && visitor.email && <span class="email"> · {visitor.email}</span>}{' '}
      {visitor.verified ? (
        <span class="badge verified" title="The site vouched for this identity">verified</span>
      ) : (
        <span class="badge unverified" title="Claimed by the page, not vouched for by the site">unverified</span>
      )}
    </span>
  );
}
