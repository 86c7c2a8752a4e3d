/** Which alerts the agent wants, kept in this browser (localStorage), each switchable from the Alerts menu. */
export interface AlertSettings {
  /** A short beep (Web Audio: no sound file to load). */
  sound: boolean;
  /** A browser notification, once the agent allowed them (asked only from a click). */
  notification: boolean;
  /** "(3) Switchboard": unread visitor messages in the tab's title. */
  title: boolean;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { sound: true, notification: true, title: true };

const KEY = 'switchboard.console.alerts';

export function loadAlertSettings(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): AlertSettings {
  try {
    const saved = JSON.parse(storage?.getItem(KEY) ?? '{}') as Partial<Record<keyof AlertSettings, unknown>>;
    const pick = (k: keyof AlertSettings) => (typeof saved[k] === 'boolean' ? saved[k] : DEFAULT_ALERT_SETTINGS[k]);
    return { sound: pick('sound'), notification: pick('notification'), title: pick('title') };
  } catch {
    return { ...DEFAULT_ALERT_SETTINGS };
  }
}

export function saveAlertSettings(settings: AlertSettings, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Private mode or full storage: the settings hold for this page only.
  }
}
