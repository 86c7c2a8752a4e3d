/**
 * Per-site API tokens for machines (wallboards, external dashboards): `<siteKey>.<secret>`, shown
 * once when made; only the SHA-256 of the whole token is kept, so a copy of the database opens nothing.
 * A token is named in lists and revocations by `id`, the first 16 hex digits of that hash: not a
 * secret (it opens nothing and cannot be turned back into the token).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import type { ApiTokenView } from '../../shared/schemas';
import type { Store } from '../store/store';
import type { AuditLog } from './audit';
import type { DomainEvents } from './events';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** A token's public name. */
export const apiTokenIdOf = (hash: string) => hash.slice(0, 16);

export type ApiTokens = ReturnType<typeof createApiTokens>;

export function createApiTokens({ store, audit, events, now = Date.now }: { store: Store; audit: AuditLog; events: DomainEvents; now?: () => number }) {
  return {
    /** @returns the token, which is never shown again, with its id */
    async create(siteKey: SiteKey, name: string, actor: string) {
      if (!(await store.getSite(siteKey))) throw createError('SITE_NOT_FOUND', { siteKey });
      // 32 random bytes: as strong as the session tokens.
      const token = `${siteKey}.${randomBytes(32).toString('base64url')}`;
      const record = { hash: hashOf(token), name, createdAt: now() };
      await store.addApiToken(siteKey, record);
      const id = apiTokenIdOf(record.hash);
      await audit.record(siteKey, actor, 'api-token.create', id, { name });
      return { id, token, name, createdAt: record.createdAt };
    },

    /** The site's tokens, oldest first: never the secrets. */
    async list(siteKey: SiteKey): Promise<ApiTokenView[]> {
      return (await store.listApiTokens(siteKey)).map(({ hash, name, createdAt, lastUsedAt }) => ({ id: apiTokenIdOf(hash), name, createdAt, lastUsedAt }));
    },

    /**
     * Revokes a token: it opens nothing from now on, and the feeds open with it close (api-token.revoked).
     * @throws API_TOKEN_NOT_FOUND
     */
    async revoke(siteKey: SiteKey, id: string, actor: string): Promise<void> {
      const token = (await store.listApiTokens(siteKey)).find((t) => apiTokenIdOf(t.hash) === id);
      if (!token || !(await store.removeApiToken(siteKey, token.hash))) throw createError('API_TOKEN_NOT_FOUND', { id });
      await audit.record(siteKey, actor, 'api-token.revoke', id, { name: token.name });
      await events.emit('api-token.revoked', siteKey, { tokenId: id });
    },

    /** The site a token opens, and the token's id; API_TOKEN_INVALID when it opens none. Notes the use. */
    async verify(token: string | undefined): Promise<{ siteKey: SiteKey; tokenId: string }> {
      const siteKey = token?.split('.')[0];
      if (!token || !siteKey || !/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{20,100}$/.test(token)) throw createError('API_TOKEN_INVALID');
      const hash = hashOf(token);
      if (!(await store.findApiToken(siteKey, hash))) throw createError('API_TOKEN_INVALID');
      await store.touchApiToken(siteKey, hash, now());
      return { siteKey, tokenId: apiTokenIdOf(hash) };
    },
  };
}
