/**
 * Who gets which conversation: agents' presence (kept alive by their console connections),
 * manual "take next", auto-assignment, wait estimates, and the sweep that gives back the
 * conversations of agents who are gone and abandons those of visitors who left.
 * Transport-free: each change is told as a domain event (events.ts), which broadcasts and KPIs follow.
 */
import { createError, isSwitchboardError } from '../../shared/errors';
import type { AgentId, ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, QueuePosition } from '../../shared/protocol';
import { QUEUES, type QueueName } from '../../shared/queues';
import type { AgentView } from '../../shared/schemas';
import type { SiteSettings } from '../../shared/schemas';
import type { AssignWaitingOptions, PresenceStatus, Store } from '../store/store';
import { estimateWaitMs } from './wait-estimate';
import { tellingAll, type DomainEvents, type EventOrigin } from './events';

export interface AssignmentTimings {
  /** A presence lasts this long unless renewed by a heartbeat. @default 30 s */
  presenceTtlMs: number;
  /** An agent gone (presence lapsed) this long loses their open conversations back to the queue. @default 60 s */
  graceMs: number;
}

export const DEFAULT_ASSIGNMENT_TIMINGS: AssignmentTimings = { presenceTtlMs: 30_000, graceMs: 60_000 };

/** What a sweep changed (each change is also told as an event). */
export interface SweepResult {
  /** Conversations given back to their queue because their agent is gone, offline or disabled. */
  requeued: { conversation: ConversationView; fromAgentId: AgentId }[];
  abandoned: ConversationView[];
}

