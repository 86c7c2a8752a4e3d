/**
 * The queues under load and faults, against the real Redis: many agents taking and auto-assigning
 * at once from several connections, and an agent whose connection dies mid-chat.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../server/domain/sites';
import { createRedisStore, type RedisStore } from '../../server/store/redis/redis-store';
import { isSwitchboardError } from '../../shared/errors';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView, QueueEntry } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { dropConnection } from '../helpers/drop-connection';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

const AGENTS = 50;
const CONVERSATIONS = 2_000;
const CAPACITY = 3;
/** Separate Redis connections the agents and auto-assigners share out, as separate server processes would. */
const CONNECTIONS = 5;
const AUTO_ASSIGNERS = 4;
/** An agent picks among the first few of a queue, as a person does from the console list: races are frequent. */
const PICK_FROM_FIRST = 8;

beforeAll(() => assertRedisReachable());

describe('50 agents and 2,000 conversations at once, from several connections', () => {
  const prefix = testPrefix();
  const siteKey = 'site_load';
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    stores = Array.from({ length: CONNECTIONS }, () => createRedisStore({ url: TEST_REDIS_URL, prefix }));
    await addSite(stores[0]!, { key: siteKey, name: 'Busy shop', origins: ['https://shop.example'] });
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deletePrefix(prefix);
  });

  it('assigns every conversation exactly once, never puts an agent over capacity, and loses none', async () => {
    const store = stores[0]!;
    // A third of the agents serve only service, a third only support, a third both.
    const agents = Array.from({ length: AGENTS }, (_, i) => ({
      id: `a_load_${String(i).padStart(2, '0')}`,
      name: `Agent ${i}`,
      skills: (i % 3 === 0 ? ['service'] : i % 3 === 1 ? ['support'] : ['service', 'support']) as QueueName[],
      capacity: CAPACITY,
      disabled: false,
    }));
    const deadline = Date.now() + 10 * 60_000;
    await Promise.all(agents.map((agent) => store.setPresence({ siteKey, agent, status: 'online', deadline })));

    const ids: string[] = [];
    for (let batch = 0; batch < CONVERSATIONS; batch += 200) {
      const created = await Promise.all(
        Array.from({ length: Math.min(200, CONVERSATIONS - batch) }, (_, j) => {
          const n = batch + j;
          const queue: QueueName = n % 2 === 0 ? 'service' : 'support';
          const text = `conversation ${n}`;
          return stores[n % CONNECTIONS]!.createConversation({
            id: `c_load_${String(n).padStart(4, '0')}`,
            siteKey,
            visitorId: `v_load_${n}`,
            routing: { queue, by: 'visitor', confidence: 1, reason: 'test', uncertain: false },
            preview: text,
            // Distinct times keep the line in a known order.
            now: 1_700_000_000_000 + n,
            firstMessage: { clientId: randomUUID(), text },
          });
        }),
      );
      ids.push(...created.map((c) => c.conversation.id));
    }
    expect((await store.listQueueIds(siteKey, 'service')).length + (await store.listQueueIds(siteKey, 'support')).length).toBe(CONVERSATIONS);

    /** Conversation id → how many times a claim or an auto-assignment said it was given to someone. */
    const given = new Map<string, number>();
    const holdings = new Map<string, string[]>(agents.map((a) => [a.id, []]));
    const unexpected: unknown[] = [];
    const overCapacity: string[] = [];
    const counts = { claims: 0, autoAssigned: 0, raceLost: 0, atCapacity: 0, resolved: 0, samples: 0 };
    let done = false;

    const recordGiven = (conversation: ConversationView) => {
      given.set(conversation.id, (given.get(conversation.id) ?? 0) + 1);
      holdings.get(conversation.assignedAgentId!)!.push(conversation.id);
    };

    const agentLoop = async (agent: (typeof agents)[number], index: number) => {
      const mine = stores[index % CONNECTIONS]!;
      const held = holdings.get(agent.id)!;
      while (!done) {
        try {
          // Resolve about half the time while holding something; otherwise try to take one more, even
          // when full (an eager click on Take), which the store must refuse.
          if (held.length > 0 && Math.random() < 0.5) {
            const conversationId = held.splice(Math.floor(Math.random() * held.length), 1)[0]!;
            await mine.resolveConversation({ siteKey, conversationId, agentId: agent.id, now: Date.now() });
            counts.resolved++;
            continue;
          }
          const queue = agent.skills[Math.floor(Math.random() * agent.skills.length)]!;
          const waiting = await mine.listQueueIds(siteKey, queue);
          if (waiting.length === 0) {
            await new Promise((r) => setTimeout(r, 2));
            continue;
          }
          const conversationId = waiting[Math.floor(Math.random() * Math.min(PICK_FROM_FIRST, waiting.length))]!;
          const claimed = await mine.claimConversation({ siteKey, conversationId, agentId: agent.id, agentName: agent.name, skills: agent.skills, now: Date.now() });
          counts.claims++;
          recordGiven(claimed);
        } catch (error) {
          // Losing a race, or an auto-assignment filling the last place meanwhile, is what load looks like.
          if (isSwitchboardError(error) && error.code === 'CONVERSATION_NOT_WAITING') counts.raceLost++;
          else if (isSwitchboardError(error) && error.code === 'AGENT_AT_CAPACITY') counts.atCapacity++;
          else unexpected.push(error);
        }
      }
    };

    const autoAssignLoop = async (index: number) => {
      const mine = stores[index % CONNECTIONS]!;
      let queue: QueueName = index % 2 === 0 ? 'service' : 'support';
      while (!done) {
        try {
          const assigned = await mine.assignNext(siteKey, queue, Date.now());
          if (assigned) {
            counts.autoAssigned++;
            recordGiven(assigned);
          } else {
            queue = queue === 'service' ? 'support' : 'service';
            await new Promise((r) => setTimeout(r, 1));
          }
        } catch (error) {
          unexpected.push(error);
        }
      }
    };

    /** Reads the store's own view of loads and assignments, over and over, while everything runs. */
    const capacitySampler = async () => {
      const mine = stores[CONNECTIONS - 1]!;
      while (!done) {
        const [loads, assignments] = await Promise.all([mine.agentLoads(siteKey), mine.listAssignments(siteKey)]);
        counts.samples++;
        for (const [agentId, load] of Object.entries(loads)) {
          if (load > CAPACITY || load < 0) overCapacity.push(`load ${agentId}=${load}`);
        }
        const held = new Map<string, number>();
        for (const agentId of Object.values(assignments)) held.set(agentId, (held.get(agentId) ?? 0) + 1);
        for (const [agentId, n] of held) if (n > CAPACITY) overCapacity.push(`assignments ${agentId}=${n}`);
      }
    };

    const finished = (async () => {
      const giveUpAt = Date.now() + 45_000;
      while (counts.resolved < CONVERSATIONS && unexpected.length === 0 && Date.now() < giveUpAt) {
        await new Promise((r) => setTimeout(r, 20));
      }
      done = true;
    })();
    await Promise.all([finished, capacitySampler(), ...agents.map(agentLoop), ...Array.from({ length: AUTO_ASSIGNERS }, (_, i) => autoAssignLoop(i))]);

    expect(unexpected).toEqual([]);
    expect(overCapacity).toEqual([]);
    expect(counts.resolved, JSON.stringify(counts)).toBe(CONVERSATIONS);
    // Both ways of handing out conversations took part, and agents did race each other.
    expect(counts.claims).toBeGreaterThan(0);
    expect(counts.autoAssigned).toBeGreaterThan(0);
    expect(counts.raceLost).toBeGreaterThan(0);
    expect(counts.atCapacity).toBeGreaterThan(0);
    expect(counts.samples).toBeGreaterThan(10);

    // Exactly once each: no conversation given twice, none never given.
    expect(given.size).toBe(CONVERSATIONS);
    expect([...given.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.claims + counts.autoAssigned).toBe(CONVERSATIONS);

    // Nothing lost, nothing left behind.
    const final = await Promise.all(ids.map((id) => store.getConversation(siteKey, id)));
    expect(final.filter((c) => c?.status !== 'resolved').map((c) => c?.id)).toEqual([]);
    for (const c of final) expect(c!.assignedAgentId).toMatch(/^a_load_/);
    expect(await store.listQueueIds(siteKey, 'service')).toEqual([]);
    expect(await store.listQueueIds(siteKey, 'support')).toEqual([]);
    expect(await store.listAssignments(siteKey)).toEqual({});
    const loads = await store.agentLoads(siteKey);
    expect(Object.entries(loads).filter(([, n]) => n !== 0)).toEqual([]);
    // Every agent's skills were respected.
    const skillsOf = new Map(agents.map((a) => [a.id, a.skills]));
    expect(final.filter((c) => !skillsOf.get(c!.assignedAgentId!)!.includes(c!.queue)).map((c) => c!.id)).toEqual([]);
  }, 60_000);
});

