/**
 * A site as the visitor's session carries it (`SiteInfo`), with the text colour its accent needs.
 * Shared so the console's live preview of the widget (console/settings/widget-preview.tsx) feeds the
 * real widget exactly what the server would send for the unsaved settings.
 */
import { textColorOn } from './contrast';
import type { SiteInfo } from './protocol';
import type { SiteSettings, WidgetLook } from './schemas';
import { DEFAULT_SITE_SETTINGS } from './site-settings';

export function visitorLook(look: WidgetLook): Omit<SiteInfo, 'name' | 'topicQuestion' | 'available' | 'npsSurvey' | 'reopenWithinMinutes' | 'maxFileBytes'> {
  return {
    accentColor: look.accentColor,
    accentTextColor: textColorOn(look.accentColor),
    position: look.position,
    teamNames: look.teamNames,
    greeting: look.greeting,
    agentInitials: look.agentInitials,
    avatarUrl: look.avatarUrl ?? null,
    defaultLanguage: look.defaultLanguage,
    strings: look.strings,
    prechat: look.prechat ?? DEFAULT_SITE_SETTINGS.widget.prechat,
  };
}

/** The whole `SiteInfo` of a site whose availability (hours and agents online) is already known. */
export function visitorSiteInfo(site: { name: string; settings: SiteSettings }, available: boolean): SiteInfo {
  return {
    name: site.name,
    topicQuestion: site.settings.topicQuestion,
    available,
    npsSurvey: site.settings.npsSurvey,
    reopenWithinMinutes: site.settings.reopenWithinMinutes,
    maxFileBytes: site.settings.maxFileBytes,
    ...visitorLook(site.settings.widget),
  };
}
