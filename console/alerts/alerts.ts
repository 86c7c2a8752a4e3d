/**
 * The console's alerts: a beep, a browser notification (clicking it focuses that chat) and the
 * unread count in the tab's title. Which events alert is decided by `shouldAlert`; each channel is
 * switchable (alert-settings.ts).
 */
import type { ConsoleAlert } from '../agent-connection';
import type { AlertSettings } from './alert-settings';

const TITLE = 'Switchboard';

const HEADLINES: Record<ConsoleAlert['kind'], string> = {
  waiting: 'New conversation waiting',
  assigned: 'A conversation was assigned to you',
  message: 'New visitor message',
};

/**
 * A visitor message alerts only when its chat is not on screen (another chat selected, or the tab
 * hidden); a new waiting conversation and an assignment always do.
 */
export function shouldAlert(alert: ConsoleAlert, onScreenId: string | null, pageVisible: boolean): boolean {
  return alert.kind !== 'message' || !pageVisible || alert.conversationId !== onScreenId;
}

export function titleWithCount(unread: number): string {
  return unread > 0 ? `(${unread}) ${TITLE}` : TITLE;
}

let audio: AudioContext | undefined;

/** 150 ms at 880 Hz, quiet: noticed without startling. */
export function beep(): void {
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.15);
  } catch {
    // No audio output (or blocked before any click): the other alerts still say it.
  }
}

export function notificationsPermitted(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** Only from a click: browsers ignore (and some punish) a permission prompt nobody asked for. */
export async function askNotificationPermission(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'default') await Notification.requestPermission();
  return Notification.permission === 'granted';
}

export function raiseAlert(alert: ConsoleAlert, settings: AlertSettings, focusChat: (conversationId: string) => void): void {
  if (settings.sound) beep();
  if (settings.notification && notificationsPermitted()) {
    const notification = new Notification(HEADLINES[alert.kind], { body: alert.text.slice(0, 140), tag: `${alert.kind}:${alert.conversationId}` });
    notification.onclick = () => {
      window.focus();
      focusChat(alert.conversationId);
      notification.close();
    };
  }
}
