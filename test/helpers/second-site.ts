import { addSite } from '../../server/domain/sites';
import type { StartedApp, TestAgent } from './start-app';

export const RIVAL_ORIGIN = 'https://rival.example';

export interface SecondSite {
  siteKey: string;
  origin: string;
  /** The second site's admin (both skills). */
  admin: TestAgent;
  /** An agent of the second site with both skills, so it would see every queue if rooms leaked. */
  agent: TestAgent;
}

/**
 * Another tenant beside startApp's site, on the same server and Redis prefix: its own key, origin,
 * admin and agent. Its keys live under the same prefix, so `started.close()` removes them too.
 */
export async function addSecondSite(started: StartedApp, origin = RIVAL_ORIGIN): Promise<SecondSite> {
  const { app, prefix } = started;
  // Not derived from the first site's key, so a test can search any payload for that key.
  const siteKey = `rival_${prefix.slice(-8).replace(/[^A-Za-z0-9]/g, 'x')}`;
  await addSite(app.store, { key: siteKey, name: 'Rival shop', origins: [origin] });
  const agent = async (name: string, role: 'agent' | 'admin'): Promise<TestAgent> => {
    const email = `${name}-${prefix.slice(-12)}@rival.example`;
    const password = `${name}-password`;
    const view = await app.agentAccounts.addAgent({ siteKey, email, name, password, skills: ['service', 'support'], role });
    return { email, password, view };
  };
  return { siteKey, origin, admin: await agent('rival-admin', 'admin'), agent: await agent('rival-agent', 'agent') };
}
