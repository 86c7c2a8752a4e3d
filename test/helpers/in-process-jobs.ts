/**
 * A small in-process `Jobs` (server/jobs/jobs.ts) for tests of job users, until the real one
 * (BullMQ, and its in-process twin for the embedded mode) is merged: attempts with exponential
 * backoff, job ids that make a second add a no-op while the first waits, backs off or runs,
 * concurrency per queue, and BullMQ's refusal of ':' in job ids.
 */
import type { JobQueue, JobQueueOptions, JobRun, Jobs, RepeatingJobRun } from '../../server/jobs/jobs';

export interface InProcessJobs extends Jobs {
  /** Jobs waiting, backing off or running, all queues together. */
  pending(): number;
}

export function createInProcessJobs(): InProcessJobs {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let pendingCount = 0;
  let closed = false;
  let nextId = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  return {
    pending: () => pendingCount,

    async every(name, everyMs, handler: (run: RepeatingJobRun) => Promise<void>) {
      let tick = 0;
      const next = () =>
        later(everyMs, () => {
          if (closed) return;
          tick += 1;
          const done = handler({ id: `${name}.${tick}` }).catch(() => {}).finally(() => running.delete(done));
          running.add(done);
          next();
        });
      next();
    },

    define<T>(name: string, handler: (run: JobRun<T>) => Promise<void>, options: JobQueueOptions = {}): JobQueue<T> {
      const attempts = options.attempts ?? 1;
      const concurrency = options.concurrency ?? 1;
      const live = new Set<string>();
      const ready: (() => Promise<void>)[] = [];
      let active = 0;

      const pump = () => {
        while (!closed && active < concurrency && ready.length > 0) {
          const start = ready.shift()!;
          active += 1;
          const done = start().finally(() => {
            active -= 1;
            running.delete(done);
            pump();
          });
          running.add(done);
        }
      };

      const attempt = (id: string, data: T, n: number) => async () => {
        try {
          await handler({ id, data, attempt: n, finalAttempt: n >= attempts });
        } catch {
          if (n < attempts && !closed) {
            const delay = (options.backoff?.delayMs ?? 0) * 2 ** (n - 1);
            later(delay, () => {
              ready.push(attempt(id, data, n + 1));
              pump();
            });
            return;
          }
        }
        live.delete(id);
        pendingCount -= 1;
      };

      return {
        async add(data, addOptions = {}) {
          if (closed) throw new Error(`jobs are closed: ${name} not added`);
          const id = addOptions.jobId ?? `${name}.${++nextId}`;
          if (id.includes(':')) throw new Error('Custom Id cannot contain :');
          if (live.has(id)) return;
          live.add(id);
          pendingCount += 1;
          const enqueue = () => {
            ready.push(attempt(id, structuredClone(data), 1));
            pump();
          };
          if (addOptions.delayMs) later(addOptions.delayMs, enqueue);
          else enqueue();
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
