/** The embedded demo: one site and two agents, so `npm start` shows a working chat at once. */
import type { FastifyInstance } from 'fastify';
import { addSite } from '../domain/sites';

export const DEMO_SITE_KEY = 'site_demo';

export interface DemoAccounts {
  siteKey: string;
  agents: { email: string; password: string; skills: string }[];
}

export async function seedDemo(app: FastifyInstance, demoOrigins: string[]): Promise<DemoAccounts> {
  const agents = [
    { email: 'service@demo.switchboard', name: 'Sam (service)', password: 'service-demo', skills: ['service' as const] },
    { email: 'support@demo.switchboard', name: 'Sasha (support)', password: 'support-demo', skills: ['support' as const] },
  ];
  if (!(await app.store.getSite(DEMO_SITE_KEY))) {
    await addSite(app.store, { key: DEMO_SITE_KEY, name: 'Demo shop', origins: demoOrigins });
    for (const agent of agents) await app.agentAccounts.addAgent({ siteKey: DEMO_SITE_KEY, ...agent });
  }
  return {
    siteKey: DEMO_SITE_KEY,
    agents: agents.map(({ email, password, skills }) => ({ email, password, skills: skills.join(',') })),
  };
}
