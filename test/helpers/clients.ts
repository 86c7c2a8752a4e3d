import { io, type Socket } from 'socket.io-client';
import type { AgentClientEvents, AgentServerEvents, VisitorClientEvents, VisitorServerEvents, WireError } from '../../shared/protocol';
import { SHOP_ORIGIN, type TestAgent } from './start-app';

export type VisitorClient = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentClient = Socket<AgentServerEvents, AgentClientEvents>;

const clients: Socket[] = [];

/** Disconnects every client made by these helpers; call in afterEach. */
export function disconnectAll(): void {
  for (const socket of clients.splice(0)) socket.disconnect();
}

function connected<S extends Socket>(socket: S): Promise<S> {
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: WireError }) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/**
 * A visitor's socket as a widget on `origin` opens it; with `forwardedFor`, as a reverse proxy
 * passes it on (`X-Forwarded-For`, believed only with TRUST_PROXY).
 */
export function connectVisitor(
  url: string,
  auth: { siteKey: string; token?: string },
  options: { origin?: string | null; headers?: Record<string, string>; forwardedFor?: string } = {},
): Promise<VisitorClient> {
  const origin = options.origin === undefined ? SHOP_ORIGIN : options.origin;
  const headers = { ...(origin ? { origin } : {}), ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}), ...options.headers };
  const socket: VisitorClient = io(`${url}/visitor`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}),
  });
  return connected(socket);
}

/** Logs the agent in over REST and returns the session cookie. */
export async function logIn(url: string, agent: Pick<TestAgent, 'email' | 'password'>): Promise<string> {
  const response = await fetch(`${url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  if (response.status !== 200) throw new Error(`log-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sb_session='));
  return cookie!.split(';')[0]!;
}

export async function connectAgent(url: string, agentOrCookie: TestAgent | string, headers: Record<string, string> = {}): Promise<AgentClient> {
  const cookie = typeof agentOrCookie === 'string' ? agentOrCookie : await logIn(url, agentOrCookie);
  const socket: AgentClient = io(`${url}/agent`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie, ...headers },
  });
  return connected(socket);
}
