/** The console's one keydown listener: the keymap's shortcuts on the whole page. */
import { useEffect, useMemo } from 'preact/hooks';
import { createKeymap, type Keymap } from './keymap';
import { activateShortcutTarget, TARGETED_SHORTCUTS } from './shortcut-targets';

export function useShortcuts(): Keymap {
  const keymap = useMemo(() => {
    const map = createKeymap();
    for (const id of TARGETED_SHORTCUTS) map.bind(id, () => void activateShortcutTarget(id));
    return map;
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (keymap.dispatch(event)) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [keymap]);
  return keymap;
}
