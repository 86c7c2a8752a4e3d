import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadStoreConfig } from '../../server/config';

const SECRET = 'a-session-secret-of-at-least-32-characters';

/** The ConfigError loadConfig throws for `env`; fails the test when it does not throw one. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted a bad environment');
}

const MODEL = fileURLToPath(new URL('../../server/domain/routing/model.json', import.meta.url));

describe('loadConfig', () => {
  it('has working defaults for a one-command demo (no variables at all)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      redisUrl: undefined,
      redisPrefix: 'sb',
      sessionTtlMs: 12 * 3_600_000,
      logLevel: 'info',
      demo: true,
      demoPort: 3001,
    });
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.staticDir).toMatch(/dist\/?$/);
  });

  it('makes a new random session secret per start in embedded mode', () => {
    expect(loadConfig({}).sessionSecret).not.toBe(loadConfig({}).sessionSecret);
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://chat.example/',
      REDIS_URL: 'redis://10.0.0.5:6380/2',
      REDIS_PREFIX: 'switchboard:prod',
      SINGLE_PROCESS: 'true',
      SESSION_SECRET: SECRET,
      SESSION_TTL_HOURS: '2',
      LOG_LEVEL: 'warn',
      DEMO_PORT: '9000',
      STATIC_DIR: '/srv/switchboard',
      ROUTER_MODEL: MODEL,
      WEBHOOK_RETRY_BASE_MS: '250',
      S3_BUCKET: 'chat-files',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-3',
      S3_ACCESS_KEY_ID: 'key-id',
      S3_SECRET_ACCESS_KEY: 'key-secret',
      FILE_LINK_TTL_SECONDS: '600',
      DATABASE_URL: 'postgres://sb:pw@db.internal:5432/switchboard',
      ARCHIVE_SWEEP_MINUTES: '30',
    });
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://chat.example',
      redisUrl: 'redis://10.0.0.5:6380/2',
      redisPrefix: 'switchboard:prod',
      singleProcess: true,
      sessionSecret: SECRET,
      previousSessionSecrets: [],
      sessionTtlMs: 2 * 3_600_000,
      logLevel: 'warn',
      // With Redis the demo is off unless asked for.
      demo: false,
      demoPort: 9000,
      staticDir: '/srv/switchboard',
      routerModelPath: MODEL,
      retentionIntervalMs: 3_600_000,
      agentGraceMs: 60_000,
      sweepIntervalMs: 5_000,
      webhookRetryBaseMs: 250,
      files: { kind: 's3', bucket: 'chat-files', endpoint: 'http://minio:9000', region: 'eu-west-3', credentials: { accessKeyId: 'key-id', secretAccessKey: 'key-secret' } },
      fileLinkTtlMs: 600_000,
      trustProxy: false,
      metricsHost: '127.0.0.1',
      siteConversationsPerMinute: 10_000,
      maxConnectionsPerAddress: 1_000,
      databaseUrl: 'postgres://sb:pw@db.internal:5432/switchboard',
      archiveSweepIntervalMs: 30 * 60_000,
    });
  });

  it('keeps attachments in a folder by default, and refuses S3 settings that do not add up', () => {
    expect(loadConfig({}).files).toEqual({ kind: 'disk', dir: expect.stringMatching(/switchboard-files$/) });
    expect(loadConfig({ FILES_DIR: '/var/lib/switchboard/files' }).files).toEqual({ kind: 'disk', dir: '/var/lib/switchboard/files' });
    expect(loadConfig({}).fileLinkTtlMs).toBe(3_600_000);
    expect(problemsOf({ S3_ENDPOINT: 'http://minio:9000' })).toEqual([expect.stringMatching(/^S3_ENDPOINT is set but S3_BUCKET is not/)]);
    expect(problemsOf({ S3_BUCKET: 'b', FILES_DIR: '/tmp/x' })).toEqual([expect.stringMatching(/^FILES_DIR and S3_BUCKET/), expect.stringMatching(/^S3_BUCKET must be/)]);
    expect(problemsOf({ S3_BUCKET: 'chat-files', S3_ACCESS_KEY_ID: 'only-half' })).toEqual([expect.stringMatching(/^S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/)]);
    expect(problemsOf({ FILE_LINK_TTL_SECONDS: '0' })).toEqual([expect.stringMatching(/^FILE_LINK_TTL_SECONDS must be/)]);
  });

  it('takes the archive from DATABASE_URL or ARCHIVE_DIR, never both, and never echoes the URL', () => {
    expect(loadConfig({ ARCHIVE_DIR: '/var/lib/sb' })).toMatchObject({ databaseUrl: undefined, archiveDir: '/var/lib/sb', archiveSweepIntervalMs: 600_000 });
    expect(problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toEqual([expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL/)]);
    expect(problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' }).join()).not.toContain('hunter2');
    expect(problemsOf({ DATABASE_URL: 'postgres://db/x', ARCHIVE_DIR: '/tmp/a' })).toEqual([expect.stringMatching(/^ARCHIVE_DIR is for the embedded archive/)]);
    expect(problemsOf({ ARCHIVE_SWEEP_MINUTES: '0' })).toEqual([expect.stringMatching(/^ARCHIVE_SWEEP_MINUTES must be/)]);
  });

  it('retries webhooks after 10 s by default and refuses a base that is not a whole number of ms', () => {
    expect(loadConfig({}).webhookRetryBaseMs).toBe(10_000);
    for (const value of ['0', '1.5', 'soon', '3600001']) {
      expect(problemsOf({ WEBHOOK_RETRY_BASE_MS: value })).toEqual([expect.stringMatching(/^WEBHOOK_RETRY_BASE_MS must be/)]);
    }
  });

  it('ships a default router model and refuses a model path that does not exist', () => {
    expect(loadConfig({}).routerModelPath).toMatch(/server\/domain\/routing\/model\.json$/);
    expect(() => loadConfig({ ROUTER_MODEL: '/nowhere/model.json' })).toThrow(/ROUTER_MODEL must name a model file/);
  });

  it('treats empty and blank variables as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '   ', REDIS_URL: '' })).toMatchObject({ port: 3000, logLevel: 'info', redisUrl: undefined });
  });

  it('refuses SINGLE_PROCESS other than true or false, and defaults it to false', () => {
    expect(() => loadConfig({ SINGLE_PROCESS: 'yes' })).toThrow(/SINGLE_PROCESS must be true or false, got "yes"/);
    expect(loadConfig({}).singleProcess).toBe(false);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reports every bad variable in one error, each by name', () => {
    const problems = problemsOf({
      PORT: '70000',
      REDIS_URL: 'http://127.0.0.1:6379',
      SESSION_SECRET: 'too-short',
      LOG_LEVEL: 'loud',
      PUBLIC_URL: 'chat.example',
      SESSION_TTL_HOURS: '-1',
      DEMO: 'maybe',
      REDIS_PREFIX: 'has spaces',
      DEMO_PORT: 'eighty',
    });
    const named = (name: string) => problems.filter((p) => p.startsWith(`${name} `));
    for (const name of ['PORT', 'REDIS_URL', 'SESSION_SECRET', 'LOG_LEVEL', 'PUBLIC_URL', 'SESSION_TTL_HOURS', 'DEMO', 'REDIS_PREFIX', 'DEMO_PORT']) {
      expect(named(name), name).toHaveLength(1);
    }
    expect(problems).toHaveLength(9);
  });

  it('quotes the bad value, and the message lists every problem', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Invalid configuration');
    expect(message).toContain('"abc"');
    expect(message).toContain('"loud"');
  });

  it('requires SESSION_SECRET with REDIS_URL, even when REDIS_URL itself is bad', () => {
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([expect.stringMatching(/^SESSION_SECRET is required with REDIS_URL/)]);
    const problems = problemsOf({ REDIS_URL: 'not a url', LOG_LEVEL: 'LOUD' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['REDIS_URL', 'LOG_LEVEL', 'SESSION_SECRET']);
  });

  it.each([['-1'], ['65536'], ['80.5'], ['eighty']])('refuses PORT=%s', (port) => {
    expect(problemsOf({ PORT: port })).toEqual([expect.stringMatching(/^PORT must be a port number/)]);
  });

  it.each([['redis://127.0.0.1:6379'], ['rediss://cache.example:6380']])('accepts REDIS_URL=%s', (redisUrl) => {
    expect(loadConfig({ REDIS_URL: redisUrl, SESSION_SECRET: SECRET }).redisUrl).toBe(redisUrl);
  });

  it('asks Sentinel for the master with REDIS_SENTINELS and REDIS_SENTINEL_NAME, REDIS_URL still giving the credentials', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://:data-secret@mymaster/2',
      REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b.internal:26380,[fd00::3]:26379',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      SESSION_SECRET: SECRET,
    });
    expect(config.redisUrl).toBe('redis://:data-secret@mymaster/2');
    expect(config.redisSentinel).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b.internal', port: 26380 },
        { host: 'fd00::3', port: 26379 },
      ],
      name: 'mymaster',
      password: 'sentinel-secret',
    });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: SECRET }).redisSentinel).toBeUndefined();
  });

  it.each([['10.0.0.1'], ['10.0.0.1:26379,'], ['10.0.0.1:0'], ['10.0.0.1:99999'], ['redis://10.0.0.1:26379'], ['fd00::3:26379'], ['a b:26379']])(
    'refuses REDIS_SENTINELS=%j, naming the variable',
    (sentinels) => {
      expect(problemsOf({ REDIS_URL: 'redis://mymaster', SESSION_SECRET: SECRET, REDIS_SENTINELS: sentinels, REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINELS must be a comma-separated list of host:port/),
      ]);
    },
  );

  it('refuses sentinels without a master name or REDIS_URL, and a name or password without sentinels', () => {
    expect(problemsOf({ REDIS_URL: 'redis://mymaster', SESSION_SECRET: SECRET, REDIS_SENTINELS: '10.0.0.1:26379' })).toEqual([
      expect.stringMatching(/^REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/),
    ]);
    expect(problemsOf({ REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([expect.stringMatching(/^REDIS_URL is required with REDIS_SENTINELS/)]);
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: SECRET, REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'hunter2' })).toEqual([
      expect.stringMatching(/^REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/),
      expect.stringMatching(/^REDIS_SENTINEL_PASSWORD is set but REDIS_SENTINELS is not/),
    ]);
  });

  it('gives the operators\' CLI the same Sentinel settings, and the same refusals', () => {
    expect(loadStoreConfig({ REDIS_URL: 'redis://mymaster', REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'mymaster' }).redisSentinel).toEqual({
      sentinels: [{ host: '127.0.0.1', port: 26379 }],
      name: 'mymaster',
      password: undefined,
    });
    expect(() => loadStoreConfig({ REDIS_URL: 'redis://mymaster', REDIS_SENTINELS: '127.0.0.1' })).toThrow(/REDIS_SENTINELS must be[\s\S]*REDIS_SENTINEL_NAME is required/);
  });

  it('lets port 0 (any free port) give the demo page any free port too', () => {
    expect(loadConfig({ PORT: '0' })).toMatchObject({ port: 0, demoPort: 0, publicUrl: 'http://localhost:0' });
  });

  it('turns email off without SMTP_URL, and on with SMTP_URL and MAIL_FROM', () => {
    expect(loadConfig({})).toMatchObject({ smtpUrl: undefined, mailFrom: undefined });
    // MAIL_FROM alone means nothing: there is no server to send through.
    expect(loadConfig({ MAIL_FROM: 'chat@example.com' })).toMatchObject({ smtpUrl: undefined, mailFrom: undefined });
    for (const [smtpUrl, mailFrom] of [
      ['smtp://user:pass@mail.example.com:587', 'Switchboard <chat@example.com>'],
      ['smtps://mail.example.com', 'chat@example.com'],
      ['smtp://127.0.0.1:2525', '"Example shop, support" <help@shop.example>'],
    ] as const) {
      expect(loadConfig({ SMTP_URL: smtpUrl, MAIL_FROM: mailFrom })).toMatchObject({ smtpUrl, mailFrom });
    }
  });

  it('requires MAIL_FROM with SMTP_URL, and lists it with the other problems', () => {
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example.com:587' })).toEqual([expect.stringMatching(/^MAIL_FROM is required with SMTP_URL/)]);
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example.com', LOG_LEVEL: 'LOUD' }).map((p) => p.split(' ')[0])).toEqual(['LOG_LEVEL', 'MAIL_FROM']);
  });

  it.each([['http://relay.corp.test'], ['relay.corp.test:587'], ['smtp://'], ['redis://relay.corp.test']])('refuses SMTP_URL=%s', (smtpUrl) => {
    expect(problemsOf({ SMTP_URL: smtpUrl, MAIL_FROM: 'chat@example.com' })).toEqual([expect.stringMatching(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/)]);
  });

  it('never prints the SMTP password, even beside other problems', () => {
    const problems = problemsOf({ SMTP_URL: 'ftp://user:s3cret-pass@mail.example.com', PORT: 'abc' });
    expect(problems.join('\n')).not.toContain('s3cret-pass');
  });

  it.each([['not an address'], ['Switchboard <chat@example.com'], ['a@b\r\nBcc: x@evil.example'], ['Name <>']])('refuses MAIL_FROM=%j', (mailFrom) => {
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: mailFrom })).toEqual([expect.stringMatching(/^MAIL_FROM must be an address/)]);
  });
});
