/**
 * An ordered shutdown. Fastify runs `preClose` hooks in the order they were added and `onClose`
 * hooks after the HTTP server closed; this plugin is registered before the jobs and realtime
 * plugins, so its `preClose` runs first:
 *
 *   1. stop accepting: the `onStop` callbacks (the realtime plugin closes Socket.IO's engine, so no
 *      new socket or event arrives, and stops its timers);
 *   2. drain: wait for the work in flight that `track` was given (events being handled until they
 *      ack, the store writes of sockets that just disconnected, position updates), at most
 *      DRAIN_TIMEOUT_MS;
 *   3. then the jobs plugin's `preClose` stops the workers, and the `onClose` hooks close the
 *      Redis connections (store, adapter), with nothing left to use them.
 *
 * Without it, a server stopped right after a burst of disconnects logged one "Connection is
 * closed" warning per visitor (issue 17).
 */
import fp from 'fastify-plugin';

/** Long enough for a Redis round trip under load; short enough that SIGTERM still ends the process quickly. */
export const DRAIN_TIMEOUT_MS = 5_000;

export interface Shutdown {
  /** True from the moment the app starts closing. */
  readonly closing: boolean;
  /** Called first when the app closes, in order: stop taking new work here. */
  onStop(stop: () => void | Promise<void>): void;
  /** Work that must finish before jobs stop and Redis closes; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Starts a piece of work and returns the function that ends it (for callbacks, like an ack). */
  begin(): () => void;
}

export function createShutdown(): Shutdown & { stop(timeoutMs: number): Promise<number> } {
  const stops: (() => void | Promise<void>)[] = [];
  const inFlight = new Set<object>();
  let idle: (() => void) | undefined;
  let closing = false;
  const begin = () => {
    const token = {};
    inFlight.add(token);
    return () => {
      if (inFlight.delete(token) && inFlight.size === 0) idle?.();
    };
  };
  return {
    get closing() {
      return closing;
    },
    onStop: (stop) => void stops.push(stop),
    begin,
    track(work) {
      const end = begin();
      work.then(end, end);
      return work;
    },
    /** Runs the stops, then waits for the work in flight; resolves with how many were still running at the timeout. */
    async stop(timeoutMs) {
      closing = true;
      for (const stop of stops) await stop();
      if (inFlight.size === 0) return 0;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        idle = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      return inFlight.size;
    },
  };
}

export default fp(
  async (app) => {
    const shutdown = createShutdown();
    app.decorate('shutdown', shutdown);
    app.addHook('preClose', async () => {
      const left = await shutdown.stop(DRAIN_TIMEOUT_MS);
      if (left > 0) app.log.warn({ left, timeoutMs: DRAIN_TIMEOUT_MS }, 'closing with work still in flight');
    });
  },
  { name: 'switchboard-shutdown' },
);
