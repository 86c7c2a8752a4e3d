/**
 * The server's configuration: read from the environment once, checked against a schema, every
 * problem reported in one message, then frozen and passed down. Nothing else reads process.env.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_OPEN_CONNECTIONS_PER_ADDRESS, RATE_LIMITS } from '../shared/limits';
import { parseAddressList, parseTrustProxy, type TrustProxySetting } from './proxy-trust';

export interface Config {
  /** @default 3000 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** Where browsers reach this server; the widget snippet and console links use it. @default http://localhost:PORT */
  publicUrl: string;
  /** Unset: the embedded in-memory store (demo and development). */
  redisUrl: string | undefined;
  /**
   * Sentinel mode (REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD): the master is
   * asked of these sentinels, and asked again after a failover, instead of being REDIS_URL's host;
   * REDIS_URL still gives the data connection's user, password, database and TLS. @default undefined
   */
  redisSentinel: RedisSentinelConfig | undefined;
  /** Namespace of every Redis key. @default 'sb' */
  redisPrefix: string;
  /**
   * SINGLE_PROCESS=true: this is the only server on its Redis and prefix, so broadcasts skip the
   * Socket.IO Redis adapter's pub/sub. Checked at start-up against a lease in Redis: a second server
   * (either kind) refuses to start. Unset or false: the adapter, whatever the number of processes.
   * @default false
   */
  singleProcess: boolean;
  /** Signs visitor tokens. Required with REDIS_URL; random per start in embedded mode. */
  sessionSecret: string;
  /** Earlier secrets, comma-separated in SESSION_SECRET_PREVIOUS: their tokens still verify during a rotation. @default [] */
  previousSessionSecrets: string[];
  /** @default 12 hours */
  sessionTtlMs: number;
  /** @default 'info' */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seed a demo site and agents and serve the demo shop page. @default true without REDIS_URL */
  demo: boolean;
  /** Port of the demo shop page, a different origin from the server. @default PORT + 1 */
  demoPort: number;
  /** Built widget and console files. @default <repo>/dist */
  staticDir: string;
  /** The router's trained model (JSON, from `npm run train`). @default the shipped server/domain/routing/model.json */
  routerModelPath: string;
  /** How often sites' retention periods are applied; 0 turns the job off. @default 60 minutes */
  retentionIntervalMs: number;
  /** An agent whose connection is gone this long loses their open conversations back to the queue. @default 60 s */
  agentGraceMs: number;
  /** How often agents gone past their grace and visitors who left are looked for. @default 5 s */
  sweepIntervalMs: number;
  /** The wait before a failed webhook delivery's first retry; each next one waits twice as long. @default 10 s */
  webhookRetryBaseMs: number;
  /**
   * The SMTP server email goes through (`smtp://user:pass@host:587`, `smtps://…`); unset turns email
   * off (answers by email, transcripts). @default undefined
   */
  smtpUrl: string | undefined;
  /** The sender of every email (`Switchboard <chat@example.com>`); required with SMTP_URL. @default undefined */
  mailFrom: string | undefined;
  /**
   * The archive's PostgreSQL (`postgres://user:pass@host:5432/db`); unset: PGlite in-process
   * (in memory, or in ARCHIVE_DIR). @default undefined
   */
  databaseUrl: string | undefined;
  /** Where PGlite keeps the archive when there is no DATABASE_URL; unset: in memory, lost at exit. @default undefined */
  archiveDir: string | undefined;
  /** How often ended conversations missing from the archive are looked for and archived. @default 10 minutes */
  archiveSweepIntervalMs: number;
  /**
   * Where attachments are kept: a folder on this machine (FILES_DIR), or, with S3_BUCKET, an
   * S3-compatible bucket that several server processes share. @default { kind: 'disk', dir: <os tmp>/switchboard-files }
   */
  files:
    | { kind: 'disk'; dir: string }
    | { kind: 's3'; bucket: string; endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** How long a signed link to an attachment opens it (FILE_LINK_TTL_SECONDS). @default 1 hour */
  fileLinkTtlMs: number;
  /**
   * Which reverse proxies' `X-Forwarded-For` is believed (server/proxy-trust.ts): false, true, a
   * number of hops, or a list of addresses, CIDR ranges and names (`loopback` …). @default false
   */
  trustProxy: TrustProxySetting;
  /** Port of the Prometheus `/metrics` listener; undefined turns it off. @default undefined */
  metricsPort: number | undefined;
  /** Interface of the metrics listener: loopback, so it is never public by accident. @default '127.0.0.1' */
  metricsHost: string;
  /** Addresses and CIDR ranges allowed to scrape; others get 403. Undefined: any that can reach it. @default undefined */
  metricsAllow: readonly string[] | undefined;
  /**
   * New conversations per minute on one site, from everyone, before new visitors (no valid visitor
   * token of an earlier visit) are asked to wait; returning visitors still pass (docs/security.md).
   * @default 10_000
   */
  siteConversationsPerMinute: number;
  /** Open visitor sockets from one address on this process; more are refused TOO_MANY_CONNECTIONS. @default 1_000 */
  maxConnectionsPerAddress: number;
}

