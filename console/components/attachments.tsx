/**
 * Files in the console: an attachment as a thumbnail (images; click opens the full image) or a link
 * (everything else, which the server sends as a download), through a signed link the console asks
 * for each one; and sending files (paperclip, paste, drop) with their progress. Its own module, so
 * the conversation pane only places it.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { postFile, screenshotName } from '../../shared/post-file';
import type { Attachment, ConversationView } from '../../shared/protocol';
import type { FileLink } from '../../shared/schemas';

/** Links last an hour (FILE_LINK_TTL_SECONDS); one a little older than this is asked again on click. */
const LINK_FRESH_MS = 5 * 60_000;

async function askLink(conversation: Pick<ConversationView, 'siteKey' | 'id'>, fileId: string): Promise<FileLink> {
  const response = await fetch(`/api/v1/sites/${encodeURIComponent(conversation.siteKey)}/conversations/${encodeURIComponent(conversation.id)}/files/${encodeURIComponent(fileId)}/link`, {
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`link refused: ${response.status}`);
  return (await response.json()) as FileLink;
}

export function AttachmentView({ conversation, attachment: a }: { conversation: Pick<ConversationView, 'siteKey' | 'id'>; attachment: Attachment }) {
  const [link, setLink] = useState<FileLink | null>(null);
  useEffect(() => {
    let live = true;
    askLink(conversation, a.id)
      .then((fresh) => live && setLink(fresh))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [conversation.id, a.id]);
  const size = a.size >= 1024 * 1024 ? `${(a.size / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(a.size / 1024))} KB`;
  // A link near its end is renewed before it is followed.
  const open = async (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (!link || link.expiresAt - Date.now() > LINK_FRESH_MS) return;
    event.preventDefault();
    const fresh = await askLink(conversation, a.id);
    setLink(fresh);
    window.open(fresh.url, '_blank', 'noopener');
  };
  if (!link) return <span class="text file">{a.name}</span>;
  return a.type.startsWith('image/') ? (
    <a class="file thumb" href={link.url} target="_blank" rel="noopener noreferrer" onClick={open} title={`${a.name} (${size})`}>
      <img src={link.url} alt={a.name} width={a.width} height={a.height} />
    </a>
  ) : (
    <a class="file" href={link.url} target="_blank" rel="noopener noreferrer" onClick={open}>
      {a.name} <span class="file-size">({size})</span>
    </a>
  );
}

interface Upload {
  id: string;
  name: string;
  done: number;
}

/** What refused files say, by the server's code. */
const REFUSALS: Record<string, string> = {
  FILE_TOO_LARGE: 'is larger than this site allows',
  FILE_TYPE_NOT_ALLOWED: 'is not an image, PDF or text file',
  FILE_TYPE_MISMATCH: 'is not what its name says',
  FILE_EMPTY: 'is empty',
  FILES_DISABLED: 'cannot be sent: this site takes no files',
};

async function sendFile(conversation: Pick<ConversationView, 'siteKey' | 'id'>, file: File, id: string, onProgress: (done: number) => void): Promise<string | null> {
  const query = new URLSearchParams({ name: file.name || screenshotName(file.type), clientId: id });
  const url = `/api/v1/sites/${encodeURIComponent(conversation.siteKey)}/conversations/${encodeURIComponent(conversation.id)}/files?${query}`;
  const { status, body } = await postFile(url, {}, file, onProgress);
  if (status >= 200 && status < 300) return null;
  if (status === 0) return 'could not be sent: no connection';
  const code = body?.error?.code;
  return code ? (REFUSALS[code] ?? `was refused (${code})`) : 'could not be sent';
}

/**
 * Sending files into a conversation the agent holds: `control` is the paperclip with the uploads'
 * progress and refusals; `onPaste` and `onDrag` take pasted and dropped files. The message itself
 * arrives as any message does (`message:new`).
 */
export function useAttach(conversation: Pick<ConversationView, 'siteKey' | 'id'>) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const attach = (file: File) => {
    const id = crypto.randomUUID();
    const set = (done: number | null) => setUploads((list) => [...list.filter((u) => u.id !== id), ...(done === null ? [] : [{ id, name: file.name, done }])]);
    set(0);
    void sendFile(conversation, file, id, set).then((refusal) => {
      set(null);
      if (refusal) setRefusals((list) => [...list, `${file.name || 'The pasted image'} ${refusal}.`]);
    });
  };
  const filesOf = (list: FileList | null | undefined) => [...(list ?? [])];
  return {
    onPaste(event: ClipboardEvent) {
      const files = filesOf(event.clipboardData?.files);
      if (files.length === 0) return;
      event.preventDefault();
      files.forEach(attach);
    },
    onDrag(event: DragEvent) {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      if (event.type === 'drop') filesOf(event.dataTransfer.files).forEach(attach);
    },
    control: (
      <div class="attach">
        <label class="attach-button" title="Attach a file (or paste an image, or drop files here)">
          <input
            type="file"
            multiple
            aria-label="Attach a file"
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,.txt,.log,.csv,.json"
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              filesOf(input.files).forEach(attach);
              input.value = '';
            }}
          />
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l7.2-7.2" />
          </svg>
        </label>
        {uploads.map((u) => (
          <span key={u.id} class="upload" role="status">
            {u.name || 'image'} <progress max={1} value={u.done} aria-label={`Sending ${u.name || 'image'}`} />
          </span>
        ))}
        {refusals.map((r, i) => (
          <p key={i} role="alert" class="upload-refused">
            {r}
            <button type="button" class="link" aria-label="Dismiss" onClick={() => setRefusals((list) => list.filter((_, j) => j !== i))}>
              ×
            </button>
          </p>
        ))}
      </div>
    ),
  };
}
