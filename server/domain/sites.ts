/** Sites: who may embed the widget, and from which origins. */
import { randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import type { SiteSettings } from '../../shared/schemas';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import type { Site, Store } from '../store/store';
import { randomId } from './random-id';

/**
 * An origin as browsers send it: scheme, host and port only (`https://shop.example`).
 * @returns the origin, or null when the value is not one
 */
export function parseOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    // A host name of letters, digits, dots and dashes, or an IP address: never a wildcard (`*.shop.example`), which URL lets through.
    if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return null;
    return url.origin === value.replace(/\/$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}

export function isOriginAllowed(site: Site, origin: string | undefined): boolean {
  return origin !== undefined && site.origins.includes(origin);
}

export async function addSite(
  store: Store,
  input: { name: string; origins: string[]; key?: SiteKey; settings?: Partial<SiteSettings>; now?: number },
): Promise<Site> {
  const origins = input.origins.map((origin) => {
    const parsed = parseOrigin(origin);
    if (!parsed) throw createError('PAYLOAD_INVALID', { origin }, `Not an origin: ${origin} (expected like https://shop.example)`);
    return parsed;
  });
  return store.createSite({
    key: input.key ?? randomId('site'),
    name: input.name,
    origins: [...new Set(origins)],
    settings: { ...DEFAULT_SITE_SETTINGS, ...input.settings },
    identitySecret: randomBytes(32).toString('base64url'),
    createdAt: input.now ?? Date.now(),
  });
}
