/**
 * Per-site learning as a service (docs/router.md, "Each site's own corrections"): keeps each
 * resolved conversation's opener and final queue as an example, takes agents' "wrong queue"
 * flags, retrains the site's adaptation (a job, after enough new corrections, or an admin's
 * button), adopts it only when it beats the current one on held-back examples, rolls back, and
 * hands the router the adaptation in use, cached so routing does not read the store each time.
 */
import { createError } from '../../../shared/errors';
import type { ConversationId, SiteKey } from '../../../shared/ids';
import type { ConversationView } from '../../../shared/protocol';
import type { AgentView } from '../../../shared/schemas';
import type { QueueName } from '../../../shared/queues';
import type { Store } from '../../store/store';
import type { AuditLog } from '../audit';
import type { DomainEvents, EventOrigin } from '../events';
import type { Classifier, SiteAdaptation } from './classification';
import {
  EXAMPLES_KEPT,
  MAX_EXAMPLE_CHARS,
  RETRAIN_AFTER_CORRECTIONS,
  suggestRules,
  toAdaptation,
  trainCandidate,
  VERSIONS_KEPT,
  type RoutingExample,
  type SiteModelVersion,
  type SuggestedRule,
} from './site-learning';

/**
 * How long a process reuses a site's adaptation before asking the store which version is in use:
 * another process's adoption or roll-back reaches new conversations here within this time.
 * @default 30_000
 */
export const ADAPTATION_CACHE_MS = 30_000;

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** Strongest site words shown per version. */
const WORDS_SHOWN = 10;

export interface SiteModelSummary {
  version: number;
  trainedAt: number;
  features: number;
  trainedOn: SiteModelVersion['trainedOn'];
  heldBack: SiteModelVersion['heldBack'];
  /** Its strongest words: positive pull towards support, negative towards service. */
  words: { feature: string; weight: number }[];
}

export interface RouterLearningView {
  /** Conversations the router placed this week (rule-routed ones aside) and how many agents corrected. */
  thisWeek: { conversations: number; corrected: number; accuracy: number | null };
  examples: number;
  /** Corrections not yet trained on, and how many start a retraining. */
  pendingCorrections: number;
  retrainAfter: number;
  active: SiteModelSummary | null;
  versions: SiteModelSummary[];
  suggestedRules: SuggestedRule[];
}

export interface RetrainResult {
  adopted: boolean;
  reason: string;
  candidate: SiteModelSummary;
  learning: RouterLearningView;
}

