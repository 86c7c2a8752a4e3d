/**
 * What an operator (and the Dockerfile) does with a release: take the built artefact (dist/,
 * package.json, package-lock.json) somewhere else, install the production dependencies only, start
 * `node dist/server/main.js` on Redis, and chat through it. Proves the build carries every file the
 * server reads and that no build tool is needed at run time.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, QueueEntry } from '../../shared/protocol';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SESSION_SECRET = 'production-install-secret-long-enough-for-the-check';
/** The artefact: what the Dockerfile's runtime stage copies from the build stage. */
const ARTEFACT = ['dist', 'package.json', 'package-lock.json'];
/** The commands, word for word as in the Dockerfile's runtime stage (checked below). */
const INSTALL = ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'];
const START = ['node', 'dist/server/main.js'];

function run(command: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

describe('the built artefact, installed with production dependencies only', () => {
  let dir: string;
  let seeded: StartedApp;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    await assertRedisReachable();
    if (!existsSync(join(ROOT, 'dist/server/main.js'))) throw new Error('dist/server/main.js is missing: run npm run build first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'switchboard-artefact-'));
    for (const entry of ARTEFACT) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    // A clean npm environment (not the one `npm test` passes down), using the local cache first:
    // the registry is still asked for what the cache lacks.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    await run(INSTALL, dir, { ...env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' }, 150_000);
    // Site and agents in a fresh prefix, made by the test's own app; the artefact serves them.
    seeded = await startApp({ env: { SESSION_SECRET } });
    server = await startServerProcess(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: seeded.prefix, SESSION_SECRET },
      30_000,
      { command: { args: START.slice(1), cwd: dir } },
    );
  }, 200_000);

  afterAll(async () => {
    disconnectAll();
    await server?.stop();
    await seeded?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('has no build tools installed, so nothing is compiled at run time', () => {
    for (const tool of ['tsx', 'esbuild', 'typescript', 'vitest', 'preact', 'socket.io-client']) {
      expect(existsSync(join(dir, 'node_modules', tool)), tool).toBe(false);
    }
    expect(existsSync(join(dir, 'node_modules', 'fastify'))).toBe(true);
  });

  it('is ready, serves the widget and the console, and hides the compiled server', async () => {
    const ready = await fetch(`${server!.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const loader = await fetch(`${server!.url}/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toMatch(/javascript/);
    expect((await loader.text()).length).toBeGreaterThan(500);
    expect((await fetch(`${server!.url}/console`)).status).toBe(200);

    for (const path of ['/server/main.js', '/server/main.js.map', '/package.json', '//server/main.js']) {
      expect((await fetch(`${server!.url}${path}`)).status, path).toBe(404);
    }
  });

  it('carries a message from a visitor to an agent and back (Lua scripts and router model found)', async () => {
    const url = server!.url;
    const agent = await connectAgent(url, seeded.serviceAgent);
    const visitor = await connectVisitor(url, { siteKey: seeded.siteKey });
    const entered = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
    const sent = expectOk(await emitWithTimeout(visitor, 5000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for my order' }));
    expect(sent.conversation).toMatchObject({ status: 'waiting', queue: 'service' });
    const [entry] = await entered;

    expectOk(await emitWithTimeout(agent, 5000, 'conversation:take', { conversationId: entry.conversationId }));
    const reply = waitFor<[MessageView]>(visitor, 'message:new');
    expectOk(await emitWithTimeout(agent, 5000, 'message:send', { conversationId: entry.conversationId, clientId: randomUUID(), text: 'Refunding one now.' }));
    expect((await reply)[0]).toMatchObject({ author: 'agent', text: 'Refunding one now.' });
  });

  it('is what the Dockerfile runs, word for word', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`RUN ${INSTALL.join(' ')}`);
    expect(dockerfile).toContain(`CMD ${JSON.stringify(START).replace(',', ', ')}`);
    for (const entry of ARTEFACT) expect(dockerfile).toMatch(new RegExp(`COPY --from=build[^\\n]*/app/${entry.replace('.', '\\.')}`));
  });
});
