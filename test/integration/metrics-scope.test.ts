/**
 * Who sees which KPIs over REST: a plain agent their own figures only (scoped, and FORBIDDEN for
 * anyone else's), a lead or admin the whole site. Fixed in the server, not only the dashboard.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { MAX_AGENT_CAPACITY } from '../../shared/limits';
import type { MetricsReport } from '../../shared/schemas';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

const DAY = 86_400_000;

describe('KPIs by role', () => {
  let started: StartedApp;
  const cookies: Record<'sam' | 'bo' | 'lead' | 'admin', string> = { sam: '', bo: '', lead: '', admin: '' };

  const get = (cookie: string, query: Record<string, string> = {}) =>
    fetch(`${started.url}/api/v1/metrics?${new URLSearchParams({ site: started.siteKey, from: String(Date.now() - DAY), to: String(Date.now() + 3_600_000), ...query })}`, {
      headers: { cookie },
    });

  /** One conversation taken and resolved by each of sam (service) and bo. */
  async function handled(agent: 'sam' | 'bo') {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    const { conversation } = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'I want a refund for my order' }));
    const socket = await connectAgent(started.url, cookies[agent]);
    expectOk(await emitWithTimeout(socket, 3000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(socket, 3000, 'conversation:resolve', { conversationId: conversation.id }));
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    const lead = { email: `lee-${randomUUID()}@agents.example`, password: 'lee-password' };
    await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, ...lead, name: 'Lee', skills: ['service'], role: 'lead', capacity: MAX_AGENT_CAPACITY });
    cookies.sam = await logIn(started.url, started.serviceAgent);
    cookies.bo = await logIn(started.url, started.bothAgent);
    cookies.admin = await logIn(started.url, started.adminAgent);
    cookies.lead = await logIn(started.url, lead);
    await handled('sam');
    await handled('bo');
    await eventually(async () => expect(((await (await get(cookies.admin)).json()) as MetricsReport).totals.resolved).toBe(2));
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  it("gives a plain agent their own figures only, even when they ask for the team's", async () => {
    const mine = (await (await get(cookies.sam)).json()) as MetricsReport;
    expect(mine.agent).toBe(started.serviceAgent.view.id);
    expect(mine.totals.resolved).toBe(1);
    const byAgent = (await (await get(cookies.sam, { groupBy: 'agent' })).json()) as MetricsReport;
    expect(byAgent.groups.map((g) => g.key)).toEqual([started.serviceAgent.view.id]);
    const csv = await (await get(cookies.sam, { groupBy: 'agent', format: 'csv' })).text();
    expect(csv).not.toContain(started.bothAgent.view.id);
  });

  it("refuses a plain agent another agent's figures with FORBIDDEN", async () => {
    const response = await get(cookies.sam, { agent: started.bothAgent.view.id });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('gives leads and admins the whole site, and any agent of it', async () => {
    for (const who of ['lead', 'admin'] as const) {
      const all = (await (await get(cookies[who])).json()) as MetricsReport;
      expect(all.totals.resolved, who).toBe(2);
      expect(all.agent ?? null, who).toBeNull();
      const bo = (await (await get(cookies[who], { agent: started.bothAgent.view.id })).json()) as MetricsReport;
      expect(bo.totals.resolved, who).toBe(1);
    }
  });
});
