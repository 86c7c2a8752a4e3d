/** The site's widget settings as the visitor's session carries them, with the text colour its accent needs. */
import { textColorOn } from '../../shared/contrast';
import type { SiteInfo } from '../../shared/protocol';
import type { WidgetLook } from '../../shared/schemas';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';

export function visitorLook(look: WidgetLook): Omit<SiteInfo, 'name' | 'topicQuestion' | 'available' | 'npsSurvey' | 'reopenWithinMinutes' | 'maxFileBytes'> {
  return {
    accentColor: look.accentColor,
    accentTextColor: textColorOn(look.accentColor),
    position: look.position,
    teamNames: look.teamNames,
    greeting: look.greeting,
    agentInitials: look.agentInitials,
    defaultLanguage: look.defaultLanguage,
    strings: look.strings,
    prechat: look.prechat ?? DEFAULT_SITE_SETTINGS.widget.prechat,
  };
}
