/**
 * A bare Engine.IO v4 long-polling client over fetch, for sending what no Socket.IO client would:
 * bytes that are not UTF-8, several packets in one request, binary bodies. See
 * https://socket.io/docs/v4/engine-io-protocol/ for the framing.
 */

/** Separates packets in one HTTP long-polling payload. */
export const RECORD_SEPARATOR = '\x1e';

export interface PollingSession {
  sid: string;
  /** POSTs a payload as is; resolves with the HTTP status. */
  post(body: string | Uint8Array, contentType?: string): Promise<number>;
  /** GETs what the server has queued, split into packets; waits (long poll) until there is some. */
  poll(timeoutMs?: number): Promise<{ status: number; packets: string[] }>;
  /** Sends Engine.IO's close packet, ending the session and its namespaces. */
  close(): Promise<void>;
}

export async function openPolling(url: string, headers: Record<string, string> = {}): Promise<PollingSession> {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const opened = await fetch(base, { headers });
  const text = await opened.text();
  if (opened.status !== 200 || !text.startsWith('0')) throw new Error(`polling handshake failed: ${opened.status} ${text}`);
  const { sid } = JSON.parse(text.slice(1)) as { sid: string };
  const at = `${base}&sid=${encodeURIComponent(sid)}`;
  return {
    sid,
    async post(body, contentType = 'text/plain;charset=UTF-8') {
      const response = await fetch(at, {
        method: 'POST',
        headers: { ...headers, 'content-type': contentType },
        body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
      });
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      await fetch(at, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' }, body: '1' }).then((r) => r.arrayBuffer());
    },
    async poll(timeoutMs = 5_000) {
      const response = await fetch(at, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.text();
      return { status: response.status, packets: response.status === 200 ? body.split(RECORD_SEPARATOR) : [] };
    },
  };
}
