/**
 * A Redis Sentinel of the test's own (`redis-server <conf> --sentinel`, the binary the fault tests
 * already need), watching one master under a group name, with a quorum of one so that it alone
 * can fail the master over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './fault-scene';
import { eventually } from './wait-for';

export interface OwnSentinel {
  port: number;
  /** The master group name it watches. */
  name: string;
  /** A plain connection to the sentinel itself, for SENTINEL commands. */
  admin: Redis;
  /** The port of the master it names now. */
  masterPort(): Promise<number>;
  /** Stops it and removes its folder (the sentinel rewrites its config file as it learns). */
  remove(): Promise<void>;
}

export async function startOwnSentinel(masterPort: number, name = 'sbmaster'): Promise<OwnSentinel> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      // Only a failover the test asks for: a slow CI machine must not make it see the master down.
      `sentinel down-after-milliseconds ${name} 60000`,
      `sentinel failover-timeout ${name} 20000`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const spawned = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`could not start redis-server --sentinel (is redis-server installed? .ci/run installs it): ${error.message}`))),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  admin.on('error', () => undefined);
  const masterPortNow = async () => {
    const [, masterPortText] = (await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
    return Number(masterPortText);
  };
  await Promise.race([
    spawned,
    eventually(async () => {
      if (admin.status === 'wait') await admin.connect();
      if ((await masterPortNow()) !== masterPort) throw new Error('sentinel does not name the master yet');
    }, 10_000),
  ]);
  return {
    port,
    name,
    admin,
    masterPort: masterPortNow,
    async remove() {
      admin.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
