/**
 * History: search the site's ended conversations (docs/api.md, "History"), filter them, and open
 * any one read-only with its transcript. The filters live in the hash (history-link.ts), so the
 * visitor panel can link here and a reload shows the same list. Highlights come as ranges and are
 * drawn with <mark> around text nodes: nothing from a message is ever read as markup.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { AgentView, HistoryConversation, HistoryHit } from '../../shared/schemas';
import { historyApi } from '../history-api';
import { historyHref, parseHistoryHash, type HistoryFilters } from './history-link';

/** The text with its [start, end) ranges in <mark>: text nodes only. */
export function Highlighted({ text, marks }: { text: string; marks: [number, number][] }) {
  const parts: preact.JSX.Element[] = [];
  let at = 0;
  for (const [start, end] of [...marks].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > text.length || start >= end) continue;
    if (start > at) parts.push(<span key={`t${at}`}>{text.slice(at, start)}</span>);
    parts.push(<mark key={`m${start}`}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(<span key={`t${at}`}>{text.slice(at)}</span>);
  return <>{parts}</>;
}

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function Result({ hit, open, current }: { hit: HistoryHit; open(): void; current: boolean }) {
  const who = hit.visitorName ?? hit.visitorEmail ?? 'Anonymous visitor';
  return (
    <li>
      <button type="button" class={`pick history-hit${current ? ' current' : ''}`} aria-current={current ? 'true' : undefined} onClick={open}>
        <span class="history-who">
          <strong>{who}</strong>
          {hit.visitorEmail && hit.visitorName ? <span class="muted"> {hit.visitorEmail}</span> : null}
        </span>
        <span class="meta">
          {when(hit.createdAt)} · {hit.queue}
          {hit.category ? ` · ${hit.category}` : ''} · {hit.status}
          {hit.agentName ? ` · ${hit.agentName}` : ''} · {hit.messageCount} messages
        </span>
        <span class="history-excerpt">{hit.highlight && hit.highlight.marks.length > 0 ? <Highlighted text={hit.highlight.text} marks={hit.highlight.marks} /> : hit.preview}</span>
      </button>
    </li>
  );
}

type Message = { id: string; author: string; agentName?: string; text?: string; createdAt: number; kind?: string; visibility?: string };

function Transcript({ siteKey, data }: { siteKey: string; data: HistoryConversation }) {
  const c = data.conversation as { id: string; visitor?: { name?: string; email?: string }; queue: string; category?: string; status: string; routing?: { by: string; reason: string }; rating?: Record<string, unknown>; transfer?: { fromQueue: string; note: string; byAgentName: string } };
  const messages = data.messages as unknown as Message[];
  const visitorName = c.visitor?.name ?? c.visitor?.email ?? 'Visitor';
  return (
    <section class="history-transcript" aria-labelledby="history-transcript-heading">
      <div class="pane-head">
        <div>
          <h2 id="history-transcript-heading">Conversation with {visitorName}</h2>
          <p class="routing">
            {c.queue}
            {c.category ? ` · ${c.category}` : ''} · {c.status}
            {c.routing ? ` · routed by ${c.routing.by}: ${c.routing.reason}` : ''}
          </p>
          {c.transfer ? <p class="routing transfer">Transferred from {c.transfer.fromQueue} by {c.transfer.byAgentName}: {c.transfer.note}</p> : null}
          {c.rating ? (
            <p class="routing">
              Survey:{' '}
              {Object.entries(c.rating)
                .filter(([k]) => k !== 'at')
                .map(([k, v]) => `${k.toUpperCase()} ${String(v)}`)
                .join(', ')}
            </p>
          ) : null}
        </div>
        <a class="secondary" href={historyApi.transcriptUrl(siteKey, c.id)} download={`conversation-${c.id}.txt`}>
          Download transcript
        </a>
      </div>
      <div class="log" role="log" aria-label="Transcript (read-only)">
        {messages.map((m) => {
          const internal = (m.kind !== undefined && m.kind !== 'message') || m.visibility === 'internal';
          return (
            <div key={m.id} class={`msg ${m.author}${internal ? ' note' : ''}`}>
              <span class="who">
                {m.author === 'visitor' ? visitorName : (m.agentName ?? 'Agent')}
                {internal ? ' · internal note' : ''}
              </span>
              <span class="text">{m.text ?? ''}</span>
              <time dateTime={new Date(m.createdAt).toISOString()}>{when(m.createdAt)}</time>
            </div>
          );
        })}
      </div>
    </section>
  );
}

export function HistoryScreen({ agent, hash }: { agent: AgentView; hash: string }) {
  const applied = parseHistoryHash(hash);
  const [draft, setDraft] = useState<HistoryFilters>(applied);
  const [hits, setHits] = useState<HistoryHit[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<HistoryConversation | null>(null);

  const fail = (e: unknown) => setError((e as { error?: WireError }).error?.message ?? 'History could not be read; try again.');

  useEffect(() => {
    setDraft(applied);
    setError(null);
    setHits(null);
    historyApi.search(agent.siteKey, applied).then((page) => {
      setHits(page.conversations);
      setNext(page.next);
    }, fail);
  }, [hash]);

  const set = (key: keyof HistoryFilters) => (e: Event) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value || undefined });
  const submit = (e: Event) => {
    e.preventDefault();
    const href = historyHref(draft);
    // The same filters again: search again all the same (new conversations may have ended).
    if (href === location.hash) historyApi.search(agent.siteKey, draft).then((p) => (setHits(p.conversations), setNext(p.next)), fail);
    else location.hash = href;
  };
  const more = () =>
    next &&
    historyApi.search(agent.siteKey, applied, next).then((page) => {
      setHits([...(hits ?? []), ...page.conversations]);
      setNext(page.next);
    }, fail);
  const open = (id: string) => historyApi.conversation(agent.siteKey, id).then(setOpened, fail);

  const scoped = applied.visitor || applied.email;
  return (
    <div class="history">
      <form class="history-filters" role="search" onSubmit={submit}>
        <label class="history-q">
          <span class="sr-only">Search conversations</span>
          <input type="search" name="q" placeholder={'Words, "a phrase", -without'} value={draft.q ?? ''} onInput={set('q')} maxLength={200} />
        </label>
        <label>
          From <input type="date" value={draft.from ?? ''} onInput={set('from')} />
        </label>
        <label>
          To <input type="date" value={draft.to ?? ''} onInput={set('to')} />
        </label>
        <label>
          Queue
          <select value={draft.queue ?? ''} onChange={set('queue')}>
            <option value="">Any</option>
            <option value="service">Service</option>
            <option value="support">Support</option>
          </select>
        </label>
        <label>
          Category <input type="text" value={draft.category ?? ''} onInput={set('category')} size={10} maxLength={40} />
        </label>
        <label>
          Agent
          <select value={draft.agent ?? ''} onChange={set('agent')}>
            <option value="">Anyone</option>
            <option value={agent.id}>Me</option>
          </select>
        </label>
        <label>
          Status
          <select value={draft.status ?? ''} onChange={set('status')}>
            <option value="">Any</option>
            <option value="resolved">Resolved</option>
            <option value="abandoned">Abandoned</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {scoped ? (
        <p class="history-scope">
          Previous conversations of {applied.email ?? 'this visitor'} · <a href={historyHref({ ...applied, visitor: undefined, email: undefined })}>show everyone's</a>
        </p>
      ) : null}
      {error ? (
        <p class="error history-error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="history-body">
        <section class="history-results" aria-label="Results">
          {hits === null ? (
            error ? null : <p class="muted">Searching…</p>
          ) : hits.length === 0 ? (
            <p class="empty">No conversation matches.</p>
          ) : (
            <ul>
              {hits.map((hit) => (
                <Result key={hit.id} hit={hit} current={opened?.conversation.id === hit.id} open={() => void open(hit.id)} />
              ))}
            </ul>
          )}
          {next ? (
            <button type="button" class="secondary" onClick={() => void more()}>
              More results
            </button>
          ) : null}
        </section>
        {opened ? <Transcript siteKey={agent.siteKey} data={opened} /> : <p class="placeholder">Open a conversation to read it.</p>}
      </div>
    </div>
  );
}
