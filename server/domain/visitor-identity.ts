/**
 * Identity verification for logged-in customers: the site's own server computes
 * `hex(HMAC-SHA256(identitySecret, userId))` and the page passes it to `Switchboard.identify`.
 * Compared in constant time; a missing or wrong hash leaves the identity shown as unverified.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VisitorIdentity } from '../../shared/protocol';
import type { VisitorIdentifyPayload } from '../../shared/schemas';

export function identityHash(identitySecret: string, userId: string): string {
  return createHmac('sha256', identitySecret).update(userId).digest('hex');
}

export function checkIdentity(identitySecret: string, payload: VisitorIdentifyPayload): VisitorIdentity {
  const expected = Buffer.from(identityHash(identitySecret, payload.userId), 'utf8');
  const given = Buffer.from((payload.hash ?? '').toLowerCase(), 'utf8');
  const verified = identitySecret !== '' && given.length === expected.length && timingSafeEqual(given, expected);
  return {
    userId: payload.userId,
    ...(payload.name ? { name: payload.name } : {}),
    ...(payload.email ? { email: payload.email } : {}),
    verified,
  };
}

/**
 * The identity to keep after a claim: a verified identity is never replaced by an unverified claim,
 * so a page script cannot turn a verified customer into someone else.
 */
export function identityAfterClaim(identitySecret: string, current: VisitorIdentity | null, payload: VisitorIdentifyPayload): VisitorIdentity {
  const claimed = checkIdentity(identitySecret, payload);
  return current?.verified && !claimed.verified ? current : claimed;
}

export function sameIdentity(a: VisitorIdentity | null | undefined, b: VisitorIdentity | null | undefined): boolean {
  return a?.userId === b?.userId && a?.name === b?.name && a?.email === b?.email && a?.verified === b?.verified;
}
