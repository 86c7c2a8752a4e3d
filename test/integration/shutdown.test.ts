import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';
import { startApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('shutting down with clients connected', () => {
  beforeAll(() => assertRedisReachable());
  afterAll(() => disconnectAll());

  it('closes the app and disconnects visitors and agents instead of waiting for them', async () => {
    const started = await startApp();
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const agent = await connectAgent(started.url, started.serviceAgent);
    const visitorGone = waitFor(visitor, 'disconnect');
    const agentGone = waitFor(agent, 'disconnect');
    await started.close();
    await Promise.all([visitorGone, agentGone]);
    expect(visitor.connected || agent.connected).toBe(false);
  });

  it('exits with 0 on SIGTERM while a visitor is connected', async () => {
    const prefix = testPrefix();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        SESSION_SECRET: 'shutdown-test-secret-long-enough-for-the-check',
        DEMO: 'true',
        DEMO_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const listening = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match && output.includes('Agent console')) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${output}`)));
      });
      const url = await listening;
      const visitor = await connectVisitor(url, { siteKey: 'site_demo' }, { origin: /Demo shop[^\n]*(http:\/\/localhost:\d+)/.exec(output)![1]! });
      expect(visitor.connected).toBe(true);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output).toContain('"signal":"SIGTERM"');
    } finally {
      child.kill('SIGKILL');
      await deletePrefix(prefix);
    }
  });
});
