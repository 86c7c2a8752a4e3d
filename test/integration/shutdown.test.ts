import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';
import { SHOP_ORIGIN, startApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('shutting down with clients connected', () => {
  beforeAll(() => assertRedisReachable());
  afterAll(() => disconnectAll());

  it('closes the app without waiting for connected clients, and leaves them free to reconnect', async () => {
    const started = await startApp();
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const agent = await connectAgent(started.url, started.serviceAgent);
    const visitorGone = waitFor<[string]>(visitor, 'disconnect');
    const agentGone = waitFor<[string]>(agent, 'disconnect');
    await started.close();
    // 'transport close', not 'io server disconnect': a client told the server disconnected it never retries.
    expect((await visitorGone)[0]).toBe('transport close');
    expect((await agentGone)[0]).toBe('transport close');
  });

  it('lets a widget reconnect by itself to the restarted server and resume its conversation', async () => {
    const env = { SESSION_SECRET: 'restart-test-secret-long-enough-for-the-check' };
    const first = await startApp({ env });
    const port = Number(new URL(first.url).port);
    const visitor = io(`${first.url}/visitor`, {
      auth: { siteKey: first.siteKey },
      extraHeaders: { origin: SHOP_ORIGIN },
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    }) as VisitorClient;
    try {
      await waitFor(visitor, 'connect');
      const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
      const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice' }));
      visitor.auth = { siteKey: first.siteKey, token: session.token };

      const gone = waitFor(visitor, 'disconnect');
      await first.app.close();
      await gone;
      const back = waitFor(visitor, 'connect', 10_000);
      const second = await startApp({ env, prefix: first.prefix, port });
      try {
        await back;
        const resumed = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
        expect(resumed).toMatchObject({ visitorId: session.visitorId, conversation: { id: conversation.id } });
      } finally {
        visitor.disconnect();
        await second.app.close();
      }
    } finally {
      visitor.disconnect();
      await first.close();
    }
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
