/**
 * Background work that runs once per cluster (STYLE.md rule 18): repeating work (sweeps, retention)
 * and one-off work retried with backoff (webhook deliveries, email). With Redis it is BullMQ
 * (`bullmq-jobs.ts`): a job scheduler per repeating job and a queue per kind of one-off job, so with
 * N server processes each tick and each job runs on one of them; embedded (no Redis), the same
 * handlers run in-process (`memory-jobs.ts`). A handler may run twice after a crash: keep it idempotent.
 */

export interface RepeatingJobRun {
  /** The same on every process for one tick, different for each tick: counts a tick once. */
  id: string;
}

export interface JobRun<T> {
  id: string;
  data: T;
  /** 1 on the first attempt. */
  attempt: number;
  /** No attempt follows this one if it fails. */
  finalAttempt: boolean;
}

export interface JobQueueOptions {
  /** Attempts in all, the first included. @default 1 */
  attempts?: number;
  /** Attempt n+1 starts `delayMs · 2^(n-1)` after attempt n failed. */
  backoff?: { type: 'exponential'; delayMs: number };
  /** Jobs of this queue run at once on one process. @default 1 */
  concurrency?: number;
}

export interface JobQueue<T> {
  /**
   * Adds a job. With `jobId`, a job of that id still waiting, delayed or running makes this a no-op
   * (BullMQ's job id rule); once it finished, the same id may be added again.
   */
  add(data: T, options?: { jobId?: string; delayMs?: number }): Promise<void>;
}

export interface Jobs {
  /**
   * Runs `handler` every `everyMs`, once per tick across the cluster. Called by every process at
   * start: the schedule is upserted, never doubled.
   */
  every(name: string, everyMs: number, handler: (run: RepeatingJobRun) => Promise<void>): Promise<void>;
  /** Declares a queue of one-off jobs and its worker; `add` to it from any process. */
  define<T>(name: string, handler: (run: JobRun<T>) => Promise<void>, options?: JobQueueOptions): JobQueue<T>;
  /** Stops taking work, waits for running handlers, closes connections. */
  close(): Promise<void>;
  /** Jobs per queue and state (`waiting`, `delayed`, `active`, `failed`), for metrics; absent where nothing is stored. */
  counts?(): Promise<Record<string, Record<string, number>>>;
}
