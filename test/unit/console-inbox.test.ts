/** The console's inbox figures, keymap, alert rules and user-agent reading: pure functions. */
import { describe, expect, it } from 'vitest';
import type { MessageView, QueueSnapshot } from '../../shared/protocol';
import { loadAlertSettings, saveAlertSettings, DEFAULT_ALERT_SETTINGS } from '../../console/alerts/alert-settings';
import { shouldAlert, titleWithCount } from '../../console/alerts/alerts';
import { totalUnread } from '../../console/alerts/use-alerts';
import { awaitingReplySince, lastVisitorLine, longestWaitSince, unreadCount } from '../../console/inbox/inbox-figures';
import { createKeymap, SHORTCUTS } from '../../console/keyboard/keymap';
import { parseUserAgent } from '../../console/visitor/user-agent';
import { initialState } from '../../console/workspace-store';

const message = (id: string, author: 'visitor' | 'agent', text: string, createdAt: number): MessageView => ({
  id,
  conversationId: 'c1',
  clientId: `k${id}`,
  author,
  text,
  createdAt,
});
const log = [
  message('1-0', 'visitor', 'hello', 1_000),
  message('2-0', 'agent', 'hi, how can I help?', 2_000),
  message('3-0', 'visitor', 'my parcel', 3_000),
  message('4-0', 'visitor', 'is late', 4_000),
];

describe('inbox figures', () => {
  it("counts the visitor's messages after the agent's seen mark, and all of them with no mark", () => {
    expect(unreadCount(log, undefined)).toBe(3);
    expect(unreadCount(log, '2-0')).toBe(2);
    expect(unreadCount(log, '4-0')).toBe(0);
  });

  it("gives the visitor's last line and since when they wait for a reply (none once the agent spoke last)", () => {
    expect(lastVisitorLine(log)).toBe('is late');
    expect(awaitingReplySince(log)).toBe(3_000);
    expect(awaitingReplySince([...log, message('5-0', 'agent', 'on it', 5_000)])).toBeUndefined();
    expect(awaitingReplySince([])).toBeUndefined();
  });

  it("gives a queue's longest wait from its snapshot", () => {
    const entry = (queuedAt: number) => ({ conversationId: `c${queuedAt}`, queue: 'service' as const, preview: '', queuedAt, routing: { queue: 'service' as const, by: 'default' as const, confidence: 1, reason: '', uncertain: false } });
    const snapshot: QueueSnapshot = { queue: 'service', count: 3, entries: [entry(30), entry(10), entry(20)] };
    expect(longestWaitSince(snapshot)).toBe(10);
    expect(longestWaitSince({ ...snapshot, count: 0, entries: [] })).toBeUndefined();
  });

  it('counts the unread of open conversations for the title, the one on screen only while the page is hidden', () => {
    const agent = { id: 'a1', role: 'agent' as const, siteKey: 's', email: 'a@x.example', name: 'A', skills: ['service' as const], capacity: 3 };
    const conversation = (id: string) => ({ id, status: 'active' }) as never;
    const state = {
      ...initialState(agent),
      conversations: [conversation('c1'), conversation('c2')],
      messages: { c1: log, c2: log },
      lastSeen: { c1: { agent: '2-0' } },
      selectedId: 'c1',
    };
    expect(totalUnread(state, true)).toBe(3);
    expect(totalUnread(state, false)).toBe(5);
    expect(titleWithCount(5)).toBe('(5) Switchboard');
    expect(titleWithCount(0)).toBe('Switchboard');
  });
});

describe('alerts', () => {
  it('alerts on a visitor message only when its chat is not on screen; always on a waiting or assigned one', () => {
    const msg = { kind: 'message' as const, conversationId: 'c1', text: 'hi' };
    expect(shouldAlert(msg, 'c1', true)).toBe(false);
    expect(shouldAlert(msg, 'c1', false)).toBe(true);
    expect(shouldAlert(msg, 'c2', true)).toBe(true);
    expect(shouldAlert({ kind: 'waiting', conversationId: 'c1', text: '' }, 'c1', true)).toBe(true);
    expect(shouldAlert({ kind: 'assigned', conversationId: 'c1', text: '' }, 'c1', true)).toBe(true);
  });

  it('keeps the settings, and reads garbage as the defaults', () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    expect(loadAlertSettings(storage)).toEqual(DEFAULT_ALERT_SETTINGS);
    saveAlertSettings({ sound: false, notification: true, title: false }, storage);
    expect(loadAlertSettings(storage)).toEqual({ sound: false, notification: true, title: false });
    kept.set('switchboard.console.alerts', '{"sound":"loud","title":false');
    expect(loadAlertSettings(storage)).toEqual(DEFAULT_ALERT_SETTINGS);
    kept.set('switchboard.console.alerts', '{"sound":"loud","title":false}');
    expect(loadAlertSettings(storage)).toEqual({ ...DEFAULT_ALERT_SETTINGS, title: false });
  });
});

describe('keymap', () => {
  const key = (over: Partial<KeyboardEvent>) => ({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, code: '', key: '', target: null, ...over });

  it('runs a bound Alt shortcut by physical key, `?` outside fields, and nothing unbound or with Ctrl', () => {
    const keymap = createKeymap();
    const ran: string[] = [];
    const unbind = keymap.bind('take-next', () => ran.push('take-next'));
    keymap.bind('help', () => ran.push('help'));
    expect(keymap.dispatch(key({ altKey: true, code: 'KeyN', key: '˜' }))).toBe(true);
    expect(keymap.dispatch(key({ key: '?', code: 'Slash', shiftKey: true }))).toBe(true);
    expect(keymap.dispatch(key({ altKey: true, ctrlKey: true, code: 'KeyN' }))).toBe(false);
    expect(keymap.dispatch(key({ altKey: true, code: 'KeyI' }))).toBe(false);
    unbind();
    expect(keymap.dispatch(key({ altKey: true, code: 'KeyN' }))).toBe(false);
    expect(ran).toEqual(['take-next', 'help']);
  });

  it('lists every shortcut the issue names, each on its own key', () => {
    expect(SHORTCUTS.map((s) => s.id).sort()).toEqual(['canned-reply', 'help', 'next-chat', 'note', 'previous-chat', 'reply', 'resolve', 'search', 'take-next', 'transfer']);
    expect(new Set(SHORTCUTS.map((s) => s.code)).size).toBe(SHORTCUTS.length);
  });
});

describe('user agent', () => {
  it.each([
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome 126', 'macOS 10.15'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68', 'Edge 126', 'Windows 10/11'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 'Firefox 127', 'Linux'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17', 'iOS 17 (phone)'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 'Chrome 126', 'Android 14 (phone)'],
    ['curl/8.5.0', 'Unknown browser', 'Unknown system'],
  ])('%s', (ua, browser, system) => {
    expect(parseUserAgent(ua)).toEqual({ browser, system });
  });
});
