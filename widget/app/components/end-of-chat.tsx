/** The resolved state's actions: download the transcript, have it emailed, start again. */
import { useState } from 'preact/hooks';

export interface EndOfChatProps {
  labels: { download: string; email: string; emailField: string; emailSend: string; emailSent: string; newConversation: string };
  /** The email the visitor gave before (identify, a left message), prefilled. */
  knownEmail?: string | undefined;
  onDownload(): void;
  /** Resolves with null once queued, or the reason it was not (the server's catalogued message). */
  onEmail(email: string): Promise<string | null>;
  onNew(): void;
}

export function EndOfChat({ labels, knownEmail, onDownload, onEmail, onNew }: EndOfChatProps) {
  const [asking, setAsking] = useState(false);
  const [email, setEmail] = useState(knownEmail ?? '');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="sb-finish">
      <div class="sb-finish-actions">
        <button type="button" class="sb-secondary" onClick={onDownload}>
          {labels.download}
        </button>
        <button type="button" class="sb-secondary" aria-expanded={asking} onClick={() => setAsking(!asking)}>
          {labels.email}
        </button>
      </div>
      {asking && (
        <form
          class="sb-finish-email"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void onEmail(email.trim()).then((problem) => {
              setBusy(false);
              setOutcome(problem === null ? { ok: true, text: labels.emailSent } : { ok: false, text: problem });
            });
          }}
        >
          <label>
            {labels.emailField}
            <input required type="email" maxLength={254} autoComplete="email" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" disabled={busy}>
            {labels.emailSend}
          </button>
        </form>
      )}
      {outcome && (
        <p class={outcome.ok ? 'sb-finish-note' : 'sb-finish-note sb-finish-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      <button type="button" class="sb-new" onClick={onNew}>
        {labels.newConversation}
      </button>
    </div>
  );
}
