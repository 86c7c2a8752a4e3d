/**
 * The Visitor panel beside a chat: who (name, email, verified), whether they are on the site now,
 * the page they are on (full URL) and the ones before it, where they came from, browser and system,
 * language and local time, the site's facts (`setContext`), and their earlier conversations.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConversationView, PreviousConversation } from '../../shared/protocol';
import { historyHref } from '../screens/history-link';
import { parseUserAgent } from '../visitor/user-agent';
import { VisitorName } from './visitor-name';

/** The server refuses other schemes; checked again here, as a link is where a `javascript:` would bite. */
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? url : undefined);

function localTime(timeZone: string, now: number): string {
  try {
    return new Date(now).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone });
  } catch {
    return '';
  }
}

const shortTime = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const shortDate = (at: number) => new Date(at).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });

export function VisitorContextBox({
  conversation,
  loadHistory,
}: {
  conversation: ConversationView;
  /** The visitor's earlier conversations (`visitor:history`); swapped for the archive's search later. */
  loadHistory(): Promise<PreviousConversation[]>;
}) {
  const [now, setNow] = useState(Date.now());
  const [history, setHistory] = useState<PreviousConversation[] | null>(null);
  // The visitor's clock moves on: every 15 s keeps the minute right.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    setHistory(null);
    let current = true;
    loadHistory().then((list) => current && setHistory(list), () => current && setHistory([]));
    return () => {
      current = false;
    };
  }, [conversation.id]);
  const context = conversation.context;
  const href = context ? safeHref(context.page.url) : undefined;
  const referrer = context?.page.referrer ? safeHref(context.page.referrer) : undefined;
  const agent = context?.userAgent ? parseUserAgent(context.userAgent) : undefined;
  const online = context?.online;
  return (
    <aside class="visitor-box" aria-label="Visitor">
      <h2>Visitor</h2>
      <p class="visitor-who">
        <VisitorName conversation={conversation} />
      </p>
      <p class="visitor-state">
        {online === undefined ? null : online ? (
          <span class="on-site">On the site now</span>
        ) : (
          <span class="left-site">Left the site</span>
        )}
        {conversation.leftMessage && <span class="left-message">Left a message (not a live chat)</span>}
      </p>
      {context ? (
        <dl>
          <dt>Page</dt>
          <dd class="page">
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer" title={context.page.title}>
                {context.page.title || context.page.url}
              </a>
            ) : (
              context.page.title
            )}
            <span class="url">{context.page.url}</span>
          </dd>
          {context.previousPages && context.previousPages.length > 0 && (
            <>
              <dt>Before</dt>
              <dd>
                <ol class="previous-pages" aria-label="Pages before, most recent first">
                  {context.previousPages.map((p) => (
                    <li key={`${p.at}-${p.url}`} title={p.title}>
                      <span class="url">{p.url}</span> <span class="muted">{shortTime(p.at)}</span>
                    </li>
                  ))}
                </ol>
              </dd>
            </>
          )}
          {referrer && (
            <>
              <dt>From</dt>
              <dd class="url" title={referrer}>
                {referrer}
              </dd>
            </>
          )}
          {agent && (
            <>
              <dt>Browser</dt>
              <dd>{agent.browser}</dd>
              <dt>System</dt>
              <dd>{agent.system}</dd>
            </>
          )}
          <dt>Language</dt>
          <dd>{context.language}</dd>
          <dt>Local time</dt>
          <dd>
            {localTime(context.timeZone, now)} <span class="muted">({context.timeZone})</span>
          </dd>
          {Object.entries(context.custom ?? {}).map(([key, value]) => (
            <Fragment key={key}>
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </Fragment>
          ))}
        </dl>
      ) : (
        <p class="muted">The page has told nothing about the visitor yet.</p>
      )}
      <h3>Previous conversations</h3>
      {/* Older ones, gone from the live store, are in the archive: History lists them all. */}
      <p>
        <a href={historyHref(conversation.visitor?.email ? { email: conversation.visitor.email } : { visitor: conversation.visitorId })}>
          All of this visitor's conversations in History
        </a>
      </p>
      {history === null ? (
        <p class="muted">Loading…</p>
      ) : history.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="history">
          {history.map((c) => (
            <li key={c.id}>
              <details>
                <summary>
                  {shortDate(c.createdAt)} · {c.queue} · {c.status}
                  {c.leftMessage && ' · left a message'}
                  <span class="preview">{c.preview}</span>
                </summary>
                <ol class="history-log" aria-label="Messages, read only">
                  {c.messages.map((m) => (
                    <li key={m.id} class={m.author}>
                      <strong>{m.author === 'agent' ? (m.agentName ?? 'Agent') : 'Visitor'}:</strong> {m.text}
                    </li>
                  ))}
                </ol>
              </details>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
