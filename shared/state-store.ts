/**
 * A minimal typed state container (`getState / setState / subscribe`) for the widget and the
 * console; each side binds it to Preact with a `useStore(selector)` hook.
 */
export interface StateStore<S> {
  getState(): S;
  setState(update: Partial<S> | ((state: S) => Partial<S>)): void;
  subscribe(listener: (state: S) => void): () => void;
}

export function createStateStore<S>(initial: S): StateStore<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    getState: () => state,
    setState(update) {
      state = { ...state, ...(typeof update === 'function' ? update(state) : update) };
      for (const listener of listeners) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
