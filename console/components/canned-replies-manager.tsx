/**
 * Canned replies of the site, for leads and admins: add, change the text or shortcut, remove.
 * Self-contained (its own REST calls, `console/api.ts`) so a Settings area can take it as it is.
 */
import { useEffect, useState } from 'preact/hooks';
import { CANNED_PLACEHOLDERS } from '../../shared/canned-text';
import type { CannedReply } from '../../shared/schemas';
import { api } from '../api';

export function CannedRepliesManager({ siteKey, onChanged }: { siteKey: string; onChanged?(replies: CannedReply[]): void }) {
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [editing, setEditing] = useState<CannedReply | null>(null);
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reload = async () => {
    const list = await api.cannedReplies(siteKey);
    setReplies(list.replies);
    onChanged?.(list.replies);
  };
  useEffect(() => {
    void reload().catch((e: Error) => setError(e.message));
  }, [siteKey]);
  const edit = (reply: CannedReply | null) => {
    setEditing(reply);
    setShortcut(reply?.shortcut ?? '');
    setText(reply?.text ?? '');
    setError(null);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      if (editing) await api.changeCannedReply(siteKey, editing.id, { shortcut, text });
      else await api.addCannedReply(siteKey, { shortcut, text });
      edit(null);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section class="canned-manager" aria-labelledby="canned-heading">
      <h2 id="canned-heading">Canned replies</h2>
      {replies === null ? (
        <p class="muted">Loading…</p>
      ) : replies.length === 0 ? (
        <p class="empty">None yet: agents type / and a shortcut to insert one.</p>
      ) : (
        <ul class="canned-list">
          {replies.map((r) => (
            <li key={r.id}>
              <strong>/{r.shortcut}</strong> <span>{r.text}</span>
              <button type="button" class="secondary" aria-label={`Edit /${r.shortcut}`} onClick={() => edit(r)}>
                Edit
              </button>
              <button
                type="button"
                class="secondary"
                aria-label={`Remove /${r.shortcut}`}
                onClick={() => void api.removeCannedReply(siteKey, r.id).then(reload, (e: Error) => setError(e.message))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="canned-form" onSubmit={(e) => void save(e)}>
        <label>
          Shortcut
          <input type="text" required maxLength={32} pattern="[a-z0-9][a-z0-9_\-]*" value={shortcut} onInput={(e) => setShortcut((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Text
          <textarea required rows={2} maxLength={2000} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </label>
        <p class="muted">Placeholders: {CANNED_PLACEHOLDERS.join(' ')}</p>
        <button type="submit">{editing ? 'Save canned reply' : 'Add canned reply'}</button>
        {editing && (
          <button type="button" class="secondary" onClick={() => edit(null)}>
            Cancel
          </button>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
