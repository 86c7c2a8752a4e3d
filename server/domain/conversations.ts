/**
 * What visitors and agents do with conversations. Transport-free: each use case changes the store,
 * then emits its domain event (events.ts); broadcasts, KPIs and auto-assignment are subscribers.
 */
import { createError, isSwitchboardError } from '../../shared/errors';
import type { AgentId, ConversationId, MessageId, SiteKey, VisitorId } from '../../shared/ids';
import {
  MAX_MESSAGES_PER_PAGE,
  MAX_PREVIOUS_CONVERSATION_MESSAGES,
  MAX_PREVIOUS_CONVERSATIONS,
  MAX_PREVIOUS_PAGES,
  MAX_USER_AGENT_LENGTH,
  QUEUE_SNAPSHOT_LIMIT,
} from '../../shared/limits';
import type { AgentWorkspace, ConversationView, MessageSent, MessageView, PreviousConversation, TakenConversation, VisitorIdentity, VisitorContext as PageContext } from '../../shared/protocol';
import type { AgentView, MessageLeavePayload, VisitorContextPayload, VisitorIdentifyPayload } from '../../shared/schemas';
import { isOpen } from './business-hours';

/** How long an answered "leave a message" conversation is shown to the visitor on their return. */
const LEFT_MESSAGE_ANSWER_KEPT_MS = 30 * 86_400_000;
import { identityAfterClaim, sameIdentity } from './visitor-identity';
import type { SiteSettings } from '../../shared/schemas';
import type { Store } from '../store/store';
import { checkMessageText, previewOf } from './message-text';
import { randomId } from './random-id';
import type { QueueName } from '../../shared/queues';
import type { RateLimiter } from './rate-limiter';
import type { SiteLearning } from './routing/site-learning-service';
import type { Router } from './routing/router';
import type { ConversationRatePayload } from '../../shared/schemas';
import { tellingAll, type DomainEvents, type EventOrigin } from './events';
import { agentActor, type AuditLog } from './audit';
import { handOverConversation } from './hand-over';
import { visitorSiteInfo } from '../../shared/visitor-look';
import { createNewcomers } from './newcomers';

export interface ConversationServiceDeps {
  store: Store;
  router: Router;
  /** The site's own routing adaptation, learnt from its corrections; without it the shared model alone routes. */
  siteLearning?: Pick<SiteLearning, 'adaptationFor'>;
  limiter: RateLimiter;
  events: DomainEvents;
  audit: AuditLog;
  /** Whether the server sends email (SMTP_URL is set): agents are told when it does not. @default false */
  emailEnabled?: boolean;
  /** @default Date.now */
  now?: () => number;
}

export type ConversationService = ReturnType<typeof createConversationService>;


/** Where a visitor's request came from: the address for per-IP limits, the connection for the events. */
export interface VisitorContext extends EventOrigin {
  ip: string;
}

