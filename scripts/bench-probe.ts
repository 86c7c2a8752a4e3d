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
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const collectGarbage = (globalThis as { gc?: () => void }).gc;
let profiler: Session | undefined;

/** Pauses of the main thread since the last probe: garbage collections and the event loop's delay. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let gcPauses: number[] = [];
/** The longest pause of each kind: minor (scavenge), major (mark-compact), incremental, weak callbacks. */
let gcLongest: Record<string, number> = {};
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.push(entry.duration);
    const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    gcLongest[kind] = Math.max(gcLongest[kind] ?? 0, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

function pausesSinceLastProbe() {
  const pauses = {
    gcCount: gcPauses.length,
    gcTotalMs: gcPauses.reduce((a, b) => a + b, 0),
    gcMaxMs: Math.max(0, ...gcPauses),
    gcLongest,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
  gcPauses = [];
  gcLongest = {};
  loopDelay.reset();
  return pauses;
}

const post = (session: Session, method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('message', (message: unknown) => {
  if (message === 'bench:probe') {
    const pauses = pausesSinceLastProbe();
    collectGarbage?.();
    process.send?.({ probe: { cpu: process.cpuUsage(), memory: process.memoryUsage(), pauses } });
  } else if (message === 'bench:profile:start') {
    profiler = new Session();
    profiler.connect();
    // CPU time and, sampled every 32 KiB, what is allocated where (garbage to collect is CPU too).
    void post(profiler, 'Profiler.enable')
      .then(() => post(profiler!, 'Profiler.start'))
      .then(() => post(profiler!, 'HeapProfiler.enable'))
      .then(() => post(profiler!, 'HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }))
      .then(() => process.send?.({ profiling: true }));
  } else if (typeof message === 'object' && message !== null && 'bench:profile:stop' in message && profiler) {
    const session = profiler;
    profiler = undefined;
    const file = (message as { 'bench:profile:stop': string })['bench:profile:stop'];
    void post(session, 'Profiler.stop')
      .then((result) => writeFileSync(file, JSON.stringify((result as { profile: object }).profile)))
      .then(() => post(session, 'HeapProfiler.stopSampling'))
      .then((result) => writeFileSync(file.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify((result as { profile: object }).profile)))
      .then(() => {
        session.disconnect();
        process.send?.({ profiled: true });
      });
  }
});
// The channel must not keep a server alive that is closing.
(process as unknown as { channel?: { unref(): void } }).channel?.unref();
export {};
