/**
 * A site owner's webhook endpoint on 127.0.0.1 (node:http, port 0): keeps every request with its
 * raw body, and answers what the test says (200 by default).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received: what the signature covers. */
  body: string;
  /** The body parsed. */
  payload: { id: string; type: string; siteKey: string; createdAt: string; data: Record<string, unknown> };
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Accepted deliveries (2xx answers), in the order they arrived. */
  accepted(): ReceivedWebhook[];
  /** Decides the answer to each request (the default answers 200). */
  answer: (request: Omit<ReceivedWebhook, 'status'>, index: number) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    accepted: () => receiver.received.filter((r) => r.status >= 200 && r.status < 300),
    answer: () => 200,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seen = { headers: request.headers, body, payload: JSON.parse(body) as ReceivedWebhook['payload'] };
      const status = receiver.answer(seen, receiver.received.length);
      receiver.received.push({ ...seen, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
