/**
 * Preloaded into the server processes of `npm run bench:load` (`node --expose-gc --import
 * ./scripts/bench-probe.ts server/main.ts`, with an IPC channel): answers 'bench:probe' with the
 * process's CPU time so far and its memory after a full garbage collection, so heap figures are
 * what stays alive, not what waits to be collected. No product code knows about it.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

process.on('message', (message) => {
  if (message !== 'bench:probe') return;
  collectGarbage?.();
  process.send?.({ probe: { cpu: process.cpuUsage(), memory: process.memoryUsage() } });
});
// The channel must not keep a server alive that is closing.
(process as unknown as { channel?: { unref(): void } }).channel?.unref();
export {};
