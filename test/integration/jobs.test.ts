/**
 * Both `Jobs` implementations against one set of behaviours: BullMQ on the real Redis under the
 * test's own prefix, and the in-process one of the embedded mode. Delays are small; nothing here
 * asserts elapsed time, only which runs happened and in what order.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqJobs } from '../../server/jobs/bullmq-jobs';
import type { JobRun, Jobs } from '../../server/jobs/jobs';
import { createMemoryJobs } from '../../server/jobs/memory-jobs';
import { createKeys } from '../../server/store/redis/keys';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';
import { eventually } from '../helpers/wait-for';

const silent = { warn: () => {}, error: () => {} };

/** Connection trouble a backend logged ("Connection is closed" on close, say); failed jobs are expected. */
const connectionTrouble: string[] = [];
const watchful = {
  warn: (context: { err?: unknown }, message?: string) => {
    if (message?.endsWith(' error')) connectionTrouble.push(`${message}: ${String(context.err)}`);
  },
  error: () => {},
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Open TCP sockets of this process, to check that close() leaves none of its own behind. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

interface Backend {
  /** A `Jobs`, as one server process would have it; several calls share one cluster where the backend has one. */
  create(): Jobs;
  /** Jobs outlive the process that added them (Redis), rather than going with it. */
  durable: boolean;
  /** Deletes what the backend left behind. */
  tearDown?(): Promise<void>;
}

function describeJobs(name: string, setUp: () => Backend) {
  describe(`${name} jobs`, () => {
    let backend: Backend;
    const opened: Jobs[] = [];
    const create = () => {
      const jobs = backend.create();
      opened.push(jobs);
      return jobs;
    };
    beforeAll(() => {
      backend = setUp();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((jobs) => jobs.close()));
    });
    afterAll(() => backend.tearDown?.());
    afterAll(() => expect(connectionTrouble).toEqual([]));

    it('retries a failing job with backoff, numbering attempts, and calls only the last allowed one final', async () => {
      const jobs = create();
      const runs: [attempt: number, final: boolean][] = [];
      const flaky = jobs.define<{ failures: number }>(
        'flaky',
        async (run) => {
          runs.push([run.attempt, run.finalAttempt]);
          if (run.attempt <= run.data.failures) throw new Error(`attempt ${run.attempt} fails`);
        },
        { attempts: 3, backoff: { type: 'exponential', delayMs: 50 } },
      );
      await flaky.add({ failures: 2 });
      await eventually(() => expect(runs).toEqual([[1, false], [2, false], [3, true]]));
    });

    it('gives up after the last attempt', async () => {
      const jobs = create();
      const runs: string[] = [];
      const doomed = jobs.define<{ name: string }>(
        'doomed',
        async (run) => {
          runs.push(`${run.data.name}#${run.attempt}${run.finalAttempt ? ' final' : ''}`);
          if (run.data.name === 'doomed') throw new Error('always fails');
        },
        { attempts: 2, backoff: { type: 'exponential', delayMs: 20 } },
      );
      await doomed.add({ name: 'doomed' });
      await eventually(() => expect(runs).toEqual(['doomed#1', 'doomed#2 final']));
      // A third attempt would be due 40 ms after the second failed; this one starts well after that.
      await doomed.add({ name: 'later' }, { delayMs: 300 });
      await eventually(() => expect(runs).toContain('later#1'));
      expect(runs).toEqual(['doomed#1', 'doomed#2 final', 'later#1']);
    });

    it('treats a job id as taken while that job waits or runs, and free again once it finished', async () => {
      const jobs = create();
      const gate = deferred();
      const runs: string[] = [];
      const queue = jobs.define<{ label: string }>('dedupe', async (run: JobRun<{ label: string }>) => {
        runs.push(`${run.id}=${run.data.label}`);
        if (run.data.label === 'first') await gate.promise;
      });
      await queue.add({ label: 'first' }, { jobId: 'evt_1:ep_1' });
      await eventually(() => expect(runs).toEqual(['evt_1:ep_1=first']));
      await queue.add({ label: 'while running' }, { jobId: 'evt_1:ep_1' });
      await queue.add({ label: 'waiting' }, { jobId: 'evt_2:ep_1', delayMs: 100 });
      await queue.add({ label: 'while waiting' }, { jobId: 'evt_2:ep_1' });
      gate.resolve();
      await eventually(() => expect(runs).toContain('evt_2:ep_1=waiting'));
      await queue.add({ label: 'again' }, { jobId: 'evt_1:ep_1' });
      await eventually(() => expect(runs).toContain('evt_1:ep_1=again'));
      expect(runs).toEqual(['evt_1:ep_1=first', 'evt_2:ep_1=waiting', 'evt_1:ep_1=again']);
    });

    it('lets the id of a job that failed for good be added again', async () => {
      const jobs = create();
      const runs: string[] = [];
      const queue = jobs.define<{ label: string }>('refused', async (run) => {
        runs.push(run.data.label);
        if (run.data.label === 'fails') throw new Error('refused');
      });
      await queue.add({ label: 'fails' }, { jobId: '42' });
      await eventually(() => expect(runs).toEqual(['fails']));
      // Long enough for the failure to be recorded; the next add checks the job's state anyway.
      await eventually(async () => {
        await queue.add({ label: 'retried by hand' }, { jobId: '42' });
        expect(runs).toContain('retried by hand');
      });
    });

    it('waits for a running handler on close, and then runs nothing more', async () => {
      const before = openSockets();
      const jobs = backend.create();
      const gate = deferred();
      const order: string[] = [];
      const queue = jobs.define<number>('slow', async (run) => {
        order.push(`started ${run.data}`);
        await gate.promise;
        order.push(`finished ${run.data}`);
      });
      await queue.add(1);
      await eventually(() => expect(order).toEqual(['started 1']));
      const closed = jobs.close().then(() => order.push('closed'));
      await queue.add(2);
      gate.resolve();
      await closed;
      await jobs.define('late', async () => void order.push('late')).add(0);
      expect(order).toEqual(['started 1', 'finished 1', 'closed']);
      await eventually(() => expect(openSockets()).toBeLessThanOrEqual(before));
      if (backend.durable) {
        // The job added while the first one wound down waited in Redis for the next process.
        create().define<number>('slow', async (run) => void order.push(`started ${run.data} elsewhere`));
        await eventually(() => expect(order).toContain('started 2 elsewhere'));
      }
    });
  });
}

