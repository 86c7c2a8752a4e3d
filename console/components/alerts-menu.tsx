/** The "Alerts" menu: each alert switchable, kept in this browser; notifications asked for only from this click. */
import { useState } from 'preact/hooks';
import { askNotificationPermission, notificationsPermitted } from '../alerts/alerts';
import type { AlertSettings } from '../alerts/alert-settings';

const LABELS: Record<keyof AlertSettings, string> = {
  sound: 'Sound',
  notification: 'Browser notifications',
  title: 'Unread count in the tab title',
};

export function AlertsMenu({ settings, onChange }: { settings: AlertSettings; onChange(settings: AlertSettings): void }) {
  const [open, setOpen] = useState(false);
  const [denied, setDenied] = useState(false);
  const toggle = async (key: keyof AlertSettings, on: boolean) => {
    onChange({ ...settings, [key]: on });
    if (key === 'notification' && on) setDenied(!(await askNotificationPermission()));
  };
  return (
    <div class="alerts-menu">
      <button type="button" class="link" aria-expanded={open} aria-controls="alerts-panel" onClick={() => setOpen(!open)}>
        Alerts
      </button>
      {open && (
        <fieldset id="alerts-panel" class="alerts-panel">
          <legend>Alert me</legend>
          {(Object.keys(LABELS) as (keyof AlertSettings)[]).map((key) => (
            <label key={key}>
              <input type="checkbox" checked={settings[key]} onChange={(e) => void toggle(key, (e.target as HTMLInputElement).checked)} />
              {LABELS[key]}
            </label>
          ))}
          {settings.notification && !notificationsPermitted() && (
            <button type="button" class="secondary" onClick={async () => setDenied(!(await askNotificationPermission()))}>
              Allow notifications
            </button>
          )}
          {denied && <p class="muted">The browser blocks notifications for this page: allow them in its site settings.</p>}
        </fieldset>
      )}
    </div>
  );
}