export function createSiteLearning({
  store,
  classifier,
  events,
  audit,
  now = Date.now,
  cacheMs = ADAPTATION_CACHE_MS,
}: {
  store: Store;
  classifier: Classifier;
  events: DomainEvents;
  audit: AuditLog;
  now?: () => number;
  cacheMs?: number;
}) {
  const cache = new Map<SiteKey, { version: number | null; adaptation: SiteAdaptation | undefined; checkedAt: number }>();

  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  /** The visitor's words before the first answer: what the router read, or would have. */
  const openingText = async (conversation: ConversationView): Promise<string> => {
    const messages = await store.messagesAfter(conversation.siteKey, conversation.id, undefined, 20);
    const opening: string[] = [];
    for (const message of messages) {
      if (message.author !== 'visitor') break;
      opening.push(message.text);
    }
    return opening.join('\n').slice(0, MAX_EXAMPLE_CHARS);
  };

  const keep = async (siteKey: SiteKey, example: RoutingExample): Promise<number> => store.saveRoutingExample(siteKey, example, EXAMPLES_KEPT);

  const summarize = (version: SiteModelVersion): SiteModelSummary => ({
    version: version.version,
    trainedAt: version.trainedAt,
    features: Object.keys(version.weights).length,
    trainedOn: version.trainedOn,
    heldBack: version.heldBack,
    words: Object.entries(version.weights)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, WORDS_SHOWN)
      .map(([feature, weight]) => ({ feature, weight })),
  });

  const remember = (siteKey: SiteKey, active: number | null, versions: readonly SiteModelVersion[]) => {
    const version = versions.find((v) => v.version === active);
    cache.set(siteKey, { version: active, adaptation: version ? toAdaptation(version) : undefined, checkedAt: now() });
  };

  const describe = async (siteKey: SiteKey): Promise<RouterLearningView> => {
    await requireSite(siteKey);
    const [learning, examples, rules] = await Promise.all([
      store.getRouterLearning(siteKey),
      store.listRoutingExamples(siteKey, EXAMPLES_KEPT),
      store.listRoutingRules(siteKey),
    ]);
    const week = examples.filter((e) => e.at >= now() - WEEK_MS);
    const corrected = week.filter((e) => e.corrected).length;
    const active = learning.versions.find((v) => v.version === learning.active);
    return {
      thisWeek: { conversations: week.length, corrected, accuracy: week.length === 0 ? null : 1 - corrected / week.length },
      examples: examples.length,
      pendingCorrections: learning.pendingCorrections,
      retrainAfter: RETRAIN_AFTER_CORRECTIONS,
      active: active ? summarize(active) : null,
      versions: learning.versions.map(summarize),
      suggestedRules: suggestRules(examples, rules.map((r) => r.phrase)),
    };
  };

  return {
    /** The adaptation routing should use for a site, or undefined for the shared model alone. */
    async adaptationFor(siteKey: SiteKey): Promise<SiteAdaptation | undefined> {
      const cached = cache.get(siteKey);
      if (cached && now() - cached.checkedAt < cacheMs) return cached.adaptation;
      const active = await store.getActiveRouterVersion(siteKey);
      if (cached && cached.version === active) {
        cached.checkedAt = now();
        return cached.adaptation;
      }
      const learning = active === null ? { versions: [] } : await store.getRouterLearning(siteKey);
      remember(siteKey, active, learning.versions);
      return cache.get(siteKey)?.adaptation;
    },

    /**
     * Keeps a resolved conversation as an example: its opener and the queue it ended in.
     * Rule-routed conversations teach nothing (the rule decides them). @returns corrections not yet trained on
     */
    async recordOutcome(conversation: ConversationView): Promise<number> {
      if (conversation.routing.by === 'rule') return 0;
      const text = await openingText(conversation);
      if (text.trim() === '') return 0;
      return keep(conversation.siteKey, {
        conversationId: conversation.id,
        visitorId: conversation.visitorId,
        text,
        label: conversation.queue,
        predicted: conversation.routing.queue,
        routedBy: conversation.routing.by,
        corrected: conversation.queue !== conversation.routing.queue,
        at: now(),
      });
    },

    /**
     * An agent says the router put this conversation in the wrong queue, without moving it (the
     * chat is nearly done): it is kept as a correction towards the other queue.
     * @throws CONVERSATION_NOT_FOUND; CONVERSATION_NOT_ASSIGNED_TO_YOU unless the agent holds it or
     *   is a lead or admin; ROUTING_NOT_LEARNABLE when a site rule placed it
     */
    async flagWrongQueue(agent: AgentView, conversationId: ConversationId, origin: EventOrigin = {}): Promise<{ conversation: ConversationView; queue: QueueName }> {
      const conversation = await store.getConversation(agent.siteKey, conversationId);
      if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
      if (conversation.assignedAgentId !== agent.id && agent.role === 'agent') throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId });
      if (conversation.routing.by === 'rule') throw createError('ROUTING_NOT_LEARNABLE', { conversationId, reason: 'a site rule placed it' });
      const queue: QueueName = conversation.queue === 'service' ? 'support' : 'service';
      const pending = await keep(agent.siteKey, {
        conversationId,
        visitorId: conversation.visitorId,
        text: await openingText(conversation),
        label: queue,
        predicted: conversation.routing.queue,
        routedBy: conversation.routing.by,
        corrected: true,
        flagged: true,
        at: now(),
      });
      await events.emit('conversation.route_flagged', agent.siteKey, { conversation, byAgentId: agent.id, queue, pendingCorrections: pending }, origin);
      return { conversation, queue };
    },

    /**
     * Trains a candidate on the site's examples and adopts it when it routes the held-back
     * examples better than the version in use. Idempotent enough to run twice: the second run
     * trains the same candidate and finds it no better than itself.
     */
    async retrain(siteKey: SiteKey, actor: string): Promise<RetrainResult> {
      const site = await requireSite(siteKey);
      const [learning, examples] = await Promise.all([store.getRouterLearning(siteKey), store.listRoutingExamples(siteKey, EXAMPLES_KEPT)]);
      const current = learning.versions.find((v) => v.version === learning.active) ?? null;
      const version = Math.max(0, ...learning.versions.map((v) => v.version)) + 1;
      const outcome = trainCandidate(classifier, examples, current, site.settings.fallbackQueue, version, now());
      const versions = outcome.adopted ? [outcome.candidate, ...learning.versions].slice(0, VERSIONS_KEPT) : learning.versions;
      const active = outcome.adopted ? version : learning.active;
      await store.saveRouterLearning(siteKey, { active, versions }, learning.pendingCorrections);
      remember(siteKey, active, versions);
      await audit.record(siteKey, actor, 'routing.learning.retrain', siteKey, {
        adopted: outcome.adopted,
        version,
        heldBack: outcome.candidate.heldBack,
      });
      return { adopted: outcome.adopted, reason: outcome.reason, candidate: summarize(outcome.candidate), learning: await describe(siteKey) };
    },

    /**
     * Goes back to the version before the one in use (or to the shared model alone).
     * @throws ROUTING_NOTHING_TO_ROLL_BACK when no adapted version is in use
     */
    async rollBack(siteKey: SiteKey, actor: string): Promise<RouterLearningView> {
      await requireSite(siteKey);
      const learning = await store.getRouterLearning(siteKey);
      if (learning.active === null) throw createError('ROUTING_NOTHING_TO_ROLL_BACK', { siteKey });
      const older = learning.versions.filter((v) => v.version < (learning.active as number));
      const active = older[0]?.version ?? null;
      // The rolled-back version is dropped, so a later roll-back goes further back, never forward.
      const versions = learning.versions.filter((v) => v.version !== learning.active);
      await store.saveRouterLearning(siteKey, { active, versions }, 0);
      remember(siteKey, active, versions);
      await audit.record(siteKey, actor, 'routing.learning.rollback', siteKey, { from: learning.active, to: active });
      return describe(siteKey);
    },

    describe,
  };
}

export type SiteLearning = ReturnType<typeof createSiteLearning>;
