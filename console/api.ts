/** The console's REST calls: log-in, who am I, log-out. The cookie is httpOnly: the browser carries it. */
import type { WireError } from '../shared/protocol';
import type { AgentView } from '../shared/schemas';

/** A same-origin REST call; a refusal throws an Error carrying the reply's `error` ({ code, message, details }). */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json()) as T | { error: WireError };
  if (!response.ok) throw Object.assign(new Error((json as { error: WireError }).error.message), json);
  return json as T;
}

export const api = {
  currentAgent: async (): Promise<AgentView | null> => {
    try {
      return (await call<{ agent: AgentView }>('GET', '/api/v1/sessions/current')).agent;
    } catch {
      return null;
    }
  },
  logIn: async (email: string, password: string) => (await call<{ agent: AgentView }>('POST', '/api/v1/sessions', { email, password })).agent,
  logOut: () => call<void>('DELETE', '/api/v1/sessions/current'),
};
