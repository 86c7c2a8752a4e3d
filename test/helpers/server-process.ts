import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Only the first few KB of a child's log are kept for error messages. */
const KEPT_LOG_CHARS = 20_000;

export interface ServerProcess {
  url: string;
  /** The child's process id (its CPU and memory can be read from /proc). */
  pid: number;
  /** Sends a signal now (SIGKILL: a crash) and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The child itself, with an IPC channel when started with `ipc: true`. */
  child: ChildProcess;
  /** What the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `ms`. Safe to call twice. */
  stop(ms?: number): Promise<void>;
  /** The exit code once it exited (null while running, or when a signal ended it). */
  exitCode(): number | null;
}

/** How to run the server: from the sources (the default), or a built artefact somewhere else. */
export interface ServerCommand {
  /** Arguments to `node`. @default ['--import', 'tsx', 'server/main.ts'] */
  args: string[];
  /** @default the checkout's root */
  cwd: string;
}

/**
 * Runs `node --import tsx server/main.ts` as a separate process (or `command`, e.g. the built
 * `node dist/server/main.js` of an installed artefact), with `env` added to this process's
 * environment, and resolves once it logs "Server listening at".
 * The process is killed if this one exits first, so a crashed test run leaves no server behind.
 */
export interface ServerProcessOptions {
  /** Node flags before the entry point (`--cpu-prof`, `--expose-gc`, another `--import`). @default [] */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child (`child.send`, `process.send` in it). @default false */
  ipc?: boolean;
  /** @default 'server/main.ts' */
  entry?: string;
  /** How much of its log to keep for output(). @default 20_000 characters */
  keepLogChars?: number;
  /** Runs a built artefact somewhere else instead of the sources (replaces nodeArgs and entry). */
  command?: ServerCommand;
}

export async function startServerProcess(env: Record<string, string>, timeoutMs = 20_000, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const args = options.command?.args ?? ['--import', 'tsx', ...(options.nodeArgs ?? []), options.entry ?? 'server/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: options.command?.cwd ?? ROOT,
    env: { ...process.env, PORT: '0', DEMO: 'false', LOG_LEVEL: 'info', ...env },
    stdio: options.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
  }) as ChildProcess & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < (options.keepLogChars ?? KEPT_LOG_CHARS)) output += chunk.toString();
  };
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server process did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server process exited early (${code ?? signal}):\n${output}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    child,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
      process.off('exit', killOnExit);
    },
    output: () => output,
    exitCode: () => child.exitCode,
    stop(ms = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), ms);
          await exited;
          clearTimeout(timer);
        }
        process.off('exit', killOnExit);
      })();
      return stopping;
    },
  };
}
