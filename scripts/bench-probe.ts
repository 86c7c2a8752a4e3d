/**
 * Preloaded into the server processes of `npm run bench:load` (`node --expose-gc --import
 * ./scripts/bench-probe.ts server/main.ts`, with an IPC channel): answers 'bench:probe' with the
 * process's CPU time so far and its memory after a full garbage collection, so heap figures are
 * what stays alive, not what waits to be collected. With `--profile`, 'bench:profile:start' and
 * `{ 'bench:profile:stop': file }` take a V8 CPU profile of the measured seconds only (start-up,
 * connections and warm-up left out), written to `file`. No product code knows about it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const collectGarbage = (globalThis as { gc?: () => void }).gc;
let profiler: Session | undefined;

const post = (session: Session, method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('message', (message: unknown) => {
  if (message === 'bench:probe') {
    collectGarbage?.();
    process.send?.({ probe: { cpu: process.cpuUsage(), memory: process.memoryUsage() } });
  } else if (message === 'bench:profile:start') {
    profiler = new Session();
    profiler.connect();
    void post(profiler, 'Profiler.enable')
      .then(() => post(profiler!, 'Profiler.start'))
      .then(() => process.send?.({ profiling: true }));
  } else if (typeof message === 'object' && message !== null && 'bench:profile:stop' in message && profiler) {
    const session = profiler;
    profiler = undefined;
    void post(session, 'Profiler.stop').then((result) => {
      writeFileSync((message as { 'bench:profile:stop': string })['bench:profile:stop'], JSON.stringify((result as { profile: object }).profile));
      session.disconnect();
      process.send?.({ profiled: true });
    });
  }
});
// The channel must not keep a server alive that is closing.
(process as unknown as { channel?: { unref(): void } }).channel?.unref();
export {};
