/**
 * Binds the alerts to the workspace: the settings (kept in localStorage), the title's unread count,
 * and `alert(...)` for the connection to call as things arrive.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StateStore } from '../../shared/state-store';
import type { ConsoleAlert } from '../agent-connection';
import { unreadCount } from '../inbox/inbox-figures';
import type { ConsoleState } from '../workspace-store';
import { loadAlertSettings, saveAlertSettings, type AlertSettings } from './alert-settings';
import { raiseAlert, shouldAlert, titleWithCount } from './alerts';

/** Unread visitor messages in the agent's open conversations; the one on screen counts as read while the page is visible. */
export function totalUnread(state: ConsoleState, pageVisible: boolean): number {
  return state.conversations
    .filter((c) => c.status === 'active' && !(pageVisible && c.id === state.selectedId))
    .reduce((sum, c) => sum + unreadCount(state.messages[c.id] ?? [], state.lastSeen[c.id]?.agent), 0);
}

export function useAlerts(store: StateStore<ConsoleState>, focusChat: (conversationId: string) => void) {
  const [settings, setSettings] = useState<AlertSettings>(loadAlertSettings);
  const current = useRef(settings);
  current.current = settings;

  // The title follows the unread count (and the page's visibility: a hidden page reads nothing).
  useEffect(() => {
    const update = () => {
      const unread = current.current.title ? totalUnread(store.getState(), document.visibilityState === 'visible') : 0;
      const title = titleWithCount(unread);
      if (document.title !== title) document.title = title;
    };
    update();
    const unsubscribe = store.subscribe(update);
    document.addEventListener('visibilitychange', update);
    return () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', update);
      document.title = titleWithCount(0);
    };
  }, [store, settings.title]);

  return {
    settings,
    change(next: AlertSettings) {
      saveAlertSettings(next);
      setSettings(next);
    },
    alert(alert: ConsoleAlert) {
      if (shouldAlert(alert, store.getState().selectedId, document.visibilityState === 'visible')) raiseAlert(alert, current.current, focusChat);
    },
  };
}
