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
