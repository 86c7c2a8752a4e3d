/**
 * Shortcuts whose control lives in a component that owns its own state (the reply box, the
 * transfer and resolve buttons; the note switch, canned replies and search when they come) are
 * reached through `data-shortcut="<id>"` on that control: a field gets the focus, a button a click
 * (and a field it opens, marked `data-shortcut-field="<id>"`, the focus).
 * So a component adds a shortcut by carrying the attribute, without a prop through the workspace.
 */
import type { ShortcutId } from './keymap';

export const TARGETED_SHORTCUTS: readonly ShortcutId[] = ['reply', 'resolve', 'transfer', 'note', 'canned-reply', 'search'];

const targetOf = (id: ShortcutId) => document.querySelector<HTMLElement>(`[data-shortcut="${id}"]:not([disabled])`);

export function hasShortcutTarget(id: ShortcutId): boolean {
  return targetOf(id) !== null;
}

/** Focuses the field, or clicks the button, that carries this shortcut; false when none is on screen. */
export function activateShortcutTarget(id: ShortcutId): boolean {
  const target = targetOf(id);
  if (!target) return false;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) target.focus();
  else {
    target.focus();
    target.click();
    // A button that opens a form (Transfer) hands the focus to its first field, once it is drawn.
    focusWhenShown(`[data-shortcut-field="${id}"]`);
  }
  return true;
}

/** Focuses the element once it is drawn (the next few frames), as a re-render may not have happened yet. */
function focusWhenShown(selector: string, frames = 10): void {
  const field = document.querySelector<HTMLElement>(selector);
  if (field) field.focus();
  else if (frames > 0) requestAnimationFrame(() => focusWhenShown(selector, frames - 1));
}
