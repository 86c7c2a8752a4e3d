/**
 * The per-site learning part of the store contract (routing examples, adapted versions), run by
 * store.contract.ts against each store.
 */
import { describe, expect, it } from 'vitest';
import type { RoutingExample, SiteModelVersion, Store } from '../../server/store/store';

export function describeRouterLearningContract(getStore: () => Store, siteKey: string): void {
  describe('router learning', () => {
    let n = 0;
    const example = (overrides: Partial<RoutingExample> = {}): RoutingExample => ({
      conversationId: `c_learn_${++n}`,
      visitorId: `v_learn_${n}`,
      text: `opener ${n}`,
      label: 'support',
      predicted: 'support',
      routedBy: 'model',
      corrected: false,
      at: 1_000 + n,
      ...overrides,
    });
    const version = (v: number): SiteModelVersion => ({
      version: v,
      trainedAt: v,
      weights: { glowpod: 1.5, 'zenith plan': -2 },
      trainedOn: { examples: 40, corrections: 10 },
      heldBack: { examples: 10, corrections: 3, accuracyBefore: 0.7, accuracyAfter: 0.9 },
    });

    it('keeps one example per conversation, newest first, and counts each corrected one once', async () => {
      const store = getStore();
      const site = `${siteKey}_ex`;
      const plain = example();
      const corrected = example({ corrected: true, label: 'service' });
      expect(await store.saveRoutingExample(site, plain, 100)).toBe(0);
      expect(await store.saveRoutingExample(site, corrected, 100)).toBe(1);
      expect(await store.saveRoutingExample(site, { ...corrected, at: corrected.at + 1 }, 100)).toBe(1);
      expect(await store.saveRoutingExample(site, { ...plain, corrected: true, at: plain.at + 5 }, 100)).toBe(2);
      const listed = await store.listRoutingExamples(site, 10);
      expect(listed.map((e) => e.conversationId)).toEqual([plain.conversationId, corrected.conversationId]);
      expect(listed[0]).toMatchObject({ corrected: true, text: plain.text });
      expect(await store.listRoutingExamples(`${site}_other`, 10)).toEqual([]);
    });

    it("never lets a conversation's resolution replace an agent's flag", async () => {
      const store = getStore();
      const site = `${siteKey}_flag`;
      const flagged = example({ flagged: true, corrected: true, label: 'service', predicted: 'support' });
      await store.saveRoutingExample(site, flagged, 100);
      await store.saveRoutingExample(site, { ...flagged, flagged: undefined, corrected: false, label: 'support', at: flagged.at + 10 }, 100);
      expect(await store.listRoutingExamples(site, 10)).toEqual([flagged]);
    });

    it('drops the oldest examples beyond the cap', async () => {
      const store = getStore();
      const site = `${siteKey}_cap`;
      const all = [example({ at: 3 }), example({ at: 1 }), example({ at: 2 }), example({ at: 4 })];
      for (const e of all) await store.saveRoutingExample(site, e, 3);
      expect((await store.listRoutingExamples(site, 10)).map((e) => e.at)).toEqual([4, 3, 2]);
    });

    it('saves versions and the one in use, and takes trained corrections off the pending count', async () => {
      const store = getStore();
      const site = `${siteKey}_versions`;
      expect(await store.getRouterLearning(site)).toEqual({ active: null, versions: [], pendingCorrections: 0 });
      expect(await store.getActiveRouterVersion(site)).toBeNull();
      for (let i = 0; i < 3; i++) await store.saveRoutingExample(site, example({ corrected: true }), 100);
      await store.saveRouterLearning(site, { active: 2, versions: [version(2), version(1)] }, 2);
      expect(await store.getRouterLearning(site)).toEqual({ active: 2, versions: [version(2), version(1)], pendingCorrections: 1 });
      expect(await store.getActiveRouterVersion(site)).toBe(2);
      await store.saveRouterLearning(site, { active: null, versions: [version(1)] }, 5);
      expect(await store.getRouterLearning(site)).toEqual({ active: null, versions: [version(1)], pendingCorrections: 0 });
    });

    it('erases the examples of a visitor or of their conversations, and nothing else', async () => {
      const store = getStore();
      const visitorId = `v_erase_${++n}`;
      const theirs = example({ visitorId });
      const ofTheirConversation = example();
      const bystander = example();
      for (const e of [theirs, ofTheirConversation, bystander]) await store.saveRoutingExample(siteKey, e, 5_000);
      const erased = await store.eraseVisitorTraces({ siteKey, visitorId, conversationIds: [ofTheirConversation.conversationId], counters: [] });
      expect(erased.routingExamples).toBe(2);
      const left = (await store.listRoutingExamples(siteKey, 5_000)).map((e) => e.conversationId);
      expect(left).toContain(bystander.conversationId);
      expect(left).not.toContain(theirs.conversationId);
      expect(left).not.toContain(ofTheirConversation.conversationId);
    });
  });
}