export interface RedisSentinelConfig {
  /** REDIS_SENTINELS, in the order given (ioredis tries them in turn). */
  sentinels: readonly { host: string; port: number }[];
  /** REDIS_SENTINEL_NAME: the master group the sentinels monitor (`sentinel monitor <name> …`). */
  name: string;
  /** REDIS_SENTINEL_PASSWORD: the sentinels' own `requirepass`, apart from the data password in REDIS_URL. @default undefined */
  password: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
// From the sources this file is server/config.ts and the bundles are in ../dist/; built, it is
// dist/server/config.js (scripts/build-server.ts keeps each module's own URL) beside them in ../.
const DEFAULT_STATIC_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/' : '../', import.meta.url));
const DEFAULT_ROUTER_MODEL = fileURLToPath(new URL('./domain/routing/model.json', import.meta.url));

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) if (child && typeof child === 'object') deepFreeze(child);
  return Object.freeze(value);
}

type Env = Record<string, string | undefined>;

/**
 * A URL that usually carries a password (SMTP_URL, DATABASE_URL), checked without ever echoing it:
 * one of `protocols` and a host, or one problem naming the variable and an example.
 */
function secretUrl(name: string, raw: string | undefined, protocols: readonly string[], example: string, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !protocols.includes(parsed.protocol) || parsed.hostname === '') {
    problems.push(`${name} must be ${example}`);
    return undefined;
  }
  return raw;
}

