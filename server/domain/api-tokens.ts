/**
 * Per-site API tokens for machines (wallboards, external dashboards): `<siteKey>.<secret>`, shown
 * once when made; only the SHA-256 of the whole token is kept, so a copy of the database opens nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import type { Store } from '../store/store';
import type { AuditLog } from './audit';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type ApiTokens = ReturnType<typeof createApiTokens>;

export function createApiTokens({ store, audit, now = Date.now }: { store: Store; audit: AuditLog; now?: () => number }) {
  return {
    /** @returns the token, which is never shown again */
    async create(siteKey: SiteKey, name: string, actor: string) {
      if (!(await store.getSite(siteKey))) throw createError('SITE_NOT_FOUND', { siteKey });
      // 32 random bytes: as strong as the session tokens.
      const token = `${siteKey}.${randomBytes(32).toString('base64url')}`;
      const record = { hash: hashOf(token), name, createdAt: now() };
      await store.addApiToken(siteKey, record);
      await audit.record(siteKey, actor, 'api-token.create', name, {});
      return { token, name, createdAt: record.createdAt };
    },

    /** The site a token opens; API_TOKEN_INVALID when it opens none. */
    async verify(token: string | undefined): Promise<SiteKey> {
      const siteKey = token?.split('.')[0];
      if (!token || !siteKey || !/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{20,100}$/.test(token)) throw createError('API_TOKEN_INVALID');
      if (!(await store.findApiToken(siteKey, hashOf(token)))) throw createError('API_TOKEN_INVALID');
      return siteKey;
    },
  };
}
