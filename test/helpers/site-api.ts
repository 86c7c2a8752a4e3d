import { toAgentView } from '../../server/domain/agents';
import type { StartedApp } from './start-app';

/** A REST call on the test site, `/api/v1/sites/<siteKey><path>`, with an agent's session cookie. */
export function siteApi(started: StartedApp, method: string, path: string, cookie: string, body?: unknown): Promise<Response> {
  return fetch(`${started.url}/api/v1/sites/${started.siteKey}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * Takes every agent of the test site offline at once, without waiting for closed sockets to be
 * noticed, and gives back what they held: the next test starts with nobody online.
 */
export async function takeEveryoneOffline(started: StartedApp): Promise<void> {
  const agents = [];
  for (const agentId of Object.keys(await started.app.store.listPresence(started.siteKey))) {
    const agent = await started.app.store.getAgent(started.siteKey, agentId);
    if (agent) agents.push(agent);
  }
  for (const agent of agents) await started.app.assignment.goOffline(toAgentView(agent));
  await started.app.assignment.sweep(started.siteKey);
  // Then as if none had ever chosen a status (lapsed long ago): the next test's console connects online.
  for (const agent of agents) await started.app.store.setPresence({ siteKey: started.siteKey, agent, status: 'online', deadline: 0 });
}
