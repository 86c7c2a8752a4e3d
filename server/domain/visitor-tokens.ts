/**
 * A visitor's identity is a token the server signs: `<visitorId>.<HMAC-SHA256(siteKey:visitorId)>`.
 * Nothing about the visitor is stored to check it, and a token made for one site is refused by another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SiteKey, VisitorId } from '../../shared/ids';
import { randomId } from './random-id';

export interface VisitorTokens {
  /** A new visitor and its token. */
  issue(siteKey: SiteKey): { visitorId: VisitorId; token: string };
  /** The visitor id inside a genuine token for this site, or null for anything else. */
  verify(token: string, siteKey: SiteKey): VisitorId | null;
}

export function createVisitorTokens(secret: string): VisitorTokens {
  const sign = (siteKey: SiteKey, visitorId: VisitorId) =>
    createHmac('sha256', secret).update(`${siteKey}:${visitorId}`).digest('base64url');

  return {
    issue(siteKey) {
      const visitorId = randomId('v');
      return { visitorId, token: `${visitorId}.${sign(siteKey, visitorId)}` };
    },
    verify(token, siteKey) {
      const dot = token.lastIndexOf('.');
      if (dot <= 0) return null;
      const visitorId = token.slice(0, dot);
      // The signature is compared as issued text, not decoded: decoding ignores the last character's
      // unused bits, so several strings would decode to one signature and pass.
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(sign(siteKey, visitorId));
      return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null;
    },
  };
}
