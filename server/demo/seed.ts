/**
 * The embedded demo: one site, two agents and an admin, so `npm start` shows a working chat at once
 * and the admin can configure everything from the console's Settings (on the embedded store too).
 */
import type { FastifyInstance } from 'fastify';
import { addSite } from '../domain/sites';

export const DEMO_SITE_KEY = 'site_demo';

export interface DemoAccounts {
  siteKey: string;
  agents: { email: string; password: string; skills: string; role: 'agent' | 'admin' }[];
}

export async function seedDemo(app: FastifyInstance, demoOrigins: string[]): Promise<DemoAccounts> {
  const agents = [
    { email: 'service@demo.switchboard', name: 'Sam (service)', password: 'service-demo', skills: ['service' as const], role: 'agent' as const },
    { email: 'support@demo.switchboard', name: 'Sasha (support)', password: 'support-demo', skills: ['support' as const], role: 'agent' as const },
    { email: 'admin@demo.switchboard', name: 'Ada (admin)', password: 'admin-demo', skills: ['service' as const, 'support' as const], role: 'admin' as const },
  ];
  if (!(await app.store.getSite(DEMO_SITE_KEY))) await addSite(app.store, { key: DEMO_SITE_KEY, name: 'Demo shop', origins: demoOrigins });
  // Each account once: a demo seeded into Redis by an earlier version gets its admin too.
  for (const agent of agents) {
    if (!(await app.store.findAgentByEmail(agent.email))) await app.agentAccounts.addAgent({ siteKey: DEMO_SITE_KEY, ...agent });
  }
  return {
    siteKey: DEMO_SITE_KEY,
    agents: agents.map(({ email, password, skills, role }) => ({ email, password, skills: skills.join(','), role })),
  };
}
