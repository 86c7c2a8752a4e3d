/**
 * `Jobs` over BullMQ: a job scheduler per repeating job and a queue per kind of one-off job, all in
 * Redis, so with N server processes each tick and each job runs on one of them, and a job whose
 * process died is picked up again by another (BullMQ's stalled-job check).
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { JobQueue, JobQueueOptions, JobRun, Jobs, RepeatingJobRun } from './jobs';

export interface BullmqJobsOptions {
  /** The store's connection. Duplicated, never used or closed itself: BullMQ needs `maxRetriesPerRequest: null`. */
  redis: Redis;
  /** BullMQ's key prefix, from `keys.jobs()` (`<REDIS_PREFIX>:{jobs}`). */
  prefix: string;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
}

/** Failed jobs stay a week (at most this many a queue) so someone can see why, then go. */
const FAILED_JOBS_KEPT = { age: 7 * 24 * 3_600, count: 1_000 };

/**
 * BullMQ refuses custom ids that look like integers or hold a `:`; webhook ids such as
 * `evt_1:ep_2` must still work, so ids are escaped reversibly and prefixed.
 */
export function toBullmqJobId(jobId: string): string {
  return `j_${jobId.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

export function fromBullmqJobId(bullmqId: string): string {
  return bullmqId.startsWith('j_') ? bullmqId.slice(2).replaceAll('%3A', ':').replaceAll('%25', '%') : bullmqId;
}

export function createBullmqJobs({ redis, prefix, log }: BullmqJobsOptions): Jobs {
  // One connection for every queue; each worker duplicates it for its blocking fetch and closes that copy itself.
  const connection = redis.duplicate({ maxRetriesPerRequest: null, enableAutoPipelining: false });
  const queues: Queue[] = [];
  const workers: Worker[] = [];
  let closing: Promise<void> | undefined;
  /** Set once the queues close; until then a job added while workers wind down is kept in Redis for another process. */
  let queuesClosed = false;
  const adding = new Set<Promise<void>>();

  const open = (name: string, processor: (job: Job) => Promise<void>, concurrency: number): Queue => {
    const queue = new Queue(name, { connection, prefix });
    const worker = new Worker(name, processor, { connection, prefix, concurrency });
    queue.on('error', (error) => log.warn({ err: error, queue: name }, 'job queue error'));
    worker.on('error', (error) => log.warn({ err: error, queue: name }, 'job worker error'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const context = { err: error, queue: name, jobId: fromBullmqJobId(job.id ?? ''), attempt: job.attemptsMade };
      if (final) log.error(context, 'job failed for good');
      else log.warn(context, 'job failed, will retry');
    });
    queues.push(queue);
    workers.push(worker);
    return queue;
  };

  return {
    async counts() {
      const entries = await Promise.all(
        queues.map(async (queue) => [queue.name, await queue.getJobCounts('waiting', 'delayed', 'active', 'failed')] as const),
      );
      return Object.fromEntries(entries);
    },

    async every(name, everyMs, handler: (run: RepeatingJobRun) => Promise<void>) {
      if (closing) return;
      const queue = open(name, async (job) => handler({ id: job.id ?? `${name}:${job.timestamp}` }), 1);
      // Upserting the same scheduler id from every process keeps one schedule; its jobs' ids
      // (`repeat:<name>:<tick millis>`) are the same whichever process runs the tick.
      await queue.upsertJobScheduler(name, { every: everyMs }, { name, opts: { removeOnComplete: true, removeOnFail: FAILED_JOBS_KEPT } });
    },

    define<T>(name: string, handler: (run: JobRun<T>) => Promise<void>, options: JobQueueOptions = {}): JobQueue<T> {
      // A queue opened now would use a connection about to close.
      if (closing) return { add: async (_data, { jobId } = {}) => log.warn({ queue: name, jobId }, 'job added after close: dropped') };
      const processor = async (job: Job) => {
        const attempt = job.attemptsMade + 1;
        await handler({ id: fromBullmqJobId(job.id ?? ''), data: job.data as T, attempt, finalAttempt: attempt >= (job.opts.attempts ?? 1) });
      };
      const queue = open(name, processor, options.concurrency ?? 1);
      const jobOptions: JobsOptions = {
        attempts: options.attempts ?? 1,
        // BullMQ's built-in exponential waits delay·2^(attempt-1), the contract's formula.
        ...(options.backoff ? { backoff: { type: 'exponential', delay: options.backoff.delayMs } } : {}),
        removeOnComplete: true,
        removeOnFail: FAILED_JOBS_KEPT,
      };
      return {
        async add(data, { jobId, delayMs } = {}) {
          if (queuesClosed) {
            log.warn({ queue: name, jobId }, 'job added after close: dropped');
            return;
          }
          const id = jobId === undefined ? undefined : toBullmqJobId(jobId);
          const pending = (async () => {
            if (id !== undefined) {
              // A failed job is kept to be looked at, and BullMQ would take its id as still in use:
              // the contract says a finished job's id may be added again.
              const previous = await queue.getJob(id);
              if (previous && (await previous.isFailed())) await previous.remove().catch(() => {});
            }
            await queue.add(name, data, { ...jobOptions, ...(id === undefined ? {} : { jobId: id }), ...(delayMs ? { delay: delayMs } : {}) });
          })();
          adding.add(pending);
          try {
            await pending;
          } finally {
            adding.delete(pending);
          }
        },
      };
    },

    close() {
      closing ??= (async () => {
        // Workers first (each waits for its running handler; jobs added meanwhile are kept in Redis
        // for another process), then the queues once no add is under way, then the shared
        // connection, so nothing is sent over a connection that is already gone.
        await Promise.allSettled(workers.map((worker) => worker.close()));
        queuesClosed = true;
        await Promise.allSettled([...adding]);
        await Promise.allSettled(queues.map((queue) => queue.close()));
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}