describe('an agent whose connection dies mid-chat', () => {
  let started: StartedApp;

  beforeAll(async () => {
    started = await startApp({ env: { AGENT_GRACE_SECONDS: '1', SWEEP_INTERVAL_SECONDS: '0.2' } });
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  const newAgent = async (): Promise<TestAgent> => {
    const email = `agent-${randomUUID().slice(0, 8)}@agents.example`;
    const view = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email, password: 'agent-password', skills: ['service'], capacity: 3 });
    return { email, password: 'agent-password', view };
  };

  it('puts the conversation back in its queue exactly once after the grace period; another agent takes it with every message', async () => {
    const { app, siteKey, url } = started;
    const agent = await newAgent();
    const socket = await connectAgent(url, agent);
    const visitor = await connectVisitor(url, { siteKey });
    const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice', topic: 'service' }));
    const conversationId = sent.conversation.id;
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId }));
    expectOk(await emitWithTimeout(socket, 2000, 'message:send', { conversationId, clientId: randomUUID(), text: 'Looking into it' }));

    const watcher = await connectAgent(url, started.serviceAgent);
    const entered = collect<QueueEntry>(watcher, 'queue:entered');
    const visitorUpdates = collect<ConversationView>(visitor, 'conversation:updated');
    const agentGone = waitFor(socket, 'disconnect');
    dropConnection(socket);
    await agentGone;

    // The visitor keeps writing while nobody holds the conversation, before and after it is back in line.
    const meanwhile = ['hello?', 'are you still there', 'my order number is 88123'];
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: meanwhile[0]! }));
    await eventually(() => expect(entered.map((e) => e.conversationId)).toContain(conversationId), 10_000);
    for (const text of meanwhile.slice(1)) expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));
    await eventually(() => expect(visitorUpdates.at(-1)).toMatchObject({ id: conversationId, status: 'waiting' }));
    expect(await app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'waiting' });
    expect(await app.store.listAssignments(siteKey)).not.toHaveProperty(conversationId);
    expect((await app.store.agentLoads(siteKey))[agent.view.id]).toBe(0);

    // Several more sweeps pass: it must not be given back a second time.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(entered.filter((e) => e.conversationId === conversationId)).toHaveLength(1);
    expect((await app.store.listQueueIds(siteKey, 'service')).filter((id) => id === conversationId)).toHaveLength(1);

    const taken = expectOk(await emitWithTimeout(watcher, 2000, 'conversation:take', { conversationId }));
    expect(taken.conversation).toMatchObject({ status: 'active', assignedAgentId: started.serviceAgent.view.id });
    expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice', 'Looking into it', ...meanwhile]);
    await eventually(() => expect(visitorUpdates.at(-1)).toMatchObject({ status: 'active', assignedAgentName: started.serviceAgent.view.name }));

    // The new agent and the visitor talk; the conversation ends normally.
    const visitorHears = waitFor(visitor, 'message:new');
    expectOk(await emitWithTimeout(watcher, 2000, 'message:send', { conversationId, clientId: randomUUID(), text: 'Sorry for the wait' }));
    expect((await visitorHears)[0]).toMatchObject({ text: 'Sorry for the wait', author: 'agent' });
    expectOk(await emitWithTimeout(watcher, 2000, 'conversation:resolve', { conversationId }));
    expect(entered.filter((e) => e.conversationId === conversationId)).toHaveLength(1);
  });

  it('keeps the conversation with its agent when the connection comes back within the grace period', async () => {
    const { app, siteKey, url } = started;
    const agent = await newAgent();
    const socket = await connectAgent(url, agent);
    const visitor = await connectVisitor(url, { siteKey });
    const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?', topic: 'service' }));
    const conversationId = sent.conversation.id;
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId }));
    const watcher = await connectAgent(url, started.serviceAgent);
    const entered = collect<QueueEntry>(watcher, 'queue:entered');

    const gone = waitFor(socket, 'disconnect');
    dropConnection(socket);
    await gone;
    const back = await connectAgent(url, agent);
    const heard = waitFor(back, 'message:new');
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'still here' }));
    expect((await heard)[0]).toMatchObject({ conversationId, text: 'still here' });

    // Well past the grace period, with sweeps every 0.2 s: still theirs.
    await new Promise((r) => setTimeout(r, 1_800));
    expect(await app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'active', assignedAgentId: agent.view.id });
    expect(entered.filter((e) => e.conversationId === conversationId)).toEqual([]);
    expectOk(await emitWithTimeout(back, 2000, 'conversation:resolve', { conversationId }));
  });
});
