/**
 * The operators' CLI, against the Redis in REDIS_URL (and REDIS_PREFIX).
 *
 *   npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
 *   npm run admin -- site:list
 *   npm run admin -- site:update --site KEY [--name NAME] [--origin ORIGIN…]   (the origins given replace the list)
 *   npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME] [--role agent|lead|admin] [--capacity N]
 *   npm run admin -- routing:rules --site KEY
 *   npm run admin -- routing:rule:add --site KEY --phrase PHRASE --queue service|support
 *   npm run admin -- routing:rule:remove --site KEY --id RULE_ID
 *   npm run admin -- routing:settings --site KEY [--topic-question true|false] [--fallback service|support]
 *   npm run admin -- routing:export --site KEY [--out FILE.jsonl]
 *   npm run admin -- site:settings --site KEY [--retention-days N|none] [--store-ip true|false] [--assignment manual|auto] [--abandon-after SECONDS]
 *       [--business-hours JSON|none] [--verified-priority MINUTES] [--nps true|false]
 *       [--reopen-within MINUTES] [--max-file-bytes BYTES] [--service-categories 'Billing,Refund,…'] [--support-categories 'Bug,Setup,…']
 *       [--accent-color '#rrggbb'] [--position right|left] [--service-team NAME|none] [--support-team NAME|none] [--greeting TEXT|none] [--avatar-url https://…|none]
 *       [--agent-initials true|false] [--default-language en|fr|de|es|ar] [--strings JSON]   (the widget's look and words)
 *       [--prechat off|optional|required] [--prechat-fields name,email|none]   (the form before the first message)
 *   npm run admin -- agent:list --site KEY
 *   npm run admin -- agent:update --site KEY --id AGENT_ID [--name NAME] [--skills service,support] [--capacity N] [--role agent|lead|admin] [--password PASSWORD] [--disabled true|false]
 *   npm run admin -- visitor:export --site KEY --visitor VISITOR_ID [--out FILE.json]
 *   npm run admin -- visitor:delete --site KEY --visitor VISITOR_ID
 *   npm run admin -- retention:run [--site KEY]
 *   npm run admin -- audit --site KEY [--limit N]
 *   npm run admin -- site:token --site KEY [--name NAME]     (an API token for the wallboard feed, shown once)
 *   npm run admin -- token:list --site KEY
 *   npm run admin -- token:revoke --site KEY --id TOKEN_ID
 *   npm run admin -- kpi:migrate [--site KEY]   (KPI aggregates of an earlier version to the present layout; run once after upgrading every server)
 *   npm run admin -- webhook:add --site KEY --url URL [--events conversation.created,message.created]   (prints the signing secret, once)
 *   npm run admin -- webhook:list --site KEY
 *   npm run admin -- webhook:remove --site KEY --id WEBHOOK_ID
 *   npm run admin -- webhook:deliveries --site KEY --id WEBHOOK_ID
 *
 * Every change, export and deletion is recorded in the site's audit trail as done by `operator`.
 * Prints JSON (routing:export: JSON Lines training rows) on success; prints usage and exits 2 on a
 * wrong or missing argument (a setting the schema refuses is printed as its catalogued error, as
 * REST answers it), 1 when the store refuses (unknown site, email taken …).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadStoreConfig } from '../server/config';
import { createAgentAccounts } from '../server/domain/agents';
import { createDomainEvents } from '../server/domain/events';
import { createRateLimiter } from '../server/domain/rate-limiter';
import { createSiteRouting } from '../server/domain/routing/site-routing';
import { createAuditLog, OPERATOR } from '../server/domain/audit';
import { createPrivacy } from '../server/domain/privacy';
import type { Archive } from '../server/store/archive/archive';
import { createApiTokens } from '../server/domain/api-tokens';
import { createSiteAdmin } from '../server/domain/site-admin';
import { compilePayloadCheck } from '../server/domain/validate';
import { createWebhooks } from '../server/domain/webhooks';
import { createRedisStore, type RedisStore } from '../server/store/redis/redis-store';
import type { Store } from '../server/store/store';
import { createError, isSwitchboardError } from '../shared/errors';
import { NewRoutingRuleSchema, NewSiteSchema, SitePatchSchema, type SiteSettingsPatch } from '../shared/schemas';
import { parseAgentPatchFlags, parseNewAgentFlags } from './agent-flags';
import { parseSettingsFlags } from './settings-flags';
import { UsageError } from './usage-error';

const USAGE = `Usage (REDIS_URL must point at the Redis the server uses):
  npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
  npm run admin -- site:list
  npm run admin -- site:update --site KEY [--name NAME] [--origin ORIGIN…]
  npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME] [--role agent|lead|admin] [--capacity N]
  npm run admin -- routing:rules --site KEY
  npm run admin -- routing:rule:add --site KEY --phrase PHRASE --queue service|support
  npm run admin -- routing:rule:remove --site KEY --id RULE_ID
  npm run admin -- routing:settings --site KEY [--topic-question true|false] [--fallback service|support]
  npm run admin -- routing:export --site KEY [--out FILE.jsonl]
  npm run admin -- site:settings --site KEY [--retention-days N|none] [--store-ip true|false] [--assignment manual|auto] [--abandon-after SECONDS]
      [--business-hours '{"timeZone":"Europe/Paris","weekly":{"mon":["09:00-17:00"]}}'|none] [--verified-priority MINUTES] [--nps true|false]
      [--reopen-within MINUTES] [--max-file-bytes BYTES] [--service-categories 'Billing,Refund,…'] [--support-categories 'Bug,Setup,…']
      [--accent-color '#rrggbb'] [--position right|left] [--service-team NAME|none] [--support-team NAME|none] [--greeting TEXT|none] [--avatar-url https://…|none]
      [--agent-initials true|false] [--default-language en|fr|de|es|ar] [--strings '{"fr":{"title":"Une question ?"}}']
      [--prechat off|optional|required] [--prechat-fields name,email|none]
  npm run admin -- agent:list --site KEY
  npm run admin -- agent:update --site KEY --id AGENT_ID [--name NAME] [--skills service,support] [--capacity N] [--role agent|lead|admin] [--password PASSWORD] [--disabled true|false]
  npm run admin -- visitor:export --site KEY --visitor VISITOR_ID [--out FILE.json]
  npm run admin -- visitor:delete --site KEY --visitor VISITOR_ID
  npm run admin -- retention:run [--site KEY]
  npm run admin -- audit --site KEY [--limit N]
  npm run admin -- site:token --site KEY [--name NAME]
  npm run admin -- token:list --site KEY
  npm run admin -- token:revoke --site KEY --id TOKEN_ID
  npm run admin -- kpi:migrate [--site KEY]
  npm run admin -- webhook:add --site KEY --url URL [--events conversation.created,message.created,…]
  npm run admin -- webhook:list --site KEY
  npm run admin -- webhook:remove --site KEY --id WEBHOOK_ID
  npm run admin -- webhook:deliveries --site KEY --id WEBHOOK_ID`;

const OPTIONS = {
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  site: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  skills: { type: 'string' },
  role: { type: 'string' },
  phrase: { type: 'string' },
  queue: { type: 'string' },
  id: { type: 'string' },
  'topic-question': { type: 'string' },
  fallback: { type: 'string' },
  out: { type: 'string' },
  visitor: { type: 'string' },
  limit: { type: 'string' },
  'retention-days': { type: 'string' },
  assignment: { type: 'string' },
  'abandon-after': { type: 'string' },
  capacity: { type: 'string' },
  'business-hours': { type: 'string' },
  'verified-priority': { type: 'string' },
  nps: { type: 'string' },
  'reopen-within': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'service-categories': { type: 'string' },
  'support-categories': { type: 'string' },
  disabled: { type: 'string' },
  'store-ip': { type: 'string' },
  url: { type: 'string' },
  events: { type: 'string' },
  'accent-color': { type: 'string' },
  position: { type: 'string' },
  'service-team': { type: 'string' },
  'support-team': { type: 'string' },
  greeting: { type: 'string' },
  'avatar-url': { type: 'string' },
  'agent-initials': { type: 'string' },
  'default-language': { type: 'string' },
  strings: { type: 'string' },
  prechat: { type: 'string' },
  'prechat-fields': { type: 'string' },
} as const;

/** The domain services the CLI drives, acting as `operator` in the audit trail. */
function domainFor(store: Store, publicUrl = 'http://localhost:3000', archive: Archive | null = null) {
  const audit = createAuditLog(store);
  const events = createDomainEvents();
  return {
    audit,
    // No console runs in this process: the events of a CLI change have nobody to tell here (a
    // server's sweep gives a disabled agent's conversations back; their consoles end at their next event).
    accounts: createAgentAccounts({ store, limiter: createRateLimiter(store), events, audit, sessionTtlMs: 0 }),
    routing: createSiteRouting(store, audit),
    privacy: createPrivacy({ store, audit, archive }),
    apiTokens: createApiTokens({ store, audit, events }),
    webhooks: createWebhooks({ store, audit }),
    sites: createSiteAdmin({ store, audit, publicUrl }),
  };
}

