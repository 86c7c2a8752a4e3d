/**
 * The `Switchboard-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>" with the endpoint's secret>`, the scheme Stripe made familiar. The timestamp
 * is signed with the body, so a captured delivery cannot be replayed later with a new `t`.
 * `verifyWebhook` is what a receiver runs (docs/webhooks.md has a copy to paste).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Switchboard-Signature';

/** How far a delivery's `t` may be from the receiver's clock. @default 300 seconds, as Stripe's libraries use */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmacHex = (secret: string, timestampSeconds: number, body: string) =>
  createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');

/** @returns the header value, `t=…,v1=…` */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, body)}`;
}

/**
 * True when `header` signs exactly `body` (the raw bytes received, before any JSON parsing) with
 * `secret`, within `toleranceSeconds` of `nowSeconds`. Any `v1` of the header may match (room for
 * a secret rotation that signs twice).
 */
export function verifyWebhook(
  header: string | undefined,
  secret: string,
  body: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter(([name, value]) => name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value!, 'hex'), expected));
}
