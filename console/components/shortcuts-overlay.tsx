/** The `?` overlay: every shortcut of the keymap, with those whose feature is not here yet marked so. */
import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS, type Keymap } from '../keyboard/keymap';
import { hasShortcutTarget, TARGETED_SHORTCUTS } from '../keyboard/shortcut-targets';

export function ShortcutsOverlay({ keymap, onClose }: { keymap: Keymap; onClose(): void }) {
  // A control that carries the shortcut may be missing (no chat open, a feature not built yet).
  const available = (id: (typeof SHORTCUTS)[number]['id']) => keymap.bound(id) && (!TARGETED_SHORTCUTS.includes(id) || hasShortcutTarget(id));
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, []);
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-heading">
      <div class="overlay-box">
        <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>
                  {s.label}
                  {!available(s.id) && <span class="muted"> (not available here yet)</span>}
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <kbd>Enter</kbd> / <kbd>Shift+Enter</kbd>
              </th>
              <td>Send the reply / new line</td>
            </tr>
          </tbody>
        </table>
        <button type="button" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
