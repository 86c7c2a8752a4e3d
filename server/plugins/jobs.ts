/**
 * Background work that runs once per cluster, decorated as `app.jobs`: BullMQ when the store is
 * Redis (every process shares the schedules and queues), in-process when embedded.
 */
import fp from 'fastify-plugin';
import { createBullmqJobs } from '../jobs/bullmq-jobs';
import type { Jobs } from '../jobs/jobs';
import { createMemoryJobs } from '../jobs/memory-jobs';
import type { RedisStore } from '../store/redis/redis-store';
import { createKeys } from '../store/redis/keys';

export interface JobsPluginOptions {
  /** Test hook: told of every run (a tick's id or a job's id) before its handler starts. */
  onJobRun?: (name: string, runId: string) => void;
  /** Runs the jobs on these instead (tests that step through retries); closed with the app all the same. */
  jobs?: Jobs;
}

/** Wraps each handler so `onRun` hears of every run, on whichever process it happens. */
function observeJobs(jobs: Jobs, onRun: (name: string, runId: string) => void): Jobs {
  return {
    every: (name, everyMs, handler) =>
      jobs.every(name, everyMs, async (run) => {
        onRun(name, run.id);
        await handler(run);
      }),
    define: (name, handler, options) =>
      jobs.define(
        name,
        async (run) => {
          onRun(name, run.id);
          await handler(run);
        },
        options,
      ),
    close: () => jobs.close(),
  };
}

export default fp<JobsPluginOptions>(
  async (app, { onJobRun, jobs: given }) => {
    const redis = 'redis' in app.store ? (app.store as RedisStore).redis : undefined;
    const log = app.log.child({ component: 'jobs' });
    const jobs =
      given ??
      (redis ? createBullmqJobs({ redis, prefix: createKeys(app.config.redisPrefix).jobs(), log }) : createMemoryJobs({ log, now: app.kpiNow }));
    app.decorate('jobs', onJobRun ? observeJobs(jobs, onJobRun) : jobs);
    // preClose runs before every onClose hook, whatever the order plugins were registered in: no
    // handler is still running, and no job connection still open, when the store's connection closes.
    app.addHook('preClose', async () => {
      await jobs.close();
    });
  },
  { name: 'switchboard-jobs', dependencies: ['switchboard-domain'] },
);
