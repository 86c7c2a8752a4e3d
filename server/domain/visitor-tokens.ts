/**
 * A visitor's identity is a token the server signs: `<visitorId>.<HMAC-SHA256(siteKey:visitorId)>`.
 * Nothing about the visitor is stored to check it, and a token made for one site is refused by another.
 * The secret can be rotated without logging visitors out: tokens signed with a previous secret are
 * still accepted, and the server hands back one signed with the current secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SiteKey, VisitorId } from '../../shared/ids';
import { randomId } from './random-id';

export interface VisitorTokens {
  /** A new visitor and its token. */
  issue(siteKey: SiteKey): { visitorId: VisitorId; token: string };
  /** The visitor id inside a genuine token for this site (current or previous secret), or null for anything else. */
  verify(token: string, siteKey: SiteKey): VisitorId | null;
  /** The token of a visitor signed with the current secret. */
  tokenFor(siteKey: SiteKey, visitorId: VisitorId): string;
}

/**
 * @param secret signs new tokens
 * @param previousSecrets still verify tokens, so a rotation logs nobody out
 */
export function createVisitorTokens(secret: string, previousSecrets: readonly string[] = []): VisitorTokens {
  const sign = (key: string, siteKey: SiteKey, visitorId: VisitorId) =>
    createHmac('sha256', key).update(`${siteKey}:${visitorId}`).digest('base64url');
  const tokenFor = (siteKey: SiteKey, visitorId: VisitorId) => `${visitorId}.${sign(secret, siteKey, visitorId)}`;
  const keys = [secret, ...previousSecrets];

  return {
    issue(siteKey) {
      const visitorId = randomId('v');
      return { visitorId, token: tokenFor(siteKey, visitorId) };
    },
    tokenFor,
    verify(token, siteKey) {
      const dot = token.lastIndexOf('.');
      if (dot <= 0) return null;
      const visitorId = token.slice(0, dot);
      // The signature is compared as issued text, not decoded: decoding ignores the last character's
      // unused bits, so several strings would decode to one signature and pass.
      const given = Buffer.from(token.slice(dot + 1));
      const genuine = keys.some((key) => {
        const expected = Buffer.from(sign(key, siteKey, visitorId));
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      return genuine ? visitorId : null;
    },
  };
}
