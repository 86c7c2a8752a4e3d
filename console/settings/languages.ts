/** The widget's languages by their own names, for the Settings pages' menus. */
import type { WidgetLanguage } from '../../shared/schemas';

export const LANGUAGE_NAMES: Record<WidgetLanguage, string> = { en: 'English', fr: 'Français', de: 'Deutsch', es: 'Español', ar: 'العربية' };
