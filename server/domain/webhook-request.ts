/** One HTTP attempt at a webhook delivery: a POST that either gets an answer or an error, never hangs. */
import { readFileSync } from 'node:fs';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const WEBHOOK_USER_AGENT = `Switchboard-Webhooks/${VERSION}`;

/** The endpoint answered `status`, or did not answer at all (`error`). */
export type WebhookAttemptResult = { status: number; error?: undefined } | { status?: undefined; error: string };

export type PostWebhook = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<WebhookAttemptResult>;

export const postWebhook: PostWebhook = async (url, body, headers, timeoutMs) => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      // A redirect is an answer, not a success: following it would send signed data to a URL nobody registered.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not read, only released, so a huge or endless one costs nothing.
    await response.body?.cancel().catch(() => {});
    return { status: response.status };
  } catch (error) {
    const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
    if (name === 'TimeoutError') return { error: `no answer within ${timeoutMs} ms` };
    return { error: cause?.code ?? cause?.message ?? message };
  }
};
