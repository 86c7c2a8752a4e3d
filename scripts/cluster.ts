/**
 * `npm run cluster -- --processes N` (or `WORKERS=N npm run cluster`): N server processes on one
 * Redis behind one address, for tests and demos (production puts a real load balancer in front:
 * docs/deploy.md).
 *
 * Each process is `node --import tsx server/main.ts` on its own port (PORT+1 … PORT+N, on
 * 127.0.0.1); a small TCP front on HOST:PORT hands each client connection to a process chosen by
 * the client's address, so all of one browser's connections reach the same process. That keeps
 * the widget's and console's long-polling fallback working (its requests must all reach the
 * process that holds the session; WebSocket alone would not need it). If that process does not
 * answer, the next one takes the connection: kill one and its clients reconnect to the others.
 * A process that exits is not restarted; the front goes on with the others and exits when none is
 * left. SIGINT/SIGTERM: each process gets SIGTERM and closes cleanly, then the front closes.
 *
 * Needs REDIS_URL (the processes share it) and SESSION_SECRET, like any server with Redis. With
 * DEMO=true only the first process seeds the demo and serves the demo shop (on DEMO_PORT, by
 * default PORT+N+1). SINGLE_PROCESS=true is refused: these processes need the Redis adapter.
 *
 * Prints `cluster: N processes (pids …) at http://HOST:PORT` once every process listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function usageError(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({ options: { processes: { type: 'string' } } });
const count = Number(values.processes ?? process.env.WORKERS ?? 2);
if (!Number.isInteger(count) || count < 1 || count > 64) usageError(`--processes (or WORKERS) must be a whole number from 1 to 64, got "${values.processes ?? process.env.WORKERS}"`);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) usageError(error.message);
  throw error;
}
if (!config.redisUrl) usageError('REDIS_URL is required: the processes share their state through Redis (the in-memory store is one process\'s)');
if (config.singleProcess) usageError('SINGLE_PROCESS=true is for one process alone; unset it to run several');

const frontPort = config.port;
const backendPort = (i: number) => frontPort + 1 + i;
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${frontPort}`;

interface Backend {
  port: number;
  child: ChildProcess;
  alive: boolean;
}

async function startBackend(i: number): Promise<Backend> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(backendPort(i)), HOST: '127.0.0.1', PUBLIC_URL: publicUrl };
  if (i > 0) env.DEMO = 'false';
  else env.DEMO_PORT ??= String(frontPort + count + 1);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const backend: Backend = { port: backendPort(i), child, alive: false };
  // Ready once it answers /healthz (whatever LOG_LEVEL says about "listening").
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = String(code ?? signal)));
  for (const deadline = Date.now() + 60_000; !backend.alive; await new Promise((r) => setTimeout(r, 200))) {
    if (exited !== undefined) throw new Error(`process ${i + 1} exited before listening (${exited})`);
    if (Date.now() > deadline) throw new Error(`process ${i + 1} did not answer /healthz within 60 s`);
    backend.alive = await fetch(`http://127.0.0.1:${backend.port}/healthz`).then((r) => r.ok, () => false);
  }
  child.on('exit', (code, signal) => {
    backend.alive = false;
    console.error(`cluster: process ${i + 1} (pid ${child.pid}) exited (${code ?? signal}); ${backends.filter((b) => b.alive).length} left`);
    if (!backends.some((b) => b.alive) && !closing) process.exit(1);
  });
  return backend;
}

/** The same address always starts at the same process, so its polling requests stay together. */
function firstChoice(address: string | undefined): number {
  return createHash('sha1').update(address ?? '').digest().readUInt32BE(0) % count;
}

function pipeTo(client: Socket, choice: number, tries = 0): void {
  const alive = backends.filter((b) => b.alive);
  if (alive.length === 0 || tries >= count) {
    client.destroy();
    return;
  }
  const backend = backends[(choice + tries) % count]!;
  if (!backend.alive) return pipeTo(client, choice, tries + 1);
  const upstream = connect(backend.port, '127.0.0.1');
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on('error', () => {
    if (!connected) pipeTo(client, choice, tries + 1);
    else client.destroy();
  });
  upstream.on('close', () => connected && client.destroy());
  client.on('close', () => upstream.destroy());
}

let closing = false;
const backends: Backend[] = [];
try {
  // One after the other: the first one seeds the demo, if asked, before the others start.
  for (let i = 0; i < count; i++) backends.push(await startBackend(i));
} catch (error) {
  console.error(`cluster: ${(error as Error).message}`);
  for (const b of backends) b.child.kill('SIGTERM');
  process.exit(1);
}

const front = createServer({ pauseOnConnect: true }, (client) => {
  client.on('error', () => client.destroy());
  pipeTo(client, firstChoice(client.remoteAddress));
});
front.listen(frontPort, config.host);
await once(front, 'listening');
console.log(`cluster: ${count} processes (pids ${backends.map((b) => b.child.pid).join(' ')}) at http://${config.host}:${frontPort}`);

const shutdown = async () => {
  if (closing) return;
  closing = true;
  front.close();
  await Promise.all(
    backends.filter((b) => b.alive).map(async (b) => {
      const exited = once(b.child, 'exit');
      b.child.kill('SIGTERM');
      await exited;
    }),
  );
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
