/**
 * What the app offers, read from the code itself, so tests that must try "every event" and "every
 * route" fail when one is added without them.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/** The client events `shared/protocol.ts` declares for a namespace, read from its source. */
export function declaredClientEvents(eventMap: 'VisitorClientEvents' | 'AgentClientEvents'): string[] {
  const source = readFileSync(new URL('../../shared/protocol.ts', import.meta.url), 'utf8');
  const body = source.split(`export interface ${eventMap} {`)[1]?.split(/^}/m)[0];
  if (body === undefined) throw new Error(`shared/protocol.ts has no ${eventMap}`);
  return [...body.matchAll(/^\s*'([a-z-]+:[a-z-]+)':/gm)].map((m) => m[1]!).sort();
}

/** Every `/api/` route of the app as `METHOD /path/:param` (HEAD left out), read from Fastify's printed route tree. */
export function listApiRoutes(app: FastifyInstance): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    // `│   ├── /settings (PATCH)`: four characters of indentation per level, then the segment and its methods.
    const match = /^([│ ]*)[└├]── (\S+) \(([A-Z, ]+)\)/u.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const path = `${parent}${depth > 0 && !match[2]!.startsWith('/') && !parent.endsWith('/') ? '/' : ''}${match[2]}`;
    stack.push(path);
    for (const method of match[3]!.split(', ')) if (path.startsWith('/api/') && method !== 'HEAD') found.push(`${method} ${path}`);
  }
  return found.sort();
}