describeJobs('in-process', () => ({ durable: false, create: () => createMemoryJobs({ log: silent }) }));

describe('in-process repeating jobs', () => {
  it('runs each tick once, with an id of its own, and stops on close', async () => {
    const jobs = createMemoryJobs({ log: silent });
    const ticks: string[] = [];
    await jobs.every('tick', 20, async (run) => {
      ticks.push(run.id);
    });
    await eventually(() => expect(ticks.length).toBeGreaterThanOrEqual(4));
    await jobs.close();
    const seen = ticks.length;
    expect(new Set(ticks).size).toBe(seen);
    // Ticks would come every 20 ms; a later job of another kind proves time passed without one.
    const other = createMemoryJobs({ log: silent });
    const done = deferred();
    other.define('marker', async () => done.resolve()).add(null, { delayMs: 100 });
    await done.promise;
    await other.close();
    expect(ticks.length).toBe(seen);
  });

  it('skips a tick while the previous one still runs', async () => {
    const jobs = createMemoryJobs({ log: silent });
    const gate = deferred();
    let running = 0;
    let most = 0;
    const ticks: string[] = [];
    await jobs.every('slow-tick', 10, async (run) => {
      running += 1;
      most = Math.max(most, running);
      ticks.push(run.id);
      if (ticks.length === 1) await gate.promise;
      running -= 1;
    });
    await eventually(() => expect(ticks.length).toBe(1));
    gate.resolve();
    await eventually(() => expect(ticks.length).toBeGreaterThanOrEqual(3));
    await jobs.close();
    expect(most).toBe(1);
  });
});

describe('BullMQ', () => {
  beforeAll(async () => {
    await assertRedisReachable();
  });

  describeJobs('BullMQ', () => {
    const prefix = testPrefix();
    const redis = new Redis(TEST_REDIS_URL);
    return {
      durable: true,
      create: () => createBullmqJobs({ redis, prefix: createKeys(prefix).jobs(), log: watchful }),
      async tearDown() {
        await redis.quit();
        await deletePrefix(prefix);
      },
    };
  });

  describe('repeating jobs with two processes on one prefix', () => {
    const shared = testPrefix();
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    afterAll(async () => {
      await redis.quit();
      await deletePrefix(shared);
    });

    it('runs each tick once across both, and keeps its keys under the prefix', async () => {
      const processes = [1, 2].map(() => createBullmqJobs({ redis, prefix: createKeys(shared).jobs(), log: watchful }));
      const ticks: [process: number, id: string][] = [];
      await Promise.all(
        processes.map((jobs, index) =>
          jobs.every('tick', 100, async (run) => {
            ticks.push([index, run.id]);
          }),
        ),
      );
      await eventually(() => expect(ticks.length).toBeGreaterThanOrEqual(5), 10_000);
      await Promise.all(processes.map((jobs) => jobs.close()));
      const ids = ticks.map(([, id]) => id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(connectionTrouble).toEqual([]);
      const keys = await redis.keys(`${shared}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`${shared}:{jobs}:tick:`), key).toBe(true);
    });
  });
});
