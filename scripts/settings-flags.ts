/**
 * The CLI's settings flags (`routing:settings`, `site:settings`) as a settings change. Text is only
 * turned into the value it spells; whether the value is allowed is the schema's call, the same
 * `SiteSettingsPatchSchema` REST and `siteRouting.updateSettings` check against, so all three
 * refuse a bad value with the same PAYLOAD_INVALID.
 */
import { Type } from '@sinclair/typebox';
import { checkSettingsSense } from '../server/domain/settings-checks';
import { compilePayloadCheck } from '../server/domain/validate';
import type { QueueName } from '../shared/queues';
import { CategoriesSchema, SiteSettingsPatchSchema, WidgetLookSchema, type SiteSettings, type SiteSettingsPatch } from '../shared/schemas';
import { booleanOf, listOf, numberOf } from './flag-values';
import { UsageError } from './usage-error';

/** The settings flags as `parseArgs` gives them: text, when given. */
export interface SettingsFlags {
  'topic-question'?: string;
  fallback?: string;
  'retention-days'?: string;
  'store-ip'?: string;
  assignment?: string;
  'abandon-after'?: string;
  'business-hours'?: string;
  'verified-priority'?: string;
  nps?: string;
  'reopen-within'?: string;
  'max-file-bytes'?: string;
  'service-categories'?: string;
  'support-categories'?: string;
  'accent-color'?: string;
  position?: string;
  'service-team'?: string;
  'support-team'?: string;
  greeting?: string;
  /** An https picture for the widget's header, or `none`. */
  'avatar-url'?: string;
  'agent-initials'?: string;
  'default-language'?: string;
  strings?: string;
  prechat?: string;
  'prechat-fields'?: string;
}

export interface SettingsFlagsChange {
  /** Every setting given except the categories, checked; `widget.teamNames` may name one team only (merge the other in). */
  changes: Omit<SiteSettingsPatch, 'categories' | 'widget'> & {
    widget?: Omit<NonNullable<SiteSettingsPatch['widget']>, 'teamNames' | 'prechat'> & {
      teamNames?: Partial<Record<QueueName, string | null>>;
      /** `--prechat` or `--prechat-fields` may come alone: merge the site's other one in. */
      prechat?: Partial<SiteSettings['widget']['prechat']>;
    };
  };
  /** One queue's list may change alone; the caller merges it with the site's other list. */
  categories: Partial<Record<QueueName, string[]>>;
}

// The patch schema, except that the categories may name one queue only (the CLI merges the other in).
const FlagsChangeSchema = Type.Object(
  {
    ...SiteSettingsPatchSchema.properties,
    categories: Type.Optional(Type.Partial(CategoriesSchema, { additionalProperties: false })),
    widget: Type.Optional(
      Type.Partial(
        Type.Object({
          ...WidgetLookSchema.properties,
          teamNames: Type.Partial(WidgetLookSchema.properties.teamNames, { additionalProperties: false }),
          prechat: Type.Partial(WidgetLookSchema.properties.prechat, { additionalProperties: false }),
        }),
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const checkFlagsChange = compilePayloadCheck(FlagsChangeSchema);

/** `none` clears a text the site set (team name, greeting): the catalogue's wording is shown again. */
const textOrNone = (text: string): string | null => (text === 'none' ? null : text);

function stringsOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--strings takes JSON like {"fr":{"title":"Une question ?"}}');
  }
}

/** `--prechat MODE` and `--prechat-fields name,email|none`, either alone: the caller merges in the site's other one. */
function prechatOf(mode: string | undefined, fields: string | undefined): unknown {
  if (mode === undefined && fields === undefined) return undefined;
  return { ...(mode !== undefined ? { mode } : {}), ...(fields !== undefined ? { fields: fields === 'none' ? [] : listOf(fields) } : {}) };
}

function businessHoursOf(text: string): unknown {
  if (text === 'none') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--business-hours takes none or JSON like {"timeZone":"Europe/Paris","weekly":{"mon":["09:00-17:00"]}}');
  }
}

/**
 * @throws UsageError when no setting is given or --business-hours is not JSON;
 *   PAYLOAD_INVALID (path and problem as REST gives them) when a value is not allowed
 * @example parseSettingsFlags({ 'abandon-after': '120', 'support-categories': 'Bug,API' })
 */
export function parseSettingsFlags(flags: SettingsFlags): SettingsFlagsChange {
  const given = <T>(text: string | undefined, convert: (text: string) => T) => (text === undefined ? undefined : convert(text));
  const spelled: Record<string, unknown> = {
    topicQuestion: given(flags['topic-question'], booleanOf),
    fallbackQueue: flags.fallback,
    retentionDays: given(flags['retention-days'], (text) => (text === 'none' ? null : numberOf(text))),
    storeVisitorIp: given(flags['store-ip'], booleanOf),
    assignment: flags.assignment,
    abandonAfterSeconds: given(flags['abandon-after'], numberOf),
    businessHours: given(flags['business-hours'], businessHoursOf),
    verifiedPriorityMinutes: given(flags['verified-priority'], numberOf),
    npsSurvey: given(flags.nps, booleanOf),
    reopenWithinMinutes: given(flags['reopen-within'], numberOf),
    maxFileBytes: given(flags['max-file-bytes'], numberOf),
  };
  const categories = Object.fromEntries(
    [['service', flags['service-categories']] as const, ['support', flags['support-categories']] as const]
      .filter(([, text]) => text !== undefined)
      .map(([queue, text]) => [queue, listOf(text!)]),
  );
  const input = Object.fromEntries(Object.entries(spelled).filter(([, value]) => value !== undefined));
  const teamNames = Object.fromEntries(
    [['service', flags['service-team']] as const, ['support', flags['support-team']] as const]
      .filter(([, text]) => text !== undefined)
      .map(([queue, text]) => [queue, textOrNone(text!)]),
  );
  const widget = Object.fromEntries(
    Object.entries({
      accentColor: flags['accent-color'],
      position: flags.position,
      // One team's name may change alone: the caller merges the other in, as for categories.
      teamNames: Object.keys(teamNames).length > 0 ? teamNames : undefined,
      greeting: given(flags.greeting, textOrNone),
      avatarUrl: given(flags['avatar-url'], textOrNone),
      agentInitials: given(flags['agent-initials'], booleanOf),
      defaultLanguage: flags['default-language'],
      strings: given(flags.strings, stringsOf),
      prechat: prechatOf(flags.prechat, flags['prechat-fields']),
    }).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(widget).length > 0) input.widget = widget;
  if (Object.keys(categories).length > 0) input.categories = categories;
  if (Object.keys(input).length === 0) throw new UsageError('give at least one setting to change');
  const { categories: checkedCategories, ...changes } = checkSettingsSense(checkFlagsChange(input));
  return { changes, categories: checkedCategories ?? {} };
}
