/**
 * `Jobs` in-process, for the embedded mode (no Redis, one process): the semantics of
 * `bullmq-jobs.ts` with timers. Work waiting or delayed is lost when the process stops, as every
 * other embedded state is.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue, JobQueueOptions, JobRun, Jobs, RepeatingJobRun } from './jobs';

export interface MemoryJobsOptions {
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** Names the ticks. @default Date.now */
  now?: () => number;
}

export function createMemoryJobs({ log, now = Date.now }: MemoryJobsOptions): Jobs {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let closed = false;

  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    // Nothing here should keep a process alive that has nothing else to do.
    timer.unref();
    timers.add(timer);
  };

  return {
    async every(name, everyMs, handler: (run: RepeatingJobRun) => Promise<void>) {
      if (closed) return;
      const firstAt = now();
      let tick = 0;
      let busy = false;
      const timer = setInterval(() => {
        tick += 1;
        // A tick that finds the previous one still running is skipped rather than stacked.
        if (busy || closed) return;
        busy = true;
        const run = handler({ id: `repeat:${name}:${firstAt + tick * everyMs}` })
          .catch((error: unknown) => log.error({ err: error, queue: name }, 'repeating job failed'))
          .finally(() => (busy = false));
        track(run);
      }, everyMs);
      timer.unref();
      timers.add(timer);
    },

    define<T>(name: string, handler: (run: JobRun<T>) => Promise<void>, options: JobQueueOptions = {}): JobQueue<T> {
      const attempts = options.attempts ?? 1;
      const concurrency = options.concurrency ?? 1;
      /** Ids of jobs waiting, delayed or running: adding one of them again is a no-op. */
      const pending = new Set<string>();
      const ready: (() => void)[] = [];
      let active = 0;

      const startNext = () => {
        while (!closed && active < concurrency && ready.length > 0) ready.shift()!();
      };
      const attempt = (id: string, data: T, n: number) => {
        if (closed) return;
        active += 1;
        const run = handler({ id, data, attempt: n, finalAttempt: n >= attempts }).then(
          () => {
            pending.delete(id);
          },
          (error: unknown) => {
            const context = { err: error, queue: name, jobId: id, attempt: n };
            if (n < attempts && !closed) {
              log.warn(context, 'job failed, will retry');
              const delayMs = options.backoff ? options.backoff.delayMs * 2 ** (n - 1) : 0;
              later(delayMs, () => enqueue(id, data, n + 1));
            } else {
              log.error(context, 'job failed for good');
              pending.delete(id);
            }
          },
        );
        track(
          run.finally(() => {
            active -= 1;
            startNext();
          }),
        );
      };
      const enqueue = (id: string, data: T, n: number) => {
        ready.push(() => attempt(id, data, n));
        startNext();
      };

      return {
        async add(data, { jobId, delayMs } = {}) {
          if (closed) {
            log.warn({ queue: name, jobId }, 'job added while closing: dropped');
            return;
          }
          const id = jobId ?? randomUUID();
          if (pending.has(id)) return;
          pending.add(id);
          if (delayMs) later(delayMs, () => enqueue(id, data, 1));
          else enqueue(id, data, 1);
        },
      };
    },

    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
