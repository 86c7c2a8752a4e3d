/**
 * Signed links to attachments: `/files/<fileId>?s=<siteKey>&c=<conversationId>&a=<v|a>&exp=<ms>&sig=<HMAC>`.
 * The HMAC-SHA256 covers every part, so a link opens one file of one conversation, until it
 * expires; changing the file, the conversation or the expiry breaks it. Links are minted only for
 * those who may see the file (the conversation's visitor, the site's agents: `a` says which), are
 * never stored, and the file's storage address is derived from the verified parts alone.
 *
 * The key is derived from the session secret (with a label, so a link's signature can never be a
 * visitor token's); links signed with a previous secret still open during a rotation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { ConversationId, SiteKey } from '../../shared/ids';

export type LinkAudience = 'visitor' | 'agent';

export interface FileRef {
  siteKey: SiteKey;
  conversationId: ConversationId;
  fileId: string;
}

export interface SignedLinkQuery {
  s: string;
  c: string;
  a: 'v' | 'a';
  exp: string;
  sig: string;
}

export interface FileLinks {
  /** A link for this audience, valid for the configured time. */
  mint(ref: FileRef, audience: LinkAudience): { url: string; expiresAt: number };
  /** The file a link opens. @throws FILE_LINK_INVALID (forged, altered, another file), FILE_LINK_EXPIRED */
  verify(fileId: string, query: SignedLinkQuery): FileRef & { audience: LinkAudience; expiresAt: number };
}

const deriveKey = (secret: string) => createHmac('sha256', secret).update('switchboard:file-links:v1').digest();

export function createFileLinks({
  secret,
  previousSecrets = [],
  ttlMs,
  now = Date.now,
}: {
  secret: string;
  previousSecrets?: readonly string[];
  /** How long a link opens its file. */
  ttlMs: number;
  now?: () => number;
}): FileLinks {
  const keys = [secret, ...previousSecrets].map(deriveKey);
  const sign = (key: Buffer, a: string, ref: FileRef, exp: string) =>
    createHmac('sha256', key).update(`${a}\n${ref.siteKey}\n${ref.conversationId}\n${ref.fileId}\n${exp}`).digest('base64url');

  return {
    mint(ref, audience) {
      const a = audience === 'visitor' ? 'v' : 'a';
      const expiresAt = now() + ttlMs;
      const exp = String(expiresAt);
      const query = new URLSearchParams({ s: ref.siteKey, c: ref.conversationId, a, exp, sig: sign(keys[0]!, a, ref, exp) });
      return { url: `/files/${encodeURIComponent(ref.fileId)}?${query}`, expiresAt };
    },

    verify(fileId, query) {
      const ref = { siteKey: query.s, conversationId: query.c, fileId };
      const given = Buffer.from(query.sig);
      const genuine = keys.some((key) => {
        const expected = Buffer.from(sign(key, query.a, ref, query.exp));
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!genuine) throw createError('FILE_LINK_INVALID', { fileId });
      const expiresAt = Number(query.exp);
      if (!(expiresAt > now())) throw createError('FILE_LINK_EXPIRED', { fileId, expiredAt: expiresAt });
      return { ...ref, audience: query.a === 'v' ? 'visitor' : 'agent', expiresAt };
    },
  };
}
