/** The "Visitor" box of a conversation: the page the visitor is on, where they came from, their language and local time, the site's facts. */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { VisitorContext } from '../../shared/protocol';

/** The server refuses other schemes; checked again here, as a link is where a `javascript:` would bite. */
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? url : undefined);

function localTime(timeZone: string, now: number): string {
  try {
    return new Date(now).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone });
  } catch {
    return '';
  }
}

export function VisitorContextBox({ context }: { context: VisitorContext }) {
  const [now, setNow] = useState(Date.now());
  // The visitor's clock moves on: once a minute is as precise as the box shows it.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const { page, language, timeZone, custom } = context;
  const href = safeHref(page.url);
  const referrer = page.referrer ? safeHref(page.referrer) : undefined;
  return (
    <aside class="visitor-box" aria-label="Visitor">
      <h3>Visitor</h3>
      <dl>
        <dt>Page</dt>
        <dd>
          {href ? (
            <a href={href} target="_blank" rel="noopener noreferrer" title={page.url}>
              {page.title || page.url}
            </a>
          ) : (
            page.title
          )}
        </dd>
        {referrer && (
          <>
            <dt>From</dt>
            <dd title={referrer}>{new URL(referrer).host}</dd>
          </>
        )}
        <dt>Language</dt>
        <dd>{language}</dd>
        <dt>Local time</dt>
        <dd>
          {localTime(timeZone, now)} <span class="muted">({timeZone})</span>
        </dd>
        {Object.entries(custom ?? {}).map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd>{String(value)}</dd>
          </Fragment>
        ))}
      </dl>
    </aside>
  );
}
