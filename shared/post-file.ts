/**
 * Sends a file's bytes to the attachment route with upload progress (fetch() reports none, so
 * XMLHttpRequest), for the widget's upload module and the console alike. Browser-only.
 */
export interface PostedFile {
  /** 0 when no answer came (no connection). */
  status: number;
  /** The answer's JSON, or null when it was none. */
  body: { message?: unknown; error?: { code: string } } | null;
}

/** @param onProgress 0–1, as the bytes leave */
export function postFile(url: string, headers: Record<string, string>, file: Blob, onProgress: (done: number) => void): Promise<PostedFile> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: PostedFile['body'] = null;
      try {
        body = JSON.parse(xhr.responseText) as PostedFile['body'];
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ status: 0, body: null });
    xhr.send(file);
  });
}

/** A pasted screenshot often has no name: one with the time, and the ending its type needs. */
export function screenshotName(type: string, now = new Date()): string {
  return `screenshot-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.${type === 'image/jpeg' ? 'jpg' : (type.split('/')[1] ?? 'png')}`;
}
