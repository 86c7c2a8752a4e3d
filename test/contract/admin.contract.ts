/**
 * The administration part of the store contract (sites' names and origins, agents listed and
 * changed, API tokens listed, used and removed, the audit trail filtered, password-reset links),
 * run by store.contract.ts against each store.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, Store } from '../../server/store/store';

export function describeAdminContract(getStore: () => Store, siteKey: string): void {
  describe('administration', () => {
    let n = 0;
    const agent = (overrides: Partial<Agent> = {}): Agent => ({
      id: `a_admin${++n}`,
      siteKey,
      email: `admin-contract-${n}-${Math.random().toString(36).slice(2)}@example.com`,
      name: `Agent ${n}`,
      skills: ['service'],
      role: 'agent',
      capacity: 3,
      disabled: false,
      passwordHash: 'scrypt$x',
      createdAt: 1_000 + n,
      ...overrides,
    });

    it('changes a site’s name, origins and identity secret, and nothing of another site', async () => {
      const store = getStore();
      const before = (await store.getSite(siteKey))!;
      const after = await store.updateSite(siteKey, { name: 'Renamed', origins: ['https://a.example', 'https://b.example'] });
      expect(after).toEqual({ ...before, name: 'Renamed', origins: ['https://a.example', 'https://b.example'] });
      expect(await store.updateSite(siteKey, { identitySecret: 'new-secret' })).toMatchObject({ name: 'Renamed', identitySecret: 'new-secret' });
      expect(await store.getSite(siteKey)).toMatchObject({ name: 'Renamed', identitySecret: 'new-secret', settings: before.settings });
      expect(await store.updateSite('site_missing', { name: 'x' })).toBeNull();
      expect(await store.getSite('site_missing')).toBeNull();
    });

    it('lists a site’s agents oldest first, disabled ones too, and no other site’s', async () => {
      const store = getStore();
      const later = await store.createAgent(agent({ createdAt: 5_000 }));
      const earlier = await store.createAgent(agent({ createdAt: 4_000, disabled: true }));
      await store.createAgent(agent({ siteKey: 'site_other' }));
      expect((await store.listAgents(siteKey)).map((a) => a.id)).toEqual([earlier.id, later.id]);
      expect(await store.listAgents('site_none')).toEqual([]);
    });

    it('changes an agent’s name, skills, role, password hash and administered sites', async () => {
      const store = getStore();
      const a = await store.createAgent(agent());
      const changes = { name: 'Ada L.', skills: ['service', 'support'] as Agent['skills'], role: 'admin' as const, passwordHash: 'scrypt$y', administers: ['site_b', 'site_c'] };
      expect(await store.updateAgent(siteKey, a.id, changes)).toEqual({ ...a, ...changes });
      expect(await store.getAgent(siteKey, a.id)).toEqual({ ...a, ...changes });
      expect(await store.findAgentByEmail(a.email)).toEqual({ ...a, ...changes });
    });

    it('lists API tokens oldest first with their last use, notes uses, and removes them with it', async () => {
      const store = getStore();
      await store.addApiToken(siteKey, { hash: 'h_late', name: 'late', createdAt: 2_000 });
      await store.addApiToken(siteKey, { hash: 'h_early', name: 'early', createdAt: 1_000 });
      await store.touchApiToken(siteKey, 'h_late', 9_000);
      await store.touchApiToken(siteKey, 'h_missing', 9_000);
      expect(await store.listApiTokens(siteKey)).toEqual([
        { hash: 'h_early', name: 'early', createdAt: 1_000, lastUsedAt: null },
        { hash: 'h_late', name: 'late', createdAt: 2_000, lastUsedAt: 9_000 },
      ]);
      expect(await store.removeApiToken(siteKey, 'h_late')).toBe(true);
      expect(await store.removeApiToken(siteKey, 'h_late')).toBe(false);
      expect(await store.findApiToken(siteKey, 'h_late')).toBeNull();
      await store.addApiToken(siteKey, { hash: 'h_late', name: 'again', createdAt: 3_000 });
      // A token made again with the same hash starts unused: the old use went with the old token.
      expect((await store.listApiTokens(siteKey)).find((t) => t.hash === 'h_late')).toMatchObject({ lastUsedAt: null });
      expect(await store.listApiTokens('site_other')).toEqual([]);
    });

    it('filters the audit trail by actor, action and time, newest first, at most the limit', async () => {
      const store = getStore();
      const entries = [
        { at: 100, actor: 'agent:a_1 ada@example.com', action: 'agent.update', target: 'a_2' },
        { at: 200, actor: 'operator', action: 'site.update', target: siteKey },
        { at: 300, actor: 'agent:a_1 ada@example.com', action: 'agent.add', target: 'a_3' },
        { at: 400, actor: 'agent:a_10 bo@example.com', action: 'agent.update', target: 'a_1' },
      ];
      for (const entry of entries) await store.appendAudit(siteKey, entry);
      expect(await store.listAudit(siteKey, 10, { actor: 'a_1' })).toEqual([entries[2], entries[0]]);
      expect(await store.listAudit(siteKey, 10, { actor: 'operator' })).toEqual([entries[1]]);
      expect(await store.listAudit(siteKey, 10, { action: 'agent.update' })).toEqual([entries[3], entries[0]]);
      expect(await store.listAudit(siteKey, 10, { action: 'agent.' })).toEqual([entries[3], entries[2], entries[0]]);
      expect(await store.listAudit(siteKey, 10, { from: 200, to: 400 })).toEqual([entries[2], entries[1]]);
      expect(await store.listAudit(siteKey, 1, { action: 'agent.' })).toEqual([entries[3]]);
      expect(await store.listAudit(siteKey, 10, {})).toHaveLength(4);
    });

    it('gives a password-reset link once, and never after it expired', async () => {
      const store = getStore();
      await store.createPasswordReset({ hash: 'r1', siteKey, agentId: 'a_1', expiresAt: Date.now() + 60_000 });
      expect(await store.takePasswordReset('r1', Date.now())).toEqual({ hash: 'r1', siteKey, agentId: 'a_1', expiresAt: expect.any(Number) });
      expect(await store.takePasswordReset('r1', Date.now())).toBeNull();
      await store.createPasswordReset({ hash: 'r2', siteKey, agentId: 'a_1', expiresAt: Date.now() + 60_000 });
      expect(await store.takePasswordReset('r2', Date.now() + 120_000)).toBeNull();
      expect(await store.takePasswordReset('r_missing', Date.now())).toBeNull();
    });
  });
}