export function createConversationService({ store, router, siteLearning, limiter, events, audit, emailEnabled = false, now = Date.now }: ConversationServiceDeps) {
  const requireConversation = async (siteKey: SiteKey, id: ConversationId) => {
    const conversation = await store.getConversation(siteKey, id);
    if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId: id });
    return conversation;
  };

  /** An agent may read a conversation of their site that waits in one of their queues or that they hold. */
  const requireReadable = async (agent: AgentView, id: ConversationId) => {
    const conversation = await requireConversation(agent.siteKey, id);
    const holds = conversation.assignedAgentId === agent.id;
    const mayTake = conversation.status === 'waiting' && agent.skills.includes(conversation.queue);
    if (!holds && !mayTake) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId: id });
    return conversation;
  };

  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  /** Everything the visitor wrote so far, oldest first: what the router reads and a correction keeps. */
  const visitorText = async (conversation: ConversationView) =>
    (await store.messagesAfter(conversation.siteKey, conversation.id, undefined, MAX_MESSAGES_PER_PAGE))
      .filter((m) => m.author === 'visitor')
      .map((m) => m.text)
      .join('\n');

  /**
   * A conversation placed by default (the router was unsure) is read again with each new visitor
   * message while it waits, and moves once the router is sure, keeping its place in line.
   */
  const rerouteIfClearer = async (conversation: ConversationView): Promise<ConversationView | null> => {
    // A reopened conversation was placed and handled already: its reply is no new question.
    if (conversation.status !== 'waiting' || !conversation.routing.uncertain || conversation.reopenedAt !== undefined) return null;
    const site = await requireSite(conversation.siteKey);
    const adaptation = await siteLearning?.adaptationFor(conversation.siteKey);
    const decision = router.route({
      text: await visitorText(conversation),
      rules: await store.listRoutingRules(conversation.siteKey),
      settings: site.settings,
      ...(adaptation ? { adaptation } : {}),
    });
    if (decision.uncertain) return null;
    try {
      return await store.rerouteConversation({
        siteKey: conversation.siteKey,
        conversationId: conversation.id,
        fromQueue: conversation.queue,
        routing: decision,
      });
    } catch (error) {
      // Taken by an agent or moved by a message sent at the same moment: the router has no say any more.
      if (isSwitchboardError(error) && (error.code === 'CONVERSATION_NOT_WAITING' || error.code === 'CONVERSATION_CHANGED')) return null;
      throw error;
    }
  };

  const lastAnsweredLeftMessage = async (siteKey: SiteKey, visitorId: VisitorId, at: number) => {
    const last = (await store.listVisitorConversations(siteKey, visitorId)).at(-1);
    const recent = last?.resolvedAt !== undefined && at - last.resolvedAt < LEFT_MESSAGE_ANSWER_KEPT_MS;
    return last?.leftMessage && last.status === 'resolved' && recent ? last : null;
  };

  /**
   * The visitor's reply to their resolved conversation reopens it within the site's window.
   * @returns null when it may not (ended too long ago, not resolved): the reply starts a new conversation;
   *   `reopened: false` when another tab's message opened a conversation meanwhile, which the reply joins
   */
  const reopenConversation = async (
    siteKey: SiteKey,
    visitorId: VisitorId,
    id: ConversationId,
  ): Promise<{ conversation: ConversationView; previous?: ConversationView } | null> => {
    const [site, previous] = await Promise.all([requireSite(siteKey), store.getConversation(siteKey, id)]);
    if (!previous || previous.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', { conversationId: id });
    const windowMs = site.settings.reopenWithinMinutes * 60_000;
    if (windowMs === 0) return null;
    const at = now();
    try {
      const reopened = await store.reopenConversation({ siteKey, conversationId: id, visitorId, endedAfter: at - windowMs, now: at });
      return { conversation: reopened, previous };
    } catch (error) {
      if (!isSwitchboardError(error)) throw error;
      if (error.code === 'CONVERSATION_NOT_RESOLVED' || error.code === 'CONVERSATION_REOPEN_EXPIRED') return null;
      // Another tab's message opened a conversation meanwhile: the reply joins that one.
      if (error.code === 'CONVERSATION_ALREADY_OPEN') {
        const open = await store.getOpenConversation(siteKey, visitorId);
        return open ? { conversation: open } : null;
      }
      throw error;
    }
  };

  /**
   * Appends the visitor's message to their conversation `conversationId`. `before` runs once it is
   * stored and before it is announced (a reopening is told first, so that everyone hears of the
   * message in its context). The store hands back the conversation with the message: no read before.
   */
  const appendVisitorMessage = async (
    siteKey: SiteKey,
    conversationId: ConversationId,
    clientId: string,
    text: string,
    origin: EventOrigin,
    before?: () => Promise<unknown>,
  ): Promise<MessageSent> => {
    const { message, duplicate, conversation } = await store.appendMessage({
      siteKey,
      conversationId,
      clientId,
      author: 'visitor',
      text,
      now: now(),
    });
    const told = tellingAll();
    if (before) await told.tell(before());
    if (duplicate) {
      told.settle();
      return { message, duplicate, conversation };
    }
    await told.tell(events.emit('message.created', siteKey, { conversation, message }, origin));
    const rerouted = await rerouteIfClearer(conversation);
    if (rerouted) await told.tell(events.emit('conversation.rerouted', siteKey, { conversation: rerouted, fromQueue: conversation.queue }, origin));
    told.settle();
    return { message, duplicate, conversation: rerouted ?? conversation };
  };

  const newcomers = createNewcomers(store);

  /**
   * The site-wide ceiling stops newcomers only: over it, a visitor whose token is older than
   * NEWCOMER_PERIOD_MS still starts a conversation, so a flood cannot lock returning visitors out.
   */
  const withinSiteCeiling = async (siteKey: SiteKey, visitorId: VisitorId) => {
    try {
      await limiter.hit('conversationsPerSite', siteKey);
    } catch (error) {
      if (!(isSwitchboardError(error) && error.code === 'RATE_LIMITED')) throw error;
      if (!(await newcomers.isNewcomer(siteKey, visitorId))) return;
      throw createError('RATE_LIMITED', { ...error.details, scope: 'site' });
    }
  };

  return {
    /** Marks a visitor whose token the handshake just issued as a newcomer (server/domain/newcomers.ts). */
    welcomeNewVisitor: (siteKey: SiteKey, visitorId: VisitorId) => newcomers.welcome(siteKey, visitorId),

    /** The visitor's open conversation and what they missed after `lastMessageId`. */
    async resumeVisitor(siteKey: SiteKey, visitorId: VisitorId, lastMessageId?: MessageId) {
      const [site, open, presence] = await Promise.all([
        requireSite(siteKey),
        store.getOpenConversation(siteKey, visitorId),
        store.listPresence(siteKey),
      ]);
      const at = now();
      const someoneOnline = Object.values(presence).some((p) => p.status === 'online' && p.deadline >= at);
      const siteInfo = visitorSiteInfo(site, someoneOnline && isOpen(site.settings.businessHours, at));
      // A message left while nobody was there stays on screen, answered, when the visitor comes back.
      const conversation = open ?? (await lastAnsweredLeftMessage(siteKey, visitorId, at));
      if (!conversation) return { site: siteInfo, conversation: null, messages: [] as MessageView[], lastSeen: {} };
      const [messages, lastSeen] = await Promise.all([
        store.messagesAfter(siteKey, conversation.id, lastMessageId, MAX_MESSAGES_PER_PAGE),
        store.getSeen(siteKey, conversation.id),
      ]);
      return { site: siteInfo, conversation, messages, lastSeen };
    },

    /** Sends to the visitor's open conversation, or starts and routes one with this first message. */
    async sendVisitorMessage(
      siteKey: SiteKey,
      visitorId: VisitorId,
      input: { clientId: string; text: string; topic?: QueueName; reopen?: ConversationId },
      context: VisitorContext,
      options: {
        leftMessage?: boolean;
        /** Who the visitor is, for a conversation this message starts (a left message's name and email). @default the identity kept */
        identity?: VisitorIdentity;
      } = {},
    ): Promise<MessageSent> {
      const text = checkMessageText(input.text);
      const origin: EventOrigin = context.origin !== undefined ? { origin: context.origin } : {};
      // Asked together: reading the open conversation changes nothing if the limit then refuses.
      const [, openId] = await Promise.all([
        limiter.hit('messagesPerVisitor', `${siteKey}:${visitorId}`),
        store.getOpenConversationId(siteKey, visitorId),
      ]);
      if (openId) return appendVisitorMessage(siteKey, openId, input.clientId, text, origin);
      if (input.reopen) {
        const reopening = await reopenConversation(siteKey, visitorId, input.reopen);
        if (reopening) {
          const { conversation, previous } = reopening;
          return appendVisitorMessage(siteKey, conversation.id, input.clientId, text, origin, async () => {
            if (previous) await events.emit('conversation.reopened', siteKey, { conversation, previous }, origin);
          });
        }
      }

      // This is the path from a visitor's first message to an agent: the reads go beside the limits
      // (they change nothing if a limit refuses), and the visitor's previous conversation and the
      // queue's count come back from createConversation itself.
      const [site, kept] = await Promise.all([requireSite(siteKey), store.getVisitorIdentity(siteKey, visitorId)]);
      const visitor = options.identity ?? kept;
      // A site that asks who the visitor is first refuses before any limit counts or anything is stored.
      if (site.settings.widget.prechat?.mode === 'required' && !visitor) throw createError('PRECHAT_REQUIRED');
      const [, rules, pageContext, adaptation] = await Promise.all([
        // Narrowest first, so one busy visitor is stopped before they use up their office's or the site's allowance.
        (async () => {
          await limiter.hit('conversationsPerVisitor', `${siteKey}:${visitorId}`);
          await limiter.hit('conversationsPerIp', `${siteKey}:${context.ip}`);
          await withinSiteCeiling(siteKey, visitorId);
        })(),
        store.listRoutingRules(siteKey),
        store.getVisitorContext(siteKey, visitorId),
        siteLearning?.adaptationFor(siteKey),
      ]);
      const at = now();
      let created: Awaited<ReturnType<Store['createConversation']>>;
      try {
        created = await store.createConversation({
          id: randomId('c'),
          siteKey,
          visitorId,
          ...(visitor ? { visitor } : {}),
          ...(pageContext ? { context: pageContext } : {}),
          ...(site.settings.storeVisitorIp ? { visitorIp: context.ip } : {}),
          ...(options.leftMessage ? { leftMessage: true } : {}),
          ...(visitor?.verified && site.settings.verifiedPriorityMinutes > 0 ? { priorityMs: site.settings.verifiedPriorityMinutes * 60_000 } : {}),
          routing: router.route({ text, rules, settings: site.settings, ...(input.topic ? { topic: input.topic } : {}), ...(adaptation ? { adaptation } : {}) }),
          preview: previewOf(text),
          now: at,
          firstMessage: { clientId: input.clientId, text },
        });
      } catch (error) {
        // Two tabs of one visitor sent a first message at once: the other one made the conversation.
        if (isSwitchboardError(error) && error.code === 'CONVERSATION_ALREADY_OPEN') {
          return appendVisitorMessage(siteKey, String(error.details?.conversationId), input.clientId, text, origin);
        }
        throw error;
      }
      const { conversation, message, queueCount, previousCreatedAt } = created;
      await events.emit(
        'conversation.created',
        siteKey,
        { conversation, message, queueCount, assignment: site.settings.assignment, ...(previousCreatedAt !== undefined ? { previousCreatedAt } : {}) },
        origin,
      );
      return { conversation, message, duplicate: false };
    },

    /**
     * Records who the visitor says they are. A verified identity is never replaced by an unverified
     * claim: a page script cannot turn a verified customer into someone else.
     * @returns the identity kept, and the open conversation it now shows on (if any)
     */
    async identifyVisitor(siteKey: SiteKey, visitorId: VisitorId, payload: VisitorIdentifyPayload, origin: EventOrigin = {}) {
      const [site, current] = await Promise.all([requireSite(siteKey), store.getVisitorIdentity(siteKey, visitorId)]);
      const identity = identityAfterClaim(site.identitySecret, current, payload);
      // A page calls identify on every load: only a change is kept and told.
      if (sameIdentity(identity, current)) return { identity };
      await store.setVisitorIdentity(siteKey, visitorId, identity);
      const conversation = await store.getOpenConversation(siteKey, visitorId);
      await events.emit('visitor.identified', siteKey, { identity, conversation }, origin);
      return { identity };
    },

    /**
     * Keeps where the visitor is (page, language, time zone) and the site's facts about them, and
     * shows it on their open conversation. An unchanged context (a reconnect) is neither kept nor told.
     */
    async updateVisitorContext(
      siteKey: SiteKey,
      visitorId: VisitorId,
      payload: VisitorContextPayload,
      origin: EventOrigin & { userAgent?: string | undefined } = {},
    ) {
      const [, current] = await Promise.all([requireSite(siteKey), store.getVisitorContext(siteKey, visitorId)]);
      // A context is sent on every connection: an unchanged one still says the visitor is back.
      if (current && current.online !== false && sameContext(current, payload)) return { at: current.at };
      const at = now();
      const moved = current && current.page.url !== payload.page.url;
      const previousPages = moved
        ? [{ url: current.page.url, title: current.page.title, at: current.at }, ...(current.previousPages ?? [])].slice(0, MAX_PREVIOUS_PAGES)
        : (current?.previousPages ?? []);
      const userAgent = origin.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? current?.userAgent;
      const context: PageContext = {
        ...payload,
        at,
        ...(previousPages.length ? { previousPages } : {}),
        ...(userAgent ? { userAgent } : {}),
        online: true,
      };
      const conversation = await store.setVisitorContext(siteKey, visitorId, context);
      await events.emit('visitor.context_updated', siteKey, { context, conversation }, origin);
      return { at: context.at };
    },

    /** The visitor's last tab closed: their kept context says so, and the agents holding their conversation see it. */
    async visitorWentAway(siteKey: SiteKey, visitorId: VisitorId) {
      const current = await store.getVisitorContext(siteKey, visitorId);
      if (!current || current.online === false) return;
      const context: PageContext = { ...current, online: false };
      const conversation = await store.setVisitorContext(siteKey, visitorId, context);
      await events.emit('visitor.context_updated', siteKey, { context, conversation });
    },

    /**
     * The visitor's other conversations still in the live store (the archive adds older ones later),
     * newest first, each with its first messages, for an agent who may read `conversationId`.
     */
    async previousConversations(agent: AgentView, conversationId: ConversationId): Promise<PreviousConversation[]> {
      const current = await requireReadable(agent, conversationId);
      const others = (await store.listVisitorConversations(agent.siteKey, current.visitorId))
        .filter((c) => c.id !== current.id)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, MAX_PREVIOUS_CONVERSATIONS);
      return Promise.all(
        others.map(async (c) => ({
          id: c.id,
          createdAt: c.createdAt,
          queue: c.queue,
          status: c.status,
          preview: c.preview,
          ...(c.leftMessage ? { leftMessage: true } : {}),
          ...(c.assignedAgentName ? { agentName: c.assignedAgentName } : {}),
          messages: await store.messagesAfter(agent.siteKey, c.id, undefined, MAX_PREVIOUS_CONVERSATION_MESSAGES),
        })),
      );
    },

    /**
     * "Leave a message" while nobody is available: who to answer (name, email: an unverified
     * identity, unless a verified one exists) and the message, as a conversation answered later.
     */
    async leaveMessage(siteKey: SiteKey, visitorId: VisitorId, payload: MessageLeavePayload, context: VisitorContext) {
      const [site, current] = await Promise.all([requireSite(siteKey), store.getVisitorIdentity(siteKey, visitorId)]);
      const identity = identityAfterClaim(site.identitySecret, current, { userId: payload.email.toLowerCase(), name: payload.name, email: payload.email });
      // The conversation starts with who to answer, so agents, auto mode and webhooks see it from
      // its first event; the identity is kept only once the message is: a refused one (empty, too
      // long, rate limited) keeps nothing about the visitor.
      const sent = await this.sendVisitorMessage(siteKey, visitorId, { clientId: payload.clientId, text: payload.text }, context, {
        leftMessage: true,
        identity,
      });
      if (sameIdentity(identity, current)) return sent;
      await store.setVisitorIdentity(siteKey, visitorId, identity);
      const conversation = (await store.getConversation(siteKey, sent.conversation.id)) ?? sent.conversation;
      // A conversation already open, which the message joined, changes who it shows: tell it.
      if (!sameIdentity(sent.conversation.visitor, identity)) {
        await events.emit('visitor.identified', siteKey, { identity, conversation }, context.origin !== undefined ? { origin: context.origin } : {});
      }
      return { ...sent, conversation };
    },

    async loadWorkspace(agent: AgentView): Promise<AgentWorkspace> {
      const [queues, conversations, site, presence] = await Promise.all([
        Promise.all(
          agent.skills.map(async (queue) => ({ queue, ...(await store.listQueue(agent.siteKey, queue, QUEUE_SNAPSHOT_LIMIT)) })),
        ),
        store.listAgentConversations(agent.siteKey, agent.id),
        requireSite(agent.siteKey),
        store.listPresence(agent.siteKey),
      ]);
      const seen = await Promise.all(conversations.map(async (c) => [c.id, await store.getSeen(agent.siteKey, c.id)] as const));
      return {
        agent,
        queues,
        conversations,
        categories: site.settings.categories,
        email: { enabled: emailEnabled },
        lastSeen: Object.fromEntries(seen),
        // What the server has, never what a console assumes: the Status control shows this.
        presence: presence[agent.id]?.status ?? 'online',
      };
    },

    /** The first page of a conversation's messages, as a console opens it. */
    firstMessages: (siteKey: SiteKey, conversationId: ConversationId) => store.messagesAfter(siteKey, conversationId, undefined, MAX_MESSAGES_PER_PAGE),

    /** The conversations the agent holds, oldest first. */
    heldBy: (agent: AgentView) => store.listAgentConversations(agent.siteKey, agent.id),

    async queueCount(siteKey: SiteKey, queue: ConversationView['queue']): Promise<number> {
      return (await store.listQueue(siteKey, queue, 0)).count;
    },

    async takeConversation(agent: AgentView, conversationId: ConversationId, origin: EventOrigin = {}): Promise<TakenConversation> {
      let conversation: ConversationView;
      let claimed = false;
      try {
        conversation = await store.claimConversation({
          siteKey: agent.siteKey,
          conversationId,
          agentId: agent.id,
          agentName: agent.name,
          skills: agent.skills,
          now: now(),
        });
        claimed = true;
      } catch (error) {
        // The same agent clicking Take in two tabs: the second click finds it already theirs.
        const held = isSwitchboardError(error) && error.code === 'CONVERSATION_NOT_WAITING' ? await store.getConversation(agent.siteKey, conversationId) : null;
        if (held?.status !== 'active' || held.assignedAgentId !== agent.id) throw error;
        conversation = held;
      }
      if (claimed) await events.emit('conversation.assigned', agent.siteKey, { conversation, by: 'take' }, origin);
      const [messages, lastSeen] = await Promise.all([
        store.messagesAfter(agent.siteKey, conversationId, undefined, MAX_MESSAGES_PER_PAGE),
        store.getSeen(agent.siteKey, conversationId),
      ]);
      return { conversation, messages, lastSeen };
    },

    async agentMessages(agent: AgentView, conversationId: ConversationId, afterId?: MessageId): Promise<MessageView[]> {
      await requireReadable(agent, conversationId);
      return store.messagesAfter(agent.siteKey, conversationId, afterId, MAX_MESSAGES_PER_PAGE);
    },

    async sendAgentMessage(
      agent: AgentView,
      input: { conversationId: ConversationId; clientId: string; text: string },
      origin: EventOrigin = {},
    ): Promise<MessageSent> {
      const text = checkMessageText(input.text);
      // The store checks that the agent holds it before looking for the client id, so a colleague
      // cannot read someone else's conversation by resending one of its client ids. The holder
      // keeps it after resolving.
      const { message, duplicate, conversation } = await store.appendMessage({
        siteKey: agent.siteKey,
        conversationId: input.conversationId,
        clientId: input.clientId,
        author: 'agent',
        agentId: agent.id,
        agentName: agent.name,
        text,
        now: now(),
      });
      if (!duplicate) await events.emit('message.created', agent.siteKey, { conversation, message }, origin);
      return { message, duplicate, conversation };
    },

    /** Hands an active conversation to the other queue; the move teaches the router (a correction). */
    async transferConversation(
      agent: AgentView,
      input: { conversationId: ConversationId; queue: QueueName; note: string },
      origin: EventOrigin = {},
    ): Promise<ConversationView> {
      const conversation = await requireConversation(agent.siteKey, input.conversationId);
      const at = now();
      const transferred = await store.transferConversation({
        siteKey: agent.siteKey,
        conversationId: input.conversationId,
        agentId: agent.id,
        agentName: agent.name,
        toQueue: input.queue,
        note: input.note.trim(),
        text: await visitorText(conversation),
        now: at,
      });
      await events.emit('conversation.transferred', agent.siteKey, { conversation: transferred, fromQueue: conversation.queue, byAgentId: agent.id }, { ...origin, at });
      return transferred;
    },

    /** Ends the agent's conversation, filed under `category` when given (one of the site's for its queue). */
    async resolveConversation(agent: AgentView, conversationId: ConversationId, category?: string, origin: EventOrigin = {}): Promise<ConversationView> {
      if (category !== undefined) {
        const [site, conversation] = await Promise.all([requireSite(agent.siteKey), requireConversation(agent.siteKey, conversationId)]);
        // Only its agent learns which categories fit a conversation: the store's own checks, first.
        if (conversation.status !== 'active') throw createError('CONVERSATION_NOT_ACTIVE', { conversationId });
        if (conversation.assignedAgentId !== agent.id) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId });
        if (!site.settings.categories[conversation.queue].includes(category)) {
          throw createError('CATEGORY_UNKNOWN', { category, queue: conversation.queue, allowed: site.settings.categories[conversation.queue] });
        }
      }
      const resolved = await store.resolveConversation({
        siteKey: agent.siteKey,
        conversationId,
        agentId: agent.id,
        now: now(),
        ...(category !== undefined ? { category } : {}),
      });
      await events.emit('conversation.resolved', agent.siteKey, { conversation: resolved, byAgentId: agent.id }, origin);
      return resolved;
    },

    /** The agent gives the conversation back to the front of its queue, for a colleague. */
    async releaseConversation(agent: AgentView, conversationId: ConversationId, origin: EventOrigin = {}): Promise<ConversationView> {
      const released = await store.requeueConversation({ siteKey: agent.siteKey, conversationId, agentId: agent.id, now: now() });
      await events.emit('conversation.released', agent.siteKey, { conversation: released, fromAgentId: agent.id, reason: 'released' }, origin);
      return released;
    },

    /**
     * Hands the conversation straight to a named colleague (hand-over.ts says what refuses it). The
     * note, meant for the colleague, is kept in the audit log.
     */
    async handOverConversation(agent: AgentView, input: { conversationId: ConversationId; agentId: AgentId; note: string }, origin: EventOrigin = {}) {
      const conversation = await handOverConversation({ store, events }, agent, input, now(), origin);
      const note = input.note.trim();
      if (note) await audit.record(agent.siteKey, agentActor(agent), 'conversation.hand-over', conversation.id, { to: input.agentId, note });
      return conversation;
    },

    /**
     * The visitor's end-of-chat survey, once per resolved conversation: CSAT for a service
     * conversation, CES for a support one, NPS as well only when the site asks it.
     */
    async rateConversation(siteKey: SiteKey, visitorId: VisitorId, payload: ConversationRatePayload, origin: EventOrigin = {}): Promise<ConversationView> {
      const [site, conversation] = await Promise.all([requireSite(siteKey), store.getConversation(siteKey, payload.conversationId)]);
      if (!conversation || conversation.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', { conversationId: payload.conversationId });
      const asked = conversation.queue === 'service' ? 'csat' : 'ces';
      const wrong = asked === 'csat' ? payload.ces !== undefined : payload.csat !== undefined;
      if (wrong || payload[asked] === undefined) {
        throw createError('PAYLOAD_INVALID', { conversationId: conversation.id, expected: asked }, `This ${conversation.queue} conversation is rated with ${asked}.`);
      }
      if (payload.nps !== undefined && !site.settings.npsSurvey) {
        throw createError('PAYLOAD_INVALID', { field: 'nps' }, 'This site does not ask NPS.');
      }
      const comment = payload.comment?.trim();
      const rated = await store.rateConversation({
        siteKey,
        conversationId: conversation.id,
        visitorId,
        rating: {
          [asked]: payload[asked]!,
          ...(payload.nps !== undefined ? { nps: payload.nps } : {}),
          ...(comment ? { comment } : {}),
          at: now(),
        },
      });
      await events.emit('conversation.rated', siteKey, { conversation: rated }, origin);
      return rated;
    },
  };
}

/** Same page, language, time zone and facts (key order aside): nothing to keep or tell. */
function sameContext(kept: VisitorContextPayload, given: VisitorContextPayload): boolean {
  const canonical = ({ page, language, timeZone, custom }: VisitorContextPayload) =>
    JSON.stringify([page.url, page.title, page.referrer ?? '', language, timeZone, Object.entries(custom ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))]);
  return canonical(kept) === canonical(given);
}
