/**
 * The operators' CLI, against the Redis in REDIS_URL (and REDIS_PREFIX).
 *
 *   npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
 *   npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME] [--role agent|lead|admin] [--capacity N]
 *   npm run admin -- routing:rules --site KEY
 *   npm run admin -- routing:rule:add --site KEY --phrase PHRASE --queue service|support
 *   npm run admin -- routing:rule:remove --site KEY --id RULE_ID
 *   npm run admin -- routing:settings --site KEY [--topic-question true|false] [--fallback service|support]
 *   npm run admin -- routing:export --site KEY [--out FILE.jsonl]
 *   npm run admin -- site:settings --site KEY [--retention-days N|none] [--store-ip true|false] [--assignment manual|auto] [--abandon-after SECONDS]
 *       [--business-hours JSON|none] [--verified-priority MINUTES] [--nps true|false]
 *       [--reopen-within MINUTES] [--service-categories 'Billing,Refund,…'] [--support-categories 'Bug,Setup,…']
 *       [--accent-color '#rrggbb'] [--position right|left] [--service-team NAME|none] [--support-team NAME|none] [--greeting TEXT|none] [--avatar-url https://…|none]
 *       [--agent-initials true|false] [--default-language en|fr|de|es|ar] [--strings JSON]   (the widget's look and words)
 *       [--prechat off|optional|required] [--prechat-fields name,email|none]   (the form before the first message)
 *   npm run admin -- agent:update --site KEY --id AGENT_ID [--capacity N] [--disabled true|false]
 *   npm run admin -- visitor:export --site KEY --visitor VISITOR_ID [--out FILE.json]
 *   npm run admin -- visitor:delete --site KEY --visitor VISITOR_ID
 *   npm run admin -- retention:run [--site KEY]
 *   npm run admin -- audit --site KEY [--limit N]
 *   npm run admin -- site:token --site KEY [--name NAME]     (an API token for the wallboard feed, shown once)
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
import { createApiTokens } from '../server/domain/api-tokens';
import { addSite } from '../server/domain/sites';
import { compilePayloadCheck } from '../server/domain/validate';
import { createWebhooks } from '../server/domain/webhooks';
import { createRedisStore, type RedisStore } from '../server/store/redis/redis-store';
import type { Store } from '../server/store/store';
import { isSwitchboardError } from '../shared/errors';
import { NewRoutingRuleSchema, type SiteSettingsPatch } from '../shared/schemas';
import { parseAgentPatchFlags, parseNewAgentFlags } from './agent-flags';
import { parseSettingsFlags } from './settings-flags';
import { UsageError } from './usage-error';

const USAGE = `Usage (REDIS_URL must point at the Redis the server uses):
  npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
  npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME] [--role agent|lead|admin] [--capacity N]
  npm run admin -- routing:rules --site KEY
  npm run admin -- routing:rule:add --site KEY --phrase PHRASE --queue service|support
  npm run admin -- routing:rule:remove --site KEY --id RULE_ID
  npm run admin -- routing:settings --site KEY [--topic-question true|false] [--fallback service|support]
  npm run admin -- routing:export --site KEY [--out FILE.jsonl]
  npm run admin -- site:settings --site KEY [--retention-days N|none] [--store-ip true|false] [--assignment manual|auto] [--abandon-after SECONDS]
      [--business-hours '{"timeZone":"Europe/Paris","weekly":{"mon":["09:00-17:00"]}}'|none] [--verified-priority MINUTES] [--nps true|false]
      [--reopen-within MINUTES] [--service-categories 'Billing,Refund,…'] [--support-categories 'Bug,Setup,…']
      [--accent-color '#rrggbb'] [--position right|left] [--service-team NAME|none] [--support-team NAME|none] [--greeting TEXT|none] [--avatar-url https://…|none]
      [--agent-initials true|false] [--default-language en|fr|de|es|ar] [--strings '{"fr":{"title":"Une question ?"}}']
      [--prechat off|optional|required] [--prechat-fields name,email|none]
  npm run admin -- agent:update --site KEY --id AGENT_ID [--capacity N] [--disabled true|false]
  npm run admin -- visitor:export --site KEY --visitor VISITOR_ID [--out FILE.json]
  npm run admin -- visitor:delete --site KEY --visitor VISITOR_ID
  npm run admin -- retention:run [--site KEY]
  npm run admin -- audit --site KEY [--limit N]
  npm run admin -- site:token --site KEY [--name NAME]
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
function domainFor(store: Store) {
  const audit = createAuditLog(store);
  return {
    audit,
    // No console runs in this process: the events of a CLI change have nobody to tell here (a
    // server's sweep gives a disabled agent's conversations back; their consoles end at their next event).
    accounts: createAgentAccounts({ store, limiter: createRateLimiter(store), events: createDomainEvents(), audit, sessionTtlMs: 0 }),
    routing: createSiteRouting(store, audit),
    privacy: createPrivacy({ store, audit }),
    apiTokens: createApiTokens({ store, audit }),
    webhooks: createWebhooks({ store, audit }),
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

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function need(values: Values, key: keyof Values): string {
  const value = values[key];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new UsageError(`--${key} is required`);
  return Array.isArray(value) ? value[0]! : String(value);
}

/** Each command: check its arguments (throwing UsageError), then a function that runs it. */
const COMMANDS: Record<string, (v: Values) => (store: RedisStore) => Promise<unknown>> = {
  'site:token': (v) => {
    const siteKey = need(v, 'site');
    const name = v.name ?? 'wallboard';
    // The token is shown once; only its hash is kept.
    return async (store) => domainFor(store).apiTokens.create(siteKey, name, OPERATOR);
  },
  'site:add': (v) => {
    const name = need(v, 'name');
    if (!v.origin?.length) throw new UsageError('--origin is required');
    const origins = v.origin;
    return async (store) => {
      const site = await addSite(store, { name, origins });
      await domainFor(store).audit.record(site.key, OPERATOR, 'site.add', site.key, { name, origins: site.origins });
      // The identity secret is shown once, for the site's own server to sign Switchboard.identify calls.
      return { key: site.key, name: site.name, origins: site.origins, identitySecret: site.identitySecret };
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
    const changes = parseAgentPatchFlags({ ...(v.capacity !== undefined ? { capacity: v.capacity } : {}), ...(v.disabled !== undefined ? { disabled: v.disabled } : {}) });
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
    return async (store) => {
      const data = await domainFor(store).privacy.exportVisitor(site, visitor, OPERATOR);
      return writeOrPrint(out, `${JSON.stringify(data, null, 2)}\n`, { conversations: data.conversations.length });
    };
  },
  'visitor:delete': (v) => {
    const site = need(v, 'site');
    const visitor = need(v, 'visitor');
    return (store) => domainFor(store).privacy.deleteVisitor(site, visitor, OPERATOR);
  },
  'retention:run': (v) => {
    const only = v.site;
    return async (store) => {
      const { privacy } = domainFor(store);
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
  let run: (store: RedisStore) => Promise<unknown>;
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

  const store = createRedisStore({ url: storeConfig.redisUrl, prefix: storeConfig.redisPrefix });
  try {
    const result = await run(store);
    if (result !== undefined) console.log(JSON.stringify(result));
    return 0;
  } catch (error) {
    if (isSwitchboardError(error)) {
      console.error(JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }));
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
