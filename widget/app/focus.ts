/** Keyboard focus inside the chat window: where it goes on open, and Tab kept inside on a phone. */
const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), textarea:not(:disabled), select:not(:disabled), a[href], [tabindex]:not([tabindex="-1"])';

/** A text field first (the composer, or the leave-a-message form's name), else an action below the header, else close. */
export function focusFirst(container: ParentNode): void {
  const field = container.querySelector<HTMLElement>('input:not(:disabled), textarea:not(:disabled)');
  const action = [...container.querySelectorAll<HTMLElement>('button:not(:disabled)')].find((b) => !b.closest('header'));
  (field ?? action ?? container.querySelector<HTMLElement>(FOCUSABLE))?.focus();
}

/** Focus fell to the page (the focused element left with a screen change) while the window shows: nothing the visitor chose. */
export function focusLost(container: HTMLElement): boolean {
  const root = container.getRootNode() as Document | ShadowRoot;
  const active = root.activeElement;
  return container.getClientRects().length > 0 && (!active || !container.contains(active)) && (document.activeElement === document.body || document.activeElement === null);
}

/** Tab and Shift+Tab wrap around inside the container (a modal dialog), from its last element to its first and back. */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  const items = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const first = items[0];
  const last = items.at(-1);
  if (!first || !last) return;
  const active = (container.getRootNode() as ShadowRoot).activeElement;
  if (event.shiftKey ? active === first || !container.contains(active) : active === last) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  }
}
