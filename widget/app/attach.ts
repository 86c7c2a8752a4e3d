/** The chat app's side of attachments: where the upload module is (it is fetched on first use). */
import type { sendFile } from './upload';

/** Filled in by scripts/build.ts: the upload module's content-hashed file name, beside the app's. */
declare const UPLOAD_FILE: string;

let loading: Promise<{ sendFile: typeof sendFile }> | undefined;

export function loadUploader(): Promise<{ sendFile: typeof sendFile }> {
  loading ??= import(/* @vite-ignore */ new URL(UPLOAD_FILE, import.meta.url).href);
  // A failed fetch is tried again on the next file.
  loading.catch(() => (loading = undefined));
  return loading;
}
