/**
 * The operators' CLI, against the Redis in REDIS_URL.
 *
 *   npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
 *   npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME]
 *
 * Prints JSON on success; prints usage and exits 2 on a wrong or missing argument, 1 on a refusal.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadStoreConfig } from '../server/config';
import { createAgentAccounts } from '../server/domain/agents';
import { addSite } from '../server/domain/sites';
import { createRedisStore } from '../server/store/redis/redis-store';
import { isSwitchboardError } from '../shared/errors';
import { QUEUES, type QueueName } from '../shared/queues';

const USAGE = `Usage (REDIS_URL must point at the Redis the server uses):
  npm run admin -- site:add --name NAME --origin ORIGIN [--origin ORIGIN…]
  npm run admin -- agent:add --site KEY --email EMAIL --password PASSWORD --skills service,support [--name NAME]`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      site: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      skills: { type: 'string' },
    },
  });
  const need = (key: keyof typeof values) => {
    const value = values[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new UsageError(`${command}: --${key} is required`);
    return value;
  };
  if (command === 'site:add') {
    return { command, name: need('name') as string, origins: need('origin') as string[] } as const;
  }
  if (command === 'agent:add') {
    const skills = (need('skills') as string).split(',').map((s) => s.trim());
    const unknown = skills.filter((s) => !(QUEUES as readonly string[]).includes(s));
    if (unknown.length > 0 || skills.length === 0) throw new UsageError(`--skills takes ${QUEUES.join(', ')}; got ${unknown.join(', ')}`);
    const password = need('password') as string;
    if (password.length < 8) throw new UsageError('--password must be at least 8 characters');
    return {
      command,
      siteKey: need('site') as string,
      email: need('email') as string,
      password,
      skills: skills as QueueName[],
      name: values.name,
    } as const;
  }
  throw new UsageError(command ? `unknown command ${command}` : 'no command given');
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  let storeConfig: ReturnType<typeof loadStoreConfig>;
  try {
    args = parse(process.argv.slice(2));
    storeConfig = loadStoreConfig();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const store = createRedisStore({ url: storeConfig.redisUrl, prefix: storeConfig.redisPrefix });
  try {
    if (args.command === 'site:add') {
      const site = await addSite(store, { name: args.name, origins: args.origins });
      console.log(JSON.stringify({ key: site.key, name: site.name, origins: site.origins }));
    } else {
      const accounts = createAgentAccounts({ store, sessionTtlMs: 0 });
      const agent = await accounts.addAgent({
        siteKey: args.siteKey,
        email: args.email,
        password: args.password,
        skills: args.skills,
        ...(args.name ? { name: args.name } : {}),
      });
      console.log(JSON.stringify(agent));
    }
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
