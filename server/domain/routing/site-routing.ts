/**
 * What a site owner controls about routing: rules, the topic question, the fallback queue, and
 * the corrections agents' transfers produced. Used by the REST API and the operators' CLI alike.
 */
import { createError } from '../../../shared/errors';
import type { SiteKey } from '../../../shared/ids';
import type { QueueName } from '../../../shared/queues';
import {
  NewRoutingRuleSchema,
  RoutingTryBodySchema,
  SiteSettingsPatchSchema,
  type NewRoutingRule,
  type RoutingTryBody,
  type RoutingTryResult,
  type SiteSettings,
  type SiteSettingsPatch,
} from '../../../shared/schemas';
import type { RoutingRule, Store } from '../../store/store';
import type { AuditLog } from '../audit';
import { randomId } from '../random-id';
import { compilePayloadCheck } from '../validate';
import { ruleBreadthProblem } from './rule-breadth';
import { matchRule } from './rules';
import type { Router } from './router';
import type { SiteLearning } from './site-learning-service';
import { isOpen } from '../business-hours';
import { checkSettingsSense } from '../settings-checks';

/** Rules are checked on every new conversation; a few hundred is plenty and keeps that cheap. */
export const MAX_ROUTING_RULES = 200;

// The schema REST validates the body with and the CLI its flags with: whoever calls, the same refusal.
const checkSettingsPatch = compilePayloadCheck(SiteSettingsPatchSchema);
const checkNewRule = compilePayloadCheck(NewRoutingRuleSchema);
const checkTry = compilePayloadCheck(RoutingTryBodySchema);

/** A correction as a training row for `npm run train` (JSON Lines). */
export interface TrainingRow {
  text: string;
  label: QueueName;
  predicted: QueueName;
  note: string;
  conversationId: string;
  at: string;
}

/** `router` answers "try a message"; without one (the CLI), `tryMessage` is not offered. */
export function createSiteRouting(store: Store, audit: AuditLog, now: () => number = Date.now, router?: Router, siteLearning?: Pick<SiteLearning, 'adaptationFor'>) {
  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  return {
    async describe(siteKey: SiteKey): Promise<{ settings: SiteSettings; rules: RoutingRule[] }> {
      const [site, rules] = await Promise.all([requireSite(siteKey), store.listRoutingRules(siteKey)]);
      return { settings: site.settings, rules };
    },

    /** @throws PAYLOAD_INVALID naming the field when `changes` does not fit SiteSettingsPatchSchema; SITE_NOT_FOUND */
    async updateSettings(siteKey: SiteKey, patch: SiteSettingsPatch, actor: string): Promise<SiteSettings> {
      // Checked here as well as at the edge: the CLI and any future caller get no way around it.
      const changes = checkSettingsSense(checkSettingsPatch(patch));
      const site = await requireSite(siteKey);
      const { widget, ...rest } = changes;
      // The widget's fields change one at a time; the others stay as they were.
      const settings: SiteSettings = { ...site.settings, ...rest, ...(widget ? { widget: { ...site.settings.widget, ...widget } } : {}) };
      // A required form with nothing to ask could never be passed: every first message would be refused.
      if (settings.widget.prechat?.mode === 'required' && settings.widget.prechat.fields.length === 0) {
        throw createError('PAYLOAD_INVALID', { path: '/widget/prechat/fields', problem: 'must ask the name or the email when the form is required' });
      }
      await store.updateSiteSettings(siteKey, settings);
      await audit.record(siteKey, actor, 'site.settings', siteKey, { changes });
      return settings;
    },

    /**
     * @throws PAYLOAD_INVALID when `newRule` does not fit NewRoutingRuleSchema; ROUTING_RULE_TOO_BROAD when its
     * phrase would match most messages (rule-breadth.ts); SITE_NOT_FOUND
     */
    async addRule(siteKey: SiteKey, newRule: NewRoutingRule, actor: string): Promise<RoutingRule> {
      const input = checkNewRule(newRule);
      await requireSite(siteKey);
      const phrase = input.phrase.trim().replace(/\s+/g, ' ');
      const broad = ruleBreadthProblem(input.phrase);
      if (broad) throw createError('ROUTING_RULE_TOO_BROAD', { path: '/phrase', problem: broad });
      const rules = await store.listRoutingRules(siteKey);
      if (rules.length >= MAX_ROUTING_RULES) throw createError('PAYLOAD_INVALID', { problem: `a site has at most ${MAX_ROUTING_RULES} rules` });
      const rule = { id: randomId('rule'), phrase, queue: input.queue, createdAt: now() };
      await store.addRoutingRule(siteKey, rule);
      await audit.record(siteKey, actor, 'routing.rule.add', rule.id, { phrase, queue: rule.queue });
      return rule;
    },

    /**
     * What the router would do with `text` as a visitor's first message on this site (its rules, the
     * topic when the site asks it, the classifier, the fallback queue), creating and recording nothing.
     * @throws PAYLOAD_INVALID / MESSAGE_TOO_LONG / MESSAGE_EMPTY; SITE_NOT_FOUND
     */
    async tryMessage(siteKey: SiteKey, body: RoutingTryBody): Promise<RoutingTryResult> {
      if (!router) throw new Error('createSiteRouting was given no router');
      const input = checkTry(body);
      if (!input.text.trim()) throw createError('MESSAGE_EMPTY');
      const [site, rules, adaptation] = await Promise.all([requireSite(siteKey), store.listRoutingRules(siteKey), siteLearning?.adaptationFor(siteKey)]);
      const decision = router.route({
        text: input.text,
        rules,
        settings: site.settings,
        ...(input.topic ? { topic: input.topic } : {}),
        ...(adaptation ? { adaptation } : {}),
      });
      return { decision, ruleId: decision.by === 'rule' ? (matchRule(rules, input.text)?.id ?? null) : null, openNow: isOpen(site.settings.businessHours, now()) };
    },

    async removeRule(siteKey: SiteKey, id: string, actor: string): Promise<void> {
      await requireSite(siteKey);
      if (!(await store.removeRoutingRule(siteKey, id))) throw createError('ROUTING_RULE_NOT_FOUND', { id });
      await audit.record(siteKey, actor, 'routing.rule.remove', id);
    },

    /** Transfers as training rows, newest first: a team retrains on its own traffic with them. */
    async exportCorrections(siteKey: SiteKey, actor: string, limit = 10_000): Promise<TrainingRow[]> {
      await requireSite(siteKey);
      await audit.record(siteKey, actor, 'routing.corrections.export', siteKey);
      return (await store.listRoutingCorrections(siteKey, limit)).map((c) => ({
        text: c.text,
        label: c.corrected,
        predicted: c.predicted,
        note: c.note,
        conversationId: c.conversationId,
        at: new Date(c.at).toISOString(),
      }));
    },
  };
}

export type SiteRouting = ReturnType<typeof createSiteRouting>;