export function createAssignmentService({
  store,
  timings = DEFAULT_ASSIGNMENT_TIMINGS,
  now = Date.now,
  events,
}: {
  store: Store;
  events: DomainEvents;
  timings?: AssignmentTimings;
  now?: () => number;
}) {
  const requireAgent = async (siteKey: SiteKey, agentId: AgentId) => {
    const agent = await store.getAgent(siteKey, agentId);
    if (!agent) throw createError('AGENT_NOT_FOUND', { agentId });
    return agent;
  };

  const setPresence = async (agent: AgentView, status: PresenceStatus, deadline: number) => {
    const record = await requireAgent(agent.siteKey, agent.id);
    await store.setPresence({ siteKey: agent.siteKey, agent: record, status, deadline });
  };

  /**
   * Auto mode: assigns waiting conversations of a queue while an eligible agent has a place; each
   * batch is told as soon as the store has assigned it, while it looks for more.
   */
  const assignWaiting = async (
    siteKey: SiteKey,
    queue: QueueName,
    options: Omit<AssignWaitingOptions, 'onAssigned'> & { assignment?: SiteSettings['assignment'] } = {},
  ): Promise<ConversationView[]> => {
    const { assignment = (await store.getSite(siteKey))?.settings.assignment, ...storeOptions } = options;
    if (assignment !== 'auto') return [];
    const told: Promise<unknown>[] = [];
    const assigned = await store.assignWaiting(siteKey, queue, now(), {
      ...storeOptions,
      onAssigned: (batch) => {
        for (const conversation of batch) {
          const telling = events.emit('conversation.assigned', siteKey, { conversation, by: 'auto' });
          // Awaited below; handled now so that a failure of the loop cannot leave it unhandled.
          telling.catch(() => {});
          told.push(telling);
        }
      },
    });
    await Promise.all(told);
    return assigned;
  };

  /**
   * Gives back the conversations of agents whose presence lapsed more than the grace period ago,
   * who went offline, or who are disabled; abandons waiting conversations whose visitor has been
   * gone longer than the site allows (also those handed back after the visitor left). Each change
   * is one script that refuses to happen twice, so a sweep that runs twice after a crash is harmless.
   */
  const sweep = async (siteKey: SiteKey): Promise<SweepResult> => {
    const at = now();
    const result: SweepResult = { requeued: [], abandoned: [] };
    const [site, assignments, presence] = await Promise.all([
      store.getSite(siteKey),
      store.listAssignments(siteKey),
      store.listPresence(siteKey),
    ]);
    if (!site) return result;
    // A subscriber's failure (a KPI write) must not leave the rest of the site unswept.
    const told = tellingAll();
    const agentGone = new Map<AgentId, boolean>();
    for (const [conversationId, agentId] of Object.entries(assignments)) {
      if (!agentGone.has(agentId)) {
        const p = presence[agentId];
        const agent = await store.getAgent(siteKey, agentId);
        agentGone.set(agentId, !agent || agent.disabled || !p || p.status === 'offline' || p.deadline + timings.graceMs < at);
      }
      if (!agentGone.get(agentId)) continue;
      let conversation: ConversationView;
      try {
        conversation = await store.requeueConversation({ siteKey, conversationId, agentId, now: at });
      } catch (error) {
        if (!isSwitchboardError(error)) throw error;
        continue;
      }
      result.requeued.push({ conversation, fromAgentId: agentId });
      await told.tell(events.emit('conversation.released', siteKey, { conversation, fromAgentId: agentId, reason: 'agent-gone' }, { at }));
    }
    for (const conversationId of await store.listVisitorsGoneBefore(siteKey, at - site.settings.abandonAfterSeconds * 1000)) {
      // The visitor left while an agent held it: the note stays, so that it is abandoned once handed back.
      if ((await store.getConversation(siteKey, conversationId))?.status === 'active') continue;
      let abandoned: ConversationView;
      try {
        abandoned = await store.abandonConversation(siteKey, conversationId, at);
      } catch (error) {
        if (!isSwitchboardError(error)) throw error;
        continue;
      }
      result.abandoned.push(abandoned);
      await told.tell(events.emit('conversation.abandoned', siteKey, { conversation: abandoned }, { at }));
    }
    told.settle();
    return result;
  };

  return {
    assignWaiting,
    sweep,

    /** Auto mode: fills the free places of these queues, one queue after the other. */
    async assignWaitingIn(siteKey: SiteKey, queues: readonly QueueName[]) {
      for (const queue of queues) await assignWaiting(siteKey, queue);
    },

    /**
     * A connection or its heartbeat: the agent stays reachable until the presence TTL passes, with the
     * status they chose (kept by the store, whichever process they chose it on; `initial` when they
     * never chose). An agent who chose offline stays offline. @returns the status kept
     */
    async keepPresent(agent: AgentView, initial: Exclude<PresenceStatus, 'offline'> = 'online'): Promise<PresenceStatus> {
      const record = await requireAgent(agent.siteKey, agent.id);
      return store.renewPresence({ siteKey: agent.siteKey, agent: record, initial, deadline: now() + timings.presenceTtlMs });
    },

    /** The agent's last connection closed: the grace period starts now (their status is kept). */
    async connectionLost(agent: AgentView): Promise<void> {
      const record = await requireAgent(agent.siteKey, agent.id);
      await store.renewPresence({ siteKey: agent.siteKey, agent: record, initial: 'online', deadline: now() });
    },

    /** The agent chose to go offline (or logged out): their conversations go back at the next sweep. */
    async goOffline(agent: AgentView) {
      await setPresence(agent, 'offline', now());
    },

    /**
     * The agent set their status in the console. Offline gives their conversations back at once;
     * online makes them eligible for waiting conversations (auto mode hears it as an event).
     */
    async setStatus(agent: AgentView, status: PresenceStatus, origin: EventOrigin = {}) {
      if (status === 'offline') {
        await setPresence(agent, 'offline', now());
        await sweep(agent.siteKey);
      } else {
        await setPresence(agent, status, now() + timings.presenceTtlMs);
      }
      await events.emit('agent.presence_changed', agent.siteKey, { agent, status }, origin);
    },

    /** Manual mode's "Take next": the longest-waiting conversation across the agent's queues. */
    async takeNext(agent: AgentView, origin: EventOrigin = {}): Promise<ConversationView | null> {
      for (let attempt = 0; attempt < 20; attempt++) {
        const heads = await Promise.all(
          agent.skills.map(async (queue) => {
            const [id] = await store.listQueueIds(agent.siteKey, queue);
            return id ? store.getConversation(agent.siteKey, id) : null;
          }),
        );
        const oldest = heads
          .filter((c): c is ConversationView => c !== null && c.status === 'waiting')
          .sort((a, b) => a.queuedAt - b.queuedAt)[0];
        if (!oldest) return null;
        try {
          const conversation = await store.claimConversation({
            siteKey: agent.siteKey,
            conversationId: oldest.id,
            agentId: agent.id,
            agentName: agent.name,
            skills: agent.skills,
            now: now(),
          });
          await events.emit('conversation.assigned', agent.siteKey, { conversation, by: 'take-next' }, origin);
          return conversation;
        } catch (error) {
          // Someone took that one first: look at the heads again.
          if (isSwitchboardError(error) && error.code === 'CONVERSATION_NOT_WAITING') continue;
          throw error;
        }
      }
      return null;
    },

    /** Where a waiting conversation stands, and about how long it will wait. */
    async position(siteKey: SiteKey, conversation: Pick<ConversationView, 'id' | 'queue'>): Promise<QueuePosition | null> {
      const position = await store.queuePosition(siteKey, conversation.queue, conversation.id);
      if (position === null) return null;
      return { conversationId: conversation.id, queue: conversation.queue, position, ...(await this.estimate(siteKey, conversation.queue, position)) };
    },

    /** The inputs of wait-estimate.ts for one queue, read once, then an estimate per position. */
    async estimator(siteKey: SiteKey, queue: QueueName) {
      const at = now();
      const [presence, loads, waits, handles] = await Promise.all([
        store.listPresence(siteKey),
        store.agentLoads(siteKey),
        store.recentTimes(siteKey, queue, 'wait'),
        store.recentTimes(siteKey, queue, 'handle'),
      ]);
      const online = Object.entries(presence).filter(([, p]) => p.status === 'online' && p.deadline >= at).map(([id]) => id);
      const agents = (await Promise.all(online.map((id) => store.getAgent(siteKey, id)))).filter(
        (a) => a !== null && !a.disabled && a.skills.includes(queue),
      );
      const capacity = agents.reduce((sum, a) => sum + a!.capacity, 0);
      const freePlaces = agents.reduce((sum, a) => sum + Math.max(0, a!.capacity - (loads[a!.id] ?? 0)), 0);
      return (position: number) => {
        const estimatedWaitMs = estimateWaitMs({
          position,
          agentsOnline: agents.length,
          averageCapacity: agents.length ? capacity / agents.length : 0,
          freePlaces,
          recentHandleMs: handles,
          recentWaitMs: waits,
        });
        return { estimatedWaitMs, agentsOnline: agents.length };
      };
    },

    async estimate(siteKey: SiteKey, queue: QueueName, position: number) {
      return (await this.estimator(siteKey, queue))(position);
    },

    /**
     * The visitor of an open conversation has no connection left (or, with false, is back). A
     * waiting conversation is abandoned once they have been gone the site's abandonment time; an
     * active one is not, but the note stays, for the moment it is handed back.
     */
    async visitorLeft(siteKey: SiteKey, visitorId: VisitorId) {
      const open = await store.getOpenConversation(siteKey, visitorId);
      // A left message is meant to be answered later: its visitor leaving is not abandoning it.
      if (open && !open.leftMessage) await store.setVisitorGone(siteKey, open.id, now());
    },

    async visitorReturned(siteKey: SiteKey, conversationId: ConversationId) {
      await store.setVisitorGone(siteKey, conversationId, null);
    },

    /** Who waits in a queue, in line order: what position updates need. */
    waitingLine: (siteKey: SiteKey, queue: QueueName) => store.listQueueVisitors(siteKey, queue),

    queuesOf: (agent: AgentView): QueueName[] => QUEUES.filter((q) => agent.skills.includes(q)),
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