function smtp(raw: string | undefined, problems: string[]): string | undefined {
  return secretUrl('SMTP_URL', raw, ['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL with a host (for example smtp://user:pass@mail.example.com:587)', problems);
}

function database(raw: string | undefined, problems: string[]): string | undefined {
  return secretUrl('DATABASE_URL', raw, ['postgres:', 'postgresql:'], 'a postgres:// URL with a host (for example postgres://user:pass@127.0.0.1:5432/switchboard)', problems);
}

/** FILES_DIR, or S3_BUCKET with S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (the keys never echoed). */
function fileStorage(read: Pick<ReturnType<typeof createReader>, 'text' | 'url'>, problems: string[]): Config['files'] {
  const bucket = read.text('S3_BUCKET');
  const dir = read.text('FILES_DIR');
  if (bucket === undefined) {
    for (const name of ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      if (read.text(name) !== undefined) problems.push(`${name} is set but S3_BUCKET is not: set S3_BUCKET to keep attachments in object storage`);
    }
    return { kind: 'disk', dir: dir ?? join(tmpdir(), 'switchboard-files') };
  }
  if (dir !== undefined) problems.push('FILES_DIR and S3_BUCKET are both set: attachments go to one place, choose one');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, '.' or '-'), got "${bucket}"`);
  const endpoint = read.url('S3_ENDPOINT', ['http:', 'https:']);
  const region = read.text('S3_REGION') ?? 'us-east-1';
  const accessKeyId = read.text('S3_ACCESS_KEY_ID');
  const secretAccessKey = read.text('S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither (the AWS SDK then finds credentials itself)');
  return {
    kind: 's3',
    bucket,
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}

/** One `host:port` of REDIS_SENTINELS (`[::1]:26379` for an IPv6 address), or undefined when it is not one. */
function sentinelAddress(entry: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
  const port = Number(match?.[3]);
  if (!match || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

/**
 * REDIS_SENTINELS with REDIS_SENTINEL_NAME (and REDIS_SENTINEL_PASSWORD), which only make sense
 * together and with REDIS_URL (the data connection's credentials, database and TLS).
 */
function redisSentinel(text: (name: string) => string | undefined, problems: string[]): RedisSentinelConfig | undefined {
  const raw = text('REDIS_SENTINELS');
  const name = text('REDIS_SENTINEL_NAME');
  const password = text('REDIS_SENTINEL_PASSWORD');
  if (raw === undefined) {
    for (const other of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
      if (text(other) !== undefined) problems.push(`${other} is set but REDIS_SENTINELS is not: list the sentinels (host:port, comma-separated) to use Sentinel`);
    }
    return undefined;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const sentinels = entries.map(sentinelAddress);
  if (sentinels.some((address) => address === undefined)) {
    problems.push(`REDIS_SENTINELS must be a comma-separated list of host:port (for example 10.0.0.1:26379,10.0.0.2:26379), got "${raw}"`);
  }
  if (name === undefined) problems.push('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS: the master group name the sentinels monitor (for example mymaster)');
  if (text('REDIS_URL') === undefined) {
    problems.push('REDIS_URL is required with REDIS_SENTINELS: it gives the password, database and TLS of the data connection (for example redis://:secret@mymaster/0; its host is not used)');
  }
  if (name === undefined || sentinels.some((address) => address === undefined)) return undefined;
  return { sentinels: sentinels as { host: string; port: number }[], name, password };
}

/** Readers of environment variables that collect problems instead of stopping at the first. */
function createReader(env: Env, problems: string[]) {
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const port = (name: string, fallback: number) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      problems.push(`${name} must be a port number from 0 to 65535, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return raw.replace(/\/$/, '');
    } catch {
      problems.push(`${name} must be a ${protocols.join(' or ')}// URL, got "${raw}"`);
      return undefined;
    }
  };
  const redisPrefix = () => {
    const prefix = text('REDIS_PREFIX') ?? 'sb';
    if (!/^[A-Za-z0-9:_-]{1,64}$/.test(prefix)) problems.push(`REDIS_PREFIX must be 1-64 letters, digits, ':', '_' or '-', got "${prefix}"`);
    return prefix;
  };
  return { text, port, url, redisPrefix };
}

/** What the operators' CLI needs: where Redis is, this server's address, and the archive's PostgreSQL if any. @throws ConfigError */
export function loadStoreConfig(
  env: Env = process.env,
): { redisUrl: string; redisSentinel: RedisSentinelConfig | undefined; redisPrefix: string; publicUrl: string; databaseUrl: string | undefined } {
  const problems: string[] = [];
  const read = createReader(env, problems);
  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);
  // Only for the snippets the CLI prints; the server's own default.
  const publicUrl = read.url('PUBLIC_URL', ['http:', 'https:']) ?? 'http://localhost:3000';
  const redisSentinelConfig = redisSentinel(read.text, problems);
  if (read.text('REDIS_URL') === undefined && read.text('REDIS_SENTINELS') === undefined) problems.push('REDIS_URL is required (for example redis://127.0.0.1:6379)');
  const redisPrefix = read.redisPrefix();
  const databaseUrl = database(read.text('DATABASE_URL'), problems);
  if (problems.length > 0 || !redisUrl) throw new ConfigError(problems);
  return { redisUrl, redisSentinel: redisSentinelConfig, redisPrefix, publicUrl, databaseUrl };
}

