/**
 * The server's configuration: read from the environment once, checked against a schema, every
 * problem reported in one message, then frozen and passed down. Nothing else reads process.env.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Config {
  /** @default 3000 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** Where browsers reach this server; the widget snippet and console links use it. @default http://localhost:PORT */
  publicUrl: string;
  /** Unset: the embedded in-memory store (demo and development). */
  redisUrl: string | undefined;
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const DEFAULT_ROUTER_MODEL = fileURLToPath(new URL('./domain/routing/model.json', import.meta.url));

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) if (child && typeof child === 'object') deepFreeze(child);
  return Object.freeze(value);
}

type Env = Record<string, string | undefined>;

/** SMTP_URL checked without ever echoing it: it usually carries a password. */
function smtp(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol) || parsed.hostname === '') {
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL with a host (for example smtp://user:pass@mail.example.com:587)');
    return undefined;
  }
  return raw;
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

/** What the operators' CLI needs: where Redis is. @throws ConfigError */
export function loadStoreConfig(env: Env = process.env): { redisUrl: string; redisPrefix: string } {
  const problems: string[] = [];
  const read = createReader(env, problems);
  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);
  if (read.text('REDIS_URL') === undefined) problems.push('REDIS_URL is required (for example redis://127.0.0.1:6379)');
  const redisPrefix = read.redisPrefix();
  if (problems.length > 0 || !redisUrl) throw new ConfigError(problems);
  return { redisUrl, redisPrefix };
}

/** @throws ConfigError listing every bad variable */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const { text, port, url, redisPrefix } = createReader(env, problems);

  const portValue = port('PORT', 3000);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
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

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    port: portValue,
    host: text('HOST') ?? '127.0.0.1',
    publicUrl,
    redisUrl,
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
  });
}
