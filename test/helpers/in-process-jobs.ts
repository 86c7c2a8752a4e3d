/**
 * A small in-process `Jobs` (server/jobs/jobs.ts) for tests of features that define jobs, until the
 * jobs plugin decorates `app.jobs`: job ids dedup while a job waits or runs, delays and exponential
 * backoff are timers, attempts are counted. `added` and `attempts` record every add and attempt, so a
 * test can count them. With `holdDelayed`, a delayed job waits for `runDelayed()` instead of its
 * timer, so a test decides when "later" is without sleeping.
 */
import type { JobQueue, JobQueueOptions, JobRun, Jobs, RepeatingJobRun } from '../../server/jobs/jobs';

export interface JobAttempt {
  queue: string;
  id: string;
  attempt: number;
  outcome: 'done' | 'failed';
}

export interface InProcessJobs extends Jobs {
  /** Every add that was not a duplicate of a pending job id. */
  readonly added: { queue: string; id: string; delayMs: number }[];
  readonly attempts: JobAttempt[];
  /** Starts every held delayed job now (holdDelayed only). */
  runDelayed(): void;
}

export function createInProcessJobs({ holdDelayed = false }: { holdDelayed?: boolean } = {}): InProcessJobs {
  const added: InProcessJobs['added'] = [];
  const held: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const attempts: JobAttempt[] = [];
  let closed = false;
  let nextId = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) run();
    }, ms);
    timers.add(timer);
  };
  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  return {
    added,
    attempts,

    runDelayed() {
      for (const run of held.splice(0)) run();
    },

    async every(name: string, everyMs: number, handler: (run: RepeatingJobRun) => Promise<void>) {
      let tick = 0;
      const loop = () =>
        later(everyMs, () => {
          tick += 1;
          track(handler({ id: `${name}-${tick}` }).catch(() => {}).finally(loop));
        });
      loop();
    },

    define<T>(name: string, handler: (run: JobRun<T>) => Promise<void>, options: JobQueueOptions = {}): JobQueue<T> {
      const maxAttempts = options.attempts ?? 1;
      const pending = new Set<string>();
      const attempt = (id: string, data: T, n: number) => {
        const work = (async () => {
          try {
            await handler({ id, data, attempt: n, finalAttempt: n >= maxAttempts });
            attempts.push({ queue: name, id, attempt: n, outcome: 'done' });
            pending.delete(id);
          } catch {
            attempts.push({ queue: name, id, attempt: n, outcome: 'failed' });
            if (n >= maxAttempts || closed) {
              pending.delete(id);
              return;
            }
            const delay = options.backoff ? options.backoff.delayMs * 2 ** (n - 1) : 0;
            later(delay, () => attempt(id, data, n + 1));
          }
        })();
        track(work);
      };
      return {
        async add(data, { jobId, delayMs = 0 } = {}) {
          const id = jobId ?? `job-${++nextId}`;
          if (pending.has(id)) return;
          pending.add(id);
          added.push({ queue: name, id, delayMs });
          if (holdDelayed && delayMs > 0) held.push(() => attempt(id, data, 1));
          else later(delayMs, () => attempt(id, data, 1));
        },
      };
    },

    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
