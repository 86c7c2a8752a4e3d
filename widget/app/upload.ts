/**
 * Sending a file: its own small module, built apart and fetched on the visitor's first attach, paste
 * or drop (attach.ts), so the chat app carries none of it. The server reads the type from the content; the checks here only spare the
 * visitor a wait for what it would refuse anyway.
 */
import type { MessageView } from '../../shared/protocol';
import { postFile, screenshotName } from '../../shared/post-file';

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

/** The file's own name, or one with the time for a pasted image that has none fitting ("image.png" fits). */
export function fileName(file: File, now = new Date()): string {
  if (file.name && (ENDINGS.test(file.name) || !file.type.startsWith('image/'))) return file.name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').slice(-200);
  return screenshotName(file.type, now);
}

export async function sendFile(request: UploadRequest): Promise<UploadResult> {
  const name = fileName(request.file);
  if (request.file.size > request.maxBytes) return { ok: false, code: 'FILE_TOO_LARGE' };
  if (!ENDINGS.test(name)) return { ok: false, code: 'FILE_TYPE_NOT_ALLOWED' };
  const query = new URLSearchParams({ name, clientId: request.clientId });
  const url = `${request.serverUrl}/api/v1/sites/${encodeURIComponent(request.siteKey)}/conversations/${encodeURIComponent(request.conversationId)}/files?${query}`;
  const { body } = await postFile(url, { authorization: `Bearer ${request.token}` }, request.file, request.onProgress);
  return body?.message ? { ok: true, message: body.message as MessageView } : { ok: false, code: body?.error?.code ?? 'INTERNAL' };
}
