/**
 * Whether a browser request or WebSocket comes from the console's own pages: its Origin is the
 * public URL's origin, or has the same host the request was sent to (a server reached by another
 * name). No Origin (curl, other servers) is not a browser riding a cookie, so it passes.
 */
export function isFromConsole(origin: string | undefined, publicUrl: string, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (origin === new URL(publicUrl).origin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    // `null` (sandboxed frames, file pages) and other non-URLs are never the console.
    return false;
  }
}