/** @throws ConfigError listing every bad variable */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const { text, port, url, redisPrefix } = createReader(env, problems);

  const portValue = port('PORT', 3000);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const redisSentinelConfig = redisSentinel(text, problems);
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${portValue}`;
  const logLevel = (text('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  let sessionSecret = text('SESSION_SECRET');
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters (try: openssl rand -base64 48)');
  } else if (sessionSecret === undefined) {
    if (redisUrl !== undefined || text('REDIS_URL') !== undefined) {
      problems.push('SESSION_SECRET is required with REDIS_URL, so visitor tokens stay valid across restarts and servers');
    }
    sessionSecret = randomBytes(32).toString('base64url');
  }

  const previousSessionSecrets = (text('SESSION_SECRET_PREVIOUS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (previousSessionSecrets.some((s) => s.length < 32)) problems.push('SESSION_SECRET_PREVIOUS must list secrets of at least 32 characters, comma-separated');

  const ttlHours = Number(text('SESSION_TTL_HOURS') ?? '12');
  if (!(ttlHours > 0 && ttlHours <= 24 * 30)) problems.push(`SESSION_TTL_HOURS must be a number of hours from 0 to 720, got "${text('SESSION_TTL_HOURS')}"`);

  const demoRaw = text('DEMO');
  if (demoRaw !== undefined && !['true', 'false', '1', '0'].includes(demoRaw)) problems.push(`DEMO must be true or false, got "${demoRaw}"`);
  const demo = demoRaw === undefined ? text('REDIS_URL') === undefined : demoRaw === 'true' || demoRaw === '1';

  const prefix = redisPrefix();
  const singleProcessRaw = text('SINGLE_PROCESS');
  if (singleProcessRaw !== undefined && !['true', 'false', '1', '0'].includes(singleProcessRaw)) problems.push(`SINGLE_PROCESS must be true or false, got "${singleProcessRaw}"`);
  const retentionMinutes = Number(text('RETENTION_INTERVAL_MINUTES') ?? '60');
  if (!(Number.isInteger(retentionMinutes) && retentionMinutes >= 0 && retentionMinutes <= 10_080)) {
    problems.push(`RETENTION_INTERVAL_MINUTES must be a whole number of minutes from 0 (off) to 10080, got "${text('RETENTION_INTERVAL_MINUTES')}"`);
  }
  const seconds = (name: string, fallback: number, max: number) => {
    const raw = text(name);
    const value = Number(raw ?? fallback);
    if (!(value > 0 && value <= max)) problems.push(`${name} must be a number of seconds above 0 and at most ${max}, got "${raw}"`);
    return value * 1000;
  };
  const agentGraceMs = seconds('AGENT_GRACE_SECONDS', 60, 3_600);
  const sweepIntervalMs = seconds('SWEEP_INTERVAL_SECONDS', 5, 600);
  const webhookRetryBaseMs = Number(text('WEBHOOK_RETRY_BASE_MS') ?? '10000');
  if (!(Number.isInteger(webhookRetryBaseMs) && webhookRetryBaseMs >= 1 && webhookRetryBaseMs <= 3_600_000)) {
    problems.push(`WEBHOOK_RETRY_BASE_MS must be a whole number of milliseconds from 1 to 3600000, got "${text('WEBHOOK_RETRY_BASE_MS')}"`);
  }
  const routerModelPath = text('ROUTER_MODEL') ?? DEFAULT_ROUTER_MODEL;
  if (!existsSync(routerModelPath)) problems.push(`ROUTER_MODEL must name a model file (npm run train writes one), got "${routerModelPath}"`);
  const demoPort = port('DEMO_PORT', portValue === 0 ? 0 : portValue + 1);
  const smtpUrl = smtp(text('SMTP_URL'), problems);
  const mailFrom = text('MAIL_FROM');
  if (text('SMTP_URL') !== undefined && mailFrom === undefined) {
    problems.push('MAIL_FROM is required with SMTP_URL (for example: Switchboard <chat@example.com>)');
  }
  // A bare address or "Name <address>": what every mail client shows as the sender.
  if (mailFrom !== undefined && !/^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address or "Name <address>", got "${mailFrom}"`);
  }

  const databaseUrl = database(text('DATABASE_URL'), problems);
  const archiveDir = text('ARCHIVE_DIR');
  if (archiveDir !== undefined && text('DATABASE_URL') !== undefined) problems.push('ARCHIVE_DIR is for the embedded archive: set DATABASE_URL or ARCHIVE_DIR, not both');
  const archiveSweepMinutes = Number(text('ARCHIVE_SWEEP_MINUTES') ?? '10');
  if (!(Number.isInteger(archiveSweepMinutes) && archiveSweepMinutes >= 1 && archiveSweepMinutes <= 1_440)) {
    problems.push(`ARCHIVE_SWEEP_MINUTES must be a whole number of minutes from 1 to 1440, got "${text('ARCHIVE_SWEEP_MINUTES')}"`);
  }
  const files = fileStorage({ text, url }, problems);
  const fileLinkTtlMs = seconds('FILE_LINK_TTL_SECONDS', 3_600, 7 * 86_400);
  const trustProxy = parseTrustProxy(text('TRUST_PROXY'), problems);
  const metricsPort = text('METRICS_PORT') === undefined ? undefined : port('METRICS_PORT', 0);
  const metricsAllowRaw = text('METRICS_ALLOW');
  const metricsAllow = metricsAllowRaw === undefined ? undefined : parseAddressList('METRICS_ALLOW', metricsAllowRaw, problems);
  const wholeNumber = (name: string, fallback: number) => {
    const value = Number(text(name) ?? fallback);
    if (!(Number.isInteger(value) && value >= 1)) problems.push(`${name} must be a whole number above 0, got "${text(name)}"`);
    return value;
  };
  const siteConversationsPerMinute = wholeNumber('SITE_CONVERSATIONS_PER_MINUTE', RATE_LIMITS.conversationsPerSite.limit);
  const maxConnectionsPerAddress = wholeNumber('MAX_CONNECTIONS_PER_ADDRESS', MAX_OPEN_CONNECTIONS_PER_ADDRESS);

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    port: portValue,
    host: text('HOST') ?? '127.0.0.1',
    publicUrl,
    redisUrl,
    redisSentinel: redisSentinelConfig,
    redisPrefix: prefix,
    singleProcess: singleProcessRaw === 'true' || singleProcessRaw === '1',
    sessionSecret,
    previousSessionSecrets,
    sessionTtlMs: ttlHours * 3_600_000,
    logLevel,
    demo,
    demoPort,
    staticDir: text('STATIC_DIR') ?? DEFAULT_STATIC_DIR,
    routerModelPath,
    retentionIntervalMs: retentionMinutes * 60_000,
    agentGraceMs,
    sweepIntervalMs,
    webhookRetryBaseMs,
    smtpUrl,
    mailFrom: smtpUrl === undefined ? undefined : mailFrom,
    databaseUrl,
    archiveDir,
    archiveSweepIntervalMs: archiveSweepMinutes * 60_000,
    files,
    fileLinkTtlMs,
    trustProxy,
    metricsPort,
    metricsHost: text('METRICS_HOST') ?? '127.0.0.1',
    metricsAllow,
    siteConversationsPerMinute,
    maxConnectionsPerAddress,
  });
}
