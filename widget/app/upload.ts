/**
 * Sending a file: its own small module, built apart and fetched on the visitor's first attach, paste
 * or drop (attach.ts), so the chat app carries none of it. One XHR per file: fetch() reports no
 * upload progress. The server reads the type from the content; the checks here only spare the
 * visitor a wait for what it would refuse anyway.
 */
import type { MessageView } from '../../shared/protocol';

export interface UploadRequest {
  serverUrl: string;
  siteKey: string;
  token: string;
  conversationId: string;
  file: File;
  clientId: string;
  maxBytes: number;
  /** 0–1, as the bytes leave. */
  onProgress(done: number): void;
}

export type UploadResult = { ok: true; message: MessageView } | { ok: false; code: string };

const ENDINGS = /\.(png|jpe?g|gif|webp|pdf|txt|log|csv|json)$/i;
const PASTED_ENDING: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** A pasted screenshot often has no name, or the browser's "image.png": it gets one with the time. */
export function fileName(file: File, now = new Date()): string {
  const ending = PASTED_ENDING[file.type];
  if (file.name && (ENDINGS.test(file.name) || !ending)) return file.name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').slice(-200);
  return `screenshot-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.${ending}`;
}

export function sendFile(request: UploadRequest): Promise<UploadResult> {
  const name = fileName(request.file);
  if (request.file.size > request.maxBytes) return Promise.resolve({ ok: false, code: 'FILE_TOO_LARGE' });
  if (!ENDINGS.test(name)) return Promise.resolve({ ok: false, code: 'FILE_TYPE_NOT_ALLOWED' });
  const query = new URLSearchParams({ name, clientId: request.clientId });
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${request.serverUrl}/api/v1/sites/${encodeURIComponent(request.siteKey)}/conversations/${encodeURIComponent(request.conversationId)}/files?${query}`);
    xhr.setRequestHeader('authorization', `Bearer ${request.token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && request.onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as { message?: MessageView; error?: { code: string } };
        resolve(body.message ? { ok: true, message: body.message } : { ok: false, code: body.error?.code ?? 'INTERNAL' });
      } catch {
        resolve({ ok: false, code: 'INTERNAL' });
      }
    };
    xhr.onerror = () => resolve({ ok: false, code: 'INTERNAL' });
    xhr.send(request.file);
  });
}
