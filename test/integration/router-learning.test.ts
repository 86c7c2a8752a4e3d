import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../shared/protocol';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { RoutingExample } from '../../server/store/store';
import { isHeldBack } from '../../server/domain/routing/site-learning';
import { siteOpeners } from '../../scripts/learning-simulation';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { addSecondSite, type SecondSite } from '../helpers/second-site';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

describe("per-site learning: a site's corrections teach its own router, and only its own", () => {
  let started: StartedApp;
  let rival: SecondSite;
  let adminCookie: string;
  const api = (method: string, path: string, body?: unknown, cookie = adminCookie) => siteApi(started, method, path, cookie, body);

  /** A visitor's first message; returns the conversation as stored. */
  const open = async (text: string): Promise<ConversationView> => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));
    return (await started.app.store.getConversation(started.siteKey, conversation.id))!;
  };
  const take = async (agent: AgentClient, id: string) => expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: id }));
  const resolve = async (agent: AgentClient, id: string) => expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: id }));

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    rival = await addSecondSite(started);
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('keeps each resolved conversation as an example: its opener, where it ended, and whether an agent corrected it', async () => {
    const admin = await connectAgent(started.url, started.adminAgent);
    const kept = await open('the glowpod app crashes whenever i open scenecast');
    await take(admin, kept.id);
    await resolve(admin, kept.id);

    const moved = await open('zenith plan renewal price for two homes please');
    await take(admin, moved.id);
    const otherQueue = moved.queue === 'service' ? 'support' : 'service';
    expectOk(await emitWithTimeout(admin, 2000, 'conversation:transfer', { conversationId: moved.id, queue: otherQueue, note: 'wrong queue' }));
    await take(admin, moved.id);
    await resolve(admin, moved.id);

    await eventually(async () => expect(await started.app.store.listRoutingExamples(started.siteKey, 10)).toHaveLength(2));
    const examples = await started.app.store.listRoutingExamples(started.siteKey, 10);
    const byId = new Map(examples.map((e) => [e.conversationId, e]));
    expect(byId.get(kept.id)).toMatchObject({ label: kept.queue, predicted: kept.queue, corrected: false, text: 'the glowpod app crashes whenever i open scenecast' });
    expect(byId.get(moved.id)).toMatchObject({ label: otherQueue, predicted: moved.queue, corrected: true });
  });

  it('takes a "wrong queue" flag from the agent who holds the conversation, and refuses anyone else or a rule-routed one', async () => {
    const holder = await connectAgent(started.url, started.adminAgent);
    const conversation = await open('quietmode keeps turning on by itself');
    await take(holder, conversation.id);

    const stranger = await connectAgent(started.url, conversation.queue === 'service' ? started.serviceAgent : started.supportAgent);
    expectRefused(await emitWithTimeout(stranger, 2000, 'conversation:flag-route', { conversationId: conversation.id }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
    expectRefused(await emitWithTimeout(holder, 2000, 'conversation:flag-route', { conversationId: 'c_nope' }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await emitWithTimeout(holder, 2000, 'conversation:flag-route', { conversationId: 42 } as unknown as { conversationId: string }), 'PAYLOAD_INVALID');

    const flagged = expectOk(await emitWithTimeout(holder, 2000, 'conversation:flag-route', { conversationId: conversation.id }));
    expect(flagged.queue).toBe(conversation.queue === 'service' ? 'support' : 'service');
    // Resolving it afterwards does not undo the flag: the flag is what the agent knew.
    await resolve(holder, conversation.id);
    await eventually(async () => {
      const example = (await started.app.store.listRoutingExamples(started.siteKey, 50)).find((e) => e.conversationId === conversation.id);
      expect(example).toMatchObject({ label: flagged.queue, corrected: true, flagged: true });
    });

    const ruled = await api('POST', '/routing/rules', { phrase: 'brightbar warranty', queue: 'service' });
    expect(ruled.status).toBe(201);
    const byRule = await open('brightbar warranty question');
    await take(holder, byRule.id);
    expectRefused(await emitWithTimeout(holder, 2000, 'conversation:flag-route', { conversationId: byRule.id }), 'ROUTING_NOT_LEARNABLE');
    await api('DELETE', `/routing/rules/${((await ruled.json()) as { id: string }).id}`);
  });

  it('retrains on demand, adopts the candidate only when it beats the shared model on held-back examples, and rolls back', async () => {
    // A month of the site's traffic, its brand words unknown to the shared model; a third of
    // them corrected by agents (as transfers would have recorded them).
    const traffic = siteOpeners(240, 11);
    let i = 0;
    for (const opener of traffic) {
      const example: RoutingExample = {
        conversationId: `c_sim_${i}`,
        visitorId: `v_sim_${i}`,
        text: opener.text,
        label: opener.label,
        predicted: i % 3 === 0 ? (opener.label === 'service' ? 'support' : 'service') : opener.label,
        routedBy: 'model',
        corrected: i % 3 === 0,
        at: Date.now() - i * 1000,
      };
      await started.app.store.saveRoutingExample(started.siteKey, example, 5_000);
      i++;
    }
    expect(traffic.filter((_, n) => isHeldBack(`c_sim_${n}`)).length).toBeGreaterThan(20);

    const before = await open('dawnfade not doing anything');
    const retrained = await api('POST', '/routing/learning/retrain');
    expect(retrained.status).toBe(200);
    const result = (await retrained.json()) as { adopted: boolean; reason: string; candidate: { version: number; heldBack: { accuracyBefore: number; accuracyAfter: number } } };
    expect(result.adopted).toBe(true);
    expect(result.candidate.heldBack.accuracyAfter).toBeGreaterThan(result.candidate.heldBack.accuracyBefore);

    const after = await open('dawnfade not doing anything');
    expect(after.queue).toBe('support');
    expect(after.routing.reason).toContain(`this site's corrections (v${result.candidate.version})`);
    expect(after.routing.confidence).toBeGreaterThan(before.routing.queue === 'support' ? before.routing.confidence : 0.5);

    const learning = await (await api('GET', '/routing/learning')).json();
    expect(learning).toMatchObject({ active: { version: result.candidate.version }, examples: expect.any(Number) });
    expect(learning.active.words.length).toBeGreaterThan(0);

    // Another site on the same server and Redis routes exactly as the shared model does.
    const rivalVisitor = await connectVisitor(started.url, { siteKey: rival.siteKey }, { origin: rival.origin });
    const { conversation: rivalConversation } = expectOk(
      await emitWithTimeout(rivalVisitor, 2000, 'message:send', { clientId: randomUUID(), text: 'dawnfade not doing anything' }),
    );
    const rivalStored = (await started.app.store.getConversation(rival.siteKey, rivalConversation.id))!;
    expect(rivalStored.routing.reason).not.toContain("this site's corrections");
    expect(rivalStored.routing).toMatchObject({ queue: before.routing.queue, confidence: before.routing.confidence });

    // Retraining again with nothing new finds the candidate no better than itself: nothing changes.
    const again = (await (await api('POST', '/routing/learning/retrain')).json()) as { adopted: boolean; learning: { active: { version: number } } };
    expect(again.adopted).toBe(false);
    expect(again.learning.active.version).toBe(result.candidate.version);

    const rolledBack = await api('POST', '/routing/learning/rollback');
    expect(rolledBack.status).toBe(200);
    expect((await rolledBack.json()).active).toBeNull();
    const shared2 = await open('dawnfade not doing anything');
    expect(shared2.routing).toMatchObject({ queue: before.routing.queue, confidence: before.routing.confidence });
    const nothing = await api('POST', '/routing/learning/rollback');
    expect(nothing.status).toBe(409);
    expect(((await nothing.json()) as { error: { code: string } }).error.code).toBe('ROUTING_NOTHING_TO_ROLL_BACK');
  });

  it('is for admins of the site only', async () => {
    const agentCookie = await logIn(started.url, started.serviceAgent);
    for (const [method, path] of [['GET', '/routing/learning'], ['POST', '/routing/learning/retrain'], ['POST', '/routing/learning/rollback']] as const) {
      const refused = await api(method, path, undefined, agentCookie);
      expect(refused.status).toBe(403);
    }
    const rivalAdmin = await logIn(started.url, rival.admin);
    expect((await api('POST', '/routing/learning/retrain', undefined, rivalAdmin)).status).toBe(404);
  });

  it("forgets an erased visitor's examples with their conversations", async () => {
    const admin = await connectAgent(started.url, started.adminAgent);
    const conversation = await open('nova renewal marker-erase-me question');
    await take(admin, conversation.id);
    await resolve(admin, conversation.id);
    await eventually(async () => {
      expect((await started.app.store.listRoutingExamples(started.siteKey, 5_000)).some((e) => e.conversationId === conversation.id)).toBe(true);
    });
    const erased = await api('DELETE', `/visitors/${conversation.visitorId}`);
    expect(erased.status).toBeLessThan(300);
    const left = await started.app.store.listRoutingExamples(started.siteKey, 5_000);
    expect(left.some((e) => e.conversationId === conversation.id || e.text.includes('marker-erase-me'))).toBe(false);
  });
});