function writeOrPrint(out: string | undefined, text: string, summary: Record<string, unknown>) {
  if (!out) {
    process.stdout.write(text);
    return undefined;
  }
  writeFileSync(out, text);
  return { file: out, ...summary };
}

// Checked as REST and the domain check it, so the CLI refuses a bad rule in the same words.
const checkNewRule = compilePayloadCheck(NewRoutingRuleSchema);
const checkNewSite = compilePayloadCheck(NewSiteSchema);
const checkSitePatch = compilePayloadCheck(SitePatchSchema);

type StoreConfig = ReturnType<typeof loadStoreConfig>;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function need(values: Values, key: keyof Values): string {
  const value = values[key];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new UsageError(`--${key} is required`);
  return Array.isArray(value) ? value[0]! : String(value);
}

/** Each command: check its arguments (throwing UsageError), then a function that runs it. */
/** `archive`: the PostgreSQL archive when DATABASE_URL is set (privacy commands cover it), else null. */
const COMMANDS: Record<string, (v: Values) => (store: RedisStore, config: StoreConfig, archive: Archive | null) => Promise<unknown>> = {
  'site:token': (v) => {
    const siteKey = need(v, 'site');
    const name = v.name ?? 'wallboard';
    // The token is shown once; only its hash is kept.
    return async (store) => domainFor(store).apiTokens.create(siteKey, name, OPERATOR);
  },
  'site:add': (v) => {
    const name = need(v, 'name');
    if (!v.origin?.length) throw new UsageError('--origin is required');
    // The same schema as REST (NewSiteSchema): a bad origin is refused before the store is opened.
    const input = checkNewSite({ name, origins: v.origin });
    // The identity secret is shown once, for the site's own server to sign Switchboard.identify calls.
    return (store, config) => domainFor(store, config.publicUrl).sites.create(input, OPERATOR);
  },
  'site:list': () => (store, config) => domainFor(store, config.publicUrl).sites.listAll(),
  'site:update': (v) => {
    const site = need(v, 'site');
    const patch = checkSitePatch({ ...(v.name !== undefined ? { name: v.name } : {}), ...(v.origin?.length ? { origins: v.origin } : {}) });
    return (store, config) => domainFor(store, config.publicUrl).sites.update(site, patch, OPERATOR);
  },
  'agent:list': (v) => {
    const site = need(v, 'site');
    return async (store) => {
      if (!(await store.getSite(site))) throw createError('SITE_NOT_FOUND', { siteKey: site });
      return domainFor(store).accounts.listAgents(site);
    };
  },
  'token:list': (v) => {
    const site = need(v, 'site');
    return async (store) => {
      if (!(await store.getSite(site))) throw createError('SITE_NOT_FOUND', { siteKey: site });
      return domainFor(store).apiTokens.list(site);
    };
  },
  'token:revoke': (v) => {
    const site = need(v, 'site');
    const id = need(v, 'id');
    return async (store) => {
      // A running server closes the token's open feeds within seconds (it checks the token again).
      await domainFor(store).apiTokens.revoke(site, id, OPERATOR);
      return { revoked: id };
    };
  },
  'agent:add': (v) => {
    const input = parseNewAgentFlags({
      site: need(v, 'site'),
      email: need(v, 'email'),
      password: need(v, 'password'),
      skills: need(v, 'skills'),
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.role !== undefined ? { role: v.role } : {}),
      ...(v.capacity !== undefined ? { capacity: v.capacity } : {}),
    });
    return async (store) => {
      const { accounts, audit } = domainFor(store);
      const agent = await accounts.addAgent(input);
      await audit.record(agent.siteKey, OPERATOR, 'agent.add', agent.id, { email: agent.email, skills: agent.skills, role: agent.role });
      return agent;
    };
  },
  'routing:rules': (v) => {
    const site = need(v, 'site');
    return (store) => domainFor(store).routing.describe(site);
  },
  'routing:rule:add': (v) => {
    const site = need(v, 'site');
    const rule = checkNewRule({ phrase: need(v, 'phrase'), queue: need(v, 'queue') });
    return (store) => domainFor(store).routing.addRule(site, rule, OPERATOR);
  },
  'routing:rule:remove': (v) => {
    const site = need(v, 'site');
    const id = need(v, 'id');
    return async (store) => {
      await domainFor(store).routing.removeRule(site, id, OPERATOR);
      return { removed: id };
    };
  },
  'routing:settings': (v) => {
    const site = need(v, 'site');
    // Neither flag touches the widget, so no team name needs merging.
    const { changes } = parseSettingsFlags({ 'topic-question': v['topic-question'], fallback: v.fallback });
    return (store) => domainFor(store).routing.updateSettings(site, changes as SiteSettingsPatch, OPERATOR);
  },
  'routing:export': (v) => {
    const site = need(v, 'site');
    const out = v.out;
    return async (store) => {
      const rows = await domainFor(store).routing.exportCorrections(site, OPERATOR);
      return writeOrPrint(out, rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''), { rows: rows.length });
    };
  },
  'agent:update': (v) => {
    const site = need(v, 'site');
    const id = need(v, 'id');
    const changes = parseAgentPatchFlags({
      ...(v.capacity !== undefined ? { capacity: v.capacity } : {}),
      ...(v.disabled !== undefined ? { disabled: v.disabled } : {}),
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.skills !== undefined ? { skills: v.skills } : {}),
      ...(v.role !== undefined ? { role: v.role } : {}),
      ...(v.password !== undefined ? { password: v.password } : {}),
    });
    return async (store) => {
      const { accounts } = domainFor(store);
      return accounts.updateAgent(site, id, changes, OPERATOR);
    };
  },
  'site:settings': (v) => {
    const site = need(v, 'site');
    const { changes, categories } = parseSettingsFlags(v);
    return async (store) => {
      const { routing } = domainFor(store);
      // One queue's list can change alone: the other keeps what the site has.
      const current = Object.keys(categories).length > 0 || changes.widget?.teamNames || changes.widget?.prechat ? (await routing.describe(site)).settings : undefined;
      const merged = Object.keys(categories).length > 0 ? { categories: { ...current!.categories, ...categories } } : {};
      const widget = changes.widget?.teamNames || changes.widget?.prechat
        ? {
            widget: {
              ...changes.widget,
              ...(changes.widget.teamNames ? { teamNames: { ...current!.widget.teamNames, ...changes.widget.teamNames } } : {}),
              ...(changes.widget.prechat ? { prechat: { ...current!.widget.prechat, ...changes.widget.prechat } } : {}),
            },
          }
        : {};
      return routing.updateSettings(site, { ...changes, ...merged, ...widget } as SiteSettingsPatch, OPERATOR);
    };
  },
  'visitor:export': (v) => {
    const site = need(v, 'site');
    const visitor = need(v, 'visitor');
    const out = v.out;
    return async (store, _config, archive) => {
      const data = await domainFor(store, undefined, archive).privacy.exportVisitor(site, visitor, OPERATOR);
      return writeOrPrint(out, `${JSON.stringify(data, null, 2)}\n`, { conversations: data.conversations.length });
    };
  },
  'visitor:delete': (v) => {
    const site = need(v, 'site');
    const visitor = need(v, 'visitor');
    return (store, _config, archive) => domainFor(store, undefined, archive).privacy.deleteVisitor(site, visitor, OPERATOR);
  },
  'retention:run': (v) => {
    const only = v.site;
    return async (store, _config, archive) => {
      const { privacy } = domainFor(store, undefined, archive);
      const sites = only ? [only] : await store.listSiteKeys();
      const results: Record<string, number> = {};
      for (const site of sites) results[site] = (await privacy.applyRetention(site)).deleted;
      return { deleted: results };
    };
  },
  'kpi:migrate': (v) => {
    const only = v.site;
    return async (store) => {
      const sites = only ? [only] : await store.listSiteKeys();
      const results: Record<string, { categoryFieldsMoved: number; weeksRebuilt: number }> = {};
      for (const site of sites) results[site] = await store.migrateKpiAggregates(site);
      return { migrated: results };
    };
  },
  'webhook:add': (v) => {
    const site = need(v, 'site');
    const url = need(v, 'url');
    // The domain checks the URL and each type, with the same errors as the REST API.
    const events = v.events === undefined ? null : v.events.split(',').map((type) => type.trim()).filter(Boolean);
    // The secret is shown once; the receiver needs it to check signatures.
    return (store) => domainFor(store).webhooks.add(site, { url, events }, OPERATOR);
  },
  'webhook:list': (v) => {
    const site = need(v, 'site');
    return (store) => domainFor(store).webhooks.list(site);
  },
  'webhook:remove': (v) => {
    const site = need(v, 'site');
    const id = need(v, 'id');
    return async (store) => {
      await domainFor(store).webhooks.remove(site, id, OPERATOR);
      return { removed: id };
    };
  },
  'webhook:deliveries': (v) => {
    const site = need(v, 'site');
    const id = need(v, 'id');
    return (store) => domainFor(store).webhooks.deliveries(site, id);
  },
  audit: (v) => {
    const site = need(v, 'site');
    const limit = Number(v.limit ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit takes a whole number from 1 to 10000');
    return (store) => store.listAudit(site, limit);
  },
};

