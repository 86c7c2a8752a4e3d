/**
 * The sweep is a job: with two servers on one Redis prefix each tick runs on one of them, never on
 * both (it used to be a timer on every process); embedded, it runs in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { assertRedisReachable, deletePrefix, testPrefix } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

const FAST_SWEEPS = { SWEEP_INTERVAL_SECONDS: '0.1' };

describe('the sweep, once per cluster', () => {
  const prefix = testPrefix();
  const servers: StartedApp[] = [];
  beforeAll(() => assertRedisReachable());
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await deletePrefix(prefix);
  });

  it('runs each tick on one of two servers sharing a Redis prefix', async () => {
    const runs: [server: string, runId: string][] = [];
    for (const name of ['A', 'B']) {
      const onJobRun = (job: string, runId: string) => {
        if (job === 'sweep') runs.push([name, runId]);
      };
      servers.push(await startApp({ prefix, env: FAST_SWEEPS, overrides: { onJobRun } }));
    }
    // Counted from when both run: the first server alone would pass trivially.
    runs.length = 0;
    await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(8), 10_000);
    await Promise.all(servers.splice(0).map((server) => server.close()));
    const ids = runs.map(([, id]) => id);
    expect(new Set(ids).size, JSON.stringify(runs)).toBe(ids.length);
    // Two schedules (one a server) would also give distinct ids, but two in some 100 ms slot: the
    // id ends with the tick's time, so each slot must appear once.
    const slots = ids.map((id) => Math.floor(Number(/:(\d+)$/.exec(id)![1]) / 100));
    expect(new Set(slots).size, JSON.stringify(runs)).toBe(slots.length);
  });

  it('runs in-process when embedded (no Redis)', async () => {
    const runs: string[] = [];
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO: 'false', ...FAST_SWEEPS });
    const app = await buildApp(config, { onJobRun: (job, runId) => job === 'sweep' && runs.push(runId) });
    try {
      await app.ready();
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(3));
      expect(new Set(runs).size).toBe(runs.length);
    } finally {
      await app.close();
    }
  });
});
