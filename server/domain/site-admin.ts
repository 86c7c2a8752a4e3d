/**
 * Sites as their admins manage them: list, create, rename, allowed origins, the snippet, the identity
 * secret (shown once, rotated on demand). REST and the CLI both come here, so a site is checked
 * against the same schemas (NewSiteSchema, SitePatchSchema) whoever asks.
 *
 * Who administers a site: its own agents with the `admin` role, and the admin who created it
 * through the API (the site is added to that account's `administers`). The CLI's operator
 * administers every site. So a hosting company's staff admin creates customers' sites, and each
 * customer's own admin accounts are agents of their site.
 */
import { randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import { MAX_ADMINISTERED_SITES } from '../../shared/limits';
import { NewSiteSchema, SitePatchSchema, type AgentView, type NewSite, type SiteCreated, type SitePatch, type SiteView } from '../../shared/schemas';
import type { Site, Store } from '../store/store';
import type { AuditLog } from './audit';
import { addSite, parseOrigin } from './sites';
import { compilePayloadCheck } from './validate';

const checkNewSite = compilePayloadCheck(NewSiteSchema);
const checkSitePatch = compilePayloadCheck(SitePatchSchema);

/** Origins as browsers send them, each once, in the order given. */
const normalOrigins = (origins: string[]) => [...new Set(origins.map((origin) => parseOrigin(origin)!))];

/** The script tag a site's pages carry (README, "Add the widget"). */
export function snippetFor(publicUrl: string, siteKey: SiteKey): string {
  return `<script src="${publicUrl.replace(/\/$/, '')}/widget.js" data-site="${siteKey}" async></script>`;
}

/** The sites an agent may administer: their own when they are its admin, and those they created. */
export function sitesAdministeredBy(agent: Pick<AgentView, 'siteKey' | 'role' | 'administers'>): SiteKey[] {
  return [...new Set([...(agent.role === 'admin' ? [agent.siteKey] : []), ...(agent.administers ?? [])])];
}

export type SiteAdmin = ReturnType<typeof createSiteAdmin>;

export function createSiteAdmin({ store, audit, publicUrl, now = Date.now }: { store: Store; audit: AuditLog; publicUrl: string; now?: () => number }) {
  const toView = (site: Site): SiteView => ({
    key: site.key,
    name: site.name,
    origins: site.origins,
    createdAt: site.createdAt,
    snippet: snippetFor(publicUrl, site.key),
  });
  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  return {
    /** Every site there is, oldest first (the CLI's operator). */
    async listAll(): Promise<SiteView[]> {
      const sites = await Promise.all((await store.listSiteKeys()).map((key) => store.getSite(key)));
      return sites.filter((site) => site !== null).sort((a, b) => a.createdAt - b.createdAt).map(toView);
    },

    /** The sites the agent administers, oldest first. */
    async listFor(agent: AgentView): Promise<SiteView[]> {
      const sites = await Promise.all(sitesAdministeredBy(agent).map((key) => store.getSite(key)));
      return sites.filter((site) => site !== null).sort((a, b) => a.createdAt - b.createdAt).map(toView);
    },

    async get(siteKey: SiteKey): Promise<SiteView> {
      return toView(await requireSite(siteKey));
    },

    /**
     * Makes a site; `owner` (an admin, through the API) administers it from now on. The identity
     * secret is in this answer only.
     * @throws PAYLOAD_INVALID (a name or origin the schema refuses); SITE_LIMIT
     */
    async create(input: NewSite, actor: string, owner?: AgentView): Promise<SiteCreated> {
      const { name, origins } = checkNewSite(input);
      if (owner && (owner.administers?.length ?? 0) >= MAX_ADMINISTERED_SITES) throw createError('SITE_LIMIT', { max: MAX_ADMINISTERED_SITES });
      const site = await addSite(store, { name: name.trim() || name, origins: normalOrigins(origins), now: now() });
      if (owner) await store.updateAgent(owner.siteKey, owner.id, { administers: [...(owner.administers ?? []), site.key] });
      await audit.record(site.key, actor, 'site.add', site.key, { name: site.name, origins: site.origins });
      return { ...toView(site), identitySecret: site.identitySecret };
    },

    /**
     * Renames the site or replaces its allowed origins. A page on an origin taken off the list
     * connects no more (its open sockets stay until they reconnect).
     * @throws PAYLOAD_INVALID; SITE_NOT_FOUND
     */
    async update(siteKey: SiteKey, patch: SitePatch, actor: string): Promise<SiteView> {
      const checked = checkSitePatch(patch);
      const changes = {
        ...(checked.name !== undefined ? { name: checked.name.trim() || checked.name } : {}),
        ...(checked.origins !== undefined ? { origins: normalOrigins(checked.origins) } : {}),
      };
      const site = await store.updateSite(siteKey, changes);
      if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
      await audit.record(siteKey, actor, 'site.update', siteKey, changes);
      return toView(site);
    },

    /**
     * A new identity secret: identities signed with the old one are refused from now on. Shown in
     * this answer only. @throws SITE_NOT_FOUND
     */
    async rotateIdentitySecret(siteKey: SiteKey, actor: string): Promise<{ identitySecret: string }> {
      const identitySecret = randomBytes(32).toString('base64url');
      if (!(await store.updateSite(siteKey, { identitySecret }))) throw createError('SITE_NOT_FOUND', { siteKey });
      await audit.record(siteKey, actor, 'site.identity-secret.rotate', siteKey);
      return { identitySecret };
    },
  };
}