async function main(): Promise<number> {
  let run: (store: RedisStore, config: StoreConfig, archive: Archive | null) => Promise<unknown>;
  let storeConfig: ReturnType<typeof loadStoreConfig>;
  try {
    const [command = '', ...rest] = process.argv.slice(2);
    const prepare = COMMANDS[command];
    if (!prepare) throw new UsageError(command ? `unknown command ${command}` : 'no command given');
    const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true });
    run = prepare(values);
    storeConfig = loadStoreConfig();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    // A value the schema refuses is a wrong argument too: printed as the catalogued error it is.
    if (isSwitchboardError(error)) {
      console.error(`${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const store = createRedisStore({ url: storeConfig.redisUrl, sentinel: storeConfig.redisSentinel, prefix: storeConfig.redisPrefix });
  // The embedded archive (PGlite) belongs to its one server process; only a PostgreSQL one is shared.
  // Loaded only then: the database clients are not worth their start-up to every other command.
  const archive = storeConfig.databaseUrl
    ? await (await import('../server/plugins/archive')).createArchive({ databaseUrl: storeConfig.databaseUrl, archiveDir: undefined })
    : null;
  try {
    const result = await run(store, storeConfig, archive);
    if (result !== undefined) console.log(JSON.stringify(result));
    return 0;
  } catch (error) {
    if (isSwitchboardError(error)) {
      console.error(JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }));
      return 1;
    }
    throw error;
  } finally {
    await Promise.all([store.close(), archive?.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
