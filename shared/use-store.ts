/** Browser-only: the one shared module that imports Preact; the server never imports it. */
import { useEffect, useState } from 'preact/hooks';
import type { StateStore } from './state-store';

/** Re-renders the calling component when the selected part of the store changes. */
export function useStore<S, T>(store: StateStore<S>, select: (state: S) => T): T {
  const [value, setValue] = useState(() => select(store.getState()));
  useEffect(() => store.subscribe((state) => setValue(() => select(state))), [store]);
  return value;
}
