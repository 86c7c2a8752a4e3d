/** The transcript a visitor downloads at the end of a chat: plain text, made in the browser, times in the visitor's own zone. */
// The text itself is the shared renderer's, the same as the email's and the agents' download.
export { transcriptText, type TranscriptLabels } from '../../shared/transcript-text';

/** Offers `text` as a file download, without leaving the page. */
export function downloadText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  // Inside our shadow root: the page never sees the link.
  (document.querySelector('#switchboard-widget')?.shadowRoot ?? document.body).append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
