/**
 * The team view and transfers to a named agent: `team:load` (roster for everyone, the full view for
 * leads and admins), `team:updated` pushed live to leads, `conversation:reassign` by a lead, and a
 * clear code for each receiver who cannot take a conversation (hand-over and reassign alike), with
 * nothing changed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../server/domain/sites';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { MAX_AGENT_CAPACITY } from '../../shared/limits';
import type { ConversationView, TakenConversation, TeamSnapshot } from '../../shared/protocol';
import type { AgentRole } from '../../shared/schemas';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

describe('the team, hand-overs and reassignment', () => {
  let started: StartedApp;
  let lead: TestAgent;

  async function newAgent(name: string, options: { capacity?: number; skills?: ('service' | 'support')[]; role?: AgentRole; siteKey?: string } = {}): Promise<TestAgent> {
    const email = `${name}-${randomUUID()}@agents.example`;
    const password = `${name}-password`;
    const view = await started.app.agentAccounts.addAgent({
      siteKey: options.siteKey ?? started.siteKey,
      email,
      name,
      password,
      skills: options.skills ?? ['service'],
      role: options.role ?? 'agent',
      capacity: options.capacity ?? MAX_AGENT_CAPACITY,
    });
    return { email, password, view };
  }

  async function waitingVisitor(text = 'I was charged twice, I want a refund'): Promise<{ visitor: VisitorClient; conversation: ConversationView }> {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    const sent = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text }));
    return { visitor, conversation: sent.conversation as unknown as ConversationView };
  }

  const stored = (id: string) => started.app.store.getConversation(started.siteKey, id);

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    lead = await newAgent('Lee', { role: 'lead', skills: ['service', 'support'] });
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it("shows a plain agent every colleague's presence, skills and load, but no one's conversations and no queue", async () => {
    const sam = await connectAgent(started.url, started.serviceAgent);
    const bo = await connectAgent(started.url, started.bothAgent);
    expectOk(await emitWithTimeout(bo, 3000, 'presence:set', { status: 'away' }));
    const { conversation } = await waitingVisitor();
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId: conversation.id }));
    const team = expectOk(await emitWithTimeout(sam, 3000, 'team:load', {}));
    expect(team.waiting).toBeNull();
    const byName = Object.fromEntries(team.members.map((m) => [m.name, m]));
    expect(byName.sam).toMatchObject({ presence: 'online', load: 1, capacity: MAX_AGENT_CAPACITY, skills: ['service'], role: 'agent' });
    expect(byName.bo).toMatchObject({ presence: 'away', load: 0, skills: ['service', 'support'] });
    expect(team.members.every((m) => m.conversations === undefined)).toBe(true);
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:resolve', { conversationId: conversation.id }));
  });

  it('shows a lead every waiting and held conversation, live, and lets them reassign both', async () => {
    const leadSocket = await connectAgent(started.url, lead);
    const sam = await connectAgent(started.url, started.serviceAgent);
    const bo = await connectAgent(started.url, started.bothAgent);
    expectOk(await emitWithTimeout(bo, 3000, 'presence:set', { status: 'online' }));
    const updates = collect<TeamSnapshot>(leadSocket, 'team:updated');

    const { visitor, conversation } = await waitingVisitor();
    await eventually(() => expect(updates.at(-1)?.waiting?.map((w) => w.conversationId)).toContain(conversation.id));
    const loaded = expectOk(await emitWithTimeout(leadSocket, 3000, 'team:load', {}));
    expect(loaded.waiting?.map((w) => w.conversationId)).toContain(conversation.id);

    // A waiting conversation, given to sam: sam's console opens it, the visitor hears who answers.
    const opened = waitFor<[TakenConversation]>(sam, 'conversation:assigned');
    const visitorSees = collect<ConversationView>(visitor, 'conversation:updated');
    const given = expectOk(await emitWithTimeout(leadSocket, 3000, 'conversation:reassign', { conversationId: conversation.id, agentId: started.serviceAgent.view.id, note: 'VIP' }));
    expect(given).toMatchObject({ status: 'active', assignedAgentId: started.serviceAgent.view.id });
    expect((await opened)[0].conversation.id).toBe(conversation.id);
    await eventually(() => expect(visitorSees.at(-1)).toMatchObject({ status: 'active', assignedAgentName: 'sam' }));
    await eventually(() => {
      const sam2 = updates.at(-1)?.members.find((m) => m.id === started.serviceAgent.view.id);
      expect(sam2?.conversations?.map((c) => c.id)).toContain(conversation.id);
      expect(updates.at(-1)?.waiting?.map((w) => w.conversationId)).not.toContain(conversation.id);
    });

    // Held by sam, moved to bo: sam lets go, bo opens it with its history, the visitor is told.
    const samLetGo = waitFor<[ConversationView]>(sam, 'conversation:updated');
    const boOpened = waitFor<[TakenConversation]>(bo, 'conversation:assigned');
    expectOk(await emitWithTimeout(leadSocket, 3000, 'conversation:reassign', { conversationId: conversation.id, agentId: started.bothAgent.view.id, note: '' }));
    expect((await samLetGo)[0].assignedAgentId).not.toBe(started.serviceAgent.view.id);
    expect((await boOpened)[0].messages.map((m) => m.text)).toContain('I was charged twice, I want a refund');
    await eventually(() => expect(visitorSees.at(-1)).toMatchObject({ assignedAgentName: 'bo' }));
    expect(JSON.stringify(await started.app.store.listAudit(started.siteKey, 50))).toContain('conversation.reassign');
    expectOk(await emitWithTimeout(bo, 3000, 'conversation:resolve', { conversationId: conversation.id }));
  });

  it('refuses a plain agent a reassignment with FORBIDDEN, nothing changed', async () => {
    const sam = await connectAgent(started.url, started.serviceAgent);
    const { conversation } = await waitingVisitor();
    expectRefused(await emitWithTimeout(sam, 3000, 'conversation:reassign', { conversationId: conversation.id, agentId: started.serviceAgent.view.id, note: '' }), 'FORBIDDEN');
    expect(await stored(conversation.id)).toMatchObject({ status: 'waiting' });
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:resolve', { conversationId: conversation.id }));
  });

  it('refuses a receiver who is offline, away, full, of another site, without the skill, disabled or already holding it: a code each, nothing changed', async () => {
    const offline = await newAgent('Otto');
    const away = await newAgent('Avery');
    const full = await newAgent('Fay', { capacity: 1 });
    const supportOnly = await newAgent('Sue', { skills: ['support'] });
    const disabled = await newAgent('Dee');
    const otherSiteKey = `other_${randomUUID().slice(0, 8)}`;
    await addSite(started.app.store, { key: otherSiteKey, name: 'Other shop', origins: ['https://other.example'] });
    const stranger = await newAgent('Stan', { siteKey: otherSiteKey });
    const sockets: Record<string, AgentClient> = {};
    for (const agent of [away, full, supportOnly, disabled]) sockets[agent.view.name] = await connectAgent(started.url, agent);
    expectOk(await emitWithTimeout(sockets.Avery!, 3000, 'presence:set', { status: 'away' }));
    await started.app.agentAccounts.updateAgent(started.siteKey, disabled.view.id, { disabled: true }, 'test');
    const fayFill = await waitingVisitor();
    expectOk(await emitWithTimeout(sockets.Fay!, 3000, 'conversation:take', { conversationId: fayFill.conversation.id }));

    const sam = await connectAgent(started.url, started.serviceAgent);
    const leadSocket = await connectAgent(started.url, lead);
    const { conversation } = await waitingVisitor();
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId: conversation.id }));
    const before = await stored(conversation.id);

    const cases: [string, string, string][] = [
      ['offline', offline.view.id, 'AGENT_OFFLINE'],
      ['away', away.view.id, 'AGENT_OFFLINE'],
      ['full', full.view.id, 'AGENT_AT_CAPACITY'],
      ['of another site', stranger.view.id, 'AGENT_NOT_FOUND'],
      ['unknown', 'a_nobody', 'AGENT_NOT_FOUND'],
      ['without the skill', supportOnly.view.id, 'SKILL_REQUIRED'],
      ['holding it already', started.serviceAgent.view.id, 'AGENT_IS_HOLDER'],
      ['disabled', disabled.view.id, 'AGENT_NOT_FOUND'],
    ];
    for (const [what, agentId, code] of cases) {
      const handOver = await emitWithTimeout(sam, 3000, 'conversation:hand-over', { conversationId: conversation.id, agentId, note: what });
      expect(handOver.ok ? 'ok' : handOver.error.code, `hand-over to an agent ${what}`).toBe(code);
      const reassign = await emitWithTimeout(leadSocket, 3000, 'conversation:reassign', { conversationId: conversation.id, agentId, note: what });
      expect(reassign.ok ? 'ok' : reassign.error.code, `reassign to an agent ${what}`).toBe(code);
    }
    const away2 = await emitWithTimeout(sam, 3000, 'conversation:hand-over', { conversationId: conversation.id, agentId: away.view.id, note: '' });
    expect(away2).toMatchObject({ ok: false, error: { details: { status: 'away' } } });
    expect(await stored(conversation.id)).toEqual(before);
  });
});
