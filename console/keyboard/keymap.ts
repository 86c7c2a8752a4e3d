/**
 * Every keyboard shortcut of the console, in one place: the `?` overlay lists them, one keydown
 * listener dispatches them. A feature hooks its action in with `bind(id, action)` (notes, canned
 * replies and search belong to other screens: until one is bound the overlay says "not yet").
 *
 * Alt + a letter, matched on `event.code` (the physical key), since Alt on macOS types a character
 * (Alt+N is "˜"), and plain letters belong to the reply box.
 */
export type ShortcutId = 'help' | 'next-chat' | 'previous-chat' | 'take-next' | 'reply' | 'resolve' | 'transfer' | 'note' | 'canned-reply' | 'search';

export interface Shortcut {
  id: ShortcutId;
  /** As shown in the overlay. */
  keys: string;
  label: string;
  /** `event.code` with Alt held; `help` is `?` without Alt, outside text fields. */
  code: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'next-chat', keys: 'Alt+↓', label: 'Next chat', code: 'ArrowDown' },
  { id: 'previous-chat', keys: 'Alt+↑', label: 'Previous chat', code: 'ArrowUp' },
  { id: 'take-next', keys: 'Alt+N', label: 'Take next (longest waiting in your queues)', code: 'KeyN' },
  { id: 'reply', keys: 'Alt+R', label: 'Reply (go to the reply box)', code: 'KeyR' },
  { id: 'resolve', keys: 'Alt+E', label: 'Resolve the open chat', code: 'KeyE' },
  { id: 'transfer', keys: 'Alt+T', label: 'Transfer the open chat', code: 'KeyT' },
  { id: 'note', keys: 'Alt+I', label: 'Internal note', code: 'KeyI' },
  { id: 'canned-reply', keys: 'Alt+C', label: 'Canned reply', code: 'KeyC' },
  { id: 'search', keys: 'Alt+F', label: 'Search conversations', code: 'KeyF' },
  { id: 'help', keys: '?', label: 'Show these shortcuts', code: 'Slash' },
];

export type ShortcutAction = () => void;

export interface Keymap {
  /** Hooks an action to a shortcut; returns the function that unhooks it. */
  bind(id: ShortcutId, action: ShortcutAction): () => void;
  bound(id: ShortcutId): boolean;
  /** Runs the shortcut of this key event, if any; true when one ran (the caller then prevents the default). */
  dispatch(event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code' | 'key' | 'target'>): boolean;
}

const typingIn = (target: EventTarget | null) =>
  typeof HTMLElement !== 'undefined' && target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function createKeymap(): Keymap {
  const actions = new Map<ShortcutId, ShortcutAction>();
  return {
    bind(id, action) {
      actions.set(id, action);
      return () => {
        if (actions.get(id) === action) actions.delete(id);
      };
    },
    bound: (id) => actions.has(id),
    dispatch(event) {
      if (event.ctrlKey || event.metaKey) return false;
      let shortcut: Shortcut | undefined;
      if (event.altKey) shortcut = SHORTCUTS.find((s) => s.id !== 'help' && s.code === event.code);
      else if (event.key === '?' && !typingIn(event.target)) shortcut = SHORTCUTS.find((s) => s.id === 'help');
      const action = shortcut && actions.get(shortcut.id);
      if (!action) return false;
      action();
      return true;
    },
  };
}
